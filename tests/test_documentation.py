"""One source of truth for the environment: what the settings read is what the docs list.

The variables a baked project reads (its settings and gunicorn.conf.py) must each be documented
in `.env.example` and in the README's table, and `app.json` may only name variables something
reads, so a misspelt or forgotten name shows up here rather than on a user's Heroku app.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import Bake

# Read by config("NAME"), the production Environment's methods and os.environ.get("NAME").
READ = re.compile(r"\b(?:config|required\w*|optional_\w+|environ\.get)\(\s*\"([A-Z][A-Z0-9_]+)\"")
# Set by Heroku or its buildpack, never by the user.
PLATFORM = {"PORT", "SOURCE_VERSION", "DYNO"}


def variables_read(project: Path) -> set[str]:
    sources = [*(project / "config").rglob("*.py"), project / "gunicorn.conf.py"]
    return {name for path in sources for name in READ.findall(path.read_text())} - PLATFORM


@pytest.mark.parametrize("hosting", ["s3", "whitenoise"])
def test_every_variable_the_project_reads_is_documented(bake: Bake, hosting: str):
    project = bake(static_hosting=hosting)
    read = variables_read(project)
    assert {"SECRET_KEY", "AWS_STORAGE_BUCKET_NAME", "WEB_CONCURRENCY"} <= read, read
    example = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", (project / ".env.example").read_text(), re.M))
    readme = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", (project / "README.md").read_text()))
    app_json = set(json.loads((project / "app.json").read_text())["env"])
    assert sorted(read - example - {"WEB_CONCURRENCY"}) == [], "missing from .env.example"
    assert sorted(read - readme) == [], "missing from the README"
    assert sorted(example - read) == [], ".env.example lists variables nothing reads"
    assert sorted(app_json - read) == [], "app.json sets variables nothing reads"


# The deploy, in the order a newcomer runs it: a repository, the app and its database, the
# bucket (the admin's step), the app's IAM user with the policy iam_policy prints, config vars.
DEPLOY_STEPS = [
    "git init",
    "heroku create",
    "heroku addons:create heroku-postgresql",
    "python manage.py prepare_bucket",
    "python manage.py iam_policy --bucket",
    "aws iam create-user",
    "aws iam put-user-policy",
    "aws iam create-access-key",
    "heroku config:set SECRET_KEY",
    "git push heroku main",
]


@pytest.mark.parametrize("hosting", ["s3", "whitenoise"])
def test_the_readme_reaches_a_live_app_within_80_lines(bake: Bake, hosting: str):
    lines = (bake(static_hosting=hosting) / "README.md").read_text().splitlines()[:80]
    found = [
        next((n for n, line in enumerate(lines) if step in line), None) for step in DEPLOY_STEPS
    ]
    missing = [step for step, n in zip(DEPLOY_STEPS, found, strict=True) if n is None]
    assert missing == [], "not in the README's first 80 lines"
    assert found == sorted(found), "the steps are out of order"
