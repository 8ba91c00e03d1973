"""A real S3 endpoint for tests and benchmarks: moto's server in a child process.

It runs in its own process so a test can kill it mid-publish and so the server's threads do not
compete with the code under test for one GIL. A WSGI middleware in front of moto keeps a log of
every S3 request (to prove what a deploy did or did not upload) and can inject faults (to prove
retries and recovery). Both are driven over HTTP under ``/_control/``.

Two modes model the S3-compatible stores a user may have instead of AWS: ``--reject-checksums``
answers 400 InvalidArgument to an upload with the flexible-checksum headers or aws-chunked body
that boto3 >= 1.36 sends by default, as several stores do (the bucket settings whose API requires
a checksum pass), and ``--tls-cert``/``--tls-key`` serve https with the given (self-signed)
certificate. ``--iam N`` enforces IAM policies once N requests have passed (create the users
with those), authorizing S3 requests as S3 does (tests/support/iam_as_s3.py).

    python -m tests.support.s3server --port 9000      # or: python tests/support/s3server.py ...

    with S3Server() as s3:
        s3.client().create_bucket(Bucket="assets")
        assert s3.count("PUT") == 1
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self
from urllib.parse import parse_qs, urlencode
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

HOST = "127.0.0.1"
CONTROL_PREFIX = "/_control/"
# The S3 error codes boto3 expects for these statuses; both are retried by botocore.
ERROR_CODES = {400: "InvalidArgument", 500: "InternalError", 503: "SlowDown"}
FAULT_KEYS = {"status", "methods", "after", "count", "delay", "path_contains"}
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
REGION = "us-east-1"

# Bucket settings whose S3 API requires a checksum: a client sends one even with
# request_checksum_calculation=when_required, so a store must accept it there.
CHECKSUM_REQUIRED = {"policy", "cors", "publicAccessBlock", "delete", "lifecycle", "tagging"}


def optional_checksum_headers(environ: WSGIEnvironment) -> list[str]:
    """The checksum headers of a request whose API does not require them (uploads)."""
    if CHECKSUM_REQUIRED & set(parse_qs(environ.get("QUERY_STRING", ""), True)):
        return []
    return checksum_headers(environ)


def checksum_headers(environ: WSGIEnvironment) -> list[str]:
    """The flexible-checksum headers of a request, and the marks of an aws-chunked body."""
    prefixes = ("HTTP_X_AMZ_CHECKSUM_", "HTTP_X_AMZ_SDK_CHECKSUM_", "HTTP_X_AMZ_TRAILER")
    found = [key for key in environ if key.startswith(prefixes)]
    if "aws-chunked" in environ.get("HTTP_CONTENT_ENCODING", ""):
        found.append("HTTP_CONTENT_ENCODING")
    if environ.get("HTTP_X_AMZ_CONTENT_SHA256", "").startswith("STREAMING-"):
        found.append("HTTP_X_AMZ_CONTENT_SHA256")
    return found


# --------------------------------------------------------------------------- server process


@dataclass
class Fault:
    """One fault rule. After ``after`` matching requests pass, the next ``count`` (-1: all) fail
    with ``status`` and/or are delayed by ``delay`` seconds."""

    status: int | None = None
    methods: frozenset[str] = frozenset()  # empty: every method
    after: int = 0
    count: int = -1
    delay: float = 0.0
    path_contains: str = ""
    seen: int = 0  # matching requests so far, shared by all server threads (under the lock)

    @classmethod
    def from_config(cls, cfg: dict[str, Any]) -> Fault:
        unknown = set(cfg) - FAULT_KEYS
        if unknown:
            raise ValueError(f"unknown fault keys {sorted(unknown)}; known: {sorted(FAULT_KEYS)}")
        fault = cls(
            status=int(cfg["status"]) if cfg.get("status") else None,
            methods=frozenset(str(m).upper() for m in cfg.get("methods", [])),
            after=int(cfg.get("after", 0)),
            count=int(cfg.get("count", -1)),
            delay=float(cfg.get("delay", 0.0)),
            path_contains=str(cfg.get("path_contains", "")),
        )
        if fault.status is None and not fault.delay:
            raise ValueError("a fault needs a status, a delay or both")
        if fault.status is not None:
            HTTPStatus(fault.status)  # rejects codes that no HTTP client would understand
        return fault

    def matches(self, method: str, path: str) -> bool:
        return (not self.methods or method in self.methods) and self.path_contains in path

    def fires(self) -> bool:
        """Count one matching request; true when it falls inside the faulty window."""
        self.seen += 1
        past = self.seen - self.after
        return past > 0 and (self.count < 0 or past <= self.count)


class ControlledS3:
    """WSGI middleware around moto: request log, fault injection and the control endpoints."""

    def __init__(self, app: WSGIApplication, reject_checksums: bool = False) -> None:
        self._app = app
        self._reject_checksums = reject_checksums
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []
        self._fault: Fault | None = None
        self._routes: dict[tuple[str, str], Callable[[WSGIEnvironment], Any]] = {
            ("GET", "health"): lambda _: {"ok": True, "pid": os.getpid()},
            ("GET", "requests"): self._requests,
            ("POST", "clear"): self._clear,
            ("POST", "reset"): self._reset,
            ("POST", "faults"): self._set_fault,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = _request_path(environ)
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path.removeprefix(CONTROL_PREFIX))
        if path.startswith("/moto-api"):  # moto's own dashboard/reset: not S3 traffic
            return self._app(environ, start_response)
        return self._s3(environ, start_response, path)

    def _s3(
        self, environ: WSGIEnvironment, start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": environ.get("QUERY_STRING", ""),
            "status": None,
        }
        if environ.get("HTTP_EXPECT"):  # logged only when sent: the publish must not send it
            entry["expect"] = environ["HTTP_EXPECT"]

        def logged_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            entry["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        fault = self._fault_for(method, path)
        try:
            if self._reject_checksums and optional_checksum_headers(environ):
                entry["checksum_headers"] = optional_checksum_headers(environ)
                return _s3_error(environ, logged_start_response, 400, "Checksums not supported")
            if fault and fault.delay:
                time.sleep(fault.delay)
            if fault and fault.status:
                return _s3_error(environ, logged_start_response, fault.status)
            return self._app(environ, logged_start_response)
        finally:
            # Logged before the body goes out, so a client that got its answer sees its entry.
            with self._lock:
                self._log.append(entry)

    def _fault_for(self, method: str, path: str) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault and fault.matches(method, path) and fault.fires():
                return fault
        return None

    def _control(
        self, environ: WSGIEnvironment, start_response: StartResponse, name: str
    ) -> Iterable[bytes]:
        handler = self._routes.get((environ["REQUEST_METHOD"], name))
        if handler is None:
            return _json(start_response, 404, {"error": f"no control endpoint {name!r}"})
        try:
            return _json(start_response, 200, handler(environ))
        except (ValueError, TypeError) as exc:
            return _json(start_response, 400, {"error": str(exc)})

    def _requests(self, environ: WSGIEnvironment) -> list[dict[str, Any]]:
        methods = parse_qs(environ.get("QUERY_STRING", "")).get("method")
        with self._lock:
            return [dict(e) for e in self._log if not methods or e["method"] in methods]

    def _clear(self, _: WSGIEnvironment) -> dict[str, Any]:
        with self._lock:
            self._log.clear()
        return {"ok": True}

    def _reset(self, _: WSGIEnvironment) -> dict[str, Any]:
        from werkzeug.test import Client

        with self._lock:
            self._log.clear()
            self._fault = None
        # moto's public reset endpoint, called in-process so it bypasses the log.
        response = Client(self._app).post("/moto-api/reset")
        if response.status_code != 200:
            raise ValueError(f"moto reset failed: {response.status} {response.get_data()!r}")
        return {"ok": True}

    def _set_fault(self, environ: WSGIEnvironment) -> dict[str, Any]:
        cfg = json.loads(_read_body(environ) or b"{}")
        if not isinstance(cfg, dict):
            raise ValueError("the fault config must be a JSON object")
        fault = Fault.from_config(cfg) if cfg else None
        with self._lock:
            self._fault = fault
        return {"fault": cfg or None}


def _request_path(environ: WSGIEnvironment) -> str:
    # WSGI passes the path as latin-1-decoded bytes; S3 keys are UTF-8.
    return str(environ.get("PATH_INFO", "")).encode("latin-1").decode("utf-8", "replace")


def _read_body(environ: WSGIEnvironment) -> bytes:
    stream = environ["wsgi.input"]
    if environ.get("wsgi.input_terminated"):  # chunked upload: read to its end
        return b"".join(iter(lambda: stream.read(65536), b""))
    return bytes(stream.read(int(environ.get("CONTENT_LENGTH") or 0)))


def _s3_error(
    environ: WSGIEnvironment,
    start_response: StartResponse,
    status: int,
    message: str = "Fault injected by the test S3 server",
) -> Iterable[bytes]:
    # Read the upload first: answering while the client still sends makes it see a reset
    # connection instead of the error status we mean to test.
    _read_body(environ)
    code = ERROR_CODES.get(status, "InjectedFault")
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message>"
        "<RequestId>injected-fault</RequestId></Error>"
    ).encode()
    headers = [("Content-Type", "application/xml"), ("Content-Length", str(len(body)))]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def _json(start_response: StartResponse, status: int, payload: Any) -> Iterable[bytes]:
    body = json.dumps(payload).encode()
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    start_response(f"{status} {HTTPStatus(status).phrase}", headers)
    return [body]


class CdnStandIn:
    """A CDN in front of the bucket, as CloudFront with an S3 origin is: requests for the CDN's
    host name reach the bucket's own host (its regional virtual host), GET and HEAD only."""

    def __init__(self, app: WSGIApplication, origins: dict[str, str]) -> None:
        self._app = app
        self._origins = origins  # CDN host -> the bucket host it reads from

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        origin = self._origins.get(environ.get("HTTP_HOST", "").split(":")[0])
        if origin is None:
            return self._app(environ, start_response)
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD", "OPTIONS"):
            return _s3_error(environ, start_response, 403, "The CDN only reads")
        # The CDN reads as itself: the visitor's credentials never reach the bucket.
        forwarded = {k: v for k, v in environ.items() if k != "HTTP_AUTHORIZATION"}
        return self._app({**forwarded, "HTTP_HOST": origin}, start_response)


