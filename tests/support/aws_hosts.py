"""AWS's own host names on this machine (DESIGN.md section 4, "AWS's own host names").

A network namespace of its own, whose hosts file sends AWS's S3 host names (and a CDN's) to
127.0.0.1, where the test S3 server (moto) answers on port 443 with a certificate from a private
CA. The certificate covers what AWS's does: `s3.<region>.amazonaws.com` and
`*.s3.<region>.amazonaws.com` (so a dotted bucket name on a virtual host fails TLS, as on AWS).
Processes started through `command()` run inside the namespace: boto3 there builds AWS's names
itself (no AWS_S3_ENDPOINT_URL) and trusts the CA through the variables of `trust_env()`, the
only ones a test adds. The namespace has no way out and is removed, with its folder in
/etc/netns, when the context ends. Needs root (ip netns).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.support.tls import private_ca_certificate

S3_SERVER = Path(__file__).with_name("s3server.py")
CHROMIUM = "/usr/bin/chromium"
_numbers = itertools.count()


def s3_host_names(region: str) -> list[str]:
    """What AWS's certificate covers for a region's S3 endpoints."""
    return [f"s3.{region}.amazonaws.com", f"*.s3.{region}.amazonaws.com"]


class AwsHosts:
    """The namespace, its hosts file, the CA and the S3 server on port 443.

    `hosts`: the buckets' virtual hosts (hosts files take no wildcards; the regions' endpoints
    are added);
    `regions`: the S3 regions whose names the certificate covers (with the global ones);
    `cdn`: CDN host -> the bucket host it reads from (tests.support.s3server.CdnStandIn).
    """

    def __init__(
        self, folder: Path, hosts: list[str], regions: list[str], cdn: dict[str, str]
    ) -> None:
        self.name = f"djs3-{os.getpid()}-{next(_numbers)}"
        self.folder = folder
        self.hosts = hosts
        self.regions = regions
        self.cdn = cdn
        self.netns_folder = Path("/etc/netns") / self.name
        self.server: subprocess.Popen[bytes] | None = None
        self.ca = self.folder / "ca.pem"

    def __enter__(self) -> Self:
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        try:
            self.netns_folder.mkdir(parents=True)
            endpoints = [
                "s3.amazonaws.com",
                *(f"s3.{region}.amazonaws.com" for region in self.regions),
            ]
            names = ["localhost", *endpoints, *self.hosts, *self.cdn]
            (self.netns_folder / "hosts").write_text(
                "".join(f"127.0.0.1 {name}\n" for name in names)
            )
            subprocess.run(self.command(["ip", "link", "set", "lo", "up"]), check=True)
            certified = ["s3.amazonaws.com", "*.s3.amazonaws.com", *self.cdn]
            certified += [name for region in self.regions for name in s3_host_names(region)]
            _, cert, key = private_ca_certificate(self.folder, certified)
            self.start_server(cert, key)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def command(self, argv: list[str]) -> list[str]:
        """`argv` run inside the namespace, with its hosts file as /etc/hosts."""
        return ["ip", "netns", "exec", self.name, *argv]

    def trust_env(self) -> dict[str, str]:
        """What makes botocore, Python's ssl module and requests trust the private CA."""
        ca = str(self.ca)
        return {"AWS_CA_BUNDLE": ca, "SSL_CERT_FILE": ca, "REQUESTS_CA_BUNDLE": ca}

    def start_server(self, cert: Path, key: Path) -> None:
        ready = self.folder / "s3-ready"
        argv = [sys.executable, str(S3_SERVER), "--port", "443", "--exit-with-parent"]
        argv += ["--tls-cert", str(cert), "--tls-key", str(key), "--ready-file", str(ready)]
        argv += [arg for host, origin in self.cdn.items() for arg in ("--cdn", f"{host}={origin}")]
        log = (self.folder / "s3-server.log").open("wb")
        self.server = subprocess.Popen(
            self.command(argv), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 30
        while not ready.exists():
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"S3 server did not start:\n{self.server_log()}")
            time.sleep(0.05)

    def server_log(self) -> str:
        return (self.folder / "s3-server.log").read_text(errors="replace")

    def wait_until_listening(self, port: int, process: subprocess.Popen, log: Path) -> None:
        """Wait until something inside the namespace accepts connections on `port`."""
        probe = (
            "import socket, sys, time\n"
            "for _ in range(600):\n"
            "    try:\n"
            f"        socket.create_connection(('127.0.0.1', {port}), timeout=1).close()\n"
            "        sys.exit(0)\n"
            "    except OSError:\n"
            "        time.sleep(0.1)\n"
            "sys.exit(1)\n"
        )
        waiting = subprocess.Popen(self.command([sys.executable, "-c", probe]))
        while waiting.poll() is None:
            if process.poll() is not None:
                waiting.kill()
                raise AssertionError(f"exited with {process.returncode}:\n{log.read_text()}")
            time.sleep(0.1)
        if waiting.returncode != 0:
            raise AssertionError(f"nothing listens on {port} after 60 s:\n{log.read_text()}")

    def chromium(self) -> Path:
        """An executable that starts Debian's Chromium inside the namespace, for Playwright's
        executable_path: Playwright drives it over pipes, which the namespace does not cut."""
        wrapper = self.folder / "chromium"
        wrapper.write_text(f'#!/bin/sh\nexec ip netns exec {self.name} {CHROMIUM} "$@"\n')
        wrapper.chmod(0o755)
        return wrapper

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        subprocess.run(["ip", "netns", "delete", self.name], check=False)
        shutil.rmtree(self.netns_folder, ignore_errors=True)
