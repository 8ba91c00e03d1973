"""Publish the collected tree in this slug to the bucket; the Procfile's release phase runs it.

collectstatic runs the same publish at build time. Running it again in the release phase
publishes whatever the bucket and prefix of the *current* config vars lack before any dyno
serves the release: a slug promoted from staging to production, a rollback, a new bucket,
AWS_LOCATION or CDN. On an unchanged slug it only lists the prefix (one request per 1,000
objects) and uploads nothing.
"""

from __future__ import annotations

import time
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand

from assets.cdn import invalidate
from assets.clients import anonymous_read_refused, bucket_client, cloudfront_client
from assets.publish import STATIC_MANIFEST, PublishError, Report, local_files, publish
from assets.release import release_id

WORKERS = 16
PROGRESS_EVERY = 2.0  # seconds between progress lines


class Command(BaseCommand):
    help = "Upload what the bucket lacks of the static files collected in STATIC_ROOT."

    def handle(self, **options) -> None:
        if not settings.ASSETS_PUBLISH_TO_S3:
            self.stdout.write("Nothing to publish: these settings serve static files locally.")
            return
        root = Path(settings.STATIC_ROOT)
        if not (root / STATIC_MANIFEST).exists():
            # SystemExit, not CommandError: Heroku runs commands with --traceback, and a
            # traceback would bury the one line that says what to do.
            raise SystemExit(
                f"Nothing to publish: {root} holds no collected files ({STATIC_MANIFEST} is "
                "missing). Run python manage.py collectstatic --noinput first (Heroku runs it "
                "in every build)."
            )
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        self.stdout.write(f"Publishing release {release_id(root)} to s3://{bucket}/{prefix}/ ...")
        try:
            report = publish(bucket_client(WORKERS), bucket, prefix, root, WORKERS, self.progress())
        except PublishError as error:
            raise SystemExit(
                f"Publishing static files to s3://{bucket}/{prefix}/ failed: {error}\n"
                "The site is unaffected: the running release serves its own, complete files. "
                "Check AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the credentials, then "
                "run python manage.py publish_static; files that already arrived are skipped."
            ) from error
        self.stdout.write(self.style.SUCCESS(summary_line(report)))
        self.check_public_read(root)
        if settings.CLOUDFRONT_DISTRIBUTION_ID and report.changed_unhashed:
            self.invalidate(prefix, report.changed_unhashed)

    def check_public_read(self, root: Path) -> None:
        """Browsers must be able to read what was published: a bucket policy written for
        another prefix (AWS_LOCATION changed since prepare_bucket ran) would leave every page
        unstyled. One anonymous GET of the smallest published file tells. With a CDN in front,
        the bucket may rightly refuse anonymous reads, so there is nothing to check here."""
        if settings.AWS_S3_CUSTOM_DOMAIN:
            return
        smallest = min(local_files(root), key=lambda file: file.path.stat().st_size)
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        refused = anonymous_read_refused(bucket, f"{prefix}/{smallest.name}")
        if refused:
            raise SystemExit(
                f"The files are published, but browsers cannot read them ({refused} for "
                f"{settings.STATIC_URL}{smallest.name}), so pages would show without styles, "
                f"scripts or images. Make {prefix}/ publicly readable: run python manage.py "
                "prepare_bucket with these config vars (heroku run python manage.py "
                "prepare_bucket), then release again."
            )

    def invalidate(self, prefix: str, names: list[str]) -> None:
        distribution = settings.CLOUDFRONT_DISTRIBUTION_ID
        try:
            paths = invalidate(cloudfront_client(), distribution, prefix, names)
        except (BotoCoreError, ClientError) as error:
            raise SystemExit(
                f"The files are published, but invalidating CloudFront distribution "
                f"{distribution} failed: {error}\nPages are unaffected (they use hashed names); "
                "the changed unhashed files reach the CDN when its cached copies expire. "
                "Check CLOUDFRONT_DISTRIBUTION_ID."
            ) from error
        self.stdout.write(f"Invalidated {len(paths)} CloudFront path(s).")

    def progress(self):
        last = time.monotonic()

        def report(done: int, total: int, sent: int) -> None:
            nonlocal last
            if done == total or time.monotonic() - last >= PROGRESS_EVERY:
                last = time.monotonic()
                self.stdout.write(f"  uploaded {done}/{total} files, {sent / 1e6:.1f} MB")

        return report


def summary_line(report: Report) -> str:
    return (
        f"Published: {len(report.uploaded)} uploaded, {report.skipped} skipped (already there), "
        f"{report.bytes / 1e6:.1f} MB in {report.seconds:.1f} s."
    )
