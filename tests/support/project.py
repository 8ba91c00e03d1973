"""Run a baked project the way its user would: its own virtualenv, its own commands."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import requests

TEMPLATE_ROOT = Path(__file__).resolve().parents[2]
PROJECT_TEMPLATE = TEMPLATE_ROOT / "{{cookiecutter.project_slug}}"
CACHE_DIR = Path(os.environ.get("TEMPLATE_TEST_CACHE", Path.home() / ".cache" / "django-s3-heroku"))
# What each dependency manager installs from: the venv cache is keyed by their contents.
MANAGER_FILES = {"pip": ("requirements.txt", "requirements-dev.txt"), "uv": ("uv.lock",)}


class MissingPython(RuntimeError):
    """The Python a baked project declares is not on this machine."""


def bake_project(output: Path, **answers: str) -> Path:
    """Bake the template without prompts (the rest of the answers defaulted)."""
    from cookiecutter.main import cookiecutter

    return Path(
        cookiecutter(
            str(TEMPLATE_ROOT), no_input=True, output_dir=str(output), extra_context=answers
        )
    )


def interpreter(version: str) -> Path:
    """pyenv's build of Python `version` (3.13), or `python3.13` on PATH; never another Python.

    A project is tested on the Python its `.python-version` names, since that is what Heroku
    runs: a missing one fails loudly rather than falling back to whatever runs the tests.
    """
    prefix = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True)
    if prefix.returncode == 0:
        python = Path(prefix.stdout.strip().split(":")[0]) / "bin" / "python3"
    else:
        python = Path(shutil.which(f"python{version}") or f"python{version}")
    probe = [str(python), "-c", "import sys; print('%d.%d' % sys.version_info[:2])"]
    try:
        found = subprocess.run(probe, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        found = None
    if found != version:
        raise MissingPython(
            f"Python {version} (the baked project's .python-version) is not installed: "
            f"install it (pyenv install {version}) or put python{version} on PATH"
        )
    return python


def dependency_manager(project: Path) -> str:
    return "uv" if (project / "uv.lock").exists() else "pip"


def cached_virtualenv(name: str, project: Path, *, dev: bool) -> Path:
    """A virtualenv with a baked project's dependencies, shared by every bake like it.

    It is made with the Python of the project's `.python-version`, keyed by that interpreter and
    the project's pins, and marked complete only once the install succeeded, so an interrupted
    install is rebuilt rather than trusted. `dev` adds the test and lint tools.
    """
    manager = dependency_manager(project)
    python = interpreter((project / ".python-version").read_text().strip())
    digest = hashlib.sha256(str(python.resolve()).encode())
    for file in MANAGER_FILES[manager]:
        digest.update((project / file).read_bytes())
    venv = CACHE_DIR / f"{name}-{manager}-{digest.hexdigest()[:16]}"
    marker = venv / ".complete"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers ask at the same time: one builds, the others wait for it.
    with (CACHE_DIR / f"{venv.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            shutil.rmtree(venv, ignore_errors=True)
            INSTALLERS[manager](project, python, venv, dev)
            marker.touch()
    return venv


def pip_install(project: Path, python: Path, venv: Path, dev: bool) -> None:
    subprocess.run([str(python), "-m", "venv", str(venv)], check=True)
    requirements = project / ("requirements-dev.txt" if dev else "requirements.txt")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, "--disable-pip-version-check", "-r", str(requirements)], check=True)


def uv_sync(project: Path, python: Path, venv: Path, dev: bool) -> None:
    """`uv sync --locked` as Heroku's buildpack runs it (without the dev group but on CI)."""
    env = {**clean_env(), "UV_PROJECT_ENVIRONMENT": str(venv), "UV_PYTHON_DOWNLOADS": "never"}
    command = [sys.executable, "-m", "uv", "sync", "--locked", "--quiet", "--python", str(python)]
    command += [] if dev else ["--no-default-groups"]
    subprocess.run(command, cwd=project, env=env, check=True)


INSTALLERS = {"pip": pip_install, "uv": uv_sync}


def project_virtualenv(project: Path) -> Path:
    """What a developer installs: production packages and the test and lint tools."""
    return cached_virtualenv("venv", project, dev=True)


def clean_env(**overrides: str) -> dict[str, str]:
    """The environment of a new shell: nothing Django- or AWS-related leaks in from the tests."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "AWS_", "PYENV_VERSION", "VIRTUAL_ENV"))
        and key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "PYTHONPATH"}
    }
    return {**env, **overrides}


class Project:
    """A baked project and the virtualenv it runs in."""

    def __init__(self, path: Path, venv: Path) -> None:
        self.path = path
        self.venv = venv

    @property
    def python(self) -> str:
        return str(self.venv / "bin" / "python")

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        check: bool = True,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in the project root; `python` means the project's interpreter."""
        command = [self.python if args[0] == "python" else args[0], *args[1:]]
        result = subprocess.run(
            command,
            cwd=self.path,
            env=env or clean_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def manage(
        self, *args: str, env: dict[str, str] | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        return self.run("python", "manage.py", *args, env=env, check=check)

    @contextlib.contextmanager
    def serve(
        self, command: list[str], port: int, env: dict[str, str] | None = None
    ) -> Iterator[str]:
        """Start a server process, wait until it answers, yield its base URL, stop it."""
        log = self.path / f"server-{port}.log"
        with log.open("w") as out:
            process = subprocess.Popen(
                command, cwd=self.path, env=env or clean_env(), stdout=out, stderr=subprocess.STDOUT
            )
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base_url, process, log)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def wait_until_up(
    base_url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text()}")
        # A busy machine may accept the connection long before the app answers: keep asking.
        with contextlib.suppress(requests.RequestException):
            requests.get(base_url, timeout=5, allow_redirects=False)
            return
        time.sleep(0.1)
    raise AssertionError(f"server did not answer within {timeout} s:\n{log.read_text()}")
