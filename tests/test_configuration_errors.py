"""A bad config var stops every command a user or Heroku runs with one message and no traceback.

The build (collectstatic with Heroku's --traceback), manage.py commands, the Procfile's release
and its web process, as Heroku runs them: each exits non-zero and names what to set. The web
process exits by itself rather than restarting workers that cannot boot.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import Bake
from tests.support.heroku import BUILD_COMMAND, dyno_env, git_push, procfile, run_process
from tests.support.production import config_vars
from tests.support.s3server import S3Server, free_port

BAD_VARIABLES = [
    # `heroku config:set DEBUG=True` to look at an error: production stops rather than showing
    # debug pages, and never turns into development.
    ({"DEBUG": "True"}, "DEBUG=True is refused by production settings"),
    ({"SECRET_KEY": ""}, "SECRET_KEY is not set: set it to a long random string"),
    ({"SECRET_KEY": "change-me"}, "SECRET_KEY is a placeholder: set it to a new random one"),
    ({"ALLOWED_HOSTS": " "}, "ALLOWED_HOSTS is not set: set it to the site's host names"),
    ({"AWS_S3_ENDPOINT_URL": "s3.local:9000"}, "AWS_S3_ENDPOINT_URL='s3.local:9000' is not a URL"),
    (
        {"AWS_S3_CUSTOM_DOMAIN": "https://cdn.example.com/"},
        "AWS_S3_CUSTOM_DOMAIN='https://cdn.example.com/' must be a bare host name",
    ),
]  # fmt: skip


def commands(app: Path) -> dict[str, str]:
    """What a user types and what Heroku runs, as shell lines from the app's root."""
    processes = procfile(app)
    return {
        "build": f"PYTHONPATH=. {' '.join(BUILD_COMMAND)}",
        "migrate": "python manage.py migrate --noinput",
        "publish": "python manage.py publish_static",
        "check": "python manage.py check --deploy",
        "release": processes["release"],
        "web": processes["web"],
    }


def run(app: Path, command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run to the end; a process still running after 60 s (a web process restarting workers
    forever) fails the test."""
    try:
        return run_process(app, command, env, timeout=60)
    except subprocess.TimeoutExpired as running:
        log = running.stderr or b""
        log = log.decode(errors="replace") if isinstance(log, bytes) else log
        raise AssertionError(f"{command!r} did not exit by itself:\n...{log[-3000:]}") from None


def assert_stops_cleanly(result: subprocess.CompletedProcess[str], message: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert message in result.stderr, output
    assert "Traceback" not in output, output


@pytest.mark.parametrize(
    ("overrides", "message"),
    BAD_VARIABLES,
    ids=[next(iter(overrides)) for overrides, _ in BAD_VARIABLES],
)
def test_a_bad_variable_stops_every_command_without_a_traceback(
    bake: Bake, heroku_venv: Path, s3: S3Server, tmp_path: Path, overrides, message
):
    app = git_push(bake())
    env = config_vars(s3.endpoint_url, "never-used", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env = dyno_env(app, heroku_venv, {**env, **overrides}, PORT=str(free_port()))
    for name, command in commands(app).items():
        result = run(app, command, env)
        assert_stops_cleanly(result, message)
        assert "Production settings are incomplete" in result.stderr, name
    assert not (app / "staticfiles").exists(), "the build collected before it checked"


def test_a_committed_env_file_stops_every_command_on_a_dyno(
    bake: Bake, heroku_venv: Path, s3: S3Server, tmp_path: Path
):
    """The developer's `.env` reached the slug (force-added to git): it names the development
    settings, which refuse a dyno rather than keep uploads on its disk behind debug pages."""
    app = bake()
    assert "DJANGO_SETTINGS_MODULE=config.settings.development" in (app / ".env").read_text()
    env = config_vars(s3.endpoint_url, "never-used", f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env = dyno_env(app, heroku_venv, env, PORT=str(free_port()))
    for name, command in commands(app).items():
        result = run(app, command, env)
        assert_stops_cleanly(result, "This is a Heroku dyno (DYNO=")
        assert "git rm --cached .env" in result.stderr, name
    assert not (app / "staticfiles").exists(), "the build collected before it checked"


def test_a_bucket_that_does_not_exist_fails_the_build_and_the_release_by_name(
    bake: Bake, heroku_venv: Path, s3: S3Server, tmp_path: Path
):
    app = git_push(bake())
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    env = dyno_env(app, heroku_venv, config_vars(s3.endpoint_url, "no-such-bucket", database))
    steps = commands(app)
    for name in ("build", "publish", "release"):
        result = run(app, steps[name], env)
        assert_stops_cleanly(result, "NoSuchBucket")
        assert "Check AWS_STORAGE_BUCKET_NAME" in result.stderr, name
    assert not (tmp_path / "db.sqlite3").exists(), "the release migrated, though publishing failed"
