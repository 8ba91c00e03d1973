"""Publish the collected tree in this slug to the bucket; the Procfile's release phase runs it.

collectstatic runs the same publish at build time. Running it again in the release phase
publishes whatever the bucket and prefix of the *current* config vars lack before any dyno
serves the release: a slug promoted from staging to production, a rollback, a new bucket,
AWS_LOCATION or CDN. On an unchanged slug it only lists the prefix (one request per 1,000
objects) and uploads nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.management.base import BaseCommand

from assets.cdn import invalidate
from assets.clients import (
    anonymous_read_refused,
    bucket_client,
    bucket_uploads,
    cloudfront_client,
)
from assets.ends_process import EndsProcess
from assets.iam import missing_permission
from assets.publish import (
    LocalFile,
    PublishError,
    Report,
    list_in_background,
    listed,
    local_files,
    publish,
)
from assets.release_id import STATIC_MANIFEST, release_id

PROGRESS_EVERY = 2.0  # seconds between progress lines


@dataclass(frozen=True)
class Listing:
    """The bucket's client and its listing of the static prefix, under way in a thread."""

    client: object
    etags: Future[dict[str, str]]

    @classmethod
    def start(cls) -> Listing:
        client = bucket_client(workers=1)  # it lists; assets/crt_uploads.py uploads
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        return cls(client, list_in_background(client, bucket, prefix))


class Command(EndsProcess, BaseCommand):
    help = "Upload what the bucket lacks of the static files collected in STATIC_ROOT."
    # collectstatic starts the listing before it collects and hands it over (Listing).
    stealth_options = ("listing",)

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
        listing = options.get("listing") or Listing.start()
        files = local_files(root)
        try:
            remote = listed(listing.client, bucket, prefix, listing.etags)
            check_public_read = self.start_public_read_check(files, remote)
            report = publish(
                listing.client,
                bucket,
                prefix,
                root,
                bucket_uploads(listing.client, bucket),
                self.progress(),
                remote,
                files,
            )
        except PublishError as error:
            check = missing_permission(error) or (
                "Check AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL and the credentials."
            )
            raise SystemExit(
                f"Publishing static files to s3://{bucket}/{prefix}/ failed: {error}\n"
                "The site is unaffected: the running release serves its own, complete files. "
                f"{check} Then run python manage.py publish_static; files that already arrived "
                "are skipped."
            ) from error
        self.stdout.write(self.style.SUCCESS(summary_line(report)))
        check_public_read()
        if settings.CLOUDFRONT_DISTRIBUTION_ID and report.changed_unhashed:
            self.invalidate(prefix, report.changed_unhashed)

    def start_public_read_check(
        self, files: list[LocalFile], remote: dict[str, str]
    ) -> Callable[[], None]:
        """Browsers must be able to read what was published: a bucket policy written for
        another prefix (AWS_LOCATION changed since prepare_bucket ran) would leave every page
        unstyled. One anonymous GET of a file browsers certainly fetch (the smallest non-empty
        stylesheet or script) tells. With a CDN in front, the bucket may rightly refuse
        anonymous reads, so there is nothing to check here.

        If that file is on the bucket already, the GET goes out now, beside the uploads;
        otherwise once they are done. Returns the function that waits for the answer and
        stops the command if browsers are refused."""
        if settings.AWS_S3_CUSTOM_DOMAIN or not files:
            return lambda: None
        probe = public_read_probe(files)
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        key = f"{prefix}/{probe.name}"
        early = None
        if key in remote:
            early = ThreadPoolExecutor(1).submit(anonymous_read_refused, bucket, key)

        def finish() -> None:
            refused = early.result() if early else anonymous_read_refused(bucket, key)
            if refused:
                self.refuse(probe.name, refused)

        return finish

    def refuse(self, name: str, refused: str) -> None:
        if getattr(settings, "REVIEW_APP_LOCATION", ""):
            fix = (
                "every review app's files readable: on the pipeline's parent app, run python "
                "manage.py prepare_bucket --review-apps https://<app prefix>-pr-*.herokuapp.com "
                "once (README, Review apps)"
            )
        else:
            fix = (
                f"{settings.STATIC_LOCATION}/ publicly readable: run python manage.py "
                "prepare_bucket with these config vars and an admin's keys"
            )
        raise SystemExit(
            f"The files are published, but browsers cannot read them ({refused} for "
            f"{settings.STATIC_URL}{name}), so pages would show without styles, scripts or "
            f"images. Make {fix}, then release again."
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


def public_read_probe(files: list[LocalFile]) -> LocalFile:
    """The file the public-read check fetches: one that pages load (a stylesheet or script),
    and not an empty one, which third-party apps do ship and S3 answers a ranged GET of with
    416. Any non-empty file, then any file, where a tree has no such file."""
    sizes = {file.name: file.path.stat().st_size for file in files}
    loaded = [file for file in files if sizes[file.name] and file.name.endswith((".css", ".js"))]
    candidates = loaded or [file for file in files if sizes[file.name]] or files
    return min(candidates, key=lambda file: sizes[file.name])
