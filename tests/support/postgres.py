"""A throwaway PostgreSQL 15 cluster for tests: its own data directory, port and socket.

A fresh cluster per session keeps tests independent of whatever the machine runs, and of each
other's leftovers. Durability is switched off because the data dies with the test run anyway.

    with PostgresCluster() as pg:
        url = pg.create_database("app")   # postgres://postgres@127.0.0.1:PORT/app
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Self

from tests.support.s3server import free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
HOST = "127.0.0.1"
SUPERUSER = "postgres"
# Appended to postgresql.conf rather than passed on pg_ctl's command line, which goes through a
# shell and would need quoting for the socket path.
SETTINGS = """
listen_addresses = '{host}'
port = {port}
unix_socket_directories = '{socket_dir}'
fsync = off
synchronous_commit = off
full_page_writes = off
"""


class PostgresCluster:
    """initdb + pg_ctl in a temporary directory; trust authentication on loopback only."""

    def __init__(self, bin_dir: Path = PG_BIN, base_dir: str | None = None) -> None:
        # base_dir must be reachable by the postgres user when running as root (so not /root).
        self.bin_dir = bin_dir
        self.base_dir = base_dir
        self.port = 0
        self.root: Path | None = None

    @property
    def data_dir(self) -> Path:
        if self.root is None:
            raise RuntimeError("the cluster is not started")
        return self.root / "data"

    def start(self) -> Self:
        if not (self.bin_dir / "initdb").exists():
            raise RuntimeError(
                f"{self.bin_dir}/initdb not found; "
                "install postgresql-15: apt-get install -y postgresql"
            )
        self.root = Path(tempfile.mkdtemp(prefix="pgtest-", dir=self.base_dir))
        socket_dir = self.root / "socket"
        socket_dir.mkdir()
        if _is_root():
            # initdb and postgres refuse to run as root, so the postgres user owns the tree.
            for path in (self.root, socket_dir):
                shutil.chown(path, SUPERUSER, SUPERUSER)
        self.port = free_port()
        try:
            self._initdb(socket_dir)
            self._pg_ctl("start", "--wait", "--timeout=10", f"--log={self.root / 'server.log'}")
        except RuntimeError:
            self._remove()
            raise
        return self

    def _initdb(self, socket_dir: Path) -> None:
        self._run(
            "initdb",
            f"--pgdata={self.data_dir}",
            f"--username={SUPERUSER}",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-locale",
            "--no-sync",  # skips fsync of every new file: most of initdb's time
            "--no-instructions",
        )
        settings = SETTINGS.format(host=HOST, port=self.port, socket_dir=socket_dir)
        with (self.data_dir / "postgresql.conf").open("a") as conf:
            conf.write(settings)

    def _pg_ctl(self, action: str, *args: str) -> None:
        self._run("pg_ctl", action, f"--pgdata={self.data_dir}", *args)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir / program), *args]
        if _is_root():
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        # cwd: the postgres user may not be able to enter the caller's directory.
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(
                f"{program} failed ({result.returncode}):\n{result.stdout}{result.stderr}"
                + self._server_log()
            )

    def _server_log(self) -> str:
        log = self.root / "server.log" if self.root else None
        return f"\nserver.log:\n{log.read_text()}" if log and log.exists() else ""

    def url(self, dbname: str = "postgres") -> str:
        return f"postgres://{SUPERUSER}@{HOST}:{self.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        import psycopg
        from psycopg import sql

        # CREATE DATABASE cannot run inside a transaction.
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def stop(self) -> None:
        if self.root is None:
            return
        try:
            if (self.data_dir / "postmaster.pid").exists():
                self._pg_ctl("stop", "--mode=fast", "--wait")
        finally:
            self._remove()

    def _remove(self) -> None:
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _is_root() -> bool:
    return os.geteuid() == 0
