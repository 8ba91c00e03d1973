"""WSGI entry point for gunicorn (see Procfile and gunicorn.conf.py)."""

from django.core.wsgi import get_wsgi_application

from config import load_settings

load_settings()

application = get_wsgi_application()
