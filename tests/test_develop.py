"""The developer's first minutes: install, run the project's own tests, runserver, upload."""

from __future__ import annotations

import requests

from tests.support.pages import asset_urls, csrf_token
from tests.support.project import Project
from tests.support.s3server import free_port


def test_the_baked_projects_own_suite_passes(project: Project):
    result = project.run("python", "-m", "pytest", "-q", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert "failed" not in result.stdout


def test_runserver_serves_the_page_its_assets_and_an_upload(project: Project):
    project.manage("migrate", "--noinput")
    port = free_port()
    command = [project.python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    with project.serve(command, port) as base_url, requests.Session() as browser:
        page = browser.get(base_url + "/")
        assert page.status_code == 200
        urls = asset_urls(page.text, base_url)
        assert urls["link"] and urls["script"] and urls["img"]
        for url in [*urls["link"], *urls["script"], *urls["img"]]:
            asset = browser.get(url)
            assert asset.status_code == 200, url
            assert asset.content

        posted = browser.post(
            base_url + "/",
            data={"title": "Report", "csrfmiddlewaretoken": csrf_token(page.text)},
            files={"file": ("report.txt", b"quarterly numbers", "text/plain")},
        )
        assert posted.status_code == 200  # followed the redirect back to the start page

        stored = list((project.path / "media" / "uploads").rglob("report*.txt"))
        assert len(stored) == 1
        assert stored[0].read_bytes() == b"quarterly numbers"
        media_url = base_url + "/media/" + stored[0].relative_to(project.path / "media").as_posix()
        assert media_url.removeprefix(base_url) in posted.text
        served = browser.get(media_url)
        assert served.status_code == 200
        assert served.content == b"quarterly numbers"


def test_development_is_what_the_baked_env_selects(project: Project):
    code = "from django.conf import settings; print(settings.SETTINGS_MODULE, settings.DEBUG)"
    result = project.manage("shell", "--verbosity", "0", "-c", code)
    assert result.stdout.split() == ["config.settings.development", "True"]
