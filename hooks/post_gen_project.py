"""Finish the baked project: keep the chosen dependency files, write `.env`, say what to do next.

`dependencies/` holds pinned files for every Django version and static_hosting value, for both
managers (made by the template's scripts/lock.py). The chosen ones move to the root and the rest
go, as whole files: Heroku's buildpack refuses a project with more than one manager's files.

`static_hosting` decides who serves static files: the bucket (publish_static, prune_static) or
the web process (WhiteNoise); the other value's files go, as whole files too.

`.env` is git-ignored: it selects the development settings (DJANGO_SETTINGS_MODULE) and holds a
fresh SECRET_KEY for this copy only; production reads its values from the environment (Heroku
config vars) instead.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

DJANGO_VERSION = "{{ cookiecutter.django_version }}"
DEPENDENCY_MANAGER = "{{ cookiecutter.dependency_manager }}"
STATIC_HOSTING = "{{ cookiecutter.static_hosting }}"
MANAGER_FILES = {"pip": ["requirements.txt", "requirements-dev.txt"], "uv": ["uv.lock"]}
# Files only the other static_hosting value uses: publishing to and pruning the bucket, or
# WhiteNoise's storage, and the build test of each.
HOSTING_FILES = {
    "s3": ["assets/whitenoise_files.py", "tests/test_whitenoise_build.py"],
    "whitenoise": [
        "assets/cdn.py",
        "assets/crt_uploads.py",
        "assets/publish.py",
        "assets/release_indexes.py",
        "assets/management/commands/publish_static.py",
        "assets/management/commands/prune_static.py",
        "tests/test_production_build.py",
        "tests/test_publish.py",
    ],
}

ENV_FILE = """\
# Local development settings, written when the project was baked. Never commit this file.
# Every variable is described in .env.example; the environment always wins over this file.
# Development is chosen here, by name; without this line (a dyno) production runs.
DJANGO_SETTINGS_MODULE=config.settings.development
DEBUG=True
SECRET_KEY={secret_key}
"""

INSTALL = {
    "pip": "python -m venv .venv && . .venv/bin/activate\n  pip install -r requirements-dev.txt",
    "uv": "uv sync && . .venv/bin/activate",
}
NEXT_STEPS = """
Baked {slug}/. Next:
  cd {slug}
  {install}
  python manage.py migrate
  python manage.py runserver
Then open http://127.0.0.1:8000/ ; README.md explains production and Heroku.
That start page is the demo (demo/): `rm -rf demo` removes it (README.md, "The demo").
"""


def keep_dependency_files(django_version: str, manager: str, hosting: str) -> None:
    chosen = Path("dependencies") / f"django-{django_version}-{hosting}"
    for name in MANAGER_FILES[manager]:
        (chosen / name).rename(name)
    shutil.rmtree("dependencies")


def remove_unused_hosting_files(hosting: str) -> None:
    for name in HOSTING_FILES[hosting]:
        Path(name).unlink()


def secret_key() -> str:
    """A key of URL-safe characters only, so it needs no quoting in `.env` files or shells."""
    return secrets.token_urlsafe(50)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: `.env` is where AWS keys go to try production."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def main() -> None:
    keep_dependency_files(DJANGO_VERSION, DEPENDENCY_MANAGER, STATIC_HOSTING)
    remove_unused_hosting_files(STATIC_HOSTING)
    write_private(Path(".env"), ENV_FILE.format(secret_key=secret_key()))
    print(NEXT_STEPS.format(slug=Path.cwd().name, install=INSTALL[DEPENDENCY_MANAGER]))


if __name__ == "__main__":
    main()
