"""The generated site in a real browser: development with runserver, production from S3.

Each test opens the start page in headless Chromium and checks what a visitor gets: every
request succeeds and nothing is logged as an error; the stylesheet is applied; the headings'
web font and the logo load and render; the script runs; an upload through the form is listed
and its link serves the file. A full-page screenshot of each is kept under the test's tmp_path.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.browser import (
    RECORD_CSP_VIOLATIONS,
    VIEWPORT,
    PageLog,
    computed_style,
    csp_violations,
    decoded_width,
    font_faces,
    launch,
    screenshot,
    upload,
)
from tests.support.project import Project
from tests.support.s3server import S3Server, free_port
from tests.support.serving import STAFF, create_staff

FONT = "Facet"
INK = "rgb(29, 42, 53)"  # the header's background, set only by the project's site.css
UPLOAD = b"quarterly numbers\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, PageLog]]:
    """A page in a fresh context (no cookies or cache from another test), with its log."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    log = PageLog()
    yield log.watch(context.new_page()), log
    context.close()


def check_start_page(page: Page, log: PageLog, static_url: str, csp: str | None = None) -> None:
    """What every visitor should get, wherever the assets come from (static_url: absolute),
    under the site's Content-Security-Policy (`csp`: the header the page came with; fetched
    again when not given)."""
    assert "frame-ancestors 'none'" in (page_csp(page) if csp is None else csp)
    assert computed_style(page, ".site-header", "backgroundColor") == INK
    assert computed_style(page, "h1", "fontFamily").split(",")[0].strip("\"'") == FONT

    assert font_faces(page).get(FONT) == "loaded"
    assert page.evaluate(f"document.fonts.check('700 1em \"{FONT}\"')")
    fonts = log.responses_for(".woff2")
    # One request: the <link rel=preload> and the stylesheet's url() name the same file.
    assert len(fonts) == 1, [f.url for f in fonts]
    assert fonts[0].url.startswith(f"{static_url}demo/fonts/facet."), fonts[0].url
    assert fonts[0].status == 200

    assert decoded_width(page, "img.brand-logo") > 0
    assert page.eval_on_selector("img.brand-logo", "img => img.currentSrc").startswith(static_url)

    # site.js ran: it marks <html> and sets each check's state (its own view of the same files).
    assert "js" in (page.get_attribute("html", "class") or "")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-check]')].every(li => li.dataset.state)"
    )
    states = page.eval_on_selector_all("[data-check]", "els => els.map(e => e.dataset.state)")
    assert states == ["ok"] * 4
    assert csp_violations(page) == []


def page_csp(page: Page) -> str:
    """The Content-Security-Policy header the current page came with."""
    response = page.request.get(page.url)
    return response.headers.get("content-security-policy", "")


def check_admin_pages(tab: Page, base_url: str, paths: list[str]) -> None:
    """The admin's own pages load their styles and scripts with no CSP violation."""
    for path in paths:
        tab.goto(base_url + path)
        assert computed_style(tab, "#header", "display") != "none", path  # admin CSS applied
        assert "script-src" in page_csp(tab), path
        assert csp_violations(tab) == [], path


def detail(page: Page, label: str) -> str:
    """A value from the development details card."""
    return page.locator(f".internals dt:text-is('{label}') + dd").inner_text()


def sign_in(tab: Page, base_url: str) -> None:
    """Through the start page's link to the admin's login form, back to the start page."""
    with tab.expect_navigation():
        tab.get_by_role("link", name="sign in").click()
    tab.fill("input[name=username]", STAFF["username"])
    tab.fill("input[name=password]", STAFF["password"])
    with tab.expect_navigation():
        tab.click("input[type=submit]")
    assert tab.url == base_url + "/", tab.url


def check_nothing_went_wrong(log: PageLog) -> None:
    assert log.failed == []
    assert log.errors == []
    assert not [w for w in log.warnings if "preload" in w], log.warnings


def test_development_site_in_a_browser(
    project: Project, page: tuple[Page, PageLog], tmp_path: Path
):
    tab, log = page
    project.manage("migrate", "--noinput")
    port = free_port()
    command = [project.python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with project.serve(command, port) as base_url:
        tab.goto(base_url + "/")
        check_start_page(tab, log, f"{base_url}/static/")
        assert detail(tab, "Static files").startswith("/static/")
        assert detail(tab, "Media files").startswith("/media/")
        assert detail(tab, "Compression").startswith("off")
        assert detail(tab, "Release").startswith("unreleased")  # nothing collected yet

        url = upload(tab, "Quarterly report", "report.txt", UPLOAD)
        assert url.startswith(f"{base_url}/media/uploads/"), url
        served = tab.request.get(url)
        assert (served.status, served.body()) == (200, UPLOAD)
        screenshot(tab, tmp_path / "development.png")
        check_admin_pages(tab, base_url, ["/admin/login/"])
    check_nothing_went_wrong(log)


def test_production_build_in_a_browser(
    production: tuple[Project, dict[str, str]],
    s3: S3Server,
    page: tuple[Page, PageLog],
    tmp_path: Path,
):
    project, env = production
    tab, log = page
    for command in (("prepare_bucket",), ("collectstatic", "--noinput"), ("migrate", "--noinput")):
        project.manage(*command, env=env)
    create_staff(project, env)
    bucket_url = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}"
    port = free_port()
    # Plain HTTP on loopback: no TLS-terminating router in front, as Heroku would have.
    server_env = {**env, "PORT": str(port), "SECURE_SSL_REDIRECT": "False"}
    command = [project.bin("gunicorn"), "config.wsgi", "--config", "gunicorn.conf.py"]
    with project.serve(command, port, server_env) as base_url:
        tab.goto(base_url + "/")
        check_start_page(tab, log, f"{bucket_url}/static/")
        # Another origin serves the font, so the browser only uses it with this header.
        font = log.responses_for(".woff2")[0]
        assert font.header_value("access-control-allow-origin") in ("*", base_url)
        assert font.header_value("content-type") == "font/woff2"
        # The offline bundles are what production pages link to, not the source files.
        assert "/static/CACHE/css/" in (tab.get_attribute("link[rel=stylesheet]", "href") or "")
        assert "/static/CACHE/js/" in (tab.get_attribute("script[src]", "src") or "")
        assert tab.locator(".internals").count() == 0
        shown = tab.inner_text("body")
        for internal in ("Development details", "config.settings", env["AWS_STORAGE_BUCKET_NAME"]):
            assert internal not in shown
        assert tab.locator("form.upload-form").count() == 0, "anonymous visitors may upload"

        sign_in(tab, base_url)
        url = upload(tab, "Quarterly report", "report.txt", UPLOAD)
        assert url.startswith(f"{bucket_url}/media/uploads/"), url
        assert "X-Amz-Signature=" in url
        served = tab.request.get(url)
        assert (served.status, served.body()) == (200, UPLOAD)
        # Media is private: without the signature the bucket refuses.
        assert tab.request.get(url.split("?")[0]).status == 403
        admin = ["/admin/", "/admin/demo/upload/", "/admin/demo/upload/add/"]
        check_admin_pages(tab, base_url, admin)
        screenshot(tab, tmp_path / "production.png")
    check_nothing_went_wrong(log)
