"""Fixtures for the template's suite: bakes, the baked projects' shared virtualenv."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.heroku import heroku_virtualenv
from tests.support.postgres import PostgresCluster
from tests.support.production import as_heroku_builds, config_vars, new_bucket_name
from tests.support.project import Project, bake_project, project_virtualenv
from tests.support.s3server import S3Server

Bake = Callable[..., Path]

# The fast tier (`bash scripts/test -m fast`, about 2 minutes on two workers): what a contributor
# runs before pushing. Whole modules by name, and single tests as "module::test" (every
# parametrized case of it). Listed here, in one place, so the tier is easy to review and test
# modules need no edits. No browser, no gunicorn, no Heroku build.
FAST = {
    "test_bake",
    "test_documentation",
    "test_dependencies",
    "test_support",
    "test_configuration_errors",
    "test_develop::test_the_baked_projects_own_suite_passes",
    "test_develop::test_development_is_what_the_baked_env_selects",
    "test_project_checks::test_a_python_that_is_not_installed_is_named_never_replaced",
    "test_security::test_the_baked_env_file_is_readable_by_its_owner_only",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        module = item.path.stem
        if module in FAST or f"{module}::{item.originalname}" in FAST:
            item.add_marker(pytest.mark.fast)


@pytest.fixture
def bake(cookies) -> Bake:
    """Bake the template with these answers (the rest defaulted) and return the project's path."""

    def _bake(**answers: str) -> Path:
        result = cookies.bake(extra_context=answers)
        assert result.exit_code == 0, result.exception
        assert result.exception is None
        return Path(result.project_path)

    return _bake


@pytest.fixture(scope="session")
def default_bake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bake of the defaults for the session's fixtures to read (never to run in)."""
    return bake_project(tmp_path_factory.mktemp("default-bake"))


@pytest.fixture(scope="session")
def venv(default_bake: Path) -> Path:
    """The defaults' virtualenv, made with the Python their `.python-version` names."""
    return project_virtualenv(default_bake)


@pytest.fixture(scope="session")
def heroku_venv(default_bake: Path) -> Path:
    """What Heroku's buildpack installs for the defaults: requirements.txt alone."""
    return heroku_virtualenv(default_bake)


@pytest.fixture
def project(bake: Bake, venv: Path) -> Project:
    """A project baked on the defaults, with its requirements installed."""
    return Project(bake(), venv)


@pytest.fixture(scope="session")
def s3() -> Iterator[S3Server]:
    """A real S3 HTTP endpoint on loopback (moto's server in its own process)."""
    with S3Server() as server:
        yield server


@pytest.fixture
def production(project: Project, s3: S3Server, worker_id: str) -> tuple[Project, dict[str, str]]:
    """A baked project as Heroku builds it, and config vars for an empty bucket of its own."""
    bucket = new_bucket_name(worker_id)
    database_url = f"sqlite:///{project.path / 'production.sqlite3'}"
    return as_heroku_builds(project), config_vars(s3.endpoint_url, bucket, database_url)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL 15 cluster on loopback for this test session."""
    with PostgresCluster() as cluster:
        yield cluster


@pytest.fixture
def faulty_s3(s3: S3Server) -> Iterator[S3Server]:
    """The S3 server, with whatever faults a test injects cleared afterwards."""
    yield s3
    s3.clear_faults()
