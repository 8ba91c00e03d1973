"""A site under /sub/ (SCRIPT_NAME): the start page, its assets, an upload, the admin login and
the admin's own static files, on runserver and on gunicorn with static and media on S3."""

from __future__ import annotations

import re

import requests

from tests.support.pages import asset_urls, csrf_token
from tests.support.project import Project, clean_env
from tests.support.s3server import free_port
from tests.support.serving import STAFF, Visitor, create_staff, web
from tests.test_production import build

SUB = "/sub"


def assets_load(html: str, page_url: str, base: str, session=requests) -> list[str]:
    """Every stylesheet, script and image of a page is under `base` and answers 200."""
    urls = asset_urls(html, page_url)
    found = [*urls["link"], *urls["script"], *urls["img"]]
    assert found
    for url in found:
        assert url.startswith(base), (url, base)
        assert session.get(url, timeout=10).status_code == 200, url
    return found


def test_development_under_a_sub_path(project: Project):
    project.manage("migrate", "--noinput")
    port = free_port()
    command = [project.python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    env = clean_env(SCRIPT_NAME=SUB)
    with project.serve(command, port, env=env) as base_url, requests.Session() as browser:
        site = base_url + SUB
        page = browser.get(site + "/")
        assert page.status_code == 200
        assert 'href="/sub/"' in page.text and 'href="/sub/admin/"' in page.text
        assets_load(page.text, site + "/", site + "/static/", browser)

        posted = browser.post(
            site + "/",
            data={"title": "Report", "csrfmiddlewaretoken": csrf_token(page.text)},
            files={"file": ("report.txt", b"quarterly numbers", "text/plain")},
        )
        assert posted.url == site + "/", "the upload did not come back to the sub-path"
        media = re.search(r'href="(/sub/media/uploads/[^"]*report[^"]*)"', posted.text).group(1)
        assert browser.get(base_url + media).content == b"quarterly numbers"

        login = browser.get(site + "/admin/login/")
        assert login.status_code == 200 and 'action="/sub/admin/login/' in login.text
        admin_css = assets_load(login.text, login.url, site + "/static/", browser)
        assert any("/static/admin/css/" in url for url in admin_css)


def test_production_under_a_sub_path(production, s3):
    project, env = production
    build(project, env)
    project.manage("migrate", "--noinput", env=env)
    create_staff(project, env)
    static_base = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/"
    with web(project, env, SCRIPT_NAME=SUB) as base_url:
        visitor = Visitor(base_url + SUB)
        page = visitor.request("GET", "/")
        assert page.status_code == 200
        assert 'href="/sub/"' in page.text
        # Static files stay on the bucket: the sub-path is the site's, not the bucket's.
        assets_load(page.text, base_url, static_base)

        login = visitor.request("GET", "/admin/login/")
        assert login.status_code == 200 and 'action="/sub/admin/login/' in login.text
        assert any("/static/admin/css/" in url for url in assets_load(login.text, "", static_base))
        data = {**STAFF, "csrfmiddlewaretoken": csrf_token(login.text), "next": "/sub/"}
        signed_in = visitor.request("POST", "/admin/login/", data=data)
        assert signed_in.status_code == 302 and signed_in.headers["Location"] == "/sub/"
        assert "/sub" in signed_in.headers["Set-Cookie"]

        uploaded = visitor.upload("Report", "report.txt", b"quarterly numbers")
        assert uploaded.status_code == 302 and uploaded.headers["Location"] == "/sub/"
        listed = visitor.request("GET", "/").text
        media = re.search(r'href="([^"]*/media/uploads/[^"]*report[^"]*)"', listed).group(1)
        media = media.replace("&amp;", "&")
        assert media.startswith(static_base.removesuffix("static/") + "media/"), media
        assert requests.get(media, timeout=10).content == b"quarterly numbers"


def test_a_malformed_sub_path_stops_production_with_its_name(production):
    project, env = production
    result = project.manage("check", env={**env, "SCRIPT_NAME": "sub/"}, check=False)
    assert result.returncode == 1
    assert "SCRIPT_NAME='sub/' must be a path such as /shop" in result.stderr
    assert "Traceback" not in result.stderr
