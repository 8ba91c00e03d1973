"""The production build, as Heroku's buildpack runs it, against an S3 server in this process.

`collectstatic` collects, compresses and publishes to the bucket; the start page, rendered with
production settings, must then point only at assets the bucket serves. So a broken asset
reference fails here, in the project's own CI, before it fails a Heroku build.
"""

import re
import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
BUCKET = "build-test"
# What Heroku's build does not receive: local state, and `.env` (git ignores it).
NOT_IN_GIT = shutil.ignore_patterns(
    ".env", ".git", ".venv", "venv", "staticfiles", "media", "*.sqlite3"
)
RENDER_START_PAGE = (
    "from django.test import Client; "
    "print(Client().get('/', secure=True, HTTP_HOST='localhost').content.decode())"
)


@pytest.fixture
def app(tmp_path) -> Path:
    """The project as Heroku's build receives it: a copy of what git tracks."""
    return Path(shutil.copytree(PROJECT, tmp_path / "app", ignore=NOT_IN_GIT))


def production_env(endpoint: str, app: Path) -> dict[str, str]:
    """Heroku-like config vars: production settings (no DEBUG), this test's bucket."""
    return {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(app),
        "SECRET_KEY": "build-test-only-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{app / 'build.sqlite3'}",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": endpoint,
    }


def manage(app: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=app, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def fetch(url: str) -> int:
    """An anonymous GET, as a visitor's browser makes it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_start_pages_assets_are_on_the_bucket_after_a_build(app, s3_endpoint):
    env = production_env(s3_endpoint, app)
    manage(app, env, "prepare_bucket")
    manage(app, env, "collectstatic", "--noinput")
    manage(app, env, "migrate", "--noinput")
    page = manage(app, env, "shell", "--verbosity", "0", "-c", RENDER_START_PAGE)

    assets = re.findall(r'(?:href|src)="([^"]+\.(?:css|js|svg|png|woff2))"', page)
    assert assets, "the start page links no stylesheet, script or image"
    on_bucket = [url for url in assets if url.startswith(f"{s3_endpoint}/{BUCKET}/")]
    assert on_bucket == assets, "every asset URL points at the bucket"
    assert any("/CACHE/" in url for url in assets), "the compressed bundles are used"
    assert [url for url in assets if fetch(url) != 200] == []
