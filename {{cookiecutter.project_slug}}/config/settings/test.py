"""Tests: fast, isolated and independent of `.env` and of any bucket.

pytest selects this module through `DJANGO_SETTINGS_MODULE` in pyproject.toml.
"""

import dj_database_url
from decouple import config

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key-that-is-long-enough-for-django-checks"
ALLOWED_HOSTS = ["testserver", "localhost"]
# SQLite in memory, unless DATABASE_URL names a database (CI's PostgreSQL service does, so the
# tests meet the database production runs; pytest-django creates and drops a test_ copy).
DATABASES = {"default": dj_database_url.parse(config("DATABASE_URL", default="sqlite://:memory:"))}
# Fast hashing: the tests create users, they do not need to resist brute force.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploads go to memory so a test run leaves no files behind.
STORAGES = {**STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
COMPRESS_ENABLED = False
