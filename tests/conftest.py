"""Fixtures for the template's suite: bakes, the baked projects' shared virtualenv."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.project import Project, project_virtualenv

Bake = Callable[..., Path]


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
def venv() -> Path:
    return project_virtualenv()


@pytest.fixture
def project(bake: Bake, venv: Path) -> Project:
    """A project baked on the defaults, with its requirements installed."""
    return Project(bake(), venv)
