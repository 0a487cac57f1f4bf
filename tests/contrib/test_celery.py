"""complaintflow.contrib.celery: the tasks, their retries, the schedule, and a real worker.

The first tests run the tasks in this process (Celery's ``apply``, no
broker); the ``slow`` ones send them through a real Redis server to a real
worker (two prefork processes) sharing a SQLite file with the test: see
conftest.py and cf_celery_app.py.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pendulum
import pytest
from celery import Celery
from cf_celery_app import desk_on

from complaintflow import (
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    SlaPolicy,
    TicketDraft,
)
from complaintflow.contrib import celery as cf_celery
from complaintflow.contrib.celery import DELIVER, SWEEP, PerProcess, backoff, beat_schedule, install
from complaintflow.domain.events import SlaAlerted
from complaintflow.errors import MissingExtraError, StorageError, ValidationError
from complaintflow.service.notifications import Notification
from complaintflow.service.outbox import RetryPolicy
from complaintflow.testing import SHANGHAI as SH
from complaintflow.testing import office_week

if TYPE_CHECKING:
    from conftest import Worker  # the fixture's value (tests/contrib/conftest.py)

CAL = office_week()


def draft(received: dt.datetime, n: int = 0) -> TicketDraft:
    return TicketDraft(
        f"快递一周还没到，物流信息不更新 #{n}",
        "phone",
        received,
        Customer(f"C{n}", phone="13812345678"),
    )


def alert_keys(desk: ComplaintDesk, ticket_id: str) -> list[str]:
    return [e.payload.key for e in desk.history(ticket_id) if isinstance(e.payload, SlaAlerted)]


# -- in this process -------------------------------------------------------------------
def test_the_beat_schedule_is_added_in_one_line() -> None:
    app = Celery("host")
    app.conf.beat_schedule.update(beat_schedule(sweep_every=60, deliver_every=10))
    assert app.conf.beat_schedule == {
        "complaintflow.sweep": {
            "task": "complaintflow.sweep",
            "schedule": 60.0,
            "options": {"expires": 60},
        },
        "complaintflow.deliver": {
            "task": "complaintflow.deliver",
            "schedule": 10.0,
            "options": {"expires": 10},
        },
    }


@pytest.mark.parametrize("every", [0, -1, "60", True, float("nan")])
def test_a_schedule_needs_positive_seconds(every: Any) -> None:
    with pytest.raises(ValidationError, match="sweep_every must be a number of seconds above 0"):
        beat_schedule(sweep_every=every)


def test_install_registers_the_two_stable_names() -> None:
    app = Celery("host")
    tasks = install(app, desk=lambda: pytest.fail("built too early"), notifier=lambda: None)  # type: ignore[arg-type,return-value]
    assert (SWEEP, DELIVER) == ("complaintflow.sweep", "complaintflow.deliver")
    assert [app.tasks[SWEEP].name, app.tasks[DELIVER].name] == [SWEEP, DELIVER]
    assert [tasks.sweep.name, tasks.deliver.name] == [SWEEP, DELIVER]
    assert tasks.sweep.acks_late
    assert tasks.deliver.acks_late


def test_install_refuses_what_is_not_an_app_or_not_seconds() -> None:
    with pytest.raises(ValidationError, match="needs a Celery app"):
        install(object(), desk=lambda: None, notifier=lambda: None)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValidationError, match="max_retries must be a whole number"):
        install(Celery("host"), desk=lambda: None, notifier=lambda: None, max_retries=-1)  # type: ignore[arg-type,return-value]
    with pytest.raises(ValidationError, match="lease must be seconds above 0"):
        install(Celery("host"), desk=lambda: None, notifier=lambda: None, lease=0)  # type: ignore[arg-type,return-value]


def test_backoff_doubles_up_to_its_cap_and_jitter_only_shortens() -> None:
    assert [backoff(n, first=1, most=10) for n in range(6)] == [1, 2, 4, 8, 10, 10]
    assert backoff(10_000, first=1, most=300) == 300
    for n in range(6):
        plain = backoff(n, first=1, most=10)
        assert plain / 2 <= backoff(n, first=1, most=10, jitter=True) <= plain


def test_a_value_is_built_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    pid = [100]
    monkeypatch.setattr(cf_celery.os, "getpid", lambda: pid[0])

    def build() -> int:
        built.append(pid[0])
        if len(built) == 1:
            raise StorageError("database down while the worker starts")
        return pid[0]

    cached = PerProcess(build)
    with pytest.raises(StorageError):
        cached.get()
    assert [cached.get(), cached.get()] == [100, 100]  # the failure cached nothing
    pid[0] = 101  # a prefork child: never the parent's connection
    assert cached.get() == 101
    assert built == [100, 100, 101]


class Gateway:
    """Fails ``failures`` times, each time moving the clock past the failed items' lease."""

    def __init__(self, clock: ManualClock, failures: int) -> None:
        self.clock, self.failures, self.sent = clock, failures, []  # type: list[str]

    def send(self, notification: Notification) -> None:
        if self.failures:
            self.failures -= 1
            self.clock.advance(dt.timedelta(seconds=2))
            raise ConnectionError("gateway down")
        self.sent.append(notification.key)


