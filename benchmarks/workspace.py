"""A baked project to benchmark in, its virtualenv, and timed runs of its commands."""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import fixture
from tests.support.production import config_vars
from tests.support.project import CACHE_DIR, PROJECT_TEMPLATE, TEMPLATE_ROOT, interpreter

# The contender the project does not ship; installed into the benchmark's virtualenv only.
EXTRA_REQUIREMENTS = ("Collectfasta==3.3.5",)
# The default bake's pins and Python (cookiecutter.json's first django_version and python_version).
_OPTIONS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
_DEPENDENCIES = (
    PROJECT_TEMPLATE
    / "dependencies"
    / f"django-{_OPTIONS['django_version'][0]}-{_OPTIONS['static_hosting'][0]}"
)
REQUIREMENTS = _DEPENDENCIES / "requirements.txt"
PYTHON = _OPTIONS["python_version"][0]
IN_PROJECT = Path(__file__).resolve().parent / "inproject"
PAGE = "bench_page.html"


def bench_virtualenv() -> Path:
    """The project's production requirements plus collectfasta, cached by their hash."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes() + PYTHON.encode())
    digest.update("\n".join(EXTRA_REQUIREMENTS).encode())
    venv = CACHE_DIR / f"bench-venv-{digest.hexdigest()[:16]}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / "bench-venv.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            print(f"Installing the project's requirements and collectfasta into {venv} ...")
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([str(interpreter(PYTHON)), "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin/python"), "-m", "pip", "install", "--quiet"]
            subprocess.run([*pip, "-r", str(REQUIREMENTS), *EXTRA_REQUIREMENTS], check=True)
            (venv / ".complete").touch()
    return venv


def template_at(revision: str, workdir: Path) -> Path:
    """The template as committed at `revision`, so edits in progress in the working tree do not
    leak into a measurement."""
    target = workdir / f"template-{revision}"
    target.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "-C", str(TEMPLATE_ROOT), "archive", revision], check=True, capture_output=True
    )
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def bake(workdir: Path, files: int, template: Path = TEMPLATE_ROOT) -> Path:
    """The template's defaults, as Heroku builds them (no .env), with the benchmark's modules and
    a page that bundles fixture files."""
    workdir.mkdir(parents=True, exist_ok=True)
    # cookiecutter's own command, so its hook's "next steps" do not end up in the report.
    command = [sys.executable, "-m", "cookiecutter", "--no-input", "--output-dir", str(workdir)]
    subprocess.run(
        [*command, str(template), "project_name=Bench Site"],
        check=True,
        capture_output=True,
    )
    project = workdir / "bench_site"
    (project / ".env").unlink()
    for module in IN_PROJECT.glob("bench_*.py"):
        shutil.copy(module, project / module.name)
    (project / "templates" / PAGE).write_text(fixture.page_template(files))
    return project


@dataclass
class Run:
    seconds: float
    steps: dict[str, float] = field(default_factory=dict)
    output: str = ""


class Workspace:
    """One baked project with its interpreter, pointed at one S3 endpoint."""

    def __init__(self, project: Path, venv: Path, endpoint_url: str) -> None:
        self.project = project
        self.python = str(venv / "bin" / "python")
        self.endpoint_url = endpoint_url

    def env(self, bucket: str, settings: str | None, **extra: str) -> dict[str, str]:
        """Heroku's build environment: config vars, no .env, the app root on PYTHONPATH."""
        env = config_vars(
            self.endpoint_url,
            bucket,
            f"sqlite:///{self.project / 'production.sqlite3'}",
            PYTHONPATH=".",
            BENCH_STEPS_FILE=str(self.project / "bench-steps.json"),
            **extra,
        )
        if settings:
            env["DJANGO_SETTINGS_MODULE"] = settings
        return env

    def run(self, script: str, *args: str, env: dict[str, str]) -> Run:
        """Run a script of the project with its interpreter; time it from start to exit."""
        started = time.perf_counter()
        result = subprocess.run(
            [self.python, script, *args],
            cwd=self.project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(
                f"{script} {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}"
            )
        return Run(seconds, output=result.stdout)

    def collectstatic(self, bucket: str, settings: str | None, **extra: str) -> Run:
        """`python manage.py collectstatic --noinput`, with each step timed."""
        env = self.env(bucket, settings, **extra)
        run = self.run("bench_timed_manage.py", "collectstatic", "--noinput", env=env)
        run.steps = json.loads(Path(env["BENCH_STEPS_FILE"]).read_text())
        return run

    def write_sources(self, files: int, state: fixture.State) -> None:
        """The sources of a release, freshly written (new mtimes, as in a new checkout)."""
        fixture.write(self.project / "static", files, state)
        shutil.rmtree(self.project / "staticfiles", ignore_errors=True)
