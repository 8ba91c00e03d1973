"""Finish the baked project: write a development `.env` and say what to do next.

`.env` is git-ignored and holds a fresh SECRET_KEY for this copy only; production reads its
values from the environment (Heroku config vars) instead.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_FILE = """\
# Local development settings, written when the project was baked. Never commit this file.
# Every variable is described in .env.example; the environment always wins over this file.
DEBUG=True
SECRET_KEY={secret_key}
"""

NEXT_STEPS = """
Baked {slug}/. Next:
  cd {slug}
  python -m venv .venv && . .venv/bin/activate
  pip install -r requirements-dev.txt
  python manage.py migrate
  python manage.py runserver
Then open http://127.0.0.1:8000/ ; README.md explains production and Heroku.
"""


def secret_key() -> str:
    """A key of URL-safe characters only, so it needs no quoting in `.env` files or shells."""
    return secrets.token_urlsafe(50)


def write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: `.env` is where AWS keys go to try production."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)


def main() -> None:
    write_private(Path(".env"), ENV_FILE.format(secret_key=secret_key()))
    print(NEXT_STEPS.format(slug=Path.cwd().name))


if __name__ == "__main__":
    main()
