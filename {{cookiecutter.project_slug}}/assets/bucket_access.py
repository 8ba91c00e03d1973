"""Who may read the bucket: this app's statements in its policy and its rules in its CORS.

Several apps can share one bucket under different AWS_LOCATIONs (staging and production), and
its owner may have statements of their own. So prepare_bucket never replaces the bucket's policy
or CORS configuration: it replaces only its own statements and rules, which it finds by their
Sid and ID (a hash of the exact key prefix, so two prefixes never share one), and keeps the rest.

Only prepare_bucket, run by the bucket's administrator, edits them. Review apps get theirs from
the parent app's run (`prepare_bucket --review-apps ORIGIN`): one statement and one CORS rule
for every review app's prefix, so nothing a review app runs changes the bucket's access, and no
two review apps edit the policy at once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from botocore.exceptions import ClientError

LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}
# Review apps keep their files under review-apps/<app name>/ (config/settings/production.py).
REVIEW_APPS_PREFIX = "review-apps"
REVIEW_APPS_STATIC = f"{REVIEW_APPS_PREFIX}/*/static"


def prefix_id(prefix: str) -> str:
    """Ids for a Sid, a CORS rule or a lifecycle rule: letters and digits only (IAM's rule),
    unique per exact prefix."""
    return hashlib.sha256(prefix.encode()).hexdigest()[:24]


def legacy_ids(prefix: str) -> list[str]:
    """The ids earlier versions derived from a prefix (title case, punctuation dropped, so
    `pr-12` and `pr12` collided): retired when prepare_bucket writes the new ones."""
    old = re.sub(r"[^A-Za-z0-9]", "", prefix.title())
    return [f"PublicRead{old}", f"SiteOrigins{old}"]


def read_statement(bucket: str, prefix: str) -> dict:
    """Anyone may GET the objects under `prefix/` (`*` matches any one app's name); nothing else."""
    return {
        "Sid": f"PublicRead{prefix_id(prefix)}",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/{prefix}/*",
    }


def merged_policy(current: dict | None, ours: list[dict], retired: list[str]) -> dict:
    """`current` with the statements named in `retired` and those of `ours` replaced by `ours`."""
    replaced = {statement["Sid"] for statement in ours} | set(retired)
    kept = [s for s in (current or {}).get("Statement", []) if s.get("Sid") not in replaced]
    return {"Version": "2012-10-17", **(current or {}), "Statement": [*kept, *ours]}


def site_origins(hosts: list[str], trusted: list[str]) -> list[str]:
    """The origins the site's pages are served from, derived from ALLOWED_HOSTS and
    CSRF_TRUSTED_ORIGINS: https for every host (a leading dot covers subdomains), and any port of
    plain http for loopback hosts, where production settings are tried locally."""
    origins = []
    for host in hosts:
        if host == "*":
            continue
        if host.startswith("."):
            origins += [f"https://{host[1:]}", f"https://*{host}"]
        else:
            origins.append(f"https://{host}")
        if host in LOOPBACK:
            origins.append(f"http://{host}:*")
    return list(dict.fromkeys([*origins, *trusted]))


def cors_rule(prefix: str, origins: list[str]) -> dict:
    """Browsers on the site's pages may read the static files (web fonts need this)."""
    return {
        "ID": f"SiteOrigins{prefix_id(prefix)}",
        "AllowedMethods": ["GET", "HEAD"],
        "AllowedOrigins": origins,
        "AllowedHeaders": ["*"],
        "MaxAgeSeconds": 86400,
    }


def unless_unset(read: Callable[[], Any], unset_code: str, default: Any) -> Any:
    """What `read` returns, or `default` where S3 answers `unset_code` (the bucket has no such
    setting yet); any other error is raised."""
    try:
        return read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != unset_code:
            raise
        return default


def current_policy(client, bucket: str) -> dict | None:
    """The bucket's policy, or None where it has none yet."""
    policy = unless_unset(
        lambda: client.get_bucket_policy(Bucket=bucket)["Policy"], "NoSuchBucketPolicy", None
    )
    return json.loads(policy) if policy else None


def current_cors_rules(client, bucket: str) -> list[dict]:
    """The bucket's CORS rules, or none where it has no CORS configuration yet."""
    return unless_unset(
        lambda: client.get_bucket_cors(Bucket=bucket)["CORSRules"], "NoSuchCORSConfiguration", []
    )


def merged_cors(current: list[dict], ours: dict, retired: list[str] | None = None) -> list[dict]:
    replaced = {ours["ID"], *(retired or [])}
    return [*(rule for rule in current if rule.get("ID") not in replaced), ours]
