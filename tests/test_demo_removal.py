"""The demo is one deletable thing: the step the generated README gives, and nothing else,
leaves a project whose own suite, migrations check, production build and `check --deploy` pass,
and in which nothing refers to the demo any more."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.support.production import config_vars, new_bucket_name
from tests.support.project import Project, bake_project, clean_env
from tests.support.s3server import S3Server

# The README's section on the demo, and the one fenced command in it.
SECTION = re.compile(r"^## The demo\n(.*?)(?=^## )", re.S | re.M)
COMMAND = re.compile(r"```bash\n(.*?)\n```", re.S)
IMPORTS_DEMO = re.compile(r"^\s*(from|import)\s+demo\b", re.M)


def documented_removal(project: Path) -> str:
    section = SECTION.search((project / "README.md").read_text())
    assert section, "the generated README has no '## The demo' section"
    commands = COMMAND.findall(section.group(1))
    assert len(commands) == 1 and "\n" not in commands[0], commands
    return commands[0]


@pytest.fixture(scope="module")
def without_demo(tmp_path_factory: pytest.TempPathFactory, venv: Path) -> Project:
    """The defaults, baked, with the demo removed exactly as the README says."""
    path = bake_project(tmp_path_factory.mktemp("without-demo"))
    step = documented_removal(path)
    assert step == "rm -rf demo"
    subprocess.run(step, shell=True, cwd=path, check=True)
    assert not (path / "demo").exists()
    return Project(path, venv)


def test_the_projects_suite_and_migrations_pass_without_the_demo(without_demo: Project):
    tests = without_demo.run("python", "-m", "pytest", "-q", check=False)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    migrations = without_demo.manage("makemigrations", "--check", "--dry-run", check=False)
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert "No changes detected" in migrations.stdout


def test_nothing_left_imports_the_demo(without_demo: Project):
    sources = [p for p in without_demo.path.rglob("*.py") if ".venv" not in p.parts]
    named = [str(p) for p in sources if IMPORTS_DEMO.search(p.read_text())]
    assert named == []
    # At run time too: no demo module loaded, and / is the site's own welcome page.
    code = (
        "import sys, django; django.setup(); "
        "from django.test import Client; page = Client().get('/'); "
        "print(page.status_code, [m for m in sys.modules if m.split('.')[0] == 'demo']); "
        "print(page.content.decode())"
    )
    env = clean_env(DJANGO_SETTINGS_MODULE="config.settings.test")
    result = without_demo.run("python", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("200 []"), result.stdout[:300]
    assert "Welcome to My Site" in result.stdout


def test_production_builds_and_passes_check_deploy_without_the_demo(
    without_demo: Project, s3: S3Server, worker_id: str
):
    (without_demo.path / ".env").unlink(missing_ok=True)  # Heroku builds from git: no .env
    database = f"sqlite:///{without_demo.path / 'production.sqlite3'}"
    env = config_vars(s3.endpoint_url, new_bucket_name(worker_id), database)
    without_demo.manage("prepare_bucket", env=env)
    build = without_demo.manage("collectstatic", "--noinput", env=env)
    assert "Compressed" in build.stdout and "Published:" in build.stdout
    assert not list((without_demo.path / "staticfiles").glob("demo")), "demo files were built"
    check = without_demo.manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert "no issues" in check.stdout