@pytest.fixture
def eager() -> Iterator[tuple[ComplaintDesk, ManualClock, Celery]]:
    clock = ManualClock(pendulum.datetime(2024, 6, 14, 17, tz=SH))
    desk = ComplaintDesk(InMemoryStore(), clock, sla=SlaPolicy.default(), calendar=CAL)
    app = Celery("host")
    yield desk, clock, app
    app.close()


def test_tasks_run_the_desk_jobs_and_retry_failed_deliveries(
    eager: tuple[ComplaintDesk, ManualClock, Celery],
) -> None:
    desk, clock, app = eager
    tickets = [desk.intake(draft(clock.now() - dt.timedelta(days=7), n)) for n in range(3)]
    gateway = Gateway(clock, failures=2)
    quick = RetryPolicy(base=dt.timedelta(seconds=1))  # each failure moves the clock 2 s
    tasks = install(
        app, desk=lambda: desk, notifier=lambda: gateway, lease=1, jitter=False, retry=quick
    )
    summary = tasks.sweep.apply().get()
    assert summary["breaches"] > 0
    assert sorted(summary["alerts"]) == sorted(k for t in tickets for k in alert_keys(desk, t.id))
    assert tasks.sweep.apply().get()["alerts"] == []  # the second run records nothing
    result = tasks.deliver.apply()
    report = result.get()
    # the report of the round that ended it: the retry sent the two items that had failed
    assert (report["failed"], report["delivered"]) == (0, 2)
    assert len(gateway.sent) == len(set(gateway.sent)) > 3  # everything once
    assert (
        desk.store.claim_outbox(worker="w", limit=100, lease=dt.timedelta(1), now=clock.now()) == []
    )


def test_an_unreachable_store_is_retried_then_the_task_gives_up(
    eager: tuple[ComplaintDesk, ManualClock, Celery],
) -> None:
    desk, _clock, app = eager
    calls = []

    def flaky() -> ComplaintDesk:
        calls.append(1)
        if len(calls) <= 2:
            raise StorageError("could not connect to the database")
        return desk

    tasks = install(app, desk=flaky, notifier=lambda: None, max_retries=3)  # type: ignore[arg-type,return-value]
    assert tasks.sweep.apply().get()["checked"] == 0
    assert len(calls) == 3

    def down() -> ComplaintDesk:
        raise StorageError("could not connect to the database")

    gives_up = install(Celery("other"), desk=down, notifier=lambda: None, max_retries=2)  # type: ignore[arg-type,return-value]
    result = gives_up.sweep.apply()
    assert result.failed()
    assert isinstance(result.result, StorageError)


