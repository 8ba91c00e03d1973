"""collectstatic, the command Heroku runs at build time, extended to do the whole job.

1. Collect into STATIC_ROOT with the manifest storage (Django's own command: content-hashed
   names, CSS url()s rewritten; see assets/storage.py for references to missing files).
2. Compress the {% compress %} blocks offline into STATIC_ROOT/CACHE (django-compressor).
3. Publish STATIC_ROOT to the bucket (publish_static), when ASSETS_PUBLISH_TO_S3 is on, so a
   broken bucket fails the build rather than the release. The bucket's listing starts before
   step 1, in a thread, so its round trips pass while the files are collected.
"""

from __future__ import annotations

from pathlib import Path

from compressor.management.commands import compress
from django.conf import settings
from django.contrib.staticfiles.management.commands import collectstatic
from django.core.management import call_command

from assets.compress_log import CompressLog
from assets.ends_process import EndsProcess
from assets.release_id import release_id


class Command(EndsProcess, collectstatic.Command):
    help = "Collect static files; in production also compress them offline and publish to S3."

    def handle(self, **options):
        publishing = settings.ASSETS_PUBLISH_TO_S3 and not options["dry_run"]
        listing = start_listing() if publishing else None
        summary = super().handle(**options)
        if summary:
            self.stdout.write(summary.strip())
        if options["dry_run"]:
            return
        if settings.COMPRESS_ENABLED and settings.COMPRESS_OFFLINE:
            self.compress(options["verbosity"])
            if "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE:
                # Only in projects baked with static_hosting=whitenoise, which have the module.
                from assets.whitenoise_files import compress_bundles

                compress_bundles(Path(settings.STATIC_ROOT))
        if publishing:
            # Only where static files go to S3 (static_hosting=s3), which has the module.
            from assets.release_indexes import write_release_index

            # Before the publish, which uploads the index with its files.
            write_release_index(Path(settings.STATIC_ROOT), release_id())
            call_command("publish_static", verbosity=options["verbosity"], listing=listing)

    def compress(self, verbosity: int) -> None:
        # Called directly: only the command itself takes compressor's `log` option.
        log = CompressLog(self.stdout, verbose=verbosity >= 2)
        compress.Command().handle(force=True, verbosity=max(verbosity, 1), log=log)
        log.summarise()


def start_listing():
    """The bucket's listing, under way while the files are collected. publish_static exists only
    where static files go to S3 (static_hosting=s3), so it is imported only then."""
    from assets.management.commands.publish_static import Listing

    return Listing.start()
