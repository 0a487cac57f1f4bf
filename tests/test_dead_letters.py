"""Delivery failures: backoff, dead letters, retries and health, through the desk."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pendulum
import pytest

from complaintflow import (
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    Notification,
    SqliteStore,
    StorageError,
    TicketDraft,
    ValidationError,
)
from complaintflow.service.outbox import RetryPolicy
from complaintflow.storage.protocol import DeadLetters, TicketStore

SH = "Asia/Shanghai"
START = pendulum.datetime(2024, 6, 7, 17, tz=SH)
LEGACY = Path(__file__).parent / "data" / "legacy-6004883.sqlite3"


class Gateway:
    """A notifier that fails while ``fail`` is set; ``permanent`` marks its errors."""

    def __init__(self, fail: bool = True, permanent: bool = False) -> None:
        self.fail, self.permanent = fail, permanent
        self.sent: list[Notification] = []

    def send(self, notification: Notification) -> None:
        if self.fail:
            error = ConnectionError("SMS gateway down")
            error.permanent = self.permanent  # type: ignore[attr-defined]
            raise error
        self.sent.append(notification)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryStore()
    else:
        with SqliteStore(tmp_path / "desk.sqlite3", synchronous="NORMAL") as sqlite:
            yield sqlite


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def desk_on(store: TicketStore, clock: ManualClock) -> ComplaintDesk:
    desk = ComplaintDesk(store, clock)
    for n in range(2):
        desk.intake(TicketDraft(f"包裹{n}没到", "phone", clock.now(), Customer(f"C{n}", phone="1")))
    return desk


def test_failures_back_off_then_become_dead_letters(store: TicketStore, clock: Any) -> None:
    desk, gateway = desk_on(store, clock), Gateway()
    policy = RetryPolicy(max_attempts=3, base=dt.timedelta(minutes=1), cap=dt.timedelta(minutes=3))
    first = desk.deliver_pending(gateway, retry=policy)
    assert (first.delivered, first.failed, first.retrying, first.dead) == (0, 2, 2, ())
    assert "SMS gateway down" in first.errors[0]
    health = desk.health()
    assert (health.pending, health.retrying, health.dead) == (2, 2, 0)
    assert health.oldest_pending_seconds == 0.0
    clock.advance(seconds=59)
    assert desk.deliver_pending(gateway, retry=policy).failed == 0  # 1 minute backoff
    clock.advance(seconds=1)
    assert desk.deliver_pending(gateway, retry=policy).retrying == 2  # attempt 2
    clock.advance(minutes=1)
    assert desk.deliver_pending(gateway, retry=policy).failed == 0  # now 2 minutes
    clock.advance(minutes=1)
    last = desk.deliver_pending(gateway, retry=policy)  # attempt 3 of 3
    assert (last.failed, last.retrying, len(last.dead)) == (2, 0, 2)
    clock.advance(days=1)
    assert desk.deliver_pending(gateway, retry=policy).failed == 0  # dead: never served
    page = desk.dead_letters()
    assert sorted(letter.id for letter in page.items) == sorted(last.dead)
    assert {letter.attempts for letter in page.items} == {3}
    assert all(letter.error == "ConnectionError: SMS gateway down" for letter in page.items)
    assert all(letter.kind == "accepted" for letter in page.items)
    health = desk.health()
    assert (health.pending, health.retrying, health.dead) == (0, 0, 2)
    assert health.oldest_pending_seconds is None
    chosen = page.items[0].id
    assert desk.retry_dead_letters([chosen, "nope"]) == {chosen}
    gateway.fail = False
    assert desk.deliver_pending(gateway).delivered == 1
    assert desk.retry_dead_letters() == {page.items[1].id}
    assert desk.deliver_pending(gateway).delivered == 1
    assert desk.health().as_dict()["dead"] == 0


def test_a_permanent_error_is_dead_at_once(store: TicketStore, clock: ManualClock) -> None:
    desk = desk_on(store, clock)
    report = desk.deliver_pending(Gateway(permanent=True))
    assert (report.failed, report.retrying, len(report.dead)) == (2, 0, 2)
    assert len(desk.dead_letters(limit=1).items) == 1
    assert desk.dead_letters(limit=1).cursor is not None


def test_the_backoff_is_exponential_and_capped() -> None:
    policy = RetryPolicy(base=dt.timedelta(seconds=30), cap=dt.timedelta(minutes=5))
    assert [policy.delay(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert RetryPolicy().delay(10_000) == dt.timedelta(hours=6)
    for wrong in ({"max_attempts": 0}, {"base": dt.timedelta(0)}, {"cap": 5}):
        with pytest.raises(ValidationError):
            RetryPolicy(**wrong)  # type: ignore[arg-type]


def test_health_counts_due_tickets(clock: ManualClock) -> None:
    from complaintflow import BusinessCalendar, SlaPolicy

    office = BusinessCalendar(tz=SH, week=dict.fromkeys(range(5), (("09:00", "18:00"),)))
    desk = ComplaintDesk(InMemoryStore(), clock, sla=SlaPolicy.default(), calendar=office)
    desk.intake(TicketDraft("投诉：包裹丢了", "phone", clock.now(), Customer("C1", phone="1")))
    assert desk.health().due == 0
    later = desk.health(clock.now().add(days=30))
    assert later.due == 1
    assert later.oldest_due_seconds is not None
    assert later.oldest_due_seconds > 0
    assert desk.health(clock.now().add(days=30)).at == clock.now().add(days=30)
    with pytest.raises(ValidationError):
        desk.health(dt.datetime(2024, 6, 7))


class Plain:
    """A store without the optional parts: it forwards only the TicketStore methods."""

    def __init__(self, inner: InMemoryStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name in ("fail_outbox", "dead_letters", "retry_dead_letters", "backlog"):
            raise AttributeError(name)
        return getattr(self._inner, name)


def test_a_store_without_dead_letters_keeps_the_old_lease_behaviour(clock: ManualClock) -> None:
    plain = Plain(InMemoryStore())
    assert not isinstance(plain, DeadLetters)
    desk = desk_on(plain, clock)  # type: ignore[arg-type]
    report = desk.deliver_pending(Gateway(), lease=dt.timedelta(minutes=5))
    assert (report.failed, report.retrying, report.dead) == (2, 0, ())
    clock.advance(minutes=4)
    assert desk.deliver_pending(Gateway(fail=False)).delivered == 0  # still leased
    with pytest.raises(StorageError, match=r"not implement complaintflow\.storage\.DeadLetters"):
        desk.dead_letters()
    with pytest.raises(StorageError, match="BacklogStats"):
        desk.health()


def test_retry_refuses_a_bare_string(store: TicketStore, clock: ManualClock) -> None:
    with pytest.raises(ValidationError):
        desk_on(store, clock).retry_dead_letters("ob-1")


def test_an_old_sqlite_file_gains_the_dead_letter_tables(tmp_path: Path, clock: Any) -> None:
    path = tmp_path / "legacy.sqlite3"
    shutil.copy(LEGACY, path)
    with SqliteStore(path) as store:
        desk = desk_on(store, clock)
        report = desk.deliver_pending(Gateway(permanent=True))  # the old items too
        assert len(report.dead) == report.failed > 2
        assert desk.health().dead == len(report.dead)
    with SqliteStore(path, migrate=False) as again:  # the schema is current now
        letters = ComplaintDesk(again, clock).dead_letters(limit=100).items
        assert sorted(letter.id for letter in letters) == sorted(report.dead)
