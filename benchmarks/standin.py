"""The benchmark's S3 endpoint: benchmarks/s3standin.js (Node, objects in memory) with its
network model, driven like tests/support/s3server.S3Server (requests, clear, reset)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from tests.support.s3server import CREDENTIALS, HOST, REGION, free_port

SCRIPT = Path(__file__).resolve().parent / "s3standin.js"


class StandIn:
    def __init__(self) -> None:
        self.port = free_port()
        self.rtt_ms = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    @property
    def endpoint_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> Self:
        self._output = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the process)
        command = ["node", "--max-old-space-size=8192", str(SCRIPT), "--port", str(self.port)]
        self._proc = subprocess.Popen(command, stdout=self._output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while True:
            try:
                if self._control("GET", "health")["pid"] == self._proc.pid:
                    return self
            except OSError:
                pass
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self._output.seek(0)
                raise RuntimeError(f"the S3 stand-in did not start:\n{self._output.read()!r}")
            time.sleep(0.05)

    def _control(self, method: str, name: str, payload: Any = None) -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.endpoint_url}/_control/{name}", data=data, method=method
        )
        with self._opener.open(request, timeout=30) as response:
            return json.load(response)

    def requests(self) -> list[dict[str, Any]]:
        return self._control("GET", "requests")

    def count(self) -> int:
        return len(self.requests())

    def clear(self) -> None:
        self._control("POST", "clear", {})

    def reset(self) -> None:
        self._control("POST", "reset", {})

    def set_rtt(self, ms: float) -> None:
        self.rtt_ms = ms
        self._control("POST", "network", {"rtt_ms": ms})

    @contextlib.contextmanager
    def at_rtt(self, ms: float) -> Iterator[None]:
        """For the benchmark's own reads (gates): no latency, then the model as it was."""
        before = self.rtt_ms
        self.set_rtt(ms)
        try:
            yield
        finally:
            self.set_rtt(before)

    def client(self, **kwargs: Any) -> Any:
        import boto3

        options: dict[str, Any] = {"region_name": REGION, **CREDENTIALS, **kwargs}
        return boto3.client("s3", endpoint_url=self.endpoint_url, **options)

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait(timeout=10)
        if self._output is not None:
            self._output.close()
        self._proc = self._output = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
