"""Deploys as teams run them: one build, promoted to another app, released again after a config
change, and released again unchanged.

A Heroku pipeline builds the slug once (on staging, with staging's config vars) and promotes it
to production without rebuilding: the same built files meet another app's bucket, prefix and
database, and only the release phase runs there. Each app here is its own bucket and prefix on
the session's S3 endpoint and its own SQLite database.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import Bake
from tests.support.heroku import (
    build,
    dyno_env,
    git_push,
    release,
    release_slug,
    run_process,
    web_dyno,
)
from tests.support.production import config_vars, new_bucket_name
from tests.support.s3server import S3Server
from tests.support.serving import assert_every_asset_loads_from


def app_config_vars(s3: S3Server, tmp_path: Path, worker_id: str, **own: str) -> dict[str, str]:
    """A Heroku app of the pipeline: a bucket and database of its own."""
    bucket = new_bucket_name(worker_id)
    database = f"sqlite:///{tmp_path / bucket}.sqlite3"
    return config_vars(s3.endpoint_url, bucket, database, **own)


def static_base(s3: S3Server, env: dict[str, str]) -> str:
    location = f"{env['AWS_LOCATION']}/" if env.get("AWS_LOCATION") else ""
    return f"{s3.endpoint_url}/{env['AWS_STORAGE_BUCKET_NAME']}/{location}static/"


def released(app: Path, venv: Path, env: dict[str, str]) -> str:
    """The release phase, which must pass; what it printed."""
    done = release(app, venv, env)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def uploaded(output: str) -> int:
    return int(re.search(r"Published: (\d+) uploaded", output).group(1))


@pytest.fixture
def staging_slug(
    bake: Bake, heroku_venv: Path, s3: S3Server, tmp_path: Path, worker_id: str
) -> tuple[Path, dict[str, str]]:
    """A slug built and released on staging, and staging's config vars."""
    staging = app_config_vars(s3, tmp_path, worker_id, AWS_LOCATION="staging-site")
    checkout = git_push(bake())
    prepared(checkout, heroku_venv, staging)
    built = build(checkout, heroku_venv, staging)
    assert built.returncode == 0, built.stdout + built.stderr
    slug = release_slug(checkout, tmp_path / "slug")
    released(slug, heroku_venv, staging)
    return slug, staging


def prepared(app: Path, venv: Path, env: dict[str, str]) -> dict[str, str]:
    """The new app's bucket, set up once as the README says."""
    done = run_process(app, "python manage.py prepare_bucket", dyno_env(app, venv, env))
    assert done.returncode == 0, done.stdout + done.stderr
    return env


def test_nothing_built_holds_a_bucket_or_endpoint_url(staging_slug, s3: S3Server):
    slug, staging = staging_slug
    files = [path for path in (slug / "staticfiles").rglob("*") if path.is_file()]
    assert len(files) > 100
    for name in (s3.endpoint_url.split("://")[1], staging["AWS_STORAGE_BUCKET_NAME"]):
        holding = [str(p) for p in files if name.encode() in p.read_bytes()]
        assert holding == [], f"built files name {name}: they cannot serve another app"


def test_a_promoted_slug_publishes_to_the_new_app_and_serves_every_asset_from_it(
    staging_slug, heroku_venv: Path, s3: S3Server, tmp_path: Path, worker_id: str
):
    slug, staging = staging_slug
    production = app_config_vars(s3, tmp_path, worker_id, AWS_LOCATION="www")
    prepared(slug, heroku_venv, production)
    promoted = release_slug(slug, tmp_path / "production-app")  # the same files, not rebuilt

    output = released(promoted, heroku_venv, production)
    assert uploaded(output) > 100, output
    with web_dyno(promoted, heroku_venv, production) as url:
        loaded = assert_every_asset_loads_from(url, static_base(s3, production))
    assert not [u for u in loaded if staging["AWS_STORAGE_BUCKET_NAME"] in u]


def test_a_config_var_change_releases_to_the_new_prefix(
    staging_slug, heroku_venv: Path, s3: S3Server
):
    slug, staging = staging_slug
    moved = {**staging, "AWS_LOCATION": "moved-site"}  # heroku config:set AWS_LOCATION=...
    # The bucket policy still names the old prefix: the release must fail, not go live unstyled.
    refused = release(slug, heroku_venv, moved)
    assert refused.returncode != 0
    assert "browsers cannot read them" in refused.stderr and "prepare_bucket" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert uploaded(refused.stdout) > 100, refused.stdout  # the files went up all the same

    prepared(slug, heroku_venv, moved)  # heroku run python manage.py prepare_bucket
    released(slug, heroku_venv, moved)
    with web_dyno(slug, heroku_venv, moved) as url:
        assert_every_asset_loads_from(url, static_base(s3, moved))


def test_an_unchanged_release_only_lists_the_bucket(staging_slug, heroku_venv: Path, s3: S3Server):
    slug, staging = staging_slug
    s3.clear()
    output = released(slug, heroku_venv, staging)  # a restart, a rollback to this slug
    assert uploaded(output) == 0
    bucket = staging["AWS_STORAGE_BUCKET_NAME"]
    sent = [r for r in s3.requests() if r["path"].startswith(f"/{bucket}")]
    # One LIST page, and one anonymous read that proves browsers can still read the prefix.
    assert [r["method"] for r in sent] == ["GET", "GET"], sent
    assert len(sent) <= 3 and "list-type=2" in sent[0]["query"]


def test_the_release_fails_before_migrating_when_the_slug_has_no_build(
    staging_slug, heroku_venv: Path
):
    slug, staging = staging_slug
    shutil.rmtree(slug / "staticfiles")
    refused = release(slug, heroku_venv, staging)
    assert refused.returncode != 0
    assert "Nothing to publish" in refused.stderr and "collectstatic" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert "Applying" not in refused.stdout, "migrations ran although the release failed"
