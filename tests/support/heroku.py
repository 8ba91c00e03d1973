"""Heroku, reproduced on this machine: the Python buildpack's build and the dyno manager.

Nothing here reaches Heroku (DESIGN.md section 4). What the tests rely on, as Heroku does it:
- the build installs `requirements.txt` alone into a fresh virtualenv, then runs
  `python manage.py collectstatic --noinput --traceback` from the app root with `PYTHONPATH=.`,
  the config vars as environment variables and no `.env` (heroku-buildpack-python's
  bin/steps/collectstatic);
- the slug may be built in one directory and run from another (builds have run in
  /tmp/build_..., dynos run /app), so nothing may depend on where the build happened;
- dynos run the Procfile's commands through a shell, with the virtualenv first on PATH, the
  config vars in the environment and, for `web`, the PORT to bind.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from honcho.environ import PROCFILE_LINE, parse_procfile

from tests.support.project import cached_virtualenv, clean_env
from tests.support.s3server import free_port

BUILD_COMMAND = ["python", "manage.py", "collectstatic", "--noinput", "--traceback"]
# Python major versions Heroku's buildpack builds today.
# https://devcenter.heroku.com/articles/python-support#supported-python-versions
HEROKU_PYTHON_VERSIONS = {"3.10", "3.11", "3.12", "3.13", "3.14"}


def heroku_virtualenv(project: Path) -> Path:
    """What the buildpack installs: `requirements.txt` only (or `uv sync --locked
    --no-default-groups`), so a production package that hides among the dev tools fails the
    build here as it would on Heroku."""
    return cached_virtualenv("heroku-venv", project, dev=False)


def git_push(checkout: Path) -> Path:
    """What Heroku receives: the checkout without `.env`, which git ignores."""
    assert ".env" in (checkout / ".gitignore").read_text().split()
    (checkout / ".env").unlink()
    return checkout


def procfile(app: Path) -> dict[str, str]:
    """The process types and their commands, as Heroku reads the Procfile.

    A line Heroku would not understand is ignored by its parser (and honcho's) without a word,
    so a typo would silently drop a process: refuse such lines instead.
    """
    text = (app / "Procfile").read_text()
    lines = [line for line in text.splitlines() if line.strip()]
    unparsed = [line for line in lines if not PROCFILE_LINE.match(line)]
    if unparsed:
        raise ValueError(f"Procfile lines Heroku would ignore: {unparsed}")
    return dict(parse_procfile(text).processes)


def dyno_env(app: Path, venv: Path, config_vars: dict[str, str], **extra: str) -> dict[str, str]:
    """A dyno's environment: the slug's Python first on PATH, the config vars, HOME at the app
    (as /app is on Heroku, so nothing from this machine's home directory, such as ~/.aws, leaks
    in), DYNO (Heroku names every dyno: web.1, release.1, run.1234) and `extra` (PORT for web)."""
    env = {**clean_env(), **config_vars, "HOME": str(app), "DYNO": "run.1", **extra}
    return {**env, "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"}


def build(app: Path, venv: Path, config_vars: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The buildpack's collectstatic step; the caller decides whether a failure is expected."""
    env = dyno_env(app, venv, config_vars, PYTHONPATH=".")
    return subprocess.run(
        BUILD_COMMAND, cwd=app, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def release(app: Path, venv: Path, config_vars: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The release phase: the Procfile's `release` command on a one-off dyno with the config vars;
    the caller decides whether a failure is expected."""
    return run_process(app, procfile(app)["release"], dyno_env(app, venv, config_vars))


def release_slug(build_dir: Path, app_dir: Path) -> Path:
    """Copy the built tree where dynos run it, as Heroku moves the slug from build to /app."""
    shutil.copytree(build_dir, app_dir, symlinks=True)
    return app_dir


def run_process(
    app: Path, command: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """A one-off dyno (the release phase, `heroku run`): the command through a shell."""
    return subprocess.run(
        ["bash", "-c", command],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until_bound(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    """Heroku's boot check: the web process must bind $PORT within 60 s. Only the port, as
    Heroku checks it: requests that arrive before a worker is ready wait in the backlog."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"web exited with {process.returncode}:\n{log.read_text()}")
        if accepts(port):
            return
        time.sleep(0.05)
    raise AssertionError(f"web did not bind port {port} within 60 s:\n{log.read_text()}")


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


@dataclass
class WebDyno:
    url: str
    stdout: Path
    stderr: Path

    def logs(self) -> tuple[str, str]:
        return self.stdout.read_text(), self.stderr.read_text()


@contextlib.contextmanager
def run_web(app: Path, command: str, env: dict[str, str], logs: Path) -> Iterator[WebDyno]:
    """Start the `web` process and yield once $PORT accepts connections; stop it as Heroku does."""
    logs.mkdir(parents=True, exist_ok=True)
    dyno = WebDyno(f"http://127.0.0.1:{env['PORT']}", logs / "stdout.log", logs / "stderr.log")
    with dyno.stdout.open("w") as out, dyno.stderr.open("w") as err:
        # Its own process group, so stopping it reaches gunicorn's workers through the shell.
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=app,
            env=env,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
    try:
        wait_until_bound(int(env["PORT"]), process, dyno.stderr)
        yield dyno
    finally:
        # Heroku sends SIGTERM to every process of the dyno, then SIGKILL 30 s later.
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def web_dyno(app: Path, venv: Path, config_vars: dict[str, str]) -> Iterator[str]:
    """The Procfile's web process with this app's config vars on a free port; yields its URL."""
    env = dyno_env(app, venv, config_vars, PORT=str(free_port()))
    with run_web(app, procfile(app)["web"], env, app / "web-logs") as dyno:
        yield dyno.url
