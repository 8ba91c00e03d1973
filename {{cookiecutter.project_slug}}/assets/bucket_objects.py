"""Listing and deleting the objects under a prefix: for pruning and for a review app's clean-up.

Both static_hosting values keep these (a review app's media is on the bucket either way).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from boto3.exceptions import Boto3Error
from botocore.exceptions import BotoCoreError, ClientError

from assets.iam import permission_hint

# What a failed request can raise: botocore's errors, and boto3's wrapper around them for uploads.
AWS_ERRORS = (BotoCoreError, ClientError, Boto3Error)


class BucketError(Exception):
    """Listing, reading or deleting failed (after the client's retries)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified: datetime


def list_objects(client, bucket: str, prefix: str) -> list[StoredObject]:
    """Every object under `prefix/` (the slash keeps `static2/` out of `static`'s listing)."""
    found = []
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/")
    for page in pages:
        for item in page.get("Contents", []):
            found.append(StoredObject(item["Key"], item["Size"], item["LastModified"]))
    return found


def delete_objects(client, bucket: str, keys: list[str]) -> None:
    """Delete in batches of 1,000, the most one DeleteObjects request takes. S3 reports a key it
    refused inside a successful answer, so those are errors too."""
    for start in range(0, len(keys), 1000):
        batch = [{"Key": key} for key in keys[start : start + 1000]]
        answer = client.delete_objects(Bucket=bucket, Delete={"Objects": batch, "Quiet": True})
        if answer.get("Errors"):
            first = answer["Errors"][0]
            denied = permission_hint("DeleteObjects") if first.get("Code") == "AccessDenied" else ""
            raise BucketError(
                f"{len(answer['Errors'])} object(s) were not deleted, such as "
                f"{first.get('Key')} ({first.get('Code')}: {first.get('Message')}). {denied}"
            )
