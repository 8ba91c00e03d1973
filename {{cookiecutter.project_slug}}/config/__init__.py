"""Project configuration: settings, URLs and the WSGI entry point."""

import os

from decouple import config

# What runs when nothing says otherwise: a dyno has no `.env` and needs no variable to be itself.
DEFAULT_SETTINGS = "config.settings.production"


def settings_module() -> str:
    """Name the settings module for this process: DJANGO_SETTINGS_MODULE, production by default.

    It is read from the environment, then from `.env` (python-decouple: the environment wins).
    The bake writes DJANGO_SETTINGS_MODULE=config.settings.development into `.env`; Heroku
    builds from git, where `.env` is ignored, so a dyno runs production. DEBUG never chooses
    the module: `heroku config:set DEBUG=True` must not swap production's bucket, database,
    HTTPS and secret for development's (production refuses DEBUG=True instead).
    """
    return config("DJANGO_SETTINGS_MODULE", default=DEFAULT_SETTINGS)


def load_settings() -> None:
    """Select and load this process's settings; end the process if the environment is incomplete.

    Called first by manage.py, the WSGI module and gunicorn's master. A missing or malformed
    variable then ends the process with the message that names it, and no traceback through
    Django's internals for the user to read past (Heroku's build runs commands with --traceback).
    """
    module = os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module())
    from django.conf import settings

    from config.settings.environment import IncompleteEnvironment

    try:
        settings.INSTALLED_APPS  # noqa: B018 (importing the settings is the point)
    except IncompleteEnvironment as error:
        raise SystemExit(str(error)) from None
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        raise SystemExit(
            f"DJANGO_SETTINGS_MODULE={module} names no settings module: set it to "
            "config.settings.development (in .env, on your machine) or unset it for production."
        ) from None
