"""The start page and its static files, under the test settings: the demo's while the demo app
is installed, the site's own once it is deleted."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

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


def test_the_sites_own_start_page_welcomes_without_scaffolding(rf, settings):
    page = render_to_string("home.html", {"site_name": settings.SITE_NAME}, rf.get("/"))
    assert f"Welcome to {settings.SITE_NAME}" in page
    for scaffolding in ("manage.py", ".env", "createsuperuser", "templates/", "demo"):
        assert scaffolding not in page


def test_favicon_requests_go_to_the_logo(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert finders.find(response["Location"].removeprefix("/static/"))