def test_importing_without_celery_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "celery" or n.startswith("celery.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "celery", None)
    monkeypatch.delitem(sys.modules, "complaintflow.contrib.celery")
    with pytest.raises(MissingExtraError) as raised:
        importlib.import_module("complaintflow.contrib.celery")
    assert "pip install 'complaintflow[celery]'" in str(raised.value)
    assert (raised.value.name, raised.value.extra) == ("celery", "celery")


# -- a real worker through a real Redis ------------------------------------------------
@pytest.fixture(scope="module")
def client(celery_worker: Worker) -> Iterator[Celery]:
    app = Celery("client", broker=celery_worker.broker, backend=celery_worker.broker)
    app.conf.update(accept_content=["json"], task_serializer="json", result_serializer="json")
    yield app
    app.close()


@pytest.fixture
def desk(celery_worker: Worker) -> Iterator[ComplaintDesk]:
    desk = desk_on(celery_worker.folder / "desk.db")
    yield desk
    desk.store.close()  # type: ignore[attr-defined]


def overdue(desk: ComplaintDesk, count: int) -> list[str]:
    received = pendulum.now("UTC") - dt.timedelta(days=10)
    return [desk.intake(draft(received, n)).id for n in range(count)]


def retries(worker: Worker, task_id: str) -> list[float]:
    """The countdowns the worker logged for this task's retries, in order."""
    found = re.findall(rf"\[{re.escape(task_id)}\] retry: Retry in ([\d.]+)s", worker.output())
    return [float(seconds) for seconds in found]


@pytest.mark.slow
def test_a_sweep_records_each_alert_once(
    client: Celery, desk: ComplaintDesk, celery_worker: Worker
) -> None:
    ids = overdue(desk, 4)
    first = client.send_task(SWEEP).get(timeout=30)
    keys = [k for i in ids for k in alert_keys(desk, i)]
    assert keys
    assert len(keys) == len(set(keys))
    assert set(keys) <= set(first["alerts"])
    again = client.send_task(SWEEP).get(timeout=30)
    assert again["alerts"] == []
    assert [k for i in ids for k in alert_keys(desk, i)] == keys


@pytest.mark.slow
def test_two_sweeps_at_once_record_each_alert_once(
    client: Celery, desk: ComplaintDesk, celery_worker: Worker
) -> None:
    ids = overdue(desk, 30)
    runs = [client.send_task(SWEEP) for _ in range(2)]
    one, two = (run.get(timeout=30) for run in runs)
    keys = [k for i in ids for k in alert_keys(desk, i)]
    assert keys
    assert len(keys) == len(set(keys))
    assert not set(one["alerts"]) & set(two["alerts"])  # each alert recorded by one sweep
    assert set(keys) <= set(one["alerts"]) | set(two["alerts"])
    assert one["conflicts"] == two["conflicts"] == 0


def sent(worker: Worker) -> list[dict[str, Any]]:
    path = worker.folder / "sent.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.mark.slow
def test_delivery_retries_with_backoff_until_the_notifier_recovers(
    client: Celery, desk: ComplaintDesk, celery_worker: Worker
) -> None:
    while client.send_task(DELIVER).get(timeout=30)["delivered"]:
        pass  # what earlier tests queued: drained, so the round below holds our three only
    ids = set(overdue(desk, 3))
    switch = celery_worker.folder / "notifier-down"
    switch.touch()
    try:
        result = client.send_task(DELIVER)
        celery_worker.wait_for("complaintflow.deliver[", count=1)
        celery_worker.wait_for(f"complaintflow.deliver[{result.id}] retry", count=3)
    finally:
        switch.unlink()
    report = result.get(timeout=30)
    assert report["failed"] == 0  # the round that ended it (the switch may flip mid-round)
    ours = [line["key"] for line in sent(celery_worker) if line["ticket"] in ids]
    assert len(ours) == len(set(ours)) == 3  # each acceptance once, after the failures
    failed = (celery_worker.folder / "failed.jsonl").read_text().splitlines()
    assert len(failed) >= 9  # three items, three rounds at least
    assert len(sent(celery_worker)) == len({line["key"] for line in sent(celery_worker)})
    waits = retries(celery_worker, result.id)
    assert waits[:3] == [0.5, 0.5, 1.0], celery_worker.output()  # the backoff, then doubling


@pytest.mark.slow
def test_an_unreachable_database_is_retried_with_backoff(
    client: Celery, desk: ComplaintDesk, celery_worker: Worker
) -> None:
    ids = overdue(desk, 2)
    switch = celery_worker.folder / "db-down"
    switch.touch()
    try:
        result = client.send_task(SWEEP)
        celery_worker.wait_for(f"complaintflow.sweep[{result.id}] retry", count=3)
    finally:
        switch.unlink()
    summary = result.get(timeout=30)
    assert {k for i in ids for k in alert_keys(desk, i)} <= set(summary["alerts"])
    assert 'retry: Retry in 0.25s: StorageError("database unreachable' in celery_worker.output()
    waits = retries(celery_worker, result.id)
    assert waits[:3] == [0.25, 0.5, 1.0], celery_worker.output()


@pytest.mark.slow
def test_each_worker_process_builds_its_desk_once(celery_worker: Worker) -> None:
    lines = (celery_worker.folder / "built").read_text().splitlines()
    desks = [line.split()[1] for line in lines if line.startswith("desk ")]
    assert desks, lines
    assert len(desks) == len(set(desks)) <= 2, lines