def _iam_as_s3() -> Any:
    """The sibling module, whether this file runs as a script or as tests.support.s3server."""
    import importlib

    return importlib.import_module(f"{__package__}.iam_as_s3" if __package__ else "iam_as_s3")


def _exit_when_orphaned(parent: int) -> None:
    # A test run that dies without stop() must not leave servers behind holding ports.
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def serve(
    host: str,
    port: int,
    global_cors: bool = False,
    reject_checksums: bool = False,
    tls: tuple[str, str] | None = None,
    cdn: dict[str, str] | None = None,
    ready_file: str = "",
    iam: int = 0,
) -> None:
    """Serve moto behind the middleware until the process is terminated; once the port is
    bound, write `ready_file` (for a caller that cannot reach the port, in another network
    namespace)."""
    # moto reads both at import time: its port for URLs it builds to itself, and whether to put
    # flask-cors on every response, which would hide the bucket's own CORS rules.
    os.environ.setdefault("MOTO_PORT", str(port))
    if not global_cors:
        os.environ["MOTO_DISABLE_GLOBAL_CORS"] = "true"
    if iam:
        os.environ["INITIAL_NO_AUTH_ACTION_COUNT"] = str(iam)
        _iam_as_s3().install()
    from moto.server import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    # Our request log replaces werkzeug's line per request, which would flood the log file.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app: WSGIApplication = ControlledS3(
        DomainDispatcherApplication(create_backend_app), reject_checksums
    )
    if cdn:
        app = CdnStandIn(app, cdn)
    server = make_server(host, port, app, threaded=True, ssl_context=tls)
    if ready_file:
        Path(ready_file).write_text(str(os.getpid()))
    server.serve_forever()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="moto S3 with a request log and fault injection")
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--global-cors",
        action="store_true",
        help="keep moto's blanket CORS headers (S3 itself only sends them per the bucket's rules)",
    )
    parser.add_argument(
        "--reject-checksums",
        action="store_true",
        help="answer 400 InvalidArgument to flexible-checksum headers and aws-chunked bodies",
    )
    parser.add_argument("--tls-cert", help="serve https with this certificate (PEM)")
    parser.add_argument("--tls-key", help="and this private key (PEM)")
    parser.add_argument(
        "--cdn",
        action="append",
        default=[],
        metavar="HOST=BUCKET_HOST",
        help="serve HOST as a CDN whose origin is the bucket at BUCKET_HOST (repeatable)",
    )
    parser.add_argument(
        "--iam",
        type=int,
        default=0,
        metavar="N",
        help="enforce IAM policies after the first N requests (which create the users)",
    )
    parser.add_argument("--ready-file", default="", help="written once the port is bound")
    parser.add_argument("--exit-with-parent", action="store_true", help="for S3Server's children")
    args = parser.parse_args(argv)
    if args.exit_with_parent:
        threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    tls = (args.tls_cert, args.tls_key) if args.tls_cert else None
    cdn = dict(pair.split("=", 1) for pair in args.cdn)
    serve(
        args.host,
        args.port,
        args.global_cors,
        args.reject_checksums,
        tls,
        cdn,
        args.ready_file,
        args.iam,
    )


