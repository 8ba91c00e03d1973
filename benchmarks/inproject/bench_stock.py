"""(a) Stock Django collectstatic with django-storages' S3ManifestStaticStorage.

Production settings, with the `assets` app taken out (so Django's own collectstatic runs) and
static files stored straight on the bucket, as django-storages documents it. Written into the
baked project by benchmarks/publish.py; selected with DJANGO_SETTINGS_MODULE.
"""

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS, STATIC_LOCATION, STORAGES

INSTALLED_APPS = [app for app in INSTALLED_APPS if app != "assets"]
STORAGES = {
    **STORAGES,
    "staticfiles": {
        "BACKEND": "storages.backends.s3.S3ManifestStaticStorage",
        "OPTIONS": {"location": STATIC_LOCATION},
    },
}
