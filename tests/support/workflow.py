"""A baked project's GitHub Actions workflow, run here step by step.

GitHub is not reached. What a job does is reproduced as the tests need it: the job's and each
step's `env`, every `run:` step in order through `bash -eo pipefail` (GitHub's default shell) from
the checkout's root, and the two `uses:` steps stood in for: `actions/checkout` by a baked tree
without `.env` (git ignores it), `actions/setup-python` by the interpreter `.python-version`
names first on PATH.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import yaml

STAND_INS = ("actions/checkout@", "actions/setup-python@")


@dataclass
class Step:
    name: str
    run: str
    env: dict[str, str]


def load_job(project: Path, job: str = "check") -> dict:
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    return workflow["jobs"][job]


def run_steps(job: dict) -> list[Step]:
    """The job's `run:` steps, in order; any `uses:` other than the stood-in ones is refused,
    since this harness would silently skip what it does."""
    steps = []
    for number, step in enumerate(job["steps"]):
        if "uses" in step:
            assert step["uses"].startswith(STAND_INS), f"no stand-in for {step['uses']}"
            continue
        env = {key: str(value) for key, value in step.get("env", {}).items()}
        steps.append(Step(step.get("name", f"step {number}"), step["run"], env))
    return steps


def run_step(step: Step, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.run],
        cwd=project,
        env={**env, **step.env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
