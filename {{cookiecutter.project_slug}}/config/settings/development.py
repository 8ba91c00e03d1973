"""Development: DEBUG on, SQLite and the local filesystem; runserver serves static and media.

Selected when DEBUG is true, which the `.env` written by the bake sets.
"""

from .base import *

DEBUG = True
# The bake writes a fresh key into `.env`; this fallback only keeps a `.env`-less checkout usable.
SECRET_KEY = SECRET_KEY or "django-insecure-development-only-key-never-use-in-production"
