"""Delete every object under this review app's own prefix; app.json's pr-predestroy runs it.

A review app without AWS_LOCATION keeps its static and media files under
review-apps/<HEROKU_APP_NAME>/ (config/settings/production.py). When Heroku destroys the app,
this removes that prefix. It deletes nothing anywhere else: outside a review app, or where
AWS_LOCATION is set (a prefix that other apps may share), it refuses. It touches objects only:
the parent app's prepare_bucket --review-apps made the bucket's policy and CORS rules cover
every review app, so there is nothing of this app's to take out of them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from assets.bucket_objects import AWS_ERRORS, BucketError, delete_objects, list_objects
from assets.clients import bucket_client
from assets.iam import missing_permission


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
        except (BucketError, *AWS_ERRORS) as error:
            hint = missing_permission(error)
            raise SystemExit(f"Deleting s3://{bucket}/{prefix}/ failed: {error}. {hint}") from None
        size = sum(item.size for item in objects) / 1e6
        self.stdout.write(f"Deleted {len(objects)} object(s), {size:.2f} MB, under {prefix}/.")
