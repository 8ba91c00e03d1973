"""Serve a production build with the Procfile's web command and check what its pages reference."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import requests

from tests.support.pages import asset_urls
from tests.support.project import Project
from tests.support.s3server import free_port

HTTPS = {"X-Forwarded-Proto": "https"}  # what Heroku's router adds to every request


@contextlib.contextmanager
def web(project: Project, env: dict[str, str], **extra: str) -> Iterator[str]:
    """gunicorn as the Procfile starts it; yields the base URL."""
    port = free_port()
    command = [project.bin("gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py"]
    with project.serve(command, port, env={**env, "PORT": str(port), **extra}) as base_url:
        yield base_url


def page_assets(base_url: str) -> list[str]:
    page = requests.get(base_url + "/", headers=HTTPS, timeout=10)
    assert page.status_code == 200, page.text[:500]
    urls = asset_urls(page.text, base_url)
    return [*urls["link"], *urls["script"], *urls["img"]]


def assert_assets_served_as_built(base_url: str, static_root: Path, static_base: str) -> int:
    """Every asset the page references answers 200 with the bytes of this build's file."""
    urls = page_assets(base_url)
    assert urls
    for url in urls:
        assert url.startswith(static_base), url
        response = requests.get(url, timeout=10)
        assert response.status_code == 200, url
        expected = (static_root / url.removeprefix(static_base)).read_bytes()
        assert response.content == expected, f"{url} is not this release's file"
    return len(urls)
