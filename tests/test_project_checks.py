"""The baked project checks itself: its CI workflow and its pre-commit hooks pass as committed.

Each case bakes one combination and installs it on the Python its `.python-version` names;
together the cases cover every Django version, dependency manager and installed Python
(3.14, not installed here, is covered by test_dependencies.py). The workflow's `run:` steps run
in order against the suite's PostgreSQL (tests/support/workflow.py); pre-commit runs offline in
a fresh git repository.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.postgres import PostgresCluster
from tests.support.project import (
    CACHE_DIR,
    MissingPython,
    bake_project,
    clean_env,
    dependency_manager,
    interpreter,
    project_virtualenv,
)
from tests.support.workflow import load_job, run_step, run_steps

CASES = [
    {"django_version": "6.1", "dependency_manager": "pip", "python_version": "3.13"},
    {"django_version": "6.1", "dependency_manager": "uv", "python_version": "3.12"},
    {"django_version": "5.2", "dependency_manager": "pip", "python_version": "3.11"},
    {
        "django_version": "5.2",
        "dependency_manager": "uv",
        "python_version": "3.13",
        "static_hosting": "whitenoise",
    },
]
CASE_IDS = ["-".join(case.values()) for case in CASES]
# What the workflow must check, whatever the manager (the steps' commands, in order).
REQUIRED_CHECKS = [
    "ruff check",
    "ruff format --check",
    "manage.py makemigrations --check",
    "pytest",
    "manage.py check --deploy --fail-level WARNING",
]


@pytest.fixture(params=CASES, ids=CASE_IDS)
def baked(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A bake of one case, its virtualenv (made with the declared Python) and its answers."""
    project = bake_project(tmp_path, **request.param)
    return project, project_virtualenv(project), request.param


def setup_python(project: Path) -> Path:
    """What actions/setup-python gives the uv workflow: the declared Python, with pip."""
    python = interpreter((project / ".python-version").read_text().strip())
    venv = CACHE_DIR / f"setup-python-{python.parent.parent.name}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be making it
        if not (venv / ".complete").exists():
            subprocess.run([str(python), "-m", "venv", "--clear", str(venv)], check=True)
            (venv / ".complete").touch()
    return venv


def job_env(project: Path, venv: Path, job: dict, database_url: str) -> dict[str, str]:
    env = {**clean_env(), **{key: str(value) for key, value in job.get("env", {}).items()}}
    env["DATABASE_URL"] = database_url  # the suite's cluster stands in for the service
    if dependency_manager(project) == "uv":
        # `uv sync` fills the cached virtualenv (already complete, so it checks the lock).
        bin_dir = setup_python(project) / "bin"
        env |= {"UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    else:
        bin_dir = venv / "bin"  # `pip install` goes into the cached virtualenv
    return {**env, "PATH": f"{bin_dir}{os.pathsep}{env['PATH']}"}


def test_every_run_step_of_the_ci_workflow_passes(
    baked: tuple[Path, Path, dict[str, str]], postgres: PostgresCluster
):
    project, venv, _ = baked
    (project / ".env").unlink()  # a checkout has none
    job = load_job(project)
    assert job["services"]["postgres"]["image"].startswith("postgres:")
    steps = run_steps(job)
    commands = "\n".join(step.run for step in steps)
    positions = [commands.find(check) for check in REQUIRED_CHECKS]
    assert -1 not in positions and positions == sorted(positions), commands

    env = job_env(project, venv, job, postgres.create_database(f"ci_{project.parent.name}"))
    outputs = {}
    for step in steps:
        done = run_step(step, project, env)
        assert done.returncode == 0, f"{step.name} failed:\n{done.stdout}\n{done.stderr}"
        outputs[step.run] = done.stdout + done.stderr
    tests = next(output for run, output in outputs.items() if run.endswith("pytest"))
    assert " passed" in tests and "skipped" not in tests, tests  # the production build included
    assert "no issues" in outputs[steps[-1].run]


def test_pre_commit_passes_offline_on_a_fresh_repository(
    baked: tuple[Path, Path, dict[str, str]], tmp_path: Path
):
    project, venv, _ = baked
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "baked"]):
        subprocess.run([*git, *command], cwd=project, check=True)
    env = clean_env(PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}")
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    done = subprocess.run(
        [str(venv / "bin" / "pre-commit"), "run", "--all-files"],
        cwd=project, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    hooks = {line.split(".")[0].strip() for line in done.stdout.splitlines() if "Passed" in line}
    assert hooks == {"ruff check", "ruff format", "migrations match the models"}, done.stdout


def test_each_case_runs_on_the_python_its_python_version_file_names(
    baked: tuple[Path, Path, dict[str, str]],
):
    project, venv, answers = baked
    code = "import sys, django; print('%d.%d' % sys.version_info[:2], django.get_version())"
    python = [str(venv / "bin" / "python"), "-c", code]
    found = subprocess.run(python, capture_output=True, text=True, check=True).stdout.split()
    assert found[0] == (project / ".python-version").read_text().strip()
    assert found[0] == answers["python_version"]
    assert found[1].startswith(answers["django_version"] + ".")


def test_a_python_that_is_not_installed_is_named_never_replaced():
    message = r"Python 3\.99 \(the baked project's .python-version\) is not installed"
    with pytest.raises(MissingPython, match=message):
        interpreter("3.99")


@pytest.mark.parametrize("answers", CASES[:2], ids=CASE_IDS[:2])
def test_heroku_ci_runs_app_jsons_test_scripts(
    answers: dict[str, str], tmp_path: Path, postgres: PostgresCluster
):
    """Heroku CI installs as the buildpack does with INSTALL_TEST set (uv: the dev group too;
    pip: requirements.txt, then the `test-setup` script), provisions the test environment's
    add-ons, then runs the `test` script from the app root."""
    project = bake_project(tmp_path, **answers)
    (project / ".env").unlink()  # built from git
    venv = project_virtualenv(project)
    test = json.loads((project / "app.json").read_text())["environments"]["test"]
    assert [addon.split(":")[0] for addon in test["addons"]] == ["heroku-postgresql"]
    path = f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"
    env = {**clean_env(), **test.get("env", {}), "PATH": path, "DYNO": "run.1"}  # a test dyno
    env["DATABASE_URL"] = postgres.create_database(f"heroku_ci_{tmp_path.name}")
    scripts = [test["scripts"][name] for name in ("test-setup", "test") if name in test["scripts"]]
    assert scripts[-1] == "pytest"
    for script in scripts:
        done = subprocess.run(
            ["bash", "-c", script], cwd=project, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{script}:\n{done.stdout}\n{done.stderr}"
    assert " passed" in done.stdout and "failed" not in done.stdout
