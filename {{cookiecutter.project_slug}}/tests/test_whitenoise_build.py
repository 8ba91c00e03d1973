"""The production build, as Heroku's buildpack runs it, with static files served by WhiteNoise.

`collectstatic` collects and compresses into STATIC_ROOT without touching the bucket (its
endpoint here is a closed port); the start page, rendered with production settings, must then
name only files the web process serves compressed, with a one-year cache for hashed names.
"""

import json
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
NOT_IN_GIT = shutil.ignore_patterns(
    ".env", ".git", ".venv", "venv", "staticfiles", "media", "*.sqlite3"
)
# Renders the start page, then fetches each asset through the whole middleware stack.
SERVE_START_PAGE = """
import json, re
from django.test import Client
client = Client(HTTP_HOST="localhost")
page = client.get("/", secure=True).content.decode()
urls = re.findall(r'(?:href|src)="([^"]+[.](?:css|js|svg|woff2))"', page)
answers = {}
for url in urls:
    response = client.get(url, secure=True, HTTP_ACCEPT_ENCODING="br, gzip")
    answers[url] = [response.status_code, response.get("Cache-Control"),
                    response.get("Content-Encoding")]
print(json.dumps(answers))
"""


@pytest.fixture
def app(tmp_path) -> Path:
    """The project as Heroku's build receives it: a copy of what git tracks."""
    return Path(shutil.copytree(PROJECT, tmp_path / "app", ignore=NOT_IN_GIT))


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(app: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=app, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_the_build_needs_no_bucket_and_pages_get_compressed_hashed_files(app):
    env = {
        "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin",
        "HOME": str(app),
        "SECRET_KEY": "build-test-only-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": f"sqlite:///{app / 'build.sqlite3'}",
        "AWS_STORAGE_BUCKET_NAME": "never-contacted",
        "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{closed_port()}",
    }
    manage(app, env, "collectstatic", "--noinput")
    manage(app, env, "migrate", "--noinput")
    answers = json.loads(manage(app, env, "shell", "--verbosity", "0", "-c", SERVE_START_PAGE))

    assert answers, "the start page links no stylesheet, script or image"
    assert any("/static/CACHE/css/" in url for url in answers), "the bundles are not used"
    for url, (status, cache_control, encoding) in answers.items():
        assert url.startswith("/static/"), url
        assert status == 200, url
        assert cache_control == "public, max-age=31536000, immutable", url
        if re.search(r"[.](css|js|svg)$", url):
            assert encoding == "br", url
