"""Delete every object under this review app's own prefix; app.json's pr-predestroy runs it.

A review app without AWS_LOCATION keeps its static and media files under
review-apps/<HEROKU_APP_NAME>/ (config/settings/production.py). When Heroku destroys the app,
this removes that prefix. It deletes nothing anywhere else: outside a review app, or where
AWS_LOCATION is set (a prefix that other apps may share), it refuses.
"""

from __future__ import annotations

import json

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.management.base import BaseCommand

from assets.bucket_access import (
    cors_rule,
    current_cors_rules,
    current_policy,
    merged_policy,
    read_statement,
)
from assets.clients import bucket_client
from assets.publish import AWS_ERRORS
from assets.releases import PruneError, delete_objects, list_objects


class Command(BaseCommand):
    help = "Delete this review app's files from the bucket (its review-apps/<name>/ prefix)."

    def handle(self, **options) -> None:
        prefix = getattr(settings, "REVIEW_APP_LOCATION", "")
        if not prefix:
            raise SystemExit(
                "Nothing deleted: this is not a review app with a prefix of its own (it needs "
                "HEROKU_PR_NUMBER and HEROKU_APP_NAME, and no AWS_LOCATION, which other apps "
                "may share)."
            )
        bucket = settings.AWS_STORAGE_BUCKET_NAME
        client = bucket_client(workers=1)
        try:
            objects = list_objects(client, bucket, prefix)
            delete_objects(client, bucket, [item.key for item in objects])
        except (PruneError, *AWS_ERRORS) as error:
            raise SystemExit(f"Deleting s3://{bucket}/{prefix}/ failed: {error}") from None
        size = sum(item.size for item in objects) / 1e6
        self.stdout.write(f"Deleted {len(objects)} object(s), {size:.2f} MB, under {prefix}/.")
        try:
            retire_access(client, bucket)
        except ClientError as error:
            self.stdout.write(f"The bucket's policy and CORS rules were left as they are: {error}")


def retire_access(client, bucket: str) -> None:
    """Take this app's statements out of the bucket policy and its rule out of the CORS rules
    (prepare_bucket added them); other apps' stay. A policy holds at most 20 KB, so statements
    of destroyed review apps must not pile up."""
    policy = current_policy(client, bucket)
    if policy:
        prefixes = (settings.STATIC_LOCATION, settings.MEDIA_LOCATION)
        retired = [read_statement(bucket, prefix)["Sid"] for prefix in prefixes]
        policy = merged_policy(policy, [], retired)
        if policy["Statement"]:
            client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
        else:
            client.delete_bucket_policy(Bucket=bucket)
    rules = current_cors_rules(client, bucket)
    if not rules:
        return
    ours = cors_rule(settings.STATIC_LOCATION, [])["ID"]
    kept = [rule for rule in rules if rule.get("ID") != ours]
    if kept:
        client.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": kept})
    else:
        client.delete_bucket_cors(Bucket=bucket)
