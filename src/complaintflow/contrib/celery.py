"""The desk's two background jobs as Celery tasks, and a beat schedule to run them.

A host that already runs Celery adds complaintflow in three lines::

    app = Celery("crm", broker="redis://localhost:6379/0")
    install(app, desk=make_desk, notifier=make_notifier)
    app.conf.beat_schedule.update(beat_schedule(sweep_every=60, deliver_every=10))

The task names are part of the API and do not change: route, rate-limit
or call them by name (``app.send_task("complaintflow.sweep")``).

- ``complaintflow.sweep``: :meth:`ComplaintDesk.sweep` as of the moment it
  runs; returns the :class:`~complaintflow.service.sweep.SweepSummary` as a dict.
- ``complaintflow.deliver``: :meth:`ComplaintDesk.deliver_pending` with the
  host's notifier; returns the :class:`~complaintflow.service.sweep.DeliveryReport`
  as a dict.

**Built once per worker process.**  ``desk`` and ``notifier`` are factories
(no arguments), called on a process's first task and kept for its later
ones.  The cache is keyed by the process id, so a prefork child never uses
a connection its parent opened before the fork, and a worker that starts
while the database is down starts anyway: the factory runs again at the
next task.

**Idempotent by construction**, so running a task twice, at once or after
a crash (the tasks are acknowledged late, so the broker redelivers one whose
worker died) changes nothing: the sweep records each SLA alert once through
the store's alert claims and the version check on every save (of two
sweeps racing on a ticket one saves, the other re-reads and finds the alert
recorded); the outbox leases items to one worker at a time and acknowledges
an item only after it was sent, so delivery is at least once and never lost
(a duplicate is possible only if a worker dies between sending and
acknowledging; each notification's ``key`` lets a receiver drop it).

**Retries with exponential backoff.**  A :class:`~complaintflow.errors.StorageError`
(the database unreachable or restarting; nothing was written) retries the
task after ``retry_delay`` seconds, doubling up to ``retry_max``, at most
``max_retries`` times, after which the task fails with that error.  A
delivery round in which some items failed retries the same way, but no
sooner than the store holds them back: the ``retry`` policy's backoff on a
store with dead letters (all built-in ones), the ``lease`` on one without;
a retry before would find nothing to send.  Items that became dead letters
are not retried (``desk.retry_dead_letters`` brings them back).  After the
last retry the round's report is returned; the items wait in the outbox
for the next run.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

import attrs

from complaintflow._extras import needs_extra
from complaintflow.errors import StorageError, ValidationError
from complaintflow.service.desk import ComplaintDesk
from complaintflow.service.notifications import Notifier
from complaintflow.service.outbox import RetryPolicy
from complaintflow.service.sweep import DeliveryReport, SweepSummary

with needs_extra("celery", __name__):
    import celery

__all__ = ["DELIVER", "SWEEP", "PerProcess", "Tasks", "backoff", "beat_schedule", "install"]

SWEEP = "complaintflow.sweep"
DELIVER = "complaintflow.deliver"

_T = TypeVar("_T")


class PerProcess(Generic[_T]):
    """A value built by ``build`` on first use in each process, then reused there.

    Keyed by ``os.getpid()``: after a fork the child builds its own.  A
    ``build`` that raises caches nothing, so the next call tries again.
    """

    def __init__(self, build: Callable[[], _T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._value: _T | None = None

    def get(self) -> _T:
        with self._lock:
            if self._pid != os.getpid() or self._value is None:
                self._value = self._build()
                self._pid = os.getpid()
            return self._value


def backoff(retries: int, *, first: float, most: float, jitter: bool = False) -> float:
    """Seconds before retry number ``retries + 1``: ``first`` doubled each time, capped.

    With ``jitter`` a random part of up to half the delay is taken off, so
    workers that failed together (a database restart) do not retry in step.
    """
    delay = min(most, first * 2.0 ** min(retries, 62))
    return delay * (1 - random.random() / 2) if jitter else delay


def beat_schedule(
    *, sweep_every: float = 60.0, deliver_every: float = 10.0
) -> dict[str, dict[str, Any]]:
    """Celery beat entries for both tasks, to ``update`` a host's ``beat_schedule`` with.

    Each message expires after its interval: when workers were down, the
    queued runs are dropped rather than replayed one after the other, since
    the next run does all of their work.
    """
    for name, every in (("sweep_every", sweep_every), ("deliver_every", deliver_every)):
        if isinstance(every, bool) or not isinstance(every, int | float) or not every > 0:
            raise ValidationError(
                f"{name} must be a number of seconds above 0, got {every!r}", field=name
            )
    return {
        SWEEP: {"task": SWEEP, "schedule": float(sweep_every), "options": {"expires": sweep_every}},
        DELIVER: {
            "task": DELIVER,
            "schedule": float(deliver_every),
            "options": {"expires": deliver_every},
        },
    }


def _plain(result: SweepSummary | DeliveryReport) -> dict[str, Any]:
    """The result as JSON has it, so a task applied in-process returns what a worker does."""
    return {
        key: list(value) if isinstance(value, tuple) else value
        for key, value in attrs.asdict(result).items()
    }


@attrs.frozen
class Tasks:
    """The two tasks :func:`install` registered, e.g. for ``tasks.sweep.delay()``."""

    sweep: Any
    deliver: Any


def install(
    app: Any,
    *,
    desk: Callable[[], ComplaintDesk],
    notifier: Callable[[], Notifier],
    limit: int = 100,
    lease: float = 60.0,
    retry_delay: float = 1.0,
    retry_max: float = 300.0,
    max_retries: int = 10,
    jitter: bool = True,
    retry: RetryPolicy | None = None,
) -> Tasks:
    """Register ``complaintflow.sweep`` and ``complaintflow.deliver`` on ``app``.

    ``desk`` and ``notifier`` build this process's desk and notifier (see
    the module docstring); ``limit`` and ``lease`` (seconds) are passed to
    each delivery round, and ``retry`` (the outbox's backoff and dead-letter
    policy, default :class:`~complaintflow.service.outbox.RetryPolicy`); the rest
    shape the task's own retries.
    """
    if not isinstance(app, celery.Celery):
        raise ValidationError(f"install needs a Celery app, got {app!r}", field="app")
    for name, value in (("lease", lease), ("retry_delay", retry_delay), ("retry_max", retry_max)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
            raise ValidationError(f"{name} must be seconds above 0, got {value!r}", field=name)
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValidationError(
            f"max_retries must be a whole number of 0 or more, got {max_retries!r}",
            field="max_retries",
        )
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise ValidationError(f"retry must be a RetryPolicy, got {retry!r}", field="retry")
    policy = retry or RetryPolicy()
    desks, notifiers = PerProcess(desk), PerProcess(notifier)

    def wait(task: Any) -> float:
        return backoff(task.request.retries, first=retry_delay, most=retry_max, jitter=jitter)

    def sweep(task: Any) -> dict[str, Any]:
        try:
            summary = desks.get().sweep()
        except StorageError as error:
            raise task.retry(exc=error, countdown=wait(task)) from error
        return _plain(summary)

    def deliver(task: Any) -> dict[str, Any]:
        worker = f"{task.request.hostname or 'celery'}:{os.getpid()}"
        try:
            report = desks.get().deliver_pending(
                notifiers.get(),
                worker=worker,
                limit=limit,
                lease=dt.timedelta(seconds=lease),
                retry=policy,
            )
        except StorageError as error:
            raise task.retry(exc=error, countdown=wait(task)) from error
        waiting = report.failed - len(report.dead)
        if waiting > 0 and task.request.retries < max_retries:
            # held back by the policy's backoff (dead letters recorded) or else by the lease
            hold = (
                policy.delay(task.request.retries + 1).total_seconds() if report.retrying else lease
            )
            # The reason Celery logs and stores with the retry; raised to no caller.
            reason = RuntimeError(f"{report.failed} not delivered: " + "; ".join(report.errors[:3]))
            raise task.retry(countdown=max(hold, wait(task)), exc=reason)
        return _plain(report)

    # Not shared: Celery would hand a shared task, with this desk factory, to every app.
    options = {"bind": True, "shared": False, "acks_late": True, "max_retries": max_retries}
    return Tasks(
        app.task(name=SWEEP, **options)(sweep),
        app.task(name=DELIVER, **options)(deliver),
    )
