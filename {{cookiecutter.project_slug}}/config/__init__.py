"""Project configuration: settings, URLs and the WSGI entry point."""

import os

from decouple import config


def settings_module() -> str:
    """Name the settings module for this process.

    `DEBUG=True` (the baked `.env`) gives development; no `.env` and no `DEBUG` gives production,
    which is what Heroku runs. An explicit DJANGO_SETTINGS_MODULE still wins (the tests use it).
    """
    debug = config("DEBUG", default=False, cast=bool)
    return "config.settings.development" if debug else "config.settings.production"


def load_settings() -> None:
    """Select and load this process's settings; end the process if the environment is incomplete.

    Called first by manage.py, the WSGI module and gunicorn's master. A missing or malformed
    variable then ends the process with the message that names it, and no traceback through
    Django's internals for the user to read past (Heroku's build runs commands with --traceback).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.conf import settings

    from config.settings.environment import IncompleteEnvironment

    try:
        settings.INSTALLED_APPS  # noqa: B018 (importing the settings is the point)
    except IncompleteEnvironment as error:
        raise SystemExit(str(error)) from None
