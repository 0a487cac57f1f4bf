"""A throwaway Redis server and a real Celery worker for the Celery integration's tests.

``redis_url`` (session scope) starts Debian's ``redis-server`` on a free
loopback port, without persistence, as the ``redis`` system user when the
tests run as root (as in CI).  Like the database servers in
tests/storage/conftest.py, a missing ``redis-server`` skips the tests with
the reason, and fails them when ``CI`` is set.

``celery_worker`` (module scope) starts ``celery -A cf_celery_app worker``
(prefork, two processes) on that broker, with its output in a file that
every failure message quotes, and stops it after the module's tests.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parent.parent / "src"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # cf_celery_app, which the worker runs and the tests read


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"the Celery tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        _unavailable("redis-server not found: apt-get install redis-server")
    base = Path(tempfile.mkdtemp(prefix="cf-redis-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # redis warns against root; run it as its own user, or nobody
        user = "redis"
        try:
            pwd.getpwnam(user)
        except KeyError:
            user = "nobody"
        if shutil.which("runuser") is None:
            pytest.fail("running as root needs runuser to start redis-server as another user")
        shutil.chown(base, user=user)
        as_user = ["runuser", "-u", user, "--"]
    port, log = _free_port(), base / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                *as_user,
                server,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(base),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while not _ping(port):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(base, ignore_errors=True)


@attrs.define
class Worker:
    """A running worker: its broker, its folder (see cf_celery_app) and its output."""

    broker: str
    folder: Path
    log: Path
    process: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, text: str, timeout: float = 30.0, *, count: int = 1) -> None:
        deadline = time.monotonic() + timeout
        while self.output().count(text) < count:
            if self.process.poll() is not None:
                pytest.fail(
                    f"the Celery worker exited ({self.process.returncode}):\n{self.output()}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {text!r} ×{count} in the worker's output:\n{self.output()}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def celery_worker(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    from cf_celery_app import desk_on

    folder = tmp_path_factory.mktemp("celery")
    desk_on(folder / "desk.db").store.close()  # the schema exists before the worker starts
    env = {
        **os.environ,
        "CF_BROKER": redis_url,
        "CF_DIR": str(folder),
        "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
    }
    log = folder / "worker.log"
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cf_celery_app",
        "worker",
        "--pool=prefork",
        "--concurrency=2",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname=cf-test@%h",
    ]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    worker = Worker(redis_url, folder, log, process)
    try:
        worker.wait_for(" ready.", timeout=60)
        yield worker
    finally:
        process.send_signal(signal.SIGTERM)  # a warm shutdown: running tasks finish
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
