"""The production story on the stacks other than the default: Django 5.2 LTS, and uv.

test_heroku.py walks the default bake (Django 6.1, pip) through every step of a deploy in
detail; this is the same path, once per other stack, checked end to end: the buildpack's install
(`requirements.txt`, or `uv sync --locked --no-default-groups`) on the declared Python,
`prepare_bucket`, the build's `collectstatic` (collect, compress, publish), the Procfile's
`release` on PostgreSQL, and `web`: the start page over https, every asset from the bucket.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from tests.support.heroku import (
    build,
    dyno_env,
    git_push,
    heroku_virtualenv,
    procfile,
    release_slug,
    run_process,
    run_web,
)
from tests.support.pages import asset_urls
from tests.support.postgres import PostgresCluster
from tests.support.project import bake_project
from tests.support.s3server import S3Server, free_port
from tests.test_heroku import Router, app_config_vars, prepare_bucket_as_the_readme_says

STACKS = [
    {"django_version": "5.2", "dependency_manager": "pip", "python_version": "3.11"},
    {"django_version": "6.1", "dependency_manager": "uv", "python_version": "3.12"},
]


@pytest.mark.parametrize("answers", STACKS, ids=["-".join(stack.values()) for stack in STACKS])
def test_build_release_and_serve(
    answers: dict[str, str],
    s3: S3Server,
    postgres: PostgresCluster,
    worker_id: str,
    tmp_path: Path,
):
    checkout = bake_project(tmp_path / "checkout", **answers)
    venv = heroku_virtualenv(checkout)
    database_url = postgres.create_database(f"stack_{answers['django_version'][0]}_{worker_id}")
    env = app_config_vars(s3, database_url, worker_id)
    prepare_bucket_as_the_readme_says(checkout, venv, env)

    build_dir = git_push(checkout)
    built = build(build_dir, venv, env)
    assert built.returncode == 0, built.stdout + built.stderr

    app = release_slug(build_dir, tmp_path / "app")
    processes = procfile(app)
    release = run_process(app, processes["release"], dyno_env(app, venv, env))
    assert release.returncode == 0, release.stdout + release.stderr

    web_env = dyno_env(app, venv, env, PORT=str(free_port()), WEB_CONCURRENCY="1")
    with run_web(app, processes["web"], web_env, tmp_path / "web") as dyno:
        page = Router(dyno.url).request("GET", "/")
        assert page.status_code == 200, page.text
        urls = asset_urls(page.text, dyno.url)
    # Django 6.1's own CSP middleware or, on 5.2, django-csp: the same policy either way.
    policy = page.headers["Content-Security-Policy"]
    static_url = f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/static/"
    assert f"script-src 'self' {static_url}" in policy and "frame-ancestors 'none'" in policy
    assets = [*urls["link"], *urls["script"], *urls["img"]]
    assert assets and all(url.startswith(s3.endpoint_url) for url in assets), assets
    assert {url: requests.get(url, timeout=10).status_code for url in assets} == dict.fromkeys(
        assets, 200
    )
