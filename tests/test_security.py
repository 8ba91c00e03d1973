"""A production site that is safe by default, attacked as a stranger would try it.

One live site for the module: gunicorn as the Procfile starts it, PostgreSQL 15, the bucket on
the session's S3 endpoint, and a staff member. Its upload rules allow a few active types (SVG,
HTML) on purpose, to show they are served as downloads rather than run.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
import pytest
import requests
from playwright.sync_api import Browser

from tests.conftest import Bake
from tests.support.browser import (
    RECORD_CSP_VIOLATIONS,
    VIEWPORT,
    PageLog,
    csp_violations,
    inject_scripts,
)
from tests.support.pages import csrf_token
from tests.support.postgres import PostgresCluster
from tests.support.production import as_heroku_builds, config_vars, new_bucket_name
from tests.support.project import Project
from tests.support.s3rver import CREDENTIALS as S3RVER_CREDENTIALS
from tests.support.s3rver import S3rver
from tests.support.s3server import S3Server
from tests.support.serving import Visitor, create_staff, web
from tests.test_browser import browser, check_start_page  # noqa: F401 (a fixture)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>'
)
RULES = {"UPLOAD_ALLOWED_EXTENSIONS": "png,txt,svg,html", "UPLOAD_MAX_BYTES": str(2**20)}
CHECK_NAME = "prepare-bucket-check.txt"  # what prepare_bucket writes to check public reads
_sites = itertools.count()


@dataclass
class Site:
    project: Project
    env: dict[str, str]
    url: str
    s3: S3Server

    @property
    def bucket(self) -> str:
        return self.env["AWS_STORAGE_BUCKET_NAME"]

    @property
    def bucket_url(self) -> str:
        return f"{self.s3.endpoint_url}/{self.bucket}"

    def media(self) -> dict[str, dict]:
        """Every object under media/, with its stored headers."""
        client = self.s3.client()
        listed = client.list_objects_v2(Bucket=self.bucket, Prefix="media/").get("Contents", [])
        return {o["Key"]: client.head_object(Bucket=self.bucket, Key=o["Key"]) for o in listed}


@pytest.fixture(scope="module")
def site(
    cookies_session, venv: Path, s3: S3Server, postgres: PostgresCluster, worker_id: str
) -> Iterator[Site]:
    project = as_heroku_builds(Project(Path(cookies_session.bake().project_path), venv))
    database = postgres.create_database(f"security_{worker_id}_{next(_sites)}")
    env = config_vars(s3.endpoint_url, new_bucket_name(worker_id), database, **RULES)
    for command in (("prepare_bucket",), ("collectstatic", "--noinput"), ("migrate", "--noinput")):
        project.manage(*command, env=env)
    create_staff(project, env)
    with web(project, env) as url:
        yield Site(project, env, url, s3)


def test_an_anonymous_upload_is_refused_and_nothing_is_stored(site: Site):
    stranger = Visitor(site.url)
    page = stranger.request("GET", "/").text
    assert 'type="file"' not in page and "sign in" in page
    # A valid CSRF token, from the login page, so only the upload rule can refuse the post.
    token = csrf_token(stranger.request("GET", "/admin/login/").text)
    files = {"file": ("free-hosting.txt", b"spam")}
    data = {"title": "Free hosting", "csrfmiddlewaretoken": token}
    refused = stranger.request("POST", "/", data=data, files=files)
    assert refused.status_code == 403
    assert not [key for key in site.media() if "free-hosting" in key]


@pytest.mark.parametrize(
    ("name", "body", "sent_as", "stored_as", "download"),
    [
        ("evil.svg", SVG_WITH_SCRIPT, "image/svg+xml", "image/svg+xml", True),
        ("page.html", b"<script>alert(1)</script>", "text/html", "text/html", True),
        ("notes.txt", b"<html><script>alert(1)</script>", "text/html", "text/plain", False),
        ("photo.png", PNG, "text/html", "image/png", False),
    ],
    ids=["svg-with-script", "html", "txt-sent-as-html", "png-sent-as-html"],
)
def test_the_server_decides_how_an_upload_is_served(
    site: Site, name: str, body: bytes, sent_as: str, stored_as: str, download: bool
):
    staff = Visitor(site.url).sign_in()
    before = set(site.media())
    data = {"title": name, "csrfmiddlewaretoken": csrf_token(staff.request("GET", "/").text)}
    response = staff.request("POST", "/", data=data, files={"file": (name, body, sent_as)})
    assert response.status_code == 302, response.text[:500]
    (stored,) = [meta for key, meta in site.media().items() if key not in before]
    assert stored["ContentType"] == stored_as
    assert stored.get("ContentDisposition") == ("attachment" if download else None)


@pytest.mark.parametrize(
    ("name", "body", "error"),
    [
        ("cat.png", b"<html><script>alert(1)</script></html>", "does not hold a PNG image"),
        ("huge.txt", b"x" * (2**20 + 1), "files up to 1.0\xa0MB are accepted"),
        ("tool.exe", b"MZ", "Files of type .exe are not accepted here"),
    ],
    ids=["html-renamed-png", "over-size", "disallowed-type"],
)
def test_uploads_outside_the_rules_never_reach_the_bucket(
    site: Site, name: str, body: bytes, error: str
):
    staff = Visitor(site.url).sign_in()
    before = set(site.media())
    site.s3.clear()
    response = staff.upload(name, name, body)
    assert response.status_code == 200
    assert error in response.text
    assert set(site.media()) == before
    assert [r for r in site.s3.requests("PUT") if "/media/" in r["path"]] == []


def allowed_origin(url: str, origin: str, preflight: bool) -> str | None:
    """What the store answers a browser on `origin`: a preflight (OPTIONS) or a CORS GET."""
    if preflight:
        headers = {"Origin": origin, "Access-Control-Request-Method": "GET"}
        response = requests.options(url, headers=headers, timeout=10)
    else:
        response = requests.get(url, headers={"Origin": origin}, timeout=10)
    return response.headers.get("Access-Control-Allow-Origin")


def test_the_bucket_answers_cors_for_the_sites_origins_only(site: Site, tmp_path: Path):
    """CORS GETs on moto (which refuses every anonymous preflight), preflights on s3rver."""
    css = f"{site.s3.endpoint_url}/{site.bucket}/static/css/site.css"
    assert allowed_origin(css, "https://localhost", preflight=False) == "https://localhost"
    assert allowed_origin(css, "https://evil.example", preflight=False) is None
    with S3rver() as store:
        env = {**site.env, **S3RVER_CREDENTIALS, "AWS_S3_ENDPOINT_URL": store.endpoint_url}
        site.project.manage("prepare_bucket", env=env)
        url = f"{store.endpoint_url}/{site.bucket}/static/{CHECK_NAME}"
        # s3rver answers an allowed preflight with "*", S3 with the origin: both let it in.
        assert allowed_origin(url, "https://localhost", preflight=True) in (
            "https://localhost",
            "*",
        )
        assert allowed_origin(url, "https://evil.example", preflight=True) is None


def test_two_apps_share_a_bucket_and_the_owners_statement_survives(
    production: tuple[Project, dict[str, str]], s3: S3Server
):
    """Apps on one bucket under prefixes that earlier IDs confused (`pr-12` and `pr12` once
    shared a statement ID, and preparing one made the other's static files 403)."""
    project, env = production
    bucket, client = env["AWS_STORAGE_BUCKET_NAME"], s3.client()
    client.create_bucket(Bucket=bucket)
    owners = {"Sid": "OwnersLogs", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    owners["Resource"] = f"arn:aws:s3:::{bucket}/logs/*"
    client.put_bucket_policy(Bucket=bucket, Policy=json.dumps({"Statement": [owners]}))
    locations = ("staging", "my-site-pr-12", "my-site-pr12")
    for location in locations:
        project.manage("prepare_bucket", env={**env, "AWS_LOCATION": location})
        for folder in ("static", "media"):
            client.put_object(Bucket=bucket, Key=f"{location}/{folder}/a.txt", Body=b"a")

    for location in locations:
        base = f"{s3.endpoint_url}/{bucket}/{location}"
        assert requests.get(f"{base}/static/a.txt", timeout=10).status_code == 200, location
        assert requests.get(f"{base}/media/a.txt", timeout=10).status_code == 403, location
    statements = json.loads(client.get_bucket_policy(Bucket=bucket)["Policy"])["Statement"]
    assert owners in statements
    assert len(statements) == 1 + len(locations)
    assert len({statement["Sid"] for statement in statements}) == len(statements)
    rules = client.get_bucket_cors(Bucket=bucket)["CORSRules"]
    assert len({rule["ID"] for rule in rules}) == len(rules) == len(locations)


def test_the_baked_env_file_is_readable_by_its_owner_only(bake: Bake):
    mode = os.stat(bake() / ".env").st_mode & 0o777
    assert mode == 0o600, oct(mode)


DATABASE_SCRIPT = """
from django.conf import settings
print(settings.DATABASES["default"].get("OPTIONS", {}).get("sslmode", "none"))
"""


@pytest.mark.parametrize(
    ("url", "sslmode"),
    [
        ("postgres://u:p@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d", "require"),
        ("postgres://u:p@localhost:5432/d", "none"),
    ],
    ids=["remote", "local"],
)
def test_a_remote_database_is_reached_over_tls(production, url: str, sslmode: str):
    project, env = production
    shell = ("shell", "--verbosity", "0", "-c", DATABASE_SCRIPT)
    assert project.manage(*shell, env={**env, "DATABASE_URL": url}).stdout.strip() == sslmode


ADMIN_SCRIPT = """
from django.urls import Resolver404, resolve, reverse
print(reverse("admin:login"))
try:
    resolve("/admin/login/")
except Resolver404:
    print("no admin at /admin/")
"""


def test_the_admin_can_move(production):
    project, env = production
    env = {**env, "ADMIN_URL": "back-office/"}
    shell = ("shell", "--verbosity", "0", "-c", ADMIN_SCRIPT)
    assert project.manage(*shell, env=env).stdout.split("\n")[:2] == [
        "/back-office/login/",
        "no admin at /admin/",
    ]
    bad = project.manage("check", env={**env, "ADMIN_URL": "/admin"}, check=False)
    assert bad.returncode != 0 and "ADMIN_URL='/admin' must be a path" in bad.stderr


def peak_connections(database_url: str, name: str, stop: threading.Event) -> list[int]:
    """Sample the connections named `name` (application_name) every 50 ms until `stop`."""
    peaks = [0]
    with psycopg.connect(database_url, autocommit=True) as conn:
        while not stop.is_set():
            (count,) = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                "AND pid <> pg_backend_pid()",
                [name],
            ).fetchone()
            peaks.append(count)
            time.sleep(0.05)
    return peaks


def test_database_connections_stay_under_the_stated_ceiling_under_load(site: Site):
    """More threads (2 x 8) than connections (4): the pool, not the threads, sets the count."""
    limits = {"WEB_CONCURRENCY": "2", "GUNICORN_THREADS": "8", "DATABASE_MAX_CONNECTIONS": "4"}
    # Named, so the count leaves out the module's other server on the same database.
    database = f"{site.env['DATABASE_URL']}?application_name=ceiling"
    with web(site.project, {**site.env, **limits, "DATABASE_URL": database}) as url:
        session = Visitor(url).sign_in().cookies["sessionid"]  # staff pages read the database
        stop, samples = threading.Event(), []
        sampler = threading.Thread(
            target=lambda: samples.extend(peak_connections(database, "ceiling", stop))
        )
        sampler.start()
        try:
            wrk = subprocess.run(
                ["wrk", "-t2", "-c32", "-d8s", "--timeout", "10s", "-H", "X-Forwarded-Proto: https",
                 "-H", f"Cookie: sessionid={session}", url + "/"],
                capture_output=True, text=True, check=True,
            ).stdout  # fmt: skip
        finally:
            stop.set()
            sampler.join()
    print(f"\npeak PostgreSQL connections {max(samples)} (ceiling 4) under:\n{wrk}")
    assert "Non-2xx or 3xx responses" not in wrk and "Socket errors" not in wrk, wrk
    assert 0 < max(samples) <= 4, samples


def test_every_page_carries_the_content_security_policy(site: Site):
    """The start page and the admin's: files from this site and the bucket only, no inline
    script or style without a nonce, no framing, forms to this site only. (test_browser.py
    shows Chromium loads every asset under it with no violation.)"""
    for path in ("/", "/admin/login/"):
        header = Visitor(site.url).request("GET", path).headers["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in header.split(";"))
        assert directives["default-src"] == "'self'", path
        # Folders of the bucket, not its host, which other buckets share (path-style URLs).
        static, media = f"{site.bucket_url}/static/", f"{site.bucket_url}/media/"
        for name in ("script-src", "style-src", "font-src"):
            assert directives[name].split()[:2] == ["'self'", static], (name, path)
            assert "/media" not in directives[name], (name, path)
        assert directives["img-src"] == f"'self' {static} {media} data:", path
        # The presigned POST's URL exactly: the bucket's root, without a trailing slash.
        assert directives["connect-src"] == f"'self' {site.bucket_url}", path
        assert "unsafe-inline" not in header and "*" not in header, path
        assert directives["frame-ancestors"] == "'none'", path
        assert directives["form-action"] == "'self'", path


def test_under_the_policy_only_the_sites_own_scripts_run(site: Site, browser: Browser):  # noqa: F811
    """Chromium on the start page, under the site's exact policy, with the bucket named in the
    path (as a custom endpoint, and a dotted bucket name on AWS, put it): a script in another
    bucket on the same host and a text file a staff member uploaded are both refused, while the
    site's own bundle runs (and the page's own checks pass: test_browser.check_start_page)."""
    client = site.s3.client()
    other = f"{site.bucket}-someone-else"
    client.create_bucket(Bucket=other)
    public = {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}
    statement = {**public, "Resource": f"arn:aws:s3:::{other}/*"}
    client.put_bucket_policy(
        Bucket=other, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    # Each script, should it run, leaves its name in window.ran.
    evil = b"window.ran.push('another bucket');"
    client.put_object(Bucket=other, Key="static/evil.js", Body=evil, ContentType="text/javascript")
    foreign = f"{site.s3.endpoint_url}/{other}/static/evil.js"
    staff = Visitor(site.url).sign_in()
    assert staff.upload("Staff notes", "notes.txt", b"window.ran.push('media');").status_code == 302
    (uploaded,) = re.findall(r'href="([^"]+)">Staff notes<', staff.request("GET", "/").text)
    uploaded = html.unescape(uploaded)
    assert uploaded.startswith(f"{site.bucket_url}/media/"), uploaded
    # Without the policy both would run: each is served, and as something a browser runs.
    assert requests.get(foreign, timeout=10).content == evil
    assert requests.get(uploaded, timeout=10).headers["Content-Type"] == "text/plain"

    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    log = PageLog()
    tab = log.watch(context.new_page())
    # Plain http on loopback: no TLS-terminating router in front, as Heroku would have.
    with web(site.project, site.env, SECURE_SSL_REDIRECT="False") as url:
        tab.goto(url + "/")
        check_start_page(tab, log, f"{site.bucket_url}/static/")
        own = tab.get_attribute("script[src]", "src")
        assert own and own.startswith(f"{site.bucket_url}/static/"), own
        tab.evaluate("window.ran = []")
        results = inject_scripts(tab, [foreign, uploaded, own])
    assert results == {foreign: "refused", uploaded: "refused", own: "ran"}
    assert tab.evaluate("window.ran") == []
    assert sorted(csp_violations(tab)) == sorted(
        [f"script-src-elem {foreign}", f"script-src-elem {uploaded}"]
    )
    context.close()


SUBRESOURCES = {
    "policy": "BucketPolicy",
    "cors": "BucketCORS",
    "publicAccessBlock": "BucketPublicAccessBlock",
    "location": "BucketLocation",
    "lifecycle": "LifecycleConfiguration",
}


def iam_action(request: dict) -> str:
    """The IAM action AWS checks for a request in the S3 server's log (path-style addressing)."""
    method, params = request["method"], set(parse_qs(request["query"], keep_blank_values=True))
    for name, action in SUBRESOURCES.items():
        if name in params:
            return f"s3:{'Get' if method == 'GET' else 'Put'}{action}"
    if request["path"].strip("/").count("/") == 0:  # the bucket itself
        return "s3:CreateBucket" if method == "PUT" else "s3:ListBucket"
    if method == "DELETE":
        return "s3:DeleteObject"
    return "s3:GetObject" if method in ("GET", "HEAD") else "s3:PutObject"


def readme_policies(project: Project) -> list[set[str]]:
    """The actions of each IAM policy (JSON block) in the generated README."""
    blocks = re.findall(r"```json\n(.*?)```", (project.path / "README.md").read_text(), re.S)
    policies = [json.loads(block) for block in blocks if '"Version"' in block]
    return [
        {action for statement in policy["Statement"] for action in statement["Action"]}
        for policy in policies
    ]


def test_the_readmes_iam_policies_are_what_the_commands_call(production, s3: S3Server):
    """Least privilege that works: the app's policy is exactly what a build, a release, an
    upload and its deletion send; prepare_bucket's adds exactly what it sends besides."""
    project, env = production
    app_policy, prepare_policy = readme_policies(project)
    s3.clear()
    project.manage("prepare_bucket", env=env)
    prepared = {iam_action(r) for r in s3.requests()}
    s3.clear()
    project.manage("collectstatic", "--noinput", env=env)
    project.manage("publish_static", env=env)
    project.manage("shell", "-c", UPLOAD_SCRIPT, env=env)
    app = {iam_action(r) for r in s3.requests()}
    assert app == app_policy
    assert prepared - app_policy == prepare_policy - app_policy
    assert prepared <= app_policy | prepare_policy


UPLOAD_SCRIPT = """
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
name = default_storage.save("uploads/a.txt", ContentFile(b"a"))
default_storage.open(name).read()
default_storage.delete(name)
"""


def get(base_url: str, path: str, **headers: str) -> requests.Response:
    """A request straight from a client that sets whatever headers it likes."""
    return requests.get(base_url + path, headers=headers, allow_redirects=False, timeout=10)


def test_gunicorn_ignores_the_forwarding_headers_a_client_sends(site: Site):
    """Heroku's router sets X-Forwarded-Proto and passes every other header on as the client sent
    it: neither a SCRIPT_NAME header nor another scheme header may change what the site does."""
    https = {"X-Forwarded-Proto": "https"}
    # Links under a prefix of the attacker's choosing.
    moved = get(site.url, "/attacker-prefix/", SCRIPT_NAME="/attacker-prefix", **https)
    assert "/attacker-prefix/" not in moved.text
    assert moved.status_code == 404
    page = get(site.url, "/", SCRIPT_NAME="/attacker-prefix", **https)
    assert page.status_code == 200 and 'href="/admin/' in page.text
    # Only X-Forwarded-Proto says https: plain http is redirected whatever else is claimed.
    for claim in ({"X-Forwarded-Ssl": "on"}, {"X-Forwarded-Protocol": "ssl"}):
        response = get(site.url, "/", **claim)
        assert response.status_code == 301, claim
        assert response.headers["Location"].startswith("https://"), claim
    # A site under /shop: an empty SCRIPT_NAME header does not reach the admin outside it.
    with web(site.project, site.env, SCRIPT_NAME="/shop") as shop:
        assert get(shop, "/shop/admin/login/", **https).status_code == 200
        outside = get(shop, "/admin/login/", SCRIPT_NAME="", **https)
        assert outside.status_code != 200 and "csrfmiddlewaretoken" not in outside.text
