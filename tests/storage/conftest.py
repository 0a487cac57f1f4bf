"""Throwaway PostgreSQL and MariaDB servers for the storage tests.

``postgres_conninfo`` (session scope) runs ``initdb`` in a fresh temp dir
and starts the server on a free loopback port, its unix socket in the same
dir.  PostgreSQL refuses to run as root, so under root (as in CI) the
server runs as the ``postgres`` system user via ``runuser``.  The tests
skip only when the binaries are absent, and never when ``CI`` is set: in
CI a missing or broken server is a failure.  ``restartable_postgres`` is
a server of the test's own, which the test may stop and start again
(:class:`PostgresServer`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _bindir() -> Path | None:
    candidates = [os.environ.get("PG_BINDIR", "")]
    found = shutil.which("initdb")
    if found:
        candidates.append(str(Path(found).parent))
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


class PostgresServer:
    """One throwaway server: ``initdb`` in a fresh temp dir, a free loopback port.

    ``stop()`` and ``start()`` let a test take the server away and bring it
    back (same data, same port) while clients are connected.
    """

    def __init__(self, *, durable: bool = False) -> None:
        bindir = _bindir()
        if bindir is None:
            _unavailable(
                "PostgreSQL binaries (initdb, pg_ctl) not found: "
                "apt-get install postgresql, or set PG_BINDIR"
            )
        assert bindir is not None
        self.bindir = bindir
        self.as_user: list[str] = []
        self.base = Path(tempfile.mkdtemp(prefix="cf-pg-"))
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                pytest.fail("running as root needs runuser to start PostgreSQL as 'postgres'")
            shutil.chown(self.base, user="postgres")
            self.as_user = ["runuser", "-u", "postgres", "--"]
        self.data, self.log, self.port = self.base / "data", self.base / "server.log", _free_port()
        # Without fsync (the OS does not crash here); with synchronous commits when a test
        # kills the server and counts on every acknowledged commit surviving.
        self.options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            f"-c synchronous_commit={'on' if durable else 'off'} -c full_page_writes=off "
            "-c max_connections=60"
        )
        self.conninfo = f"host={self.base} port={self.port} user=postgres dbname=postgres"
        self.running = False

    def _run(self, *args: str) -> None:
        done = subprocess.run([*self.as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            server_log = self.log.read_text() if self.log.exists() else ""
            pytest.fail(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}{server_log}")

    def init(self) -> None:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            self.options,
            "-w",
            "-t",
            "60",
            "start",
        )
        self.running = True

    def stop(self, mode: str = "immediate") -> None:
        """``immediate``: as a crash (no checkpoint; clients' connections just end)."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")
        self.running = False


@contextmanager
def postgres_server(*, durable: bool = False) -> Iterator[PostgresServer]:
    server = PostgresServer(durable=durable)
    try:
        server.init()
        server.start()
        try:
            yield server
        finally:
            if server.running:
                server.stop()
    finally:
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_conninfo() -> Iterator[str]:
    with postgres_server() as server:
        yield server.conninfo


@pytest.fixture
def restartable_postgres() -> Iterator[PostgresServer]:
    """A server of its own, with synchronous commits, for a test that kills and restarts it."""
    with postgres_server(durable=True) as server:
        yield server


# -- MariaDB ---------------------------------------------------------------------


def _mariadb_unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"MariaDB tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _wait_for_socket(path: Path, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if path.exists():
            return
        if server.poll() is not None:
            break
        time.sleep(0.1)
    pytest.fail(f"mariadbd did not start:\n{log.read_text() if log.exists() else ''}")


@pytest.fixture(scope="session")
def mariadb_url() -> Iterator[str]:
    """A throwaway MariaDB server (Debian's ``mariadb-server``), as a SQLAlchemy URL.

    Like PostgreSQL above: a fresh data dir, a free loopback port, and under
    root the server runs as the ``mysql`` system user (mariadbd refuses root).
    """
    server_bin, install = (
        shutil.which("mariadbd") or "/usr/sbin/mariadbd",
        shutil.which("mariadb-install-db"),
    )
    if not Path(server_bin).exists() or install is None:
        _mariadb_unavailable(
            "MariaDB binaries (mariadbd, mariadb-install-db) not found: "
            "apt-get install mariadb-server"
        )
    assert install is not None
    try:
        import pymysql  # noqa: F401
    except ImportError:
        _mariadb_unavailable("the PyMySQL driver is missing: pip install complaintflow[sqlalchemy]")
    base = Path(tempfile.mkdtemp(prefix="cf-maria-"))
    as_user: list[str] = []
    user = "mysql" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
    if os.geteuid() == 0:
        shutil.chown(base, user="mysql")
        as_user = ["runuser", "-u", "mysql", "--"]
    data, sock, log, port = base / "data", base / "mysqld.sock", base / "server.log", _free_port()
    done = subprocess.run(
        [
            *as_user,
            install,
            f"--user={user}",
            f"--datadir={data}",
            "--skip-test-db",
            "--auth-root-authentication-method=normal",
            "--skip-name-resolve",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"mariadb-install-db failed:\n{done.stdout}{done.stderr}")
    server = subprocess.Popen(
        [
            *as_user,
            server_bin,
            "--no-defaults",
            f"--datadir={data}",
            f"--socket={sock}",
            f"--port={port}",
            "--bind-address=127.0.0.1",
            f"--log-error={log}",
            f"--pid-file={base / 'mysqld.pid'}",
            "--innodb-flush-log-at-trx-commit=0",
            "--innodb-buffer-pool-size=64M",
            "--max-connections=100",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_bin",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for_socket(sock, server, log)
        admin = subprocess.run(
            [
                *as_user,
                "mariadb",
                f"--socket={sock}",
                "-uroot",
                "-e",
                "CREATE DATABASE complaintflow; CREATE USER 'cf'@'127.0.0.1'; "
                "GRANT ALL ON complaintflow.* TO 'cf'@'127.0.0.1';",
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if admin.returncode != 0:
            pytest.fail(f"could not create the test database:\n{admin.stderr}")
        yield f"mysql+pymysql://cf@127.0.0.1:{port}/complaintflow?charset=utf8mb4"
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(base, ignore_errors=True)
