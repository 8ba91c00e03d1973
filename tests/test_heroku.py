"""Deploying to Heroku as a user would: build, release, web; and what Heroku reads to do it.

Heroku is reproduced, not reached (tests/support/heroku.py): the buildpack's build in a
virtualenv of requirements.txt alone, a real PostgreSQL 15 for the release and the web process,
and the S3 endpoint of the session for the published files.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
import shlex
import subprocess
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg
import pytest
import requests

from tests.conftest import Bake
from tests.support.heroku import (
    HEROKU_PYTHON_VERSIONS,
    WebDyno,
    build,
    dyno_env,
    git_push,
    procfile,
    release_slug,
    run_process,
    run_web,
)
from tests.support.pages import asset_urls, csrf_token
from tests.support.postgres import PostgresCluster
from tests.support.production import config_vars, new_bucket_name
from tests.support.project import TEMPLATE_ROOT, Project
from tests.support.s3server import S3Server, free_port

APP_HOST = "my-site.herokuapp.com"
ORIGIN = f"https://{APP_HOST}"
TRUSTED_ORIGIN = "https://www.example.com"  # another site allowed to post forms to this one
REQUIRED = ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME"]
ADMIN = {"username": "admin", "password": "a-long-admin-password-9c41"}
_databases = itertools.count()
OPTIONS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
# Clients of the app's database but the test itself (autovacuum workers show up there too).
OTHER_CLIENTS = (
    "datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
)


@pytest.fixture
def database_url(postgres: PostgresCluster) -> str:
    """An empty database of its own, as a new app's PostgreSQL add-on is."""
    return postgres.create_database(f"app_{next(_databases)}")


def app_config_vars(s3: S3Server, database_url: str, worker_id: str) -> dict[str, str]:
    """The Heroku app's config vars: a bucket of its own, its database, its own host name."""
    bucket = new_bucket_name(worker_id)
    own = {"ALLOWED_HOSTS": APP_HOST, "CSRF_TRUSTED_ORIGINS": TRUSTED_ORIGIN}
    return config_vars(s3.endpoint_url, bucket, database_url, **own)


@pytest.fixture
def heroku_app(
    bake: Bake, s3: S3Server, database_url: str, worker_id: str
) -> tuple[Path, dict[str, str]]:
    """A default bake as Heroku receives it, and the config vars of its app."""
    return git_push(bake()), app_config_vars(s3, database_url, worker_id)


# --------------------------------------------------------------------------- the whole deploy


