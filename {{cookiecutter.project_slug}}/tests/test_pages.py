"""The start page, its static files and uploads, under the test settings."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from {{ cookiecutter.project_slug }}.models import Upload

pytestmark = pytest.mark.django_db

ASSET_URL = re.compile(r'(?:href|src)="/static/([^"]+)"')


@pytest.fixture
def home_html(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_start_page_extends_base_and_names_the_site(home_html, settings):
    assert f"<title>{settings.SITE_NAME}</title>" in home_html
    assert 'class="site-header"' in home_html


def test_every_static_url_on_the_start_page_resolves_to_a_file(home_html):
    paths = ASSET_URL.findall(home_html)
    assert {"css/site.css", "js/site.js", "img/logo.svg"} <= set(paths)
    for path in paths:
        assert finders.find(path), f"{path} is referenced but no static file has that name"


def signed_in(client, django_user_model, *permissions: str):
    """The client, signed in as a staff member who holds these Upload permissions."""
    name = "-".join(("staff", *permissions))
    user = django_user_model.objects.create_user(name, password="x", is_staff=True)
    codenames = [f"{permission}_upload" for permission in permissions]
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return client


@pytest.fixture
def staff(client, django_user_model):
    """A client signed in as an editor: in production only they may see and add uploads."""
    return signed_in(client, django_user_model, "view", "add")


def notes(content: bytes = b"hello from the test", name: str = "notes.txt"):
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_an_upload_is_stored_and_listed(staff):
    client = staff
    response = client.post(reverse("home"), {"title": "Notes", "file": notes()})
    assert response.status_code == 302

    stored = Upload.objects.get()
    assert stored.file.name.startswith("uploads/")
    with default_storage.open(stored.file.name) as handle:
        assert handle.read() == b"hello from the test"
    assert stored.file.url in client.get(reverse("home")).content.decode()


def test_anonymous_visitors_may_not_upload_or_see_uploads(client):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    page = client.get(reverse("home")).content.decode()
    assert "sign in" in page and 'type="file"' not in page and "Private" not in page
    response = client.post(reverse("home"), {"title": "Notes", "file": notes()})
    assert response.status_code == 403
    assert Upload.objects.count() == 1


def test_being_staff_without_the_upload_permissions_is_not_enough(client, django_user_model):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    staff = signed_in(client, django_user_model)
    page = staff.get(reverse("home")).content.decode()
    assert "Private" not in page and 'type="file"' not in page
    assert "“Can add upload” permission" in page
    assert staff.post(reverse("home"), {"title": "Notes", "file": notes()}).status_code == 403
    assert Upload.objects.count() == 1


def test_the_view_permission_shows_the_list_and_the_add_permission_the_form(
    client, django_user_model
):
    Upload.objects.create(title="Private", file="uploads/2026/01/private-00000000.txt")
    viewer = signed_in(client, django_user_model, "view").get(reverse("home")).content.decode()
    assert "Private" in viewer and 'type="file"' not in viewer
    client.logout()
    adder = signed_in(client, django_user_model, "add")
    page = adder.get(reverse("home")).content.decode()
    assert "Private" not in page and 'type="file"' in page
    assert adder.post(reverse("home"), {"title": "Notes", "file": notes()}).status_code == 302


def test_in_development_anyone_may_upload(client, settings):
    settings.DEBUG = True
    assert client.post(reverse("home"), {"title": "Notes", "file": notes()}).status_code == 302


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
    response = staff.post(reverse("home"), {"title": "Bad", "file": notes(content, name)})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert Upload.objects.count() == 0


def test_an_invalid_upload_shows_the_form_again(staff):
    client = staff
    response = client.post(reverse("home"), {"title": "No file"})
    assert response.status_code == 200
    assert Upload.objects.count() == 0
    assert "This field is required." in response.content.decode()


def test_favicon_requests_go_to_the_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert finders.find(response["Location"].removeprefix("/static/"))
