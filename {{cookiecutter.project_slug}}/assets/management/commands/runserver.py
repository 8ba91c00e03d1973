"""runserver that serves the site under SCRIPT_NAME (/shop) as gunicorn does in production.

gunicorn strips SCRIPT_NAME from request paths itself; Django's development server does not, so
this one mounts the site under it (config/sub_path.py). Its static files handler then compares
the path below the prefix with STATIC_URL, which carries the prefix.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.contrib.staticfiles.management.commands import runserver

from config.sub_path import SubPathMiddleware


class SubPathStaticFilesHandler(StaticFilesHandler):
    def _should_handle(self, path: str) -> bool:
        return super()._should_handle(f"{settings.FORCE_SCRIPT_NAME or ''}{path}")


class Command(runserver.Command):
    def get_handler(self, *args, **options):
        handler = super().get_handler(*args, **options)
        prefix = settings.FORCE_SCRIPT_NAME
        if not prefix:
            return handler
        if isinstance(handler, StaticFilesHandler):
            handler = SubPathStaticFilesHandler(handler.application)
        return SubPathMiddleware(handler, prefix)
