"""Only the local collect (Django's manifest storage, to disk): no compression, no upload.

It gives the tree a release must put on the bucket (the benchmark's correctness reference) and
the local part of the physical limit.
"""

import os

from config.settings.production import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
COMPRESS_OFFLINE = False
ASSETS_PUBLISH_TO_S3 = False
