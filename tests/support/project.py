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
REQUIREMENTS = ("requirements.txt", "requirements-dev.txt")
CACHE_DIR = Path(os.environ.get("TEMPLATE_TEST_CACHE", Path.home() / ".cache" / "django-s3-heroku"))


def cached_virtualenv(name: str, requirements: str) -> Path:
    """A virtualenv with one of the baked project's requirements files, shared by every bake.

    It is keyed by the hash of the project's requirements files and marked complete only once
    pip succeeded, so an interrupted install is rebuilt rather than trusted.
    """
    digest = hashlib.sha256()
    for file in REQUIREMENTS:
        digest.update((PROJECT_TEMPLATE / file).read_bytes())
    venv = CACHE_DIR / f"{name}-{digest.hexdigest()[:16]}"
    marker = venv / ".complete"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    # pytest-xdist workers ask at the same time: one builds, the others wait for it.
    with (CACHE_DIR / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not marker.exists():
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
            pip += ["--disable-pip-version-check", "-r", str(PROJECT_TEMPLATE / requirements)]
            subprocess.run(pip, check=True)
            marker.touch()
    return venv


def project_virtualenv() -> Path:
    """What a developer installs: requirements-dev.txt (production packages and test tools)."""
    return cached_virtualenv("venv", "requirements-dev.txt")


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
