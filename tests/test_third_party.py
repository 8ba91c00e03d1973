"""Third-party apps with their own static files and templates never fail the build.

Real packages from PyPI with large static trees (Django REST framework's browsable API, TinyMCE)
and templates that need apps this project does not install (django-filter's crispy-forms
template), plus a small local app whose CSS and JS name files it does not ship, as many
packages' do, and that ships empty (0-byte) stylesheets and scripts, as some popular apps do:
S3 answers a ranged GET of an empty object with 416, which once failed every build.
"""

from __future__ import annotations

import fcntl
import hashlib
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Bake
from tests.support.heroku import BUILD_COMMAND, dyno_env, git_push, run_process
from tests.support.production import config_vars, new_bucket_name
from tests.support.project import CACHE_DIR
from tests.support.s3server import S3Server

PACKAGES = ["djangorestframework==3.18.3", "django-tinymce==5.0.0", "django-filter==26.2"]
APPS = ["rest_framework", "tinymce", "django_filters", "legacy_widgets"]

WIDGET_CSS = """\
.widget { background: url("../img/stripes.png"); }
.widget-icon { background: url("../img/missing-icon.png") no-repeat; }
"""
EMPTY_FILES = ["legacy_widgets/css/print.css", "legacy_widgets/js/placeholder.js"]
WIDGET_JS = "document.documentElement.dataset.widgets = 'on';\n//# sourceMappingURL=widget.js.map\n"


@pytest.fixture(scope="session")
def packages(heroku_venv: Path) -> Path:
    """The packages, installed for the slug's Python into a folder put on its PYTHONPATH."""
    python = str(heroku_venv / "bin" / "python")
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version)"], capture_output=True, text=True
    ).stdout
    key = hashlib.sha256(f"{version}{PACKAGES}".encode()).hexdigest()[:16]
    target = CACHE_DIR / f"third-party-{key}"
    with (CACHE_DIR / "third-party.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (target / ".complete").exists():
            pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            # Each needs only Django, which the slug's virtualenv has.
            pip += ["--no-deps", "--target", str(target), *PACKAGES]
            subprocess.run(pip, check=True)
            (target / ".complete").touch()
    return target


def add_apps(app: Path) -> None:
    """What a user does: a local app with static files, and the apps in INSTALLED_APPS."""
    widgets = app / "legacy_widgets"
    for folder in (
        "static/legacy_widgets/css",
        "static/legacy_widgets/js",
        "static/legacy_widgets/img",
    ):
        (widgets / folder).mkdir(parents=True)
    (widgets / "__init__.py").write_text("")
    (widgets / "static/legacy_widgets/css/widget.css").write_text(WIDGET_CSS)
    (widgets / "static/legacy_widgets/js/widget.js").write_text(WIDGET_JS)
    (widgets / "static/legacy_widgets/img/stripes.png").write_bytes(b"\x89PNG\r\n\x1a\nstripes")
    for empty in EMPTY_FILES:
        (widgets / "static" / empty).write_bytes(b"")
    settings = app / "config/settings/base.py"
    listed = "".join(f'    "{name}",\n' for name in APPS)
    text = settings.read_text().replace('    "compressor",\n', f'    "compressor",\n{listed}')
    settings.write_text(text)


def test_a_build_with_third_party_apps_passes_with_a_short_log(
    bake: Bake, heroku_venv: Path, packages: Path, s3: S3Server, tmp_path: Path, worker_id: str
):
    app = git_push(bake())
    add_apps(app)
    bucket = new_bucket_name(worker_id)
    env = config_vars(s3.endpoint_url, bucket, f"sqlite:///{tmp_path / 'db.sqlite3'}")
    shell = dyno_env(app, heroku_venv, env, PYTHONPATH=f".:{packages}")
    assert run_process(app, "python manage.py prepare_bucket", shell).returncode == 0
    built = run_process(app, " ".join(BUILD_COMMAND), shell, timeout=300)
    log = built.stdout + built.stderr
    print(f"The build's log ({len(log.splitlines())} lines):\n{log}")
    assert built.returncode == 0, log

    # Each missing file named once, with the file that references it.
    assert log.count("references") == 2, log
    assert (
        "legacy_widgets/css/widget.css references ../img/missing-icon.png, which is not there"
    ) in log
    assert "legacy_widgets/js/widget.js references widget.js.map, which is not there" in log
    # One line for the templates compressor could not load, not their tag libraries.
    assert "Compressor skipped 1 third-party template(s)" in log
    assert "is not a registered tag library" not in log
    assert "Connection pool is full" not in log and "Traceback" not in log
    assert len(log.splitlines()) <= 15, log

    assert_missing_kept_and_present_hashed(app / "staticfiles")
    keys = [o["Key"] for page in list_pages(s3, bucket) for o in page.get("Contents", [])]
    for package_folder in ("static/rest_framework/", "static/tinymce/"):
        assert sum(key.startswith(package_folder) for key in keys) > 50, package_folder
    for empty in EMPTY_FILES:
        assert f"static/{empty}" in keys, empty


def assert_missing_kept_and_present_hashed(static_root: Path) -> None:
    manifest = (static_root / "staticfiles.json").read_text()
    assert "legacy_widgets/css/widget.css" in manifest
    hashed_css = next((static_root / "legacy_widgets/css").glob("widget.*.css")).read_text()
    assert 'url("../img/missing-icon.png")' in hashed_css, "the missing reference was changed"
    assert 'url("../img/stripes.' in hashed_css and "stripes.png" not in hashed_css, hashed_css


def list_pages(s3: S3Server, bucket: str) -> list[dict]:
    return list(s3.client().get_paginator("list_objects_v2").paginate(Bucket=bucket))
