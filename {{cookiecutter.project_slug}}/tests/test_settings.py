"""How the environment selects and checks settings."""

import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.environment import weak_secret_key

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_VARIABLES = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "AWS_STORAGE_BUCKET_NAME")
# What pytest (DJANGO_SETTINGS_MODULE), Heroku CI (DYNO, DEBUG) or a shell may have set: each test
# below says what it runs with.
CHOOSERS = ("DJANGO_SETTINGS_MODULE", "DEBUG", "DYNO", "SECRET_KEY")
DEVELOPMENT = {"DJANGO_SETTINGS_MODULE": "config.settings.development"}
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DEBUG": "False",  # over the development .env's DEBUG=True, as the README says
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "www.example.com",
    "DATABASE_URL": "sqlite://",
    "AWS_STORAGE_BUCKET_NAME": "my-bucket",
}


def environment(**env: str) -> dict[str, str]:
    """This process's environment without what selects settings, with `env` over it."""
    inherited = {name: value for name, value in os.environ.items() if name not in CHOOSERS}
    return {**inherited, **env}


def python(code: str, cwd: Path = PROJECT_ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    """Run code in a fresh interpreter in `cwd`."""
    command = [sys.executable, "-c", code]
    return subprocess.run(command, cwd=cwd, env=environment(**env), capture_output=True, text=True)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """manage.py as a user or a dyno runs it (the project's `.env`, if any, read as usual)."""
    command = [sys.executable, "manage.py", *args]
    return subprocess.run(
        command, cwd=PROJECT_ROOT, env=environment(**env), capture_output=True, text=True
    )


def assert_stops_with(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in result.stderr, output


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The project's config package alone, where a test decides what `.env` says."""
    shutil.copytree(PROJECT_ROOT / "config", tmp_path / "config")
    return tmp_path


def selected(checkout: Path, env_file: str | None, **env: str) -> str:
    if env_file is not None:
        (checkout / ".env").write_text(env_file)
    code = "from config import settings_module; print(settings_module())"
    result = python(code, cwd=checkout, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_env_file_selects_development_by_name_and_nothing_selects_production(checkout: Path):
    development = "DJANGO_SETTINGS_MODULE=config.settings.development\nDEBUG=True\n"
    assert selected(checkout, development) == "config.settings.development"
    # The environment wins over .env (python-decouple's rule).
    production = {"DJANGO_SETTINGS_MODULE": "config.settings.production"}
    assert selected(checkout, development, **production) == "config.settings.production"
    # DEBUG never selects: a dyno with DEBUG=True, or a .env with DEBUG alone, is production.
    assert selected(checkout, "DEBUG=True\n") == "config.settings.production"
    (checkout / ".env").unlink()
    assert selected(checkout, None, DEBUG="True") == "config.settings.production"


def test_a_misspelt_settings_module_is_named():
    refused = manage("check", DJANGO_SETTINGS_MODULE="config.settings.prod")
    assert_stops_with(refused, "DJANGO_SETTINGS_MODULE=config.settings.prod names no settings")


def test_production_refuses_debug_by_name_without_a_traceback():
    assert manage("check", **{**PRODUCTION, "DEBUG": "False"}).returncode == 0
    refused = manage("check", **{**PRODUCTION, "DEBUG": "True"})
    assert_stops_with(
        refused,
        "DEBUG=True is refused by production settings",
        "heroku logs --tail",
        "DJANGO_SETTINGS_MODULE=config.settings.development in .env",
    )


def test_development_refuses_to_run_on_a_dyno():
    env = {**DEVELOPMENT, "SECRET_KEY": secrets.token_urlsafe(50)}
    assert manage("check", **env).returncode == 0
    refused = manage("check", **env, DYNO="web.1")
    assert_stops_with(
        refused,
        "This is a Heroku dyno (DYNO=web.1)",
        "DJANGO_SETTINGS_MODULE=config.settings.development",
        "git rm --cached .env",
    )


def test_development_has_no_fallback_secret_key():
    # An empty variable in the environment wins over the SECRET_KEY of any .env.
    refused = manage("check", **DEVELOPMENT, SECRET_KEY="")
    assert_stops_with(
        refused,
        "Development settings (DJANGO_SETTINGS_MODULE=config.settings.development) cannot start",
        "SECRET_KEY is not set: set it to a random string in .env "
        '(python -c "import secrets; print(secrets.token_urlsafe(50))")',
    )


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


def test_production_counts_logins_by_the_address_herokus_router_saw():
    code = "from django.conf import settings; print(settings.AXES_CLIENT_IP_CALLABLE)"
    result = python(f"import django; django.setup(); {code}", **PRODUCTION)
    assert result.stdout.strip() == "config.client_ip.heroku_client_ip", result.stderr


def allowed_hosts(**env: str) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings; "
    result = python(code + "print(','.join(settings.ALLOWED_HOSTS))", **{**PRODUCTION, **env})
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().split(",")


def test_a_review_app_answers_at_its_own_heroku_host_and_no_other_app_does():
    assert allowed_hosts() == ["www.example.com"]
    review = {"HEROKU_APP_NAME": "my-site-pr-12", "HEROKU_PR_NUMBER": "12"}
    assert allowed_hosts(**review) == ["www.example.com", "my-site-pr-12.herokuapp.com"]


def test_production_refuses_every_heroku_app_as_a_host():
    every_app = {**PRODUCTION, "ALLOWED_HOSTS": ".herokuapp.com,www.example.com"}
    result = python("import config.settings.production", **every_app)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS includes .herokuapp.com, which every Heroku app's host" in result.stderr
