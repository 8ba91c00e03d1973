"""Check every answer before cookiecutter writes the project.

Each problem is printed as one line naming the field and what to enter; the exit status is
non-zero so cookiecutter removes the half-made output directory.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
import zoneinfo
from typing import Any

# Heroku's supported Python major versions (kept in step with cookiecutter.json's choices).
# https://devcenter.heroku.com/articles/python-support#supported-python-versions
HEROKU_PYTHON_VERSIONS = {"3.11", "3.12", "3.13", "3.14"}

# Package names the project itself uses, or modules that a same-named package in the project
# root would shadow for Django, the test runner or the standard library.
RESERVED_SLUGS = {
    "assets", "asyncio", "code", "collections", "config", "django", "email", "html", "http",
    "io", "json", "logging", "os", "platform", "pytest", "queue", "random", "re", "secrets",
    "select", "signal", "site", "socket", "static", "string", "sys", "templates", "test",
    "tests", "threading", "time", "types", "typing", "users", "uuid",
}  # fmt: skip

SLUG_RE = re.compile(r"^[a-z][a-z0-9_]*$")
# A pragmatic check: a dotted host name of letters, digits and hyphens, no scheme or path.
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# The answers, rendered by cookiecutter as JSON (a raw string keeps any quote in them inert).
# `_dependencies` comes along: each Django version's oldest Python is recorded there.
ANSWERS: dict[str, Any] = json.loads(r"""{{ cookiecutter | jsonify }}""")


def slug_problem(slug: str) -> str | None:
    if not SLUG_RE.match(slug):
        return "must start with a letter and hold only lowercase letters, digits and underscores"
    if keyword.iskeyword(slug):
        return "is a Python keyword; choose another name"
    if slug in RESERVED_SLUGS:
        return "would shadow a module the project needs; choose another name"
    return None


def name_problem(name: str) -> str | None:
    if not name.strip():
        return "must not be empty"
    # The name is written into a Python string literal in the settings.
    if any(char in name for char in '"\\') or not name.isprintable():
        return 'must not contain double quotes ("), backslashes or control characters'
    return None


def timezone_problem(name: str) -> str | None:
    if name not in zoneinfo.available_timezones():
        return "is not a known time zone; enter an IANA name such as UTC or Europe/Paris"
    return None


def django_problem(answers: dict[str, Any]) -> str | None:
    """Django 6.x needs Python 3.12 or newer: refuse a pair that cannot install."""
    python = version(answers["python_version"])
    oldest = {django: spec["python"] for django, spec in answers["_dependencies"].items()}
    if python >= version(oldest[answers["django_version"]]):
        return None
    fits = " or ".join(django for django, needs in oldest.items() if python >= version(needs))
    return (
        f"needs python_version {oldest[answers['django_version']]} or newer, "
        f"not {answers['python_version']!r}: choose a newer python_version or django_version {fits}"
    )


def version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def problems(answers: dict[str, Any]) -> list[str]:
    """Return one message per bad answer, in the order the questions are asked."""
    checks = {
        "project_name": name_problem(answers["project_name"]),
        "project_slug": slug_problem(answers["project_slug"]),
        # Written into ADMINS in the settings, a Python string literal as the project name is.
        "author_name": name_problem(answers["author_name"]),
        "author_email": None
        if EMAIL_RE.match(answers["author_email"])
        else "must be an e-mail address such as you@example.com",
        "domain_name": None
        if DOMAIN_RE.match(answers["domain_name"])
        else "must be a bare domain such as example.com (no scheme, path or port)",
        "time_zone": timezone_problem(answers["time_zone"]),
        "python_version": None
        if answers["python_version"] in HEROKU_PYTHON_VERSIONS
        else f"must be one Heroku supports: {', '.join(sorted(HEROKU_PYTHON_VERSIONS))}",
        "django_version": django_problem(answers),
    }
    return [f"{field} {answers[field]!r} {why}" for field, why in checks.items() if why]


def main() -> int:
    found = problems(ANSWERS)
    for line in found:
        print(f"ERROR: {line}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
