"""The production site with its static files served from its own disk (/static/) instead of S3:
what the page-render benchmark compares production against."""

from config.settings.production import *  # noqa: F403

STATIC_URL = "/static/"
