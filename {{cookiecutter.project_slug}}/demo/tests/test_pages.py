"""The demo's start page: its checks, its hints for developers, and uploads, under the test
settings (production's: DEBUG off)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from demo.models import Upload
from demo.tests.accounts import signed_in

pytestmark = pytest.mark.django_db

START = "/"  # reverse("demo:start"), checked below


@pytest.fixture
def home_html(client) -> str:
    response = client.get(reverse("demo:start"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_demo_answers_at_the_sites_root(home_html):
    assert reverse("demo:start") == reverse("home") == "/"
    assert 'data-check="font"' in home_html
    assert "/static/demo/css/demo.css" in home_html and "/static/demo/js/checks.js" in home_html


SCAFFOLDING = ("manage.py", ".env", "createsuperuser", "templates/home.html", "Development details")


def test_anonymous_visitors_in_production_see_no_scaffolding(home_html):
    for hint in SCAFFOLDING:
        assert hint not in home_html, hint


def test_development_shows_the_hints_and_details(client, settings):
    settings.DEBUG = True
    page = client.get(reverse("demo:start")).content.decode()
    for hint in (*SCAFFOLDING[:3], "Development details"):
        assert hint in page, hint


def test_signed_in_staff_see_the_hints_but_not_the_internals(client, django_user_model):
    user = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(user)
    page = client.get(reverse("demo:start")).content.decode()
    assert "createsuperuser" in page and "manage.py" in page
    assert "Development details" not in page


@pytest.fixture
def staff(client, django_user_model):
    """A client signed in as an editor: in production only they may see and add uploads."""
    return signed_in(client, django_user_model, "view", "add")


def notes(content: bytes = b"hello from the test", name: str = "notes.txt"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_an_upload_is_stored_and_listed(staff):
    client = staff
    response = client.post(reverse("demo:start"), {"title": "Notes", "file": notes()})
    assert response.status_code == 302

    stored = Upload.objects.get()
    assert stored.file.name.startswith("uploads/")
    with default_storage.open(stored.file.name) as handle:
        assert handle.read() == b"hello from the test"
    assert stored.file.url in client.get(reverse("demo:start")).content.decode()


def test_anonymous_visitors_may_not_upload_or_see_uploads(client):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    page = client.get(reverse("demo:start")).content.decode()
    assert "sign in" in page and 'type="file"' not in page and "Private" not in page
    response = client.post(reverse("demo:start"), {"title": "Notes", "file": notes()})
    assert response.status_code == 403
    assert Upload.objects.count() == 1


def test_being_staff_without_the_upload_permissions_is_not_enough(client, django_user_model):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    staff = signed_in(client, django_user_model)
    page = staff.get(reverse("demo:start")).content.decode()
    assert "Private" not in page and 'type="file"' not in page
    assert "“Can add upload” permission" in page
    assert staff.post(reverse("demo:start"), {"title": "Notes", "file": notes()}).status_code == 403
    assert Upload.objects.count() == 1


def test_the_view_permission_shows_the_list_and_the_add_permission_the_form(
    client, django_user_model
):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    viewer = signed_in(client, django_user_model, "view").get(START).content.decode()
    assert "Private" in viewer and 'type="file"' not in viewer
    client.logout()
    adder = signed_in(client, django_user_model, "add")
    page = adder.get(reverse("demo:start")).content.decode()
    assert "Private" not in page and 'type="file"' in page
    assert adder.post(reverse("demo:start"), {"title": "Notes", "file": notes()}).status_code == 302


def test_in_development_anyone_may_upload(client, settings):
    settings.DEBUG = True
    assert client.post(START, {"title": "Notes", "file": notes()}).status_code == 302


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("page.html", b"<script>alert(1)</script>", "Files of type .html are not accepted"),
        ("cat.png", b"<html><script>alert(1)</script>", "This file does not hold a PNG image."),
        ("big.txt", b"x" * 2049, "files up to 2.0\xa0KB are accepted"),
        # The key would be png-<random>: no extension, whatever the name ends with.
        ("evil.html\\.png", b"\x89PNG\r\n\x1a\n", "Files of type (no extension) are not"),
    ],
    ids=["type", "content", "size", "key-extension"],
)
def test_uploads_outside_the_rules_are_refused(staff, settings, name, content, error):
    settings.UPLOAD_MAX_BYTES = 2048
    response = staff.post(reverse("demo:start"), {"title": "Bad", "file": notes(content, name)})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Upload.objects.count() == 0


def test_an_invalid_upload_shows_the_form_again(staff):
    client = staff
    response = client.post(reverse("demo:start"), {"title": "No file"})
    assert response.status_code == 200
    assert Upload.objects.count() == 0
    assert "This field is required." in response.content.decode()
