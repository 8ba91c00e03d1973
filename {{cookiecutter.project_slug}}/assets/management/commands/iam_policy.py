"""Print the IAM policy of the app's keys, or of the administrator who runs prepare_bucket.

    python manage.py iam_policy --bucket my-site-assets               # the app's
    python manage.py iam_policy --bucket my-site-assets --prefix review-apps   # review apps'
    python manage.py iam_policy --bucket my-site-assets --admin      # prepare_bucket's

Paste the JSON as an inline policy of the IAM user whose keys the app (or the admin) uses. The
lists live in assets/iam.py, which the README's policies are checked against.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from assets.iam import admin_policy, app_policy


class Command(BaseCommand):
    help = "Print the IAM policy the app's keys need (or, with --admin, prepare_bucket's)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bucket", help="the bucket (default: AWS_STORAGE_BUCKET_NAME)")
        parser.add_argument("--prefix", default="", help="object rights under this prefix only")
        parser.add_argument("--admin", action="store_true", help="the bucket admin's policy")

    def handle(self, *, bucket: str | None, prefix: str, admin: bool, **options) -> None:
        bucket = bucket or getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")
        if not bucket:
            raise CommandError("Name the bucket: --bucket NAME (or set AWS_STORAGE_BUCKET_NAME).")
        if admin and prefix:
            raise CommandError("--prefix narrows the app's policy; the admin's covers the bucket.")
        document = admin_policy(bucket) if admin else app_policy(bucket, prefix)
        self.stdout.write(json.dumps(document, indent=2))
