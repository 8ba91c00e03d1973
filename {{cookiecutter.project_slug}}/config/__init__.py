"""Project configuration: settings, URLs and the WSGI entry point."""

from decouple import config


def settings_module() -> str:
    """Name the settings module for this process.

    `DEBUG=True` (the baked `.env`) gives development; no `.env` and no `DEBUG` gives production,
    which is what Heroku runs. An explicit DJANGO_SETTINGS_MODULE still wins (the tests use it).
    """
    debug = config("DEBUG", default=False, cast=bool)
    return "config.settings.development" if debug else "config.settings.production"
