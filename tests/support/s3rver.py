"""s3rver, a second S3 implementation beside moto, from the npm registry.

What passes on moto *and* on s3rver is not shaped by one server's quirks. s3rver serves objects
to anyone and implements no public-access block or bucket policy API, as many S3-compatible
stores do not. It accepts its own fixed credentials (S3RVER / S3RVER).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from tests.support.project import CACHE_DIR
from tests.support.s3server import HOST, free_port

VERSION = "3.7.1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "S3RVER", "AWS_SECRET_ACCESS_KEY": "S3RVER"}


def install() -> Path:
    """npm-install s3rver once into the suite's cache; returns its command."""
    prefix = CACHE_DIR / f"s3rver-{VERSION}"
    command = prefix / "node_modules" / ".bin" / "s3rver"
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    with (CACHE_DIR / "s3rver.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (prefix / ".complete").exists():
            shutil.rmtree(prefix, ignore_errors=True)
            prefix.mkdir()
            npm = ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund"]
            subprocess.run([*npm, "--loglevel=error", f"s3rver@{VERSION}"], check=True)
            (prefix / ".complete").touch()
    return command


class S3rver:
    """Start s3rver on a free loopback port with an empty data folder; stop it afterwards."""

    def __init__(self) -> None:
        self.port = free_port()
        self._data = tempfile.TemporaryDirectory()
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Self:
        command = [str(install()), "-d", self._data.name, "-a", HOST, "-p", str(self.port)]
        # Node 17+ needs the legacy provider for s3rver's continuation tokens: without it any
        # listing past 1,000 keys fails with InternalError.
        env = {**os.environ, "NODE_OPTIONS": "--openssl-legacy-provider"}
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        command += ["--silent", "--no-vhost-buckets"]
        self._proc = subprocess.Popen(command, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not self._answers():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"s3rver did not start:\n{self.output()}")
            time.sleep(0.1)
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection((HOST, self.port), timeout=1):
                return True
        except OSError:
            return False

    def output(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        if self._log is not None:
            self._log.close()
        self._data.cleanup()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType
    ) -> None:
        self.stop()
