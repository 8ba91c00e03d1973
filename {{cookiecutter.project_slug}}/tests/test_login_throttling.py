"""The admin login is throttled (django-axes): failures lock out a username from one address."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.client_ip import heroku_client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-admin-password-9c2f"
HEROKU = "config.client_ip.heroku_client_ip"


@pytest.fixture
def admin(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", PASSWORD)


def log_in(client, password: str, forwarded_for: str | None = None, **meta: str):
    """Post the admin's login form; `meta` as the WSGI server fills it (REMOTE_ADDR)."""
    form = {"username": "admin", "password": password, "next": "/admin/"}
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post(reverse("admin:login"), form, headers=headers, **meta)


def fail_until_locked(client, settings) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        answered = log_in(client, "not-the-password")
        assert answered.status_code == 200
        assert "Please enter the correct username and password" in answered.content.decode()
    assert log_in(client, "not-the-password").status_code == 429


def test_failed_logins_lock_out_the_next_even_correct_one(client, settings, admin):
    assert settings.AXES_FAILURE_LIMIT == 5
    fail_until_locked(client, settings)
    locked = log_in(client, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address may still log in as admin: a guesser cannot lock the real admin out.
    elsewhere = log_in(client, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert elsewhere.status_code == 302
    assert elsewhere.headers["Location"] == "/admin/"


def test_the_lockout_ends_after_the_cool_off(client, settings, admin):
    fail_until_locked(client, settings)
    assert log_in(client, PASSWORD).status_code == 429
    # As if the cool-off had passed since the last failure.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert log_in(client, PASSWORD).status_code == 302


def test_behind_herokus_router_made_up_forwarded_addresses_do_not_escape(client, settings, admin):
    settings.AXES_CLIENT_IP_CALLABLE = HEROKU
    # The client writes a new address in X-Forwarded-For each time; the router appends its own
    # view of the client last, and REMOTE_ADDR is the router's.
    for number in range(settings.AXES_FAILURE_LIMIT):
        made_up = f"10.0.0.{number}, 203.0.113.7"
        expected = 429 if number == settings.AXES_FAILURE_LIMIT - 1 else 200
        assert log_in(client, "not-the-password", made_up).status_code == expected
    assert log_in(client, PASSWORD, "203.0.113.7").status_code == 429
    # Another visitor behind the same router is not locked out.
    assert log_in(client, PASSWORD, "198.51.100.9").status_code == 302


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("10.9.8.7, 203.0.113.7", "203.0.113.7"),
        ("10.9.8.7,2001:db8::1", "2001:db8::1"),
        (None, "127.0.0.1"),
    ],
)
def test_the_client_address_is_the_entry_herokus_router_appended(forwarded, expected):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    request = RequestFactory().get("/", headers=headers)
    assert heroku_client_ip(request) == expected
