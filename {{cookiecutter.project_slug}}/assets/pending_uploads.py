"""Direct uploads that are never recorded go away by themselves.

The browser posts a direct upload under MEDIA_LOCATION/pending/; the site's record step checks
it there and copies it to its final key under uploads/ (the site app's direct_uploads.py). A
file whose page never asked the site to record it (a closed tab, a script that stopped, someone
who only wanted the presigned POST) stays under pending/, where a lifecycle rule on the bucket
deletes it a day later. The bucket runs the rule: no scheduler, no dyno, no credentials to
delete with, and it keeps working when nobody remembers it. prepare_bucket sets it, merged
into the bucket's rules like its policy statement: apps sharing a bucket each keep their own.
"""

from __future__ import annotations

from collections.abc import Callable

from assets.bucket_access import prefix_id, unless_unset

PENDING = "pending"  # under the media prefix
EXPIRE_AFTER_DAYS = 1  # S3's lifecycle rules count in whole days


def pending_prefix(media_location: str) -> str:
    return f"{media_location}/{PENDING}/"


def expiry_rule(prefix: str) -> dict:
    """Delete the objects under `prefix` a day after they were written. The ID is a hash of
    the exact prefix, so two apps' rules (my-site-pr-12, my-site-pr12) never share one."""
    return {
        "ID": f"expire-pending-uploads-{prefix_id(prefix)}",
        "Filter": {"Prefix": prefix},
        "Status": "Enabled",
        "Expiration": {"Days": EXPIRE_AFTER_DAYS},
    }


def current_lifecycle_rules(client, bucket: str) -> list[dict]:
    return unless_unset(
        lambda: client.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"],
        "NoSuchLifecycleConfiguration",
        [],
    )


def expire_pending_uploads(client, bucket: str, media_location: str) -> None:
    """Set this app's expiry rule; keep every other rule of the bucket."""
    ours = expiry_rule(pending_prefix(media_location))
    rules = [r for r in current_lifecycle_rules(client, bucket) if r.get("ID") != ours["ID"]]
    client.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [*rules, ours]}
    )


def expiry_step(client, bucket: str, media_location: str) -> tuple[str, str, Callable[[], None]]:
    """prepare_bucket's step: what it does, what to do where the store refuses, and the call."""
    prefix = pending_prefix(media_location)
    return (
        f"a lifecycle rule deletes direct uploads never recorded ({prefix}) after a day",
        f"add a lifecycle rule that expires objects under {prefix} after a day in the "
        "provider's console, or leave DIRECT_UPLOADS off",
        lambda: expire_pending_uploads(client, bucket, media_location),
    )
