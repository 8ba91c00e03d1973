"""Errors reach someone: ADMINS by mail, the e-mail backend, Sentry, and the request id in logs.

Settings read the environment when they are imported, so most tests import them in a fresh
interpreter with the variables under test.
"""

import io
import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What production needs to start; the bucket is named only, never reached.
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    # The baked .env's DEBUG=True would otherwise reach production, which refuses it.
    "DEBUG": "False",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "testserver",
    "DATABASE_URL": "sqlite://:memory:",
    "AWS_STORAGE_BUCKET_NAME": "error-reports-test",
    "ADMINS": "",
    "EMAIL_URL": "",
    "SENTRY_DSN": "",
}
# Development needs a key too, and a checkout in CI has no .env to give one.
DEVELOPMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.development",
    "DEBUG": "True",
    "SECRET_KEY": secrets.token_urlsafe(50),
}
TWO_ADMINS = 'Ann Smith <ann@example.com>, "Ops, Night" <ops@example.com>'
{%- if cookiecutter.django_version == "5.2" %}
# Django 5.2 lists ADMINS as (name, address) pairs.
TWO_ADMINS_SETTING = [["Ann Smith", "ann@example.com"], ["Ops, Night", "ops@example.com"]]
{%- else %}
# Django 6 lists ADMINS as addresses, names included.
TWO_ADMINS_SETTING = ["Ann Smith <ann@example.com>", '"Ops, Night" <ops@example.com>']
{%- endif %}
# The address the site's mails come from by default, on the domain given when it was made.
SITE_SENDER = "<noreply@{{ cookiecutter.domain_name }}>"
SETUP = "import django, json; django.setup(); from django.conf import settings; "
{%- if cookiecutter.django_version == "5.2" %}
# The connection that mail_admins and send_mail use.
CONNECTION = "from django.core.mail import get_connection; connection = get_connection(); "
{%- else %}
# The default mailer, which mail_admins and send_mail use.
CONNECTION = "from django.core.mail import mailers; connection = mailers.default; "
{%- endif %}


def boom(request):
    raise RuntimeError("the view failed")


