"""Throwaway PostgreSQL and MariaDB servers for the storage tests.

``postgres_conninfo`` (session scope) runs ``initdb`` in a fresh temp dir
and starts the server on a free loopback port, its unix socket in the same
dir.  PostgreSQL refuses to run as root, so under root (as in CI) the
server runs as the ``postgres`` system user via ``runuser``.  The tests
skip only when the binaries are absent, and never when ``CI`` is set: in
CI a missing or broken server is a failure.
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


@pytest.fixture(scope="session")
def postgres_conninfo() -> Iterator[str]:
    bindir = _bindir()
    if bindir is None:
        _unavailable(
            "PostgreSQL binaries (initdb, pg_ctl) not found: "
            "apt-get install postgresql, or set PG_BINDIR"
        )
    assert bindir is not None
    as_user: list[str] = []
    base = Path(tempfile.mkdtemp(prefix="cf-pg-"))
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            pytest.fail("running as root needs runuser to start PostgreSQL as 'postgres'")
        shutil.chown(base, user="postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, log, port = base / "data", base / "server.log", _free_port()

    def run(*args: str) -> None:
        done = subprocess.run([*as_user, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            server_log = log.read_text() if log.exists() else ""
            pytest.fail(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}{server_log}")

    try:
        run(
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--no-instructions",
        )
        options = (
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        run(
            str(bindir / "pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            "60",
            "start",
        )
        try:
            yield f"host={base} port={port} user=postgres dbname=postgres"
        finally:
            run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
    finally:
        shutil.rmtree(base, ignore_errors=True)


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
