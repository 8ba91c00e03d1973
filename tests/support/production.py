"""Production as Heroku runs it: config vars in the environment, no `.env`, a real S3 endpoint."""

from __future__ import annotations

import itertools

from tests.support.project import Project, clean_env

_bucket_numbers = itertools.count()

SECRET_KEY = "production-test-key-8f2c1e9a7b3d4f6e0a1c2b3d4e5f6a7b8c9d0e1f2a3b4c5d"
ACCESS_KEY = "AKIATESTPUBLISHER01"
SECRET_ACCESS_KEY = "test-secret-access-key-never-printed-0123456789"


def new_bucket_name(worker: str = "") -> str:
    """A bucket of its own per test, so tests sharing one S3 server never see each other's files."""
    return f"site-{worker or 'main'}-{next(_bucket_numbers)}".lower()


def config_vars(
    endpoint_url: str, bucket: str, database_url: str, **overrides: str
) -> dict[str, str]:
    """The Heroku config vars of a production app whose bucket is on `endpoint_url`."""
    defaults = {
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "localhost,127.0.0.1,testserver",
        "DATABASE_URL": database_url,
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint_url,
    }
    return clean_env(**{**defaults, **overrides})


def as_heroku_builds(project: Project) -> Project:
    """Heroku builds from git, where `.env` is ignored: remove it so production is selected."""
    (project.path / ".env").unlink(missing_ok=True)
    return project
