"""moto's IAM enforcement, made to authorize S3 requests as S3 does (DESIGN.md, "IAM, enforced").

Loaded by the test S3 server (s3server.py --iam N) before it serves. moto 5.2.5 enforces IAM
policies once its first N requests are spent, but for S3 it differs from AWS where the project
relies on AWS's behaviour; each difference was confirmed with a boto3 probe:

- a request without an Authorization header (a browser's anonymous GET, a presigned GET or a
  presigned POST) gets a 500: here an anonymous one is left to the bucket's policy, which moto's
  object handlers check, and a presigned one is authorized as the key that signed it;
- DeleteObjects and form (POST) uploads are checked against the bucket's ARN: here against each
  object's, as S3 does;
- HeadBucket and the public-access block ask for actions no policy can grant (s3:HeadBucket,
  s3:CreateBucket): here s3:ListBucket and s3:PutBucketPublicAccessBlock, S3's own;
- CopyObject needs s3:GetObject on its source too.

Signatures of header-signed requests are still checked by moto; presigned ones are checked only
for their key (the policy question is what these tests ask).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any
from urllib.parse import unquote, urlparse

from moto import settings
from moto.core.authorization import ActionAuthenticatorMixin
from moto.iam.access_control import S3IAMRequest

# moto's name of an S3 request -> the permission S3 checks for it.
S3_PERMISSIONS = {
    "HeadBucket": "ListBucket",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
}
# Bucket sub-resources whose PUT moto names after the bucket's creation.
PUT_SUBRESOURCES = {"publicAccessBlock": "PutBucketPublicAccessBlock"}


def install() -> None:
    ActionAuthenticatorMixin._authenticate_and_authorize_s3_action = authorize_as_s3  # type: ignore[method-assign]


def authorize_as_s3(self: Any, bucket_name: str | None = None, key_name: str | None = None) -> None:
    if ActionAuthenticatorMixin.request_count < settings.INITIAL_NO_AUTH_ACTION_COUNT:
        ActionAuthenticatorMixin.request_count += 1
        return
    header_signed = "Authorization" in self.headers
    credential = _credential(self)
    if credential is None:
        return  # anonymous: the bucket's policy alone decides, as on S3
    for permission, resource in _permissions(self, bucket_name, key_name):
        headers = self.headers if header_signed else _authorization(credential)
        request = S3IAMRequest(
            account_id=self.current_account,
            method=self.method,
            path=_path(self),
            data=self.data,
            body=self.raw_body,
            headers=headers,
            action=permission,
        )
        if header_signed:
            request.check_signature()
        request.check_action_permitted(resource)


def _credential(self: Any) -> str | None:
    found = re.search(r"Credential=([^,\s]+)", self.headers.get("Authorization", ""))
    if found:
        return found.group(1)
    for name in ("X-Amz-Credential", "x-amz-credential"):
        if self.querystring.get(name):
            return str(self.querystring[name][0])
    return None


def _authorization(credential: str) -> dict[str, str]:
    """What moto's IAM request reads the key, region and service from."""
    return {"Authorization": f"AWS4-HMAC-SHA256 Credential={credential}, Signature=presigned"}


def _path(self: Any) -> str:
    query = urlparse(self.uri).query
    return self.raw_path + (f"?{query}" if query else "")


def _permissions(self: Any, bucket: str | None, key: str | None) -> list[tuple[str, str]]:
    """The (permission, resource ARN) pairs S3 checks for this request."""
    bucket_arn = f"arn:aws:s3:::{bucket or '*'}"
    query = self.querystring
    if self.method == "POST" and not key and "delete" in query:
        return [("DeleteObject", f"{bucket_arn}/{name}") for name in _keys_to_delete(self)]
    if self.method == "POST" and not key and query.get("key"):
        return [("PutObject", f"{bucket_arn}/{query['key'][0]}")]
    action = self._get_action()
    if self.method == "PUT" and not key:
        action = next((p for sub, p in PUT_SUBRESOURCES.items() if sub in query), action)
    resource = f"{bucket_arn}/{key}" if key else bucket_arn
    permissions = [(S3_PERMISSIONS.get(action, action), resource)]
    source = self.headers.get("x-amz-copy-source")
    if source:
        copied = unquote(source.lstrip("/").split("?")[0])
        permissions.append(("GetObject", f"arn:aws:s3:::{copied}"))
    return permissions


def _keys_to_delete(self: Any) -> list[str]:
    root = ElementTree.fromstring(self.raw_body)
    return [element.text or "" for element in root.iter() if element.tag.endswith("Key")]
