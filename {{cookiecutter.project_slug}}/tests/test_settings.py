"""How the environment selects and checks settings."""

import os
import subprocess
import sys
from pathlib import Path

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