urlpatterns = [path("boom/", boom)]


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter in the project root with `env` over the environment,
    less DYNO (Heroku CI sets it, and development settings refuse a dyno)."""
    inherited = {name: value for name, value in os.environ.items() if name != "DYNO"}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def production(**env: str) -> dict[str, str]:
    return {**PRODUCTION, **env}


def setting(name: str, **env: str) -> object:
    result = python(SETUP + f"print(json.dumps(settings.{name}))", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def manage_check(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_admins_are_the_author_unless_the_environment_names_others():
    default_admins = setting("ADMINS", **DEVELOPMENT, ADMINS="")
    assert len(default_admins) == 1
    assert "{{ cookiecutter.author_email }}" in str(default_admins)
    assert setting("ADMINS", **DEVELOPMENT, ADMINS=TWO_ADMINS) == TWO_ADMINS_SETTING
    # Empty counts as unset (.env.example lists it empty).
    assert setting("ADMINS", **DEVELOPMENT, ADMINS=" ") == default_admins


@pytest.mark.parametrize("value", ["ann@example.com; ops@example.com", "Ann Smith", "ann@"])
def test_malformed_admins_stop_start_up_with_a_message_that_names_it(value: str):
    result = manage_check(**DEVELOPMENT, ADMINS=value)
    assert result.returncode != 0
    assert f"ADMINS={value!r} is not a list of e-mail addresses" in result.stderr
    assert "Traceback" not in result.stderr


CONNECTION_STATE = (
    "print(json.dumps([type(connection).__module__, getattr(connection, 'host', None), "
    "getattr(connection, 'port', None), getattr(connection, 'username', None), "
    "getattr(connection, 'password', None), getattr(connection, 'use_tls', None)]))"
)


def backend(**env: str) -> list[object]:
    """The class of the connection mail goes through, and where it sends."""
    result = python(SETUP + CONNECTION + CONNECTION_STATE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_mail_is_printed_to_the_log_unless_email_url_names_a_server():
    assert backend(**production())[0] == "django.core.mail.backends.console"
    assert backend(**DEVELOPMENT, EMAIL_URL="")[0] == "django.core.mail.backends.console"
    url = "smtp+tls://postmaster%40mg.example.com:p%40ss@smtp.example.com:587"
    assert backend(**production(EMAIL_URL=url)) == [
        "django.core.mail.backends.smtp",
        "smtp.example.com",
        587,
        "postmaster@mg.example.com",
        "p@ss",
        True,
    ]


def test_a_malformed_email_url_is_named_without_its_password():
    result = manage_check(**DEVELOPMENT, EMAIL_URL="smpt://user:s3cret-pass@smtp.example.com")
    assert result.returncode != 0
    assert "EMAIL_URL is not an e-mail URL (smpt)" in result.stderr
    assert "s3cret-pass" not in result.stderr
    assert "Traceback" not in result.stderr


def test_error_mails_come_from_the_site():
    empty = {"DEFAULT_FROM_EMAIL": "", "SERVER_EMAIL": ""}  # as .env.example lists them
    assert setting("SERVER_EMAIL", **production(**empty)) == setting(
        "DEFAULT_FROM_EMAIL", **production(**empty)
    )
    assert setting("DEFAULT_FROM_EMAIL", **production(**empty)).endswith(SITE_SENDER)


SENTRY_STATE = (
    "import sentry_sdk; client = sentry_sdk.get_client(); "
    "print(json.dumps([client.is_active(), client.options.get('send_default_pii'), "
    "sorted(client.integrations)]))"
)


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data():
    # Initialising makes no request: events would go only when an error is captured.
    without = python(SETUP + SENTRY_STATE, **PRODUCTION)
    assert without.returncode == 0, without.stderr
    assert json.loads(without.stdout)[0] is False
    dsn = "https://public-key@o0.ingest.sentry.invalid/1"
    with_dsn = python(SETUP + SENTRY_STATE, **production(SENTRY_DSN=dsn))
    assert with_dsn.returncode == 0, with_dsn.stderr
    active, send_default_pii, integrations = json.loads(with_dsn.stdout)
    assert (active, send_default_pii) == (True, False)
    assert "django" in integrations


def test_a_malformed_sentry_dsn_is_named():
    result = python("import config.settings.production", **production(SENTRY_DSN="o0.sentry.io"))
    assert result.returncode != 0
    assert "SENTRY_DSN='o0.sentry.io' is not a Sentry DSN" in result.stderr


@pytest.mark.urls(__name__)
def test_an_errors_log_line_carries_herokus_request_id(client):
    client.raise_request_exception = False
    console = next(handler for handler in logging.getLogger().handlers if handler.name == "console")
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        response = client.get("/boom/", HTTP_X_REQUEST_ID="5ba1e3f2-6c1d-4e8a-9d0b-2f6a7c8e9d10")
        # Django logs a 404 after the middleware has returned the response.
        client.get("/no-such-page/", HTTP_X_REQUEST_ID="0e4c1f7a-2b3d-4c5e-8f9a-1b2c3d4e5f60")
        logging.getLogger("after").warning("outside a request")
    finally:
        console.setStream(previous)
    assert response.status_code == 500
    lines = stream.getvalue().splitlines()
    assert (
        "ERROR django.request request_id=5ba1e3f2-6c1d-4e8a-9d0b-2f6a7c8e9d10: "
        "Internal Server Error: /boom/"
    ) in lines
    assert "RuntimeError: the view failed" in lines  # the traceback follows
    assert (
        "WARNING django.request request_id=0e4c1f7a-2b3d-4c5e-8f9a-1b2c3d4e5f60: "
        "Not Found: /no-such-page/"
    ) in lines
    assert "WARNING after request_id=-: outside a request" in lines


MAIL_A_500 = SETUP + (
    "from django.core import mail; from django.test import Client, override_settings; "
    "from django.test.utils import setup_test_environment; setup_test_environment(); "
    "client = Client(raise_request_exception=False); "
    "with_urls = override_settings(ROOT_URLCONF='tests.test_error_reports'); with_urls.enable(); "
    "response = client.get('/boom/', secure=True, HTTP_X_REQUEST_ID='router-id-0123456789'); "
    "print(json.dumps([response.status_code, settings.SERVER_EMAIL, "
    "[[m.to, m.from_email, m.subject] for m in mail.outbox]]))"
)


def test_a_server_error_in_production_mails_admins():
    result = python(MAIL_A_500, **production(ADMINS=TWO_ADMINS))
    assert result.returncode == 0, result.stderr
    # Production logs the error to standard output too, before the test's own line.
    *log, last = result.stdout.splitlines()
    status, server_email, mails = json.loads(last)
    line = "ERROR django.request request_id=router-id-0123456789: Internal Server Error: /boom/"
    assert line in log
    assert status == 500
    assert len(mails) == 1
    to, sender, subject = mails[0]
    assert [address.split("<")[-1].rstrip(">") for address in to] == [
        "ann@example.com",
        "ops@example.com",
    ]
    assert sender == server_email
    assert subject.startswith("[{{ cookiecutter.project_name }}] ERROR")
    assert subject.endswith("Internal Server Error: /boom/")