def test_push_builds_releases_and_serves_the_site_over_https(
    bake: Bake,
    heroku_venv: Path,
    s3: S3Server,
    database_url: str,
    worker_id: str,
    tmp_path: Path,
):
    checkout, env = bake(), app_config_vars(s3, database_url, worker_id)
    prepare_bucket_as_the_readme_says(checkout, heroku_venv, env)

    build_dir = git_push(checkout)
    built = build(build_dir, heroku_venv, env)
    assert built.returncode == 0, built.stdout + built.stderr
    assert "Published:" in built.stdout

    app = release_slug(build_dir, tmp_path / "app")
    processes = procfile(app)
    release = run_process(app, processes["release"], dyno_env(app, heroku_venv, env))
    assert release.returncode == 0, release.stdout + release.stderr
    assert_migrated(app, heroku_venv, env, database_url)

    create_superuser(app, heroku_venv, env)
    # One worker with one thread and a pool of one, so the requests below all meet the same
    # database connection (test_gunicorn_is_tuned_for_herokus_router shows how the counts are
    # set; test_security.py loads a larger pool).
    one = {"WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "1", "DATABASE_MAX_CONNECTIONS": "1"}
    web_env = dyno_env(app, heroku_venv, env, PORT=str(free_port()), **one)
    with run_web(app, processes["web"], web_env, tmp_path / "web") as dyno:
        router = Router(dyno.url)
        assert_https_page_with_security_headers(router)
        assert_plain_http_redirects_to_https(router)
        assert_admin_login_works_over_https(router, database_url)
        assert_database_connection_persists_and_survives_a_restart(router, database_url)
        assert_not_found_is_logged(router)
    assert_logs_as_heroku_reads_them(dyno, router, workers=1)


def prepare_bucket_as_the_readme_says(checkout: Path, venv: Path, env: dict[str, str]) -> None:
    """Once, before the first push, from the user's checkout (its development `.env` included),
    with just enough variables to select the production settings for this one command."""
    bucket = ["AWS_STORAGE_BUCKET_NAME", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
    typed = {"DJANGO_SETTINGS_MODULE": "config.settings.production", "DEBUG": "False"}
    typed |= {"ALLOWED_HOSTS": "localhost", "DATABASE_URL": "sqlite://"}
    typed |= {"AWS_S3_REGION_NAME": "us-east-1", **{name: env[name] for name in bucket}}
    # Not in the README: where this machine's S3-compatible store is.
    typed["AWS_S3_ENDPOINT_URL"] = env["AWS_S3_ENDPOINT_URL"]
    shell = dyno_env(checkout, venv, typed)
    prepared = run_process(checkout, "python manage.py prepare_bucket", shell)
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    assert f"Bucket {env['AWS_STORAGE_BUCKET_NAME']} is ready" in prepared.stdout


def assert_migrated(app: Path, venv: Path, env: dict[str, str], database_url: str) -> None:
    """The release wrote the schema into PostgreSQL, and Django agrees nothing is left to apply."""
    with psycopg.connect(database_url) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables")}
        apps = {row[0] for row in conn.execute("SELECT app FROM django_migrations")}
    assert {"demo_upload", "users_user", "django_session"} <= tables  # users.User, not auth.User
    assert "auth_user" not in tables
    assert {"demo", "users", "admin", "auth", "contenttypes", "sessions"} <= apps
    pending = run_process(app, "python manage.py migrate --check", dyno_env(app, venv, env))
    assert pending.returncode == 0, pending.stdout + pending.stderr


def create_superuser(app: Path, venv: Path, env: dict[str, str]) -> None:
    """`heroku run python manage.py createsuperuser`, without the prompts."""
    command = "python manage.py createsuperuser --noinput --username admin --email a@example.com"
    secret = {"DJANGO_SUPERUSER_PASSWORD": ADMIN["password"]}
    created = run_process(app, command, dyno_env(app, venv, env, **secret))
    assert created.returncode == 0, created.stdout + created.stderr


class Router:
    """Heroku's router in front of the dyno, and the browser behind it.

    The router ends TLS and says how the request came in with X-Forwarded-Proto; the browser
    keeps cookies and sends `Secure` ones only over https, so this client does the same rather
    than let a cookie jar decide by the (plain http) address of the dyno.
    """

    def __init__(self, dyno_url: str) -> None:
        self.dyno_url = dyno_url
        self.cookies: dict[str, str] = {}
        self.request_ids: list[str] = []

    def request(
        self,
        method: str,
        path: str,
        proto: str | None = "https",
        headers: dict[str, str] | None = None,
        data: dict[str, str] | None = None,
    ) -> requests.Response:
        # The router names each request with an X-Request-ID (a UUID) and passes it on.
        self.request_ids.append(str(uuid.uuid4()))
        sent = {"Host": APP_HOST, "X-Forwarded-For": "203.0.113.7", **(headers or {})}
        sent["X-Request-ID"] = self.request_ids[-1]
        if proto:
            sent["X-Forwarded-Proto"] = proto
            sent["X-Forwarded-Port"] = "443" if proto == "https" else "80"
        if proto == "https" and self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        response = requests.request(
            method, self.dyno_url + path, headers=sent, data=data, allow_redirects=False, timeout=30
        )
        self.keep_cookies(response)
        return response

    def keep_cookies(self, response: requests.Response) -> None:
        for header in response.raw.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                assert morsel["secure"], f"cookie {name} is not Secure: {header}"
                self.cookies[name] = morsel.value


def assert_https_page_with_security_headers(router: Router) -> None:
    page = router.request("GET", "/")
    assert page.status_code == 200, page.text
    # Preloading is opt-in (SECURE_HSTS_PRELOAD): it binds every subdomain to HTTPS for months.
    assert page.headers["Strict-Transport-Security"] == "max-age=3600; includeSubDomains"
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert page.headers["X-Frame-Options"] == "DENY"
    # The slug moved after the build: its manifests still name files the bucket serves.
    stylesheets = asset_urls(page.text, ORIGIN)["link"]
    assert stylesheets
    for url in stylesheets:
        assert requests.get(url, timeout=10).status_code == 200, url


def assert_plain_http_redirects_to_https(router: Router) -> None:
    # Heroku's router says "http"; a request that reached the dyno some other way says nothing.
    for proto in ("http", None):
        response = router.request("GET", "/admin/login/?next=/admin/", proto=proto)
        assert response.status_code == 301, proto
        assert response.headers["Location"] == f"{ORIGIN}/admin/login/?next=/admin/"
        assert "Strict-Transport-Security" not in response.headers


def assert_admin_login_works_over_https(router: Router, database_url: str) -> None:
    login = router.request("GET", "/admin/login/?next=/admin/")
    assert login.status_code == 200
    form = {**ADMIN, "csrfmiddlewaretoken": csrf_token(login.text), "next": "/admin/"}
    browser = {"Origin": ORIGIN, "Referer": f"{ORIGIN}/admin/login/?next=/admin/"}

    # CSRF protection is on: the same form posted from another site is refused, unless that
    # site is in CSRF_TRUSTED_ORIGINS (then the login page answers: wrong password).
    forged = {"Origin": "https://evil.example", "Referer": "https://evil.example/"}
    refused = router.request("POST", "/admin/login/", headers=forged, data=form)
    assert refused.status_code == 403
    trusted = {"Origin": TRUSTED_ORIGIN, "Referer": f"{TRUSTED_ORIGIN}/"}
    wrong = {**form, "password": "not-the-password"}
    answered = router.request("POST", "/admin/login/", headers=trusted, data=wrong)
    assert answered.status_code == 200
    assert "Please enter the correct username and password" in answered.text

    logged_in = router.request("POST", "/admin/login/", headers=browser, data=form)
    assert logged_in.status_code == 302, logged_in.text
    assert logged_in.headers["Location"] == "/admin/"
    assert "sessionid" in router.cookies
    admin = router.request("GET", "/admin/")
    assert admin.status_code == 200
    assert "Site administration" in admin.text

    # The web process read the user from PostgreSQL and wrote the session there.
    with psycopg.connect(database_url) as conn:
        logins = conn.execute("SELECT count(last_login) FROM users_user WHERE username = 'admin'")
        assert logins.fetchone() == (1,)
        sessions = conn.execute("SELECT count(*) FROM django_session")
        assert sessions.fetchone() == (1,)


def assert_database_connection_persists_and_survives_a_restart(
    router: Router, database_url: str
) -> None:
    """The worker keeps its connection between requests (no new connection, with its TLS
    handshake on Heroku, per request), and replaces one the server dropped before using it, as
    after Heroku's database maintenance."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        assert app_connections(conn) == 1
        terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
        conn.execute(terminate + OTHER_CLIENTS)
        deadline = time.monotonic() + 5
        while app_connections(conn) and time.monotonic() < deadline:
            time.sleep(0.05)
    assert router.request("GET", "/admin/").status_code == 200


def app_connections(conn: psycopg.Connection) -> int:
    """Connections to this database other than the test's own."""
    row = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE " + OTHER_CLIENTS).fetchone()
    return int(row[0]) if row else 0


def assert_not_found_is_logged(router: Router) -> None:
    assert router.request("GET", "/no-such-page/").status_code == 404


def assert_logs_as_heroku_reads_them(dyno: WebDyno, router: Router, workers: int) -> None:
    """Heroku collects standard output: the access log and the site's own log go there, each
    access line with the router's request id."""
    stdout, stderr = dyno.logs()
    assert re.search(r'"GET / HTTP/1\.1" 200 ', stdout), stdout
    access = [line for line in stdout.splitlines() if '"GET ' in line or '"POST ' in line]
    assert [line.rsplit("request_id=", 1)[-1] for line in access] == router.request_ids, stdout
    # The site's own lines carry the id of the request they were written for (config/request_id.py).
    not_found = [line for line in stdout.splitlines() if "Not Found: /no-such-page/" in line]
    ids = [line.split("request_id=", 1)[-1].split(":")[0] for line in not_found]
    assert len(ids) == 1 and ids[0] in router.request_ids, stdout
    # Workers come from WEB_CONCURRENCY (gunicorn's own default would be 1).
    assert stderr.count("Booting worker") == workers, stderr


# --------------------------------------------------------------------------- the build


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_build_without_a_required_config_var_fails_and_names_it(
    heroku_app: tuple[Path, dict[str, str]], heroku_venv: Path, missing: str
):
    app, env = heroku_app
    del env[missing]
    built = build(app, heroku_venv, env)
    output = built.stdout + built.stderr
    assert built.returncode != 0
    assert f"{missing} is not set" in output, output
    assert [name for name in REQUIRED if f"{name} is not set" in output] == [missing]
    # It stopped before collecting anything, so nothing half-built was published either.
    assert not (app / "staticfiles").exists()


def test_check_deploy_passes_with_the_config_vars_app_json_gives(
    heroku_app: tuple[Path, dict[str, str]], heroku_venv: Path, database_url: str
):
    app, env = heroku_app
    manifest = json.loads((app / "app.json").read_text())
    # What the user types into the Heroku Button's form: the required values without defaults.
    asked = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_STORAGE_BUCKET_NAME")
    typed_in = {name: env[name] for name in asked}
    button = app_json_config_vars(manifest, typed_in, database_url)
    check = "python manage.py check --deploy --fail-level WARNING"

    passed = run_process(app, check, dyno_env(app, heroku_venv, button))
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "no issues" in passed.stdout

    # The check has teeth: turning HSTS off is a warning, and a warning fails it.
    weakened = run_process(app, check, dyno_env(app, heroku_venv, button, SECURE_HSTS_SECONDS="0"))
    assert weakened.returncode != 0
    assert "security.W004" in weakened.stderr


# Which hosts the web process answers, asked through Django's own request handling (secure, so
# the HTTPS redirect does not answer first): 400 for a host outside ALLOWED_HOSTS, else 404.
HOST_STATUS = """
from django.test import Client
for host in ["{hosts}"]:
    response = Client().get("/no-such-page/", secure=True, headers={{"host": host}})
    print("answered", host, response.status_code)
"""


def test_app_json_suggests_the_sites_own_host_and_review_apps_answer_at_theirs(
    heroku_app: tuple[Path, dict[str, str]], heroku_venv: Path, database_url: str
):
    app, env = heroku_app
    manifest = json.loads((app / "app.json").read_text())
    # The domain answered at the bake; never .herokuapp.com, which matches every Heroku app.
    assert manifest["env"]["ALLOWED_HOSTS"]["value"] == "example.com"
    assert "herokuapp.com" in manifest["env"]["ALLOWED_HOSTS"]["description"]
    asked = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_STORAGE_BUCKET_NAME")
    button = app_json_config_vars(manifest, {name: env[name] for name in asked}, database_url)
    review = {**button, "HEROKU_APP_NAME": "my-site-pr-7", "HEROKU_PR_NUMBER": "7"}
    hosts = ["example.com", "my-site-pr-7.herokuapp.com", "someone-else.herokuapp.com"]
    code = HOST_STATUS.format(hosts='", "'.join(hosts))
    answered = run_process(
        app, f"python manage.py shell -c '{code}'", dyno_env(app, heroku_venv, review)
    )
    assert answered.returncode == 0, answered.stdout + answered.stderr
    lines = [line.split() for line in answered.stdout.splitlines()]  # the site's log lines too
    statuses = {words[1]: words[2] for words in lines if words[:1] == ["answered"]}
    assert statuses == {hosts[0]: "404", hosts[1]: "404", hosts[2]: "400"}

    # A config var copied from the old suggestion is refused by name.
    every_app = {**button, "ALLOWED_HOSTS": ".herokuapp.com,example.com"}
    refused = run_process(app, "python manage.py check", dyno_env(app, heroku_venv, every_app))
    assert refused.returncode != 0
    assert "ALLOWED_HOSTS includes .herokuapp.com, which every Heroku app" in refused.stderr


def app_json_config_vars(
    manifest: dict, typed_in: dict[str, str], database_url: str
) -> dict[str, str]:
    """The config vars a Heroku Button deploy sets from app.json.

    https://devcenter.heroku.com/articles/app-json-schema#env
    """
    result: dict[str, str] = {}
    for name, spec in manifest["env"].items():
        if spec.get("generator") == "secret":
            result[name] = secrets.token_hex(32)  # Heroku generates 64 hex characters
        elif "value" in spec:
            result[name] = spec["value"]
        elif name in typed_in:
            result[name] = typed_in[name]
        else:
            assert spec.get("required") is False, f"app.json asks for {name}, which has no value"
    addons = [addon["plan"].split(":")[0] for addon in manifest["addons"]]
    if "heroku-postgresql" in addons:
        result["DATABASE_URL"] = database_url
    return result


# --------------------------------------------------------------------------- what Heroku reads


def test_procfile_declares_exactly_release_and_web(bake: Bake):
    assert procfile(bake()) == {
        "release": "python manage.py publish_static && python manage.py migrate --noinput",
        "web": "gunicorn config.wsgi --config gunicorn.conf.py",
    }


def test_gunicorn_is_tuned_for_herokus_router(
    heroku_app: tuple[Path, dict[str, str]], heroku_venv: Path
):
    """gunicorn's own reading of gunicorn.conf.py, with the variables a web dyno gets."""
    app, env = heroku_app
    web = procfile(app)["web"]
    dyno = dyno_env(app, heroku_venv, env, PORT="5123", WEB_CONCURRENCY="4", GUNICORN_THREADS="3")
    printed = run_process(app, f"{web} --print-config", dyno)
    assert printed.returncode == 0, printed.stdout + printed.stderr
    settings = dict(re.findall(r"^(\w+)\s+= (.*)$", printed.stdout, re.MULTILINE))
    # IPv6 and IPv4, as Heroku's own configuration binds.
    assert settings["bind"] == "['[::]:5123']"
    assert settings["workers"] == "4"
    # Threads, because the sync worker ignores keepalive.
    assert (settings["worker_class"], settings["threads"]) == ("gthread", "3")
    assert settings["accesslog"] == "-"  # standard output
    # The router gives up on a request after 30 s; a dyno gets 30 s to stop after SIGTERM.
    assert int(settings["timeout"]) < 30
    assert int(settings["graceful_timeout"]) < 30
    # Router 2.0 closes idle keep-alive connections after 90 s: gunicorn must not close first.
    assert int(settings["keepalive"]) > 90


def test_app_json_describes_every_variable_and_the_database(bake: Bake):
    app = bake()
    manifest = json.loads((app / "app.json").read_text())
    undocumented = [name for name, spec in manifest["env"].items() if not spec.get("description")]
    assert undocumented == []
    # A misspelt name would be a config var nothing reads.
    settings = "".join(path.read_text() for path in (app / "config" / "settings").glob("*.py"))
    assert [name for name in manifest["env"] if f'"{name}"' not in settings] == []
    assert manifest["env"]["SECRET_KEY"]["generator"] == "secret"
    for name in ("ALLOWED_HOSTS", "AWS_STORAGE_BUCKET_NAME"):
        spec = manifest["env"][name]
        assert spec.get("required", True) is not False or "value" in spec, name
    assert "DATABASE_URL" not in manifest["env"]  # the add-on sets it
    assert [addon["as"] for addon in manifest["addons"]] == ["DATABASE"]
    assert manifest["addons"][0]["plan"].startswith("heroku-postgresql:")
    assert manifest["environments"]["test"]["scripts"]["test"] == "pytest"


@pytest.mark.parametrize("version", OPTIONS["python_version"])
def test_python_version_is_one_herokus_buildpack_builds(bake: Bake, version: str):
    # Django 6.x needs Python 3.12 or newer; the LTS runs on the older ones.
    django = "6.1" if version >= "3.12" else "5.2"
    app = bake(python_version=version, django_version=django)
    # The buildpack's rule: one non-comment line, N.N or N.N.N, of a supported major version.
    lines = [line.strip() for line in (app / ".python-version").read_text().splitlines()]
    versions = [line for line in lines if line and not line.startswith("#")]
    assert len(versions) == 1
    assert re.fullmatch(r"3\.\d+(\.\d+)?", versions[0])
    assert ".".join(versions[0].split(".")[:2]) in HEROKU_PYTHON_VERSIONS


# The files by which the buildpack picks a package manager; it refuses a project with several.
MANAGER_FILES = ("requirements.txt", "Pipfile", "Pipfile.lock", "poetry.lock", "uv.lock")


@pytest.mark.parametrize(
    ("manager", "manager_file"), [("pip", "requirements.txt"), ("uv", "uv.lock")]
)
def test_the_build_finds_one_package_manager_and_no_deprecated_hooks(
    bake: Bake, manager: str, manager_file: str
):
    app = bake(dependency_manager=manager)
    assert (app / "manage.py").is_file()  # the buildpack runs collectstatic with it
    assert [name for name in MANAGER_FILES if (app / name).exists()] == [manager_file]
    # runtime.txt is deprecated in favour of .python-version; the newer buildpack rejects the
    # bin/ hooks (collectstatic does the asset work instead).
    assert not (app / "runtime.txt").exists()
    assert not (app / "bin" / "post_compile").exists()
    assert not (app / "bin" / "pre_compile").exists()


# --------------------------------------------------------------------------- heroku_config


PRODUCTION_FILE = """\
# Production values for my-site; never commit this file.
SECRET_KEY=k$y'with"quotes and $(spaces)-0f3a9c27e1b84d6f5a2e7c9b1d3f8a6e4c2b
ALLOWED_HOSTS=my-site.herokuapp.com,www.example.com

AWS_STORAGE_BUCKET_NAME="my-bucket"
  AWS_S3_REGION_NAME = eu-west-3
AWS_S3_ENDPOINT_URL=
DEBUG=False
DATABASE_URL=postgres://copied:from@elsewhere:5432/db
"""


def heroku_config(project: Project, text: str, *args: str) -> subprocess.CompletedProcess[str]:
    (project.path / ".env.production").write_text(text)
    return project.manage("heroku_config", ".env.production", *args, check=False)


def test_heroku_config_prints_one_config_set_line_for_the_file(project: Project, tmp_path: Path):
    result = heroku_config(project, PRODUCTION_FILE, "--app", "my-site")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    expected = [
        "heroku", "config:set", "--app", "my-site",
        "SECRET_KEY=k$y'with\"quotes and $(spaces)-0f3a9c27e1b84d6f5a2e7c9b1d3f8a6e4c2b",
        "ALLOWED_HOSTS=my-site.herokuapp.com,www.example.com",
        "AWS_STORAGE_BUCKET_NAME=my-bucket",
        "AWS_S3_REGION_NAME=eu-west-3",
        "DEBUG=False",
    ]  # fmt: skip
    assert shlex.split(result.stdout) == expected
    # A shell passes the same words on: nothing is expanded or split.
    heroku = tmp_path / "heroku"
    heroku.write_text("#!/usr/bin/env python3\nimport json, sys\nprint(json.dumps(sys.argv[1:]))\n")
    heroku.chmod(0o755)
    shell = subprocess.run(
        ["bash", "-c", result.stdout], env={"PATH": f"{heroku.parent}:/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(shell.stdout) == expected[1:]
    # Left out, and said so: an empty value, and the add-on's own variable.
    assert "Left out AWS_S3_ENDPOINT_URL: empty." in result.stderr
    assert "Left out DATABASE_URL: set by the PostgreSQL add-on." in result.stderr


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("ALLOWED_HOSTS my-site.herokuapp.com", "expected NAME=value"),
        ("AWS-BUCKET=my-bucket", "is not a variable name"),
        ("DEBUG=True", "production refuses to start with DEBUG on"),
        ("DJANGO_SETTINGS_MODULE=config.settings.development", "a dyno runs config.settings."),
        ("ALLOWED_HOSTS=www.example.com", "already set on line 3"),
    ],
)
def test_heroku_config_names_the_bad_line_and_prints_nothing(
    project: Project, line: str, problem: str
):
    result = heroku_config(project, PRODUCTION_FILE + line + "\n")
    assert result.returncode != 0
    assert result.stdout == ""
    [message] = [line for line in result.stderr.splitlines() if ".env.production" in line]
    assert message.startswith("CommandError: .env.production, line 10: "), message
    assert problem in message
    assert message.endswith(repr(line))


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("change-me", "SECRET_KEY is a placeholder"),
        ("a-real-looking-but-short-key-0123456789", "SECRET_KEY is too short (39 characters"),
        ("django-insecure-" + "x1y2z3" * 10, "SECRET_KEY is Django's development key"),
        ("ab" * 30, "SECRET_KEY has fewer than 5 distinct characters"),
    ],
    ids=["placeholder", "short", "django-insecure", "few-characters"],
)
def test_heroku_config_refuses_a_weak_secret_key_without_printing_it(
    project: Project, key: str, problem: str
):
    lines = PRODUCTION_FILE.splitlines(keepends=True)
    lines[1] = f"SECRET_KEY={key}\n"
    result = heroku_config(project, "".join(lines))
    assert result.returncode != 0
    assert result.stdout == ""
    assert f".env.production, line 2: {problem}" in result.stderr, result.stderr
    assert key not in result.stderr
