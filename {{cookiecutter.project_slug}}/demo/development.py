"""What the demo's start page tells a developer about how assets are served (DEBUG only)."""

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import Storage, storages

from assets.release_id import release_id

Detail = tuple[str, str, str]  # label, value, what it means


def development_details() -> list[Detail]:
    # The storages' own base URLs, so the page stays right if someone points them elsewhere.
    media = storages["default"]
    return [
        ("Static files", staticfiles_storage.base_url or "", static_sources()),
        ("Media files", media.base_url or "", storage_note(media)),
        (
            "Compression",
            "on" if settings.COMPRESS_ENABLED else "off",
            "django-compressor bundles and minifies CSS and JS when DEBUG is off",
        ),
        (
            "Release",
            release_id(),
            "RELEASE_ID, the commit Heroku builds (SOURCE_VERSION), or a hash of the manifests",
        ),
        ("Settings", settings.SETTINGS_MODULE, "DJANGO_SETTINGS_MODULE in .env or the environment"),
    ]


def static_sources() -> str:
    # runserver serves static files straight from the finders' folders, not from STATIC_ROOT.
    folders = ", ".join(f"{Path(folder).name}/" for folder in settings.STATICFILES_DIRS)
    return f"runserver serves them from {folders} and each app's static/ folder"


def storage_note(storage: Storage) -> str:
    """The storage class, and its folder (relative to the project when inside it)."""
    location = getattr(storage, "location", "")
    if location and Path(location).is_relative_to(settings.BASE_DIR):
        location = f"{Path(location).relative_to(settings.BASE_DIR)}/"
    return f"{type(storage).__name__} in {location}" if location else type(storage).__name__
