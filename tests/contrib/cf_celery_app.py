"""The Celery app the worker tests run: ``celery -A cf_celery_app worker``.

Configured as a host would (``install`` plus a factory per process), with
short leases and retry delays so a test sees retries in seconds.  The
fixture passes the broker and a working folder through the environment;
the folder holds the SQLite database the test and the worker share, the
notifier's file and two switches:

- ``notifier-down``: while it exists the notifier raises (a gateway outage);
- ``db-down``: while it exists the store's first call of each job raises
  :class:`StorageError` (the database unreachable), before touching anything.

``built`` gets a line per factory call, naming the process, so a test can
check each process built its desk once.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from celery import Celery

from complaintflow import ComplaintDesk, SlaPolicy, SqliteStore, SystemClock
from complaintflow.contrib.celery import install
from complaintflow.errors import StorageError
from complaintflow.service.notifications import Notification
from complaintflow.service.outbox import RetryPolicy
from complaintflow.testing import office_week

BROKER = os.environ.get("CF_BROKER", "memory://")
HERE = Path(os.environ.get("CF_DIR", "."))

CALENDAR = office_week()


class SwitchedStore(SqliteStore):
    """A SQLite store that is "unreachable" while ``db-down`` exists beside its file."""

    def __init__(self, path: Path, **options: Any) -> None:
        super().__init__(path, **options)
        self._switch = path.parent / "db-down"

    def _reachable(self) -> None:
        if self._switch.exists():
            raise StorageError("database unreachable (the test's db-down switch)")

    def find(self, **kwargs: Any) -> Any:
        self._reachable()
        return super().find(**kwargs)

    def claim_due(self, **kwargs: Any) -> Any:
        self._reachable()
        return super().claim_due(**kwargs)

    def claim_outbox(self, **kwargs: Any) -> Any:
        self._reachable()
        return super().claim_outbox(**kwargs)


def desk_on(path: Path) -> ComplaintDesk:
    return ComplaintDesk(
        SwitchedStore(path, synchronous="NORMAL"),
        SystemClock(),
        sla=SlaPolicy.default(),
        calendar=CALENDAR,
    )


class FileNotifier:
    """Appends each notification it sends to ``sent.jsonl``; fails while switched off."""

    def send(self, notification: Notification) -> None:
        line = {"key": notification.key, "ticket": notification.ticket_id, "pid": os.getpid()}
        if (HERE / "notifier-down").exists():
            with (HERE / "failed.jsonl").open("a", encoding="utf-8") as file:
                file.write(json.dumps(line) + "\n")
            raise ConnectionError("SMS gateway down (the test's notifier-down switch)")
        with (HERE / "sent.jsonl").open("a", encoding="utf-8") as file:
            file.write(json.dumps(line) + "\n")


def _built(what: str) -> None:
    with (HERE / "built").open("a", encoding="utf-8") as file:
        file.write(f"{what} {os.getpid()} {dt.datetime.now(dt.UTC).isoformat()}\n")


def make_desk() -> ComplaintDesk:
    _built("desk")
    return desk_on(HERE / "desk.db")


def make_notifier() -> FileNotifier:
    _built("notifier")
    return FileNotifier()


app = Celery("cf_test", broker=BROKER, backend=BROKER)
app.conf.update(
    accept_content=["json"],
    task_serializer="json",
    result_serializer="json",
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
tasks = install(
    app,
    desk=make_desk,
    notifier=make_notifier,
    lease=0.5,
    retry_delay=0.25,
    retry_max=2.0,
    max_retries=8,
    jitter=False,
    retry=RetryPolicy(base=dt.timedelta(seconds=0.5), cap=dt.timedelta(seconds=0.5)),
)
