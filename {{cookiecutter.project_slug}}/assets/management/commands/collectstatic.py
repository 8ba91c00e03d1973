"""collectstatic, the command Heroku runs at build time, extended to do the whole job.

1. Collect into STATIC_ROOT with the manifest storage (Django's own command: content-hashed
   names, CSS url()s rewritten).
2. Compress the {% compress %} blocks offline into STATIC_ROOT/CACHE (django-compressor).
3. Publish STATIC_ROOT to the bucket (assets/publish.py), when ASSETS_PUBLISH_TO_S3 is on.
"""

from __future__ import annotations

import time
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.contrib.staticfiles.management.commands import collectstatic
from django.core.management import CommandError, call_command

from assets.cdn import invalidate
from assets.clients import bucket_client, cloudfront_client
from assets.publish import PublishError, Report, publish
from assets.release import release_id

WORKERS = 16
PROGRESS_EVERY = 2.0  # seconds between progress lines


class Command(collectstatic.Command):
    help = "Collect static files; in production also compress them offline and publish to S3."

    def handle(self, **options):
        summary = super().handle(**options)
        if summary:
            self.stdout.write(summary.strip())
        if options["dry_run"]:
            return
        if settings.COMPRESS_ENABLED and settings.COMPRESS_OFFLINE:
            call_command("compress", force=True, verbosity=options["verbosity"])
        if settings.ASSETS_PUBLISH_TO_S3:
            self.publish()

    def publish(self) -> None:
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        release = release_id(Path(settings.STATIC_ROOT))
        self.stdout.write(f"Publishing release {release} to s3://{bucket}/{prefix}/ ...")
        try:
            report = publish(
                bucket_client(WORKERS),
                bucket,
                prefix,
                Path(settings.STATIC_ROOT),
                WORKERS,
                self.progress(),
            )
        except PublishError as error:
            raise CommandError(
                f"Publishing static files to s3://{bucket}/{prefix}/ failed: {error}\n"
                "The site is unaffected: the running release serves its own, complete files. "
                "Run collectstatic again to finish; files that already arrived are skipped."
            ) from error
        self.stdout.write(self.style.SUCCESS(summary_line(report)))
        if settings.CLOUDFRONT_DISTRIBUTION_ID and report.changed_unhashed:
            self.invalidate(prefix, report.changed_unhashed)

    def invalidate(self, prefix: str, names: list[str]) -> None:
        distribution = settings.CLOUDFRONT_DISTRIBUTION_ID
        try:
            paths = invalidate(cloudfront_client(), distribution, prefix, names)
        except (BotoCoreError, ClientError) as error:
            raise CommandError(
                f"The files are published, but invalidating CloudFront distribution "
                f"{distribution} failed: {error}\nPages are unaffected (they use hashed names); "
                "the changed unhashed files reach the CDN when its cached copies expire."
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
