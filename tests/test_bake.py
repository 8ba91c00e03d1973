"""Baking: every option value gives a clean project; bad answers stop before anything is written."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.support.project import TEMPLATE_ROOT

OPTIONS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
# Jinja left unrendered: a cookiecutter variable, a tag that names cookiecutter, or a raw block.
# (Django's own {% %} tags in templates/ are expected.)
TEMPLATE_MARKER = re.compile(r"{{-?\s*cookiecutter\.|{%-?[^%]*cookiecutter|{%-?\s*(end)?raw\b")
CONTRACT_FILES = [
    "manage.py", "Procfile", ".python-version", "app.json", ".env.example", ".env", ".gitignore",
    "pyproject.toml", "README.md", "static", "templates", "config/settings/base.py",
]  # fmt: skip
# Each manager's files; Heroku's buildpack refuses a project that has two managers' files.
MANAGER_FILES = {"pip": {"requirements.txt", "requirements-dev.txt"}, "uv": {"uv.lock"}}
# Django 6.x needs Python 3.12 or newer: bake the older Pythons with the LTS.
DJANGO_FOR_PYTHON = {"3.11": "5.2"}


def text_files(root: Path) -> list[Path]:
    files = [path for path in root.rglob("*") if path.is_file()]
    return [path for path in files if b"\0" not in path.read_bytes()[:1024]]


def assert_clean_project(path: Path, manager: str = "pip") -> None:
    for name in CONTRACT_FILES:
        assert (path / name).exists(), f"{name} is missing"
    dependency_files = {
        p.name for p in path.iterdir() if p.name in set().union(*MANAGER_FILES.values())
    }
    assert dependency_files == MANAGER_FILES[manager]
    assert not (path / "dependencies").exists()
    leftovers = [str(p) for p in text_files(path) if TEMPLATE_MARKER.search(p.read_text())]
    assert leftovers == [], f"template markers left in {leftovers}"
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=path,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    fmt = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", "."],
        cwd=path,
        capture_output=True,
        text=True,
    )
    assert fmt.returncode == 0, fmt.stdout


# Files only one static_hosting value uses; the hook removes the other's as whole files.
HOSTING_ONLY = {
    "s3": {
        "assets/crt_uploads.py",
        "assets/publish.py",
        "assets/release_indexes.py",
        "assets/management/commands/publish_static.py",
        "tests/test_production_build.py",
        "tests/test_publish.py",
    },
    "whitenoise": {"assets/whitenoise_files.py", "tests/test_whitenoise_build.py"},
}
# Packages only one value installs.
HOSTING_PACKAGES = {"s3": {"awscrt"}, "whitenoise": {"whitenoise", "brotli"}}


@pytest.mark.parametrize("hosting", OPTIONS["static_hosting"])
def test_every_static_hosting(bake, hosting):
    path = bake(static_hosting=hosting)
    assert_clean_project(path)
    other = "s3" if hosting == "whitenoise" else "whitenoise"
    assert all((path / name).exists() for name in HOSTING_ONLY[hosting])
    assert not any((path / name).exists() for name in HOSTING_ONLY[other])
    settings = (path / "config/settings/production.py").read_text()
    assert ("WhiteNoiseMiddleware" in settings) == (hosting == "whitenoise")
    assert ("publish_static" in (path / "Procfile").read_text()) == (hosting == "s3")
    pinned = {line.split("==")[0] for line in (path / "requirements.txt").read_text().splitlines()}
    assert HOSTING_PACKAGES[hosting] <= pinned
    assert not HOSTING_PACKAGES[other] & pinned, "the other value's packages are installed"
    assert not list(path.glob("dependencies*"))


def test_default_bake_is_complete_and_clean(bake):
    path = bake()
    assert path.name == "my_site"
    assert_clean_project(path)


def test_a_new_project_starts_with_one_migration_per_app(bake):
    """Nobody has data yet: each app's history is a single 0001_initial, not the steps the
    template took to get there. The site app itself has no model (the demo's Upload is its)."""
    path = bake()
    apps = sorted(folder.parent.name for folder in path.glob("*/migrations"))
    assert apps == ["demo", "users"]
    for app in apps:
        migrations = path / app / "migrations"
        assert sorted(p.name for p in migrations.glob("0*.py")) == ["0001_initial.py"], app


@pytest.mark.parametrize("version", OPTIONS["python_version"])
def test_every_python_version(bake, version):
    path = bake(python_version=version, django_version=DJANGO_FOR_PYTHON.get(version, "6.1"))
    assert (path / ".python-version").read_text().strip() == version
    assert (
        f'target-version = "py{version.replace(".", "")}"' in (path / "pyproject.toml").read_text()
    )
    assert_clean_project(path)


@pytest.mark.parametrize("manager", OPTIONS["dependency_manager"])
@pytest.mark.parametrize("django", OPTIONS["django_version"])
def test_every_django_version_with_every_dependency_manager(bake, django, manager):
    path = bake(django_version=django, dependency_manager=manager)
    assert_clean_project(path, manager)
    pyproject = tomllib.loads((path / "pyproject.toml").read_text())
    wanted = OPTIONS["_dependencies"][django]
    assert pyproject["project"]["requires-python"] == f">={wanted['python']}"
    if manager == "uv":
        assert (
            pyproject["project"]["dependencies"] == wanted["production"] + wanted["hosting"]["s3"]
        )
        assert pyproject["dependency-groups"]["dev"] == wanted["dev"]
        pins = {
            p["name"]: p["version"]
            for p in tomllib.loads((path / "uv.lock").read_text())["package"]
        }
        assert "my-site" in pins  # the lock names this project, as uv sync --locked expects
    else:
        assert "dependencies" not in pyproject["project"]
        assert "dependency-groups" not in pyproject
        lines = (path / "requirements.txt").read_text().splitlines()
        pins = dict(line.split(" ;")[0].split("==") for line in lines if "==" in line)
        dev = (path / "requirements-dev.txt").read_text().splitlines()
        assert "-r requirements.txt" in dev and "pytest-django" in "\n".join(dev)
    assert pins["django"].startswith(f"{django}.")
    readme = (path / "README.md").read_text()
    commands = {"pip": "pip install -r requirements-dev.txt", "uv": "uv sync"}
    assert commands[manager] in readme
    assert [name for name in commands if commands[name] in readme] == [manager]
    assert f"A Django {django} site" in readme
    scripts = json.loads((path / "app.json").read_text())["environments"]["test"]["scripts"]
    assert ("test-setup" in scripts) == (manager == "pip")  # uv's dev group comes on its own


@pytest.mark.parametrize(
    "answers",
    [
        {"project_name": "Café Société 2"},
        {"project_name": "Joe's Blog", "description": 'Say "hi" & <b>bye</b>'},
        {"time_zone": "America/Argentina/Buenos_Aires", "domain_name": "www.example.co.uk"},
        {"author_name": "Zoë O'Brien", "author_email": "zoe+site@example.org"},
    ],
    ids=["accented-name", "quotes", "zone-and-domain", "author"],
)
def test_other_answers_bake_cleanly(bake, answers):
    path = bake(**answers)
    assert_clean_project(path)
    app = json.loads((path / "app.json").read_text())
    assert app["name"] == answers.get("project_name", "My Site")
    assert app["description"] == answers.get("description", OPTIONS["description"])


def test_a_name_that_needs_slugifying(bake):
    path = bake(project_name="Café Société 2")
    assert path.name == "cafe_societe_2"
    assert (path / "cafe_societe_2" / "apps.py").exists()
    assert 'SITE_NAME = "Café Société 2"' in (path / "config/settings/base.py").read_text()


def test_every_bake_gets_its_own_secret_key(bake):
    keys = []
    for _ in range(2):
        env = dict(
            line.split("=", 1)
            for line in (bake() / ".env").read_text().splitlines()
            if "=" in line and not line.startswith("#")
        )
        # Development is selected by name; DEBUG alone would select nothing.
        assert env["DJANGO_SETTINGS_MODULE"] == "config.settings.development"
        assert env["DEBUG"] == "True"
        assert len(env["SECRET_KEY"]) >= 50
        assert re.fullmatch(r"[A-Za-z0-9_-]+", env["SECRET_KEY"])
        keys.append(env["SECRET_KEY"])
    assert keys[0] != keys[1]


def test_env_file_is_ignored_by_git(bake):
    path = bake()
    subprocess.run(["git", "init", "-q"], cwd=path, check=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--ignored"],
        cwd=path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert "!! .env" in status
    assert "?? .env.example" in status


def cookiecutter_cli(output: Path, *answers: str) -> subprocess.CompletedProcess[str]:
    """Bake as a user would on the command line, without prompts."""
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(output)]
    return subprocess.run([*command, str(TEMPLATE_ROOT), *answers], capture_output=True, text=True)


BAD_ANSWERS = [
    ({"project_name": ""}, "project_name '' must not be empty"),
    ({"project_name": "   "}, "project_name '   ' must not be empty"),
    (
        {"project_name": 'The "Best" Site'},
        """project_name 'The "Best" Site' must not contain double""",
    ),
    ({"project_slug": "My-Site"}, "project_slug 'My-Site' must start with a letter"),
    ({"project_slug": "2fast"}, "project_slug '2fast' must start with a letter"),
    ({"project_slug": "class"}, "project_slug 'class' is a Python keyword"),
    ({"project_slug": "django"}, "project_slug 'django' would shadow a module"),
    ({"project_slug": "config"}, "project_slug 'config' would shadow a module"),
    ({"project_slug": "test"}, "project_slug 'test' would shadow a module"),
    ({"project_slug": "email"}, "project_slug 'email' would shadow a module"),
    ({"project_slug": "users"}, "project_slug 'users' would shadow a module"),
    (
        {"author_name": 'Ann "Ops" Smith'},
        """author_name 'Ann "Ops" Smith' must not contain double""",
    ),
    ({"author_email": "not-an-email"}, "author_email 'not-an-email' must be an e-mail address"),
    (
        {"domain_name": "https://example.com"},
        "domain_name 'https://example.com' must be a bare domain",
    ),
    ({"domain_name": "localhost"}, "domain_name 'localhost' must be a bare domain"),
    ({"time_zone": "Mars/Olympus"}, "time_zone 'Mars/Olympus' is not a known time zone"),
    # cookiecutter itself refuses a value outside the choices, naming them; the hook never runs.
    ({"python_version": "2.7"}, "2.7 provided for choice variable python_version, but the choices"),
    (
        {"python_version": "3.11"},
        "django_version '6.1' needs python_version 3.12 or newer, not '3.11': "
        "choose a newer python_version or django_version 5.2",
    ),
    ({"dependency_manager": "poetry"}, "poetry provided for choice variable dependency_manager"),
]


@pytest.mark.parametrize(
    ("answers", "message"),
    BAD_ANSWERS,
    ids=[m.split()[0] + "-" + str(i) for i, (_, m) in enumerate(BAD_ANSWERS)],
)
def test_a_bad_answer_stops_the_bake_and_leaves_nothing(tmp_path, answers, message):
    output = tmp_path / "out"
    output.mkdir()
    result = cookiecutter_cli(output, *(f"{key}={value}" for key, value in answers.items()))
    assert result.returncode != 0
    assert message in result.stderr
    assert list(output.iterdir()) == []


def test_every_bad_answer_is_reported_at_once(tmp_path):
    result = cookiecutter_cli(
        tmp_path, "project_slug=class", "author_email=nope", "time_zone=Nowhere"
    )
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR: ")]
    assert [line.split()[1] for line in errors] == ["project_slug", "author_email", "time_zone"]
