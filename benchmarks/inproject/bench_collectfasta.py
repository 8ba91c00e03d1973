"""(b) collectfasta with the strategy its README recommends for S3ManifestStaticStorage.

Two passes (hash in memory, then upload what differs) and parallel uploads. Parallel uploads
need a thread-safe cache: Django's LocMemCache is one (Django's docs say so, though collectfasta's
README asks for another backend). Its FileBasedCache lists its whole folder on every write to
cull it, which made collectfasta quadratic here (over 8 minutes at 5,000 files). A Heroku build
starts with an empty cache either way, and the remote ETags come from one LIST, not the cache.

BENCH_COLLECTFASTA_THREADS sets its thread count (20, its README's example, by default); the
client's connection pool is sized to match so that no thread waits for a connection.
"""

import os

from bench_stock import *  # noqa: F403
from bench_stock import AWS_S3_CLIENT_CONFIG, INSTALLED_APPS
from botocore.config import Config

INSTALLED_APPS = ["collectfasta", *INSTALLED_APPS]
COLLECTFASTA_STRATEGY = "collectfasta.strategies.boto3.Boto3ManifestMemoryStrategy"
COLLECTFASTA_THREADS = int(os.environ.get("BENCH_COLLECTFASTA_THREADS", "20"))
AWS_S3_CLIENT_CONFIG = AWS_S3_CLIENT_CONFIG.merge(Config(max_pool_connections=COLLECTFASTA_THREADS))
COLLECTFASTA_CACHE = "collectfasta"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "collectfasta": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "collectfasta",
        "TIMEOUT": None,
        # Its README: raise MAX_ENTRIES above the number of files, or it gets slow.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
