"""The pins the template ships: they agree with the one list they come from, and they install.

cookiecutter.json's `_dependencies` lists each Django version's top-level dependencies;
scripts/lock.py resolves them into a uv.lock and exports requirements files from it. These tests
prove that what is committed is what that script makes from that list (no hand edits, no stale
lock), and that every pin has a distribution for Python 3.14, which Heroku supports but this
machine cannot run.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from tests.support.project import (
    PROJECT_TEMPLATE,
    TEMPLATE_ROOT,
    bake_project,
    clean_env,
    interpreter,
)

OPTIONS = json.loads((TEMPLATE_ROOT / "cookiecutter.json").read_text())
DJANGO_VERSIONS = OPTIONS["django_version"]
# Every pinned set: each Django version with each static_hosting value.
PIN_SETS = [
    (django, hosting) for django in DJANGO_VERSIONS for hosting in OPTIONS["static_hosting"]
]
# Heroku's CPython 3.14 on its x86-64 stacks (Ubuntu 22.04 and 24.04: glibc 2.35 and newer).
PYTHON_3_14 = ["--python-version", "3.14", "--implementation", "cp", "--abi", "cp314"]
PLATFORMS = [f"manylinux_2_{glibc}_x86_64" for glibc in range(35, 4, -1)]
PLATFORMS += ["manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64", "linux_x86_64"]
TAGS_3_14 = {
    *cpython_tags((3, 14), abis=["cp314", "abi3", "none"], platforms=PLATFORMS),
    *compatible_tags((3, 14), interpreter="cp314", platforms=PLATFORMS),
}
HEROKU_3_14 = {
    "python_version": "3.14", "python_full_version": "3.14.0", "implementation_name": "cpython",
    "platform_python_implementation": "CPython", "sys_platform": "linux", "os_name": "posix",
    "platform_system": "Linux", "platform_machine": "x86_64",
}  # fmt: skip


def load_lock_script():
    spec = importlib.util.spec_from_file_location("lock", TEMPLATE_ROOT / "scripts" / "lock.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shipped(django: str, hosting: str, name: str) -> str:
    return (PROJECT_TEMPLATE / "dependencies" / f"django-{django}-{hosting}" / name).read_text()


def pins(requirements: str) -> dict[str, str]:
    """name -> version of each `name==version` line (markers dropped)."""
    found = {}
    for line in requirements.splitlines():
        if "==" in line and not line.startswith("#"):
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    return found


@pytest.mark.parametrize(("django", "hosting"), PIN_SETS)
def test_shipped_lock_and_requirements_are_what_scripts_lock_makes_from_the_list(
    django: str, hosting: str, tmp_path: Path
):
    project = bake_project(
        tmp_path,
        django_version=django,
        dependency_manager="uv",
        python_version="3.13",
        static_hosting=hosting,
    )
    python = interpreter("3.13")
    # uv's own check: the lock resolves the pyproject's dependencies, which are the list's.
    checked = subprocess.run(
        [sys.executable, "-m", "uv", "lock", "--check", "--python", str(python)],
        cwd=project, capture_output=True, text=True, env=clean_env(UV_PYTHON_DOWNLOADS="never"),
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr

    production, dev = load_lock_script().requirements(project)
    assert shipped(django, hosting, "requirements.txt") == production
    assert shipped(django, hosting, "requirements-dev.txt") == dev

    pinned = pins(production) | pins(dev)
    wanted = OPTIONS["_dependencies"][django]
    for line in wanted["production"] + wanted["hosting"][hosting] + wanted["dev"]:
        requirement = Requirement(line)
        version = pinned[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version), f"{line} pinned at {version}"
    assert pinned["django"].startswith(f"{django}.")


def target_pins(django: str, hosting: str) -> dict[str, str]:
    """Every pin of both requirements files that applies to CPython 3.14 on Linux."""
    found = {}
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in shipped(django, hosting, name).splitlines():
            if "==" not in line or line.startswith("#"):
                continue
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate(HEROKU_3_14):
                found[canonicalize_name(requirement.name)] = str(requirement.specifier)[2:]
    return found


def usable_on_3_14(file: Path) -> bool:
    """A wheel built for CPython 3.14 on Heroku's platform (or for any Python), or a source
    distribution, which pip builds there."""
    if not file.name.endswith(".whl"):
        return file.name.endswith((".tar.gz", ".zip"))
    return bool(parse_wheel_filename(file.name)[3] & TAGS_3_14)


@pytest.mark.parametrize(("django", "hosting"), PIN_SETS)
def test_every_pin_has_a_distribution_for_python_3_14(django: str, hosting: str, tmp_path: Path):
    """pip fetches, for CPython 3.14 on Heroku's platform, the wheel of each pin, or its source
    where no wheel fits (pip reads an sdist's metadata by building it with this Python)."""
    wanted = target_pins(django, hosting)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("".join(f"{name}=={version}\n" for name, version in wanted.items()))
    download = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check"]
    download += ["--no-deps", "--dest", str(tmp_path / "dist"), *PYTHON_3_14]
    for platform in PLATFORMS:
        download += ["--platform", platform]
    done = subprocess.run([*download, "-r", str(requirements)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

    files = {distribution_name(file): file for file in (tmp_path / "dist").iterdir()}
    assert sorted(files) == sorted(wanted), "one distribution per pin"
    assert [file.name for file in files.values() if not usable_on_3_14(file)] == []


def distribution_name(file: Path) -> str:
    if file.name.endswith(".whl"):
        return canonicalize_name(parse_wheel_filename(file.name)[0])
    return canonicalize_name(file.name.rsplit("-", 1)[0])
