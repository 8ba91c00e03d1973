"""The start page, its static files and uploads, under the test settings."""

import re

import pytest
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


def test_an_upload_is_stored_and_listed(client):
    upload = SimpleUploadedFile("notes.txt", b"hello from the test", content_type="text/plain")
    response = client.post(reverse("home"), {"title": "Notes", "file": upload})
    assert response.status_code == 302

    stored = Upload.objects.get()
    assert stored.file.name.startswith("uploads/")
    with default_storage.open(stored.file.name) as handle:
        assert handle.read() == b"hello from the test"
    assert stored.file.url in client.get(reverse("home")).content.decode()


def test_an_invalid_upload_shows_the_form_again(client):
    response = client.post(reverse("home"), {"title": "No file"})
    assert response.status_code == 200
    assert Upload.objects.count() == 0
    assert "This field is required." in response.content.decode()
