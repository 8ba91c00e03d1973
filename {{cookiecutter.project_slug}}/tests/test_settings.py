"""How the environment selects and checks settings."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.environment import weak_secret_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME")


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter in the project root with `env` over the environment."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_debug_selects_development_and_its_absence_production():
    code = "from config import settings_module; print(settings_module())"
    assert python(code, DEBUG="True").stdout.strip() == "config.settings.development"
    assert python(code, DEBUG="False").stdout.strip() == "config.settings.production"


def test_production_names_every_missing_variable_at_once():
    empty = dict.fromkeys(PRODUCTION_VARIABLES, "")
    result = python("import config.settings.production", **empty)
    assert result.returncode != 0
    for name in PRODUCTION_VARIABLES:
        assert f"{name} is not set" in result.stderr


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("change-me", "is a placeholder"),
        ("replace-me-with-a-long-random-string-of-at-least-fifty-chars", "is a placeholder"),
        ("short-but-random-7Hq2", "is too short (21 characters, at least 50)"),
        (
            "django-insecure-" + "k3#v9!q2x8" * 5,
            "is Django's development key (django-insecure-...)",
        ),
        ("abab" * 15, "has fewer than 5 distinct characters"),
    ],
)
def test_a_weak_secret_key_is_refused_by_name(key: str, problem: str):
    assert weak_secret_key(key) == (
        f"SECRET_KEY {problem}: set it to a new random one "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )


def test_a_generated_secret_key_passes_djangos_own_rule_and_ours():
    key = secrets.token_urlsafe(50)
    assert weak_secret_key(key) is None
    assert len(key) >= 50 and len(set(key)) >= 5  # Django's security.W009, the floor


def test_production_refuses_the_placeholder_secret_key():
    result = python("import config.settings.production", SECRET_KEY="change-me")
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr
