"""static_hosting=whitenoise: the web process serves static files, media stays on S3.

The production story as Heroku runs it (buildpack install, build, release on PostgreSQL, web),
then the site in Chromium: the build never contacts the bucket; every asset, compressor's
bundles included, comes from the app with a one-year immutable cache and a Brotli copy; the
policy allows static files from the site itself and the bucket only for images (media).
"""

from __future__ import annotations

import itertools
import json

import requests
from playwright.sync_api import Page

from tests.conftest import Bake
from tests.support.browser import PageLog, upload
from tests.support.heroku import (
    build,
    git_push,
    heroku_virtualenv,
    release,
    web_dyno,
)
from tests.support.pages import asset_urls
from tests.support.postgres import PostgresCluster
from tests.support.production import config_vars, new_bucket_name
from tests.support.project import Project
from tests.support.s3server import S3Server
from tests.support.serving import HTTPS, create_staff, stylesheet_urls
from tests.test_browser import (  # noqa: F401 (fixtures)
    UPLOAD,
    browser,
    check_admin_pages,
    check_nothing_went_wrong,
    check_start_page,
    page,
    sign_in,
)

IMMUTABLE = "public, max-age=31536000, immutable"
_databases = itertools.count()


def directives(response: requests.Response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {
        name: rest.split()
        for name, _, rest in (p.strip().partition(" ") for p in header.split(";"))
    }


def assert_served_by_the_app(base_url: str, html: str) -> list[str]:
    """Every asset and every url() in the stylesheets: from /static/ on this site, hashed names
    cached for a year, text in Brotli."""
    urls = asset_urls(html, base_url)
    found = [*urls["link"], *urls["script"], *urls["img"]]
    for url in list(found):
        response = requests.get(url, headers={"Accept-Encoding": "br, gzip"}, timeout=10)
        assert url.startswith(f"{base_url}/static/") and response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        if url.endswith((".css", ".js", ".svg")):
            assert response.headers.get("Content-Encoding") == "br", url
        if url.endswith(".css"):
            found += stylesheet_urls(response.text, url)
    assert any("/static/CACHE/css/" in url for url in found), "the bundles are not served"
    assert any(".woff2" in url for url in found), "no stylesheet url() was followed"
    return found


def test_whitenoise_production_story_in_a_browser(
    bake: Bake,
    s3: S3Server,
    postgres: PostgresCluster,
    worker_id: str,
    page: tuple[Page, PageLog],  # noqa: F811
):
    app = git_push(bake(static_hosting="whitenoise"))
    venv = heroku_virtualenv(app)
    database_url = postgres.create_database(f"whitenoise_{next(_databases)}")
    env = config_vars(s3.endpoint_url, new_bucket_name(worker_id), database_url)
    Project(app, venv).manage("prepare_bucket", env=env)  # for media only

    s3.clear()
    built = build(app, venv, env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert s3.requests() == [], "the build contacted the bucket"
    assert (app / "staticfiles/staticfiles.json").exists()
    assert list((app / "staticfiles/CACHE/css").glob("output.*.css.br"))
    released = release(app, venv, env)
    assert released.returncode == 0, released.stdout + released.stderr
    assert s3.requests() == [], "the release contacted the bucket"
    create_staff(Project(app, venv), env)

    tab, log = page
    with web_dyno(app, venv, {**env, "SECURE_SSL_REDIRECT": "False"}) as base_url:
        start = requests.get(base_url + "/", headers=HTTPS, timeout=10)
        assert_served_by_the_app(base_url, start.text)
        policy = directives(start)
        for name in ("script-src", "style-src", "font-src"):
            assert s3.endpoint_url not in " ".join(policy[name]), name
        # Signed media URLs name the bucket: its media folder, for images only.
        bucket_url = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}"
        assert policy["img-src"] == ["'self'", f"{bucket_url}/media/", "data:"]

        tab.goto(base_url + "/")
        check_start_page(tab, log, f"{base_url}/static/")
        sign_in(tab, base_url)
        url = upload(tab, "Quarterly report", "report.txt", UPLOAD)
        assert url.startswith(f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/media/")
        assert tab.request.get(url).body() == UPLOAD
        check_admin_pages(tab, base_url, ["/admin/", "/admin/demo/upload/add/"])
    check_nothing_went_wrong(log)


CDN_PAGE = """
import json
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/", secure=True)
print(json.dumps([response.content.decode(), response["Content-Security-Policy"]]))
"""


def test_a_cdn_in_front_of_whitenoise(bake: Bake, s3: S3Server, worker_id: str):
    app = git_push(bake(static_hosting="whitenoise"))
    # The whitenoise bake's own packages (the default bake's lack WhiteNoise).
    project = Project(app, heroku_virtualenv(app))
    database_url = f"sqlite:///{project.path / 'db.sqlite3'}"
    cdn = {"STATIC_URL": "https://cdn.example.com/static/"}
    env = config_vars(s3.endpoint_url, new_bucket_name(worker_id), database_url, **cdn)
    project.manage("collectstatic", "--noinput", env=env)
    project.manage("migrate", "--noinput", env=env)
    html, header = json.loads(
        project.manage("shell", "-c", CDN_PAGE, env=env).stdout.splitlines()[-1]
    )
    urls = asset_urls(html, "https://app.example.com/")
    assert all(
        url.startswith("https://cdn.example.com/static/")
        for urls_ in urls.values()
        for url in urls_
    )
    assert "style-src 'self' https://cdn.example.com/static/" in header