# --------------------------------------------------------------------------- test process


def free_port(host: str = HOST) -> int:
    """A port nothing listens on right now (another process could still take it first)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class S3Server:
    """Start, drive and stop the server process from a test or a benchmark."""

    def __init__(
        self,
        port: int | None = None,
        *,
        startup_timeout: float = 15.0,
        global_cors: bool = False,
        reject_checksums: bool = False,
        tls: tuple[Path, Path] | None = None,
        iam: int = 0,
    ) -> None:
        """``tls`` is a (certificate, key) pair of PEM files: the server then speaks https.
        ``iam``: enforce IAM policies once that many requests have passed."""
        self.port = port or 0
        self.startup_timeout = startup_timeout
        self.global_cors = global_cors
        self.reject_checksums = reject_checksums
        self.tls = tls
        self.iam = iam
        # Control calls go to loopback; a proxy from the environment must never see them.
        handlers: list[urllib.request.BaseHandler] = [urllib.request.ProxyHandler({})]
        if tls:
            context = ssl.create_default_context(cafile=str(tls[0]))
            handlers.append(urllib.request.HTTPSHandler(context=context))
        self._opener = urllib.request.build_opener(*handlers)
        self._proc: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{HOST}:{self.port}"

    def start(self) -> Self:
        if not self.port:
            self.port = free_port()
        script = str(Path(__file__).resolve())
        command = [sys.executable, script, "--port", str(self.port), "--exit-with-parent"]
        if self.global_cors:
            command.append("--global-cors")
        if self.reject_checksums:
            command.append("--reject-checksums")
        if self.iam:
            command += ["--iam", str(self.iam)]
        if self.tls:
            command += ["--tls-cert", str(self.tls[0]), "--tls-key", str(self.tls[1])]
        # A file, not a pipe: nobody reads the output while tests run, and a full pipe would
        # block the server. It lives as long as the process, so stop() closes it.
        self._output = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT
        )
        self._wait_until_healthy()
        return self

    def _wait_until_healthy(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(
                    f"S3 server exited with {self._proc.returncode} before it answered:\n"
                    + self.output()
                )
            if self._answers_health():
                return
            time.sleep(0.05)
        self.kill()
        raise RuntimeError(
            f"S3 server gave no health answer on {self.endpoint_url} within "
            f"{self.startup_timeout}s:\n{self.output()}"
        )

    def _answers_health(self) -> bool:
        try:
            health = self._control("GET", "health")
        except OSError:
            return False
        # Another process may own the port we picked; only our child counts.
        return bool(self._proc and health.get("pid") == self._proc.pid)

    def output(self) -> str:
        """What the server process printed (moto's warnings, tracebacks)."""
        if self._output is None:
            return ""
        self._output.seek(0)
        return self._output.read().decode(errors="replace")

    def _control(self, method: str, name: str, payload: Any = None, query: str = "") -> Any:
        data = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(
            f"{self.endpoint_url}{CONTROL_PREFIX}{name}{query}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with self._opener.open(request, timeout=10) as response:
                return json.load(response)
        except urllib.error.HTTPError as exc:
            raise RuntimeError(f"{method} {name}: {exc.code} {exc.read().decode()}") from exc

    def requests(self, method: str | None = None) -> list[dict[str, Any]]:
        """The S3 requests served so far: dicts of method, path, query and status."""
        query = "?" + urlencode({"method": method.upper()}) if method else ""
        result: list[dict[str, Any]] = self._control("GET", "requests", query=query)
        return result

    def count(self, method: str | None = None) -> int:
        return len(self.requests(method))

    def clear(self) -> None:
        """Forget the request log (buckets and objects stay)."""
        self._control("POST", "clear", {})

    def reset(self) -> None:
        """Forget the log, the faults and every bucket."""
        self._control("POST", "reset", {})

    def set_faults(self, **cfg: Any) -> None:
        """E.g. ``set_faults(status=503, methods=["PUT"], after=2, count=3)``; see ``Fault``."""
        self._control("POST", "faults", cfg)

    def clear_faults(self) -> None:
        self._control("POST", "faults", {})

    def stop(self) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._output is not None:
            self._output.close()
        self._proc = self._output = None

    def kill(self) -> None:
        """SIGKILL, as a crash would: no cleanup runs in the server."""
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()

    def restart(self) -> None:
        """Stop (if still running) and start again on the same port. moto keeps its state in
        memory, so every bucket and object is gone afterwards."""
        self.stop()
        self.start()

    def client(self, **kwargs: Any) -> Any:
        """A boto3 S3 client for this server; ``kwargs`` go to ``boto3.client`` (e.g. config)."""
        import boto3

        options: dict[str, Any] = {"region_name": REGION, **CREDENTIALS, **kwargs}
        if self.tls:
            options.setdefault("verify", str(self.tls[0]))
        return boto3.client("s3", endpoint_url=self.endpoint_url, **options)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":
    main()
