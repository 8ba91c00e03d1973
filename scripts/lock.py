"""Pin the baked projects' dependencies: one run writes every lock and requirements file.

The top-level dependencies of each Django version are listed once, in cookiecutter.json's
`_dependencies`, with the few that only one `static_hosting` value uses under `hosting`. For each
version and value this resolves them with uv (the newest releases that fit) into
`{{cookiecutter.project_slug}}/dependencies/django-<version>-<static_hosting>/`:

- `uv.lock`, for projects baked with `dependency_manager=uv` (its project name is left as a
  cookiecutter variable, since uv records it);
- `requirements.txt` and `requirements-dev.txt`, exported from that same lock for `pip`, so both
  managers install the same versions.

The post-generation hook moves the chosen files to the project root and removes the rest.
Run it after editing `_dependencies` (network access to PyPI needed). uv resolves for every
Python a version supports, but wants an interpreter of the lowest one; it takes pyenv's build
(`pyenv prefix 3.12`) unless UV_PYTHON names one:

    python scripts/lock.py
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "{{cookiecutter.project_slug}}" / "dependencies"
# The name the lock is made under, replaced by the baked project's own (uv normalises `_` to `-`).
LOCK_NAME = "lock-placeholder"
PROJECT_NAME = "{{ cookiecutter.project_slug|replace('_', '-') }}"
HEADER = "# Every version pinned, so each install is the same (the template's scripts/lock.py).\n"


def dependencies() -> dict[str, dict[str, object]]:
    """The top-level dependencies of each Django version, as cookiecutter.json lists them."""
    return json.loads((ROOT / "cookiecutter.json").read_text())["_dependencies"]


def pyproject(name: str, spec: dict[str, object], hosting: str) -> str:
    """The parts of the baked project's pyproject.toml that uv records in the lock."""
    wanted = [*spec["production"], *spec["hosting"][hosting]]
    production = "".join(f'    "{item}",\n' for item in wanted)
    dev = "".join(f'    "{item}",\n' for item in spec["dev"])
    return (
        f'[project]\nname = "{name}"\nversion = "0.1.0"\n'
        f'requires-python = ">={spec["python"]}"\ndependencies = [\n{production}]\n\n'
        f"[dependency-groups]\ndev = [\n{dev}]\n"
    )


def uv(*args: str, cwd: Path) -> str:
    # Never let uv download a Python: only registries are reachable where this runs.
    env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
    command = [sys.executable, "-m", "uv", *args]
    done = subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True, text=True)
    return done.stdout


def interpreter(version: str) -> str:
    if os.environ.get("UV_PYTHON"):
        return os.environ["UV_PYTHON"]
    prefix = subprocess.run(["pyenv", "prefix", version], capture_output=True, text=True)
    if prefix.returncode != 0:
        sys.exit(f"scripts/lock.py: no Python {version} (pyenv prefix {version}); set UV_PYTHON")
    return str(Path(prefix.stdout.strip()) / "bin" / "python3")


def export(cwd: Path, *groups: str) -> list[str]:
    """Pinned requirement lines from the lock, without the project itself or comments."""
    text = uv(
        "export", "--frozen", "--no-hashes", "--no-annotate", "--no-header", "--no-emit-project",
        *groups, cwd=cwd,
    )  # fmt: skip
    return [line for line in text.splitlines() if line and not line.startswith(("#", "-e"))]


def requirements(cwd: Path) -> tuple[str, str]:
    """requirements.txt (production) and requirements-dev.txt (`-r` that, plus the rest)."""
    production = export(cwd, "--no-dev")
    dev_only = [line for line in export(cwd) if line not in production]
    return (
        HEADER + "\n".join(production) + "\n",
        HEADER + "-r requirements.txt\n" + "\n".join(dev_only) + "\n",
    )


def lock(version: str, spec: dict[str, object], hosting: str, work: Path) -> None:
    (work / "pyproject.toml").write_text(pyproject(LOCK_NAME, spec, hosting))
    uv("lock", "--quiet", "--python", interpreter(str(spec["python"])), cwd=work)
    target = OUTPUT / f"django-{version}-{hosting}"
    target.mkdir(parents=True, exist_ok=True)
    locked = (work / "uv.lock").read_text()
    (target / "uv.lock").write_text(locked.replace(f'"{LOCK_NAME}"', f'"{PROJECT_NAME}"'))
    production, dev = requirements(work)
    (target / "requirements.txt").write_text(production)
    (target / "requirements-dev.txt").write_text(dev)
    pinned = len(production.splitlines()) - 1
    print(f"Django {version}, {hosting}: {pinned} production pins -> {target}")


def main() -> None:
    shutil.rmtree(OUTPUT, ignore_errors=True)
    for version, spec in dependencies().items():
        for hosting in spec["hosting"]:
            work = Path(tempfile.mkdtemp(prefix=f"lock-{version}-{hosting}-"))
            try:
                lock(version, spec, hosting, work)
            finally:
                shutil.rmtree(work)


if __name__ == "__main__":
    main()
