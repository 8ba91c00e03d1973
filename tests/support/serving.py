"""Serve a production build with the Procfile's web command and check what its pages reference."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.support.pages import asset_urls, csrf_token
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
    """The stylesheets, scripts and images of the start page, as a browser behind Heroku's
    router would request it."""
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


def stylesheet_urls(css: str, css_url: str) -> list[str]:
    """The absolute URLs of a stylesheet's url()s (data: URIs left out), as a browser resolves
    them: relative to the stylesheet's own URL."""
    found = re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", css)
    return [urljoin(css_url, url) for url in found if not url.startswith("data:")]


def assert_every_asset_loads_from(
    base_url: str, static_base: str, verify: bool | str = True
) -> list[str]:
    """Every asset of the start page, and every url() inside its stylesheets, is under
    `static_base` and answers 200 to an anonymous GET, as a browser's would. Returns the URLs."""
    loaded = []
    for url in page_assets(base_url):
        response = requests.get(url, timeout=10, verify=verify)
        assert url.startswith(static_base) and response.status_code == 200, (url, static_base)
        loaded.append(url)
        if url.endswith(".css"):
            loaded += assert_all_load(stylesheet_urls(response.text, url), static_base, verify)
    assert any(".woff2" in url for url in loaded), "no stylesheet url() was followed"
    return loaded


def assert_all_load(urls: list[str], static_base: str, verify: bool | str) -> list[str]:
    for url in urls:
        assert url.startswith(static_base), (url, static_base)
        assert requests.get(url, timeout=10, verify=verify).status_code == 200, url
    return urls


STAFF = {"username": "editor", "password": "an-editor-password-7d2e"}


def create_staff(project: Project, env: dict[str, str]) -> None:
    """A signed-in staff member may upload in production; this makes one (a superuser)."""
    secret = {**env, "DJANGO_SUPERUSER_PASSWORD": STAFF["password"]}
    user = ["--username", STAFF["username"], "--email", "editor@example.com"]
    project.manage("createsuperuser", "--noinput", *user, env=secret)


class Visitor:
    """A browser behind Heroku's router: https as far as Django knows, so it keeps the Secure
    cookies itself rather than leave them to a cookie jar that sees a plain http address."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        referer = self.base_url.replace("http://", "https://") + path
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        headers = {**HTTPS, "Referer": referer, "Cookie": cookie}
        url = self.base_url + path
        response = requests.request(
            method, url, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def sign_in(self) -> Visitor:
        login = self.request("GET", "/admin/login/")
        data = {**STAFF, "csrfmiddlewaretoken": csrf_token(login.text), "next": "/"}
        signed_in = self.request("POST", "/admin/login/", data=data)
        assert signed_in.status_code == 302, signed_in.text[:500]
        return self

    def upload(self, title: str, name: str, body) -> requests.Response:
        """Post the start page's form, as a browser on https would."""
        page = self.request("GET", "/")
        data = {"title": title, "csrfmiddlewaretoken": csrf_token(page.text)}
        return self.request("POST", "/", data=data, files={"file": (name, body)})
