"""Delete the static files that none of the last STATIC_RELEASES_KEPT releases reference.

Dry run by default: it prints what it would delete. `--apply` deletes. What stays:
- every name listed by the newest STATIC_RELEASES_KEPT release indexes (assets/release_indexes.py),
  so a rollback or a rolling deploy within that many releases finds all of its files;
- every name of the release running this command (its own STATIC_ROOT), even after a rollback
  to a release older than those;
- anything changed in the last --grace seconds (default one hour): a build may be uploading.
Only this app's static prefix is listed, so other apps' prefixes and media are never touched.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from assets.bucket_objects import AWS_ERRORS, BucketError, delete_objects
from assets.clients import bucket_client
from assets.iam import missing_permission
from assets.publish import local_files
from assets.release_indexes import plan_prune


class Command(BaseCommand):
    help = "Delete static files no recent release references (a dry run unless --apply)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--apply", action="store_true", help="delete, not just report")
        parser.add_argument(
            "--grace",
            type=int,
            default=3600,
            help="keep objects changed in the last this many seconds (default 3600)",
        )

    def handle(self, **options) -> None:
        self.verbosity = options["verbosity"]
        if not settings.ASSETS_PUBLISH_TO_S3:
            self.stdout.write("Nothing to prune: these settings keep static files on this machine.")
            return
        bucket, prefix = settings.AWS_STORAGE_BUCKET_NAME, settings.STATIC_LOCATION
        keep = settings.STATIC_RELEASES_KEPT
        client = bucket_client(workers=1)
        newer_than = datetime.now(UTC) - timedelta(seconds=options["grace"])
        try:
            plan = plan_prune(client, bucket, prefix, keep, self.running_release(), newer_than)
            self.refuse_if_too_few(plan, keep, prefix)
            self.report(plan, bucket, prefix, options["apply"])
            if options["apply"]:
                delete_objects(client, bucket, [item.key for item in plan.delete])
        except (BucketError, *AWS_ERRORS) as error:
            hint = missing_permission(error)
            raise SystemExit(f"Pruning s3://{bucket}/{prefix}/ failed: {error}. {hint}") from None

    def running_release(self) -> set[str]:
        root = Path(settings.STATIC_ROOT)
        return {file.name for file in local_files(root)} if root.is_dir() else set()

    def refuse_if_too_few(self, plan, keep: int, prefix: str) -> None:
        """Releases published before indexes existed have none: until `keep` releases have one,
        nothing tells what a rollback would need, so nothing is deleted."""
        if len(plan.kept_releases) < keep:
            raise SystemExit(
                f"Nothing pruned: only {len(plan.kept_releases)} release(s) under {prefix}/ have "
                f"an index, and STATIC_RELEASES_KEPT is {keep}. Pruning starts once {keep} "
                "releases have been published."
            )

    def report(self, plan, bucket: str, prefix: str, apply: bool) -> None:
        verb = "Deleting" if apply else "Would delete"
        for item in plan.delete if self.verbosity >= 2 else []:
            self.stdout.write(f"  {item.key} ({item.size} bytes)")
        self.stdout.write(
            f"{verb} {len(plan.delete)} object(s), {plan.bytes / 1e6:.2f} MB, under "
            f"s3://{bucket}/{prefix}/; keeping {plan.kept} referenced by releases "
            f"{', '.join(plan.kept_releases)} and the running release."
        )
        if not apply:
            self.stdout.write("Dry run: nothing deleted. Run with --apply to delete.")
