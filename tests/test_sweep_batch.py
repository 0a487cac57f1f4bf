"""The sweep claims a page's alert keys in one batch, and loses nothing when it dies.

What a sweep must keep however it is interrupted: every alert is recorded
in its ticket's log exactly once, every logged key was claimed in the
store first, and nothing due is left behind once a sweep completes.  And
since issue 6: one claim (one commit) per page, not one per alert; and
stopped clocks raise no alerts, so a ticket resolved after a breach that
no sweep saw is neither alerted nor due.  And a due ticket the sweep has
nothing to record on is rescheduled (one call per page, version-checked),
so it is not reloaded by every later sweep.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pendulum
import pytest

from complaintflow import (
    Actor,
    BusinessCalendar,
    ComplaintDesk,
    ConcurrencyError,
    Customer,
    InMemoryStore,
    ManualClock,
    SlaPolicy,
    SqliteStore,
    Status,
    TicketDraft,
)
from complaintflow.domain import commands as c
from complaintflow.domain.events import NotificationQueued, SlaAlerted
from complaintflow.domain.lifecycle import apply
from complaintflow.service.sweep import SweepSummary, sweep
from complaintflow.sla.measure import ClockState, measure
from complaintflow.storage import BatchSaves, Reschedule, SaveItem, TicketStore
from complaintflow.testing import AGENT, OFFICE_WEEK, instants
from complaintflow.testing import SHANGHAI as SH

CAL = BusinessCalendar(tz=SH, week=OFFICE_WEEK, holidays=[dt.date(2024, 6, 10)])
CUSTOMER = Actor.customer("C1")  # the first ticket's customer
FAR = pendulum.datetime(2024, 12, 31, tz=SH)


at = instants(2024, 6)


def make_desk(store: TicketStore, clock: ManualClock, prefix: str = "t") -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(
        store,
        clock,
        sla=SlaPolicy.default(),
        calendar=CAL,
        ids=lambda: f"{prefix}{next(serial):03d}",
    )


def open_tickets(desk: ComplaintDesk, clock: ManualClock, n: int) -> list[str]:
    """``n`` P3 complaints received Friday 17:00: by Tuesday 16:00 each has passed its
    first-response warning, breach and both escalation steps (4 alerts, 1 apology)."""
    ids = []
    for k in range(n):
        draft = TicketDraft(
            f"第{k}个包裹没到", "phone", clock.now(), Customer(f"C{k}", phone="13812345678")
        )
        ticket = desk.intake(draft)
        desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=AGENT)
        ids.append(ticket.id)
    return ids


def logged(store: TicketStore, ids: Iterable[str]) -> list[str]:
    return [
        ev.payload.key
        for ticket_id in ids
        for ev in store.events(ticket_id)
        if isinstance(ev.payload, SlaAlerted)
    ]


class Spy:
    """A store proxy that counts claims, saves and reschedules; can fail a save or a
    reschedule, or run a hook after a claim or before a reschedule.

    It saves ticket by ticket: ``save_many`` is hidden (see :class:`BatchSpy`).
    """

    def __init__(self, store: TicketStore) -> None:
        self.store = store
        self.batches: list[int] = []
        self.claimed: set[str] = set()
        self.saves: list[int] = []  # tickets per save call
        self.save_fails: Callable[[], BaseException | None] = lambda: None
        self.after_claim: Callable[[], object] | None = None
        self.reschedules: list[int] = []  # tickets per reschedule call
        self.skipped: set[str] = set()  # what reschedule returned
        self.reschedule_fails: Callable[[], BaseException | None] = lambda: None
        self.before_reschedule: Callable[[], object] | None = None

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        keys = list(keys)
        self.batches.append(len(keys))
        self.claimed.update(keys)
        won = self.store.record_alerts(keys)
        if self.after_claim is not None:
            hook, self.after_claim = self.after_claim, None
            hook()
        return won

    def reschedule(self, items: list[Reschedule]) -> frozenset[str]:
        if self.before_reschedule is not None:
            hook, self.before_reschedule = self.before_reschedule, None
            hook()
        error = self.reschedule_fails()
        if error is not None:
            raise error
        self.reschedules.append(len(items))
        skipped = self.store.reschedule(items)
        self.skipped |= skipped
        return skipped

    def save(self, *args: Any, **kwargs: Any) -> None:
        error = self.save_fails()
        if error is not None:
            raise error
        self.saves.append(1)
        self.store.save(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name == "save_many" and not isinstance(self, BatchSpy):
            raise AttributeError(name)
        return getattr(self.store, name)


class BatchSpy(Spy):
    """A :class:`Spy` whose store saves a page at once (``BatchSaves``)."""

    def save_many(self, items: list[SaveItem]) -> frozenset[str]:
        error = self.save_fails()
        if isinstance(error, ConcurrencyError):  # as if every ticket had moved meanwhile
            return frozenset(item.ticket.id for item in items)
        if error is not None:
            raise error
        self.saves.append(len(items))
        assert isinstance(self.store, BatchSaves)
        return self.store.save_many(items)


@pytest.fixture(params=[True, False], ids=["save_many", "save"])
def spy(request: pytest.FixtureRequest, store: TicketStore) -> Spy:
    return BatchSpy(store) if request.param else Spy(store)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(7, 17))  # Friday 17:00; Monday the 10th is a holiday


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryStore()
        return
    opened = SqliteStore(tmp_path / "sweep.db", synchronous="NORMAL")
    yield opened
    opened.close()


# -- one claim per page ---------------------------------------------------------------


def test_a_sweep_claims_and_saves_each_page_in_one_batch(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ids = open_tickets(desk, clock, 5)
    summary = sweep(spy, desk.follow, at(11, 16), page_size=2)
    assert summary.checked == 5
    assert (summary.warnings, summary.breaches, summary.escalations) == (5, 5, 10)
    assert spy.batches == [8, 8, 4]  # pages of 2, 2 and 1 tickets
    assert spy.saves == ([2, 2, 1] if isinstance(spy, BatchSpy) else [1] * 5)
    assert sorted(logged(store, ids)) == sorted(summary.alerts) == sorted(spy.claimed)
    assert store.find(due_before=at(11, 16)).items == ()
    assert spy.reschedules == []  # every ticket saved its own due time
    again = sweep(spy, desk.follow, at(11, 16))
    assert again == SweepSummary()
    assert len(spy.batches) == 3  # nothing due: nothing claimed


# -- interrupted sweeps -----------------------------------------------------------------


class Died(Exception):
    """The process 'died' here."""


def test_a_sweep_that_dies_after_its_claim_leaves_the_alerts_to_the_next(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ids = open_tickets(desk, clock, 3)
    batch = isinstance(spy, BatchSpy)
    saves = count()
    # dies on the page's save, or on the second ticket's
    spy.save_fails = lambda: Died() if next(saves) == (0 if batch else 1) else None
    with pytest.raises(Died):
        sweep(spy, desk.follow, at(11, 16))
    unsaved = 3 if batch else 2
    assert len(logged(store, ids)) == 12 - 4 * unsaved
    assert len(spy.claimed) == 12  # every key of the page was claimed
    assert len(store.find(due_before=at(11, 16)).items) == unsaved
    # The keys of the unsaved tickets are claimed but not logged: the next sweep
    # records them all the same, once.
    later = desk.sweep(at(11, 16, 5))
    assert (later.checked, later.breaches, later.escalations) == (unsaved, unsaved, 2 * unsaved)
    keys = logged(store, ids)
    assert len(keys) == len(set(keys)) == 12
    assert set(keys) == spy.claimed
    assert store.find(due_before=at(11, 16, 5)).items == ()  # nothing left due behind it
    apologies = [
        ev
        for ticket_id in ids
        for ev in store.events(ticket_id)
        if isinstance(ev.payload, NotificationQueued) and ev.payload.kind == "overdue_apology"
    ]
    assert len(apologies) == 3


def test_a_sweep_that_gives_up_after_conflicts_loses_nothing(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ids = open_tickets(desk, clock, 2)
    spy.save_fails = lambda: ConcurrencyError(ticket_id="?", expected=1, actual=2)
    gave_up = sweep(spy, desk.follow, at(11, 16))
    assert (gave_up.conflicts, gave_up.alerts) == (2, ())
    assert logged(store, ids) == []
    retried = desk.sweep(at(11, 16))
    assert (retried.conflicts, len(retried.alerts)) == (0, 8)
    assert sorted(logged(store, ids)) == sorted(retried.alerts)


# -- concurrent sweepers ------------------------------------------------------------------


def test_a_sweeper_that_loses_the_race_after_its_claim_records_nothing(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    first, second = make_desk(store, clock), make_desk(store, clock)
    ids = open_tickets(first, clock, 3)
    others: list[SweepSummary] = []
    # the second sweeper runs whole between the first one's claim and its saves
    spy.after_claim = lambda: others.append(second.sweep(at(11, 16)))
    mine = sweep(spy, first.follow, at(11, 16))
    (theirs,) = others
    assert len(theirs.alerts) == 12  # it records what it finds in the logs
    assert (mine.alerts, mine.conflicts) == ((), 0)  # the first re-reads: already there
    keys = logged(store, ids)
    assert sorted(keys) == sorted(theirs.alerts)
    assert len(keys) == len(set(keys))


def test_concurrent_sweepers_on_one_file_record_each_alert_once(
    tmp_path: Path, clock: ManualClock
) -> None:
    path = tmp_path / "shared.db"
    stores = [SqliteStore(path, synchronous="NORMAL") for _ in range(4)]
    try:
        desks = [make_desk(s, clock) for s in stores]
        ids = open_tickets(desks[0], clock, 12)
        summaries: list[SweepSummary] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(desks))

        def run(desk: ComplaintDesk) -> None:
            try:
                barrier.wait()
                summaries.append(sweep(desk.store, desk.follow, at(11, 16), page_size=5))
            except BaseException as error:  # surfaced in the test's thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=(desk,)) for desk in desks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        emitted = [key for summary in summaries for key in summary.alerts]
        keys = logged(stores[0], ids)
        assert len(keys) == len(set(keys)) == 48
        assert sorted(emitted) == sorted(keys)
        assert sum(summary.conflicts for summary in summaries) == 0
        assert stores[0].record_alerts(keys) == frozenset()  # every logged key was claimed
        assert stores[0].find(due_before=at(11, 16)).items == ()
    finally:
        for each in stores:
            each.close()


# -- stopped clocks raise no alerts (regression) -----------------------------------------------


def test_a_ticket_resolved_after_an_unswept_breach_is_neither_alerted_nor_due(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    (ticket_id,) = open_tickets(desk, clock, 1)
    # No sweep runs while the first response breaches (Tue 12:00) and escalates.
    clock.set(at(11, 16))
    desk.assign(ticket_id, "a1", actor=AGENT)
    desk.investigate(ticket_id, actor=AGENT)
    desk.respond(ticket_id, "您好，已补发", actor=AGENT)
    desk.propose_solution(ticket_id, "补发包裹", actor=AGENT)
    desk.customer_accepts(ticket_id, actor=CUSTOMER)
    assert desk.complete(ticket_id, actor=AGENT).status is Status.RESOLVED
    clock.set(at(11, 17))
    summary = desk.sweep()
    assert summary == SweepSummary()  # not even visited
    assert store.find(due_before=FAR).items == ()
    log = desk.history(ticket_id)
    assert not [ev for ev in log if isinstance(ev.payload, SlaAlerted)]
    queued = [ev.payload.kind for ev in log if isinstance(ev.payload, NotificationQueued)]
    assert "overdue_apology" not in queued
    # the breach is not forgotten: it is measured from the events
    assert desk.follow.calendar is not None
    status = measure(log, desk.follow.book, desk.follow.calendar, clock.now())
    assert status is not None
    first = status.current("first_response")
    assert first is not None
    assert first.state is ClockState.BREACHED


def test_a_response_after_an_unswept_breach_stops_its_alerts_only(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    (ticket_id,) = open_tickets(desk, clock, 1)
    clock.set(at(11, 16))
    desk.respond(ticket_id, "您好，正在处理", actor=AGENT)  # four hours late
    assert desk.sweep().alerts == ()
    # the resolution clock runs on: its warning (75 % of 3 business days) Thu 10:45
    assert store.find(due_before=at(13, 10, 44)).items == ()
    assert [t.id for t in store.find(due_before=at(13, 10, 45)).items] == [ticket_id]
    assert desk.sweep(at(13, 11)).alerts == (f"{ticket_id}:resolution:1:warning:0.75",)


# -- a due ticket with nothing to record is rescheduled ------------------------------------------


def stale_due(
    store: TicketStore, desk: ComplaintDesk, ticket_id: str, due: dt.datetime, when: dt.datetime
) -> None:
    """Store ``due`` as the ticket's due time, as an older complaintflow might have.

    A comment carries it, saved straight through the store, so no
    follow-up recomputes it.
    """
    ticket = store.get(ticket_id)
    new, events = apply(
        ticket, c.Comment("客户来电催促"), actor=AGENT, at=when, rules=desk.follow.rules
    )
    store.save(new, events, expected_version=ticket.version, due_at=due)


def test_a_ticket_due_with_nothing_to_record_is_rescheduled_to_its_next_threshold(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ids = open_tickets(desk, clock, 5)
    # Their real next due time: the first-response warning, Tuesday 11:00 (3 of 4 business
    # hours from Friday 17:00, Monday a holiday).  Stored instead: Saturday 10:00.
    for ticket_id in ids:
        stale_due(store, desk, ticket_id, at(8, 10), at(7, 18))
    versions = [store.get(ticket_id).version for ticket_id in ids]
    summary = sweep(spy, desk.follow, at(8, 12), page_size=2)
    assert (summary.checked, summary.alerts) == (5, ())
    assert (spy.batches, spy.saves) == ([], [])  # nothing claimed, nothing saved
    assert spy.reschedules == [2, 2, 1]  # one reschedule per page
    assert store.find(due_before=at(11, 10, 59)).items == ()
    assert sorted(t.id for t in store.find(due_before=at(11, 11)).items) == ids
    assert sweep(spy, desk.follow, at(8, 12)).checked == 0  # not reloaded any more
    assert [store.get(ticket_id).version for ticket_id in ids] == versions  # no event
    on_time = desk.sweep(at(11, 11))  # and alerted when it is really due
    assert (on_time.checked, on_time.warnings) == (5, 5)


def test_a_resolved_ticket_with_a_stale_due_time_leaves_the_sweep(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    """A database written before stopped clocks stopped raising alerts (issue 6)."""
    desk = make_desk(store, clock)
    (ticket_id,) = open_tickets(desk, clock, 1)
    clock.set(at(11, 16))
    desk.assign(ticket_id, "a1", actor=AGENT)
    desk.investigate(ticket_id, actor=AGENT)
    desk.respond(ticket_id, "您好，已补发", actor=AGENT)
    desk.propose_solution(ticket_id, "补发包裹", actor=AGENT)
    desk.customer_accepts(ticket_id, actor=CUSTOMER)
    assert desk.complete(ticket_id, actor=AGENT).status is Status.RESOLVED
    stale_due(store, desk, ticket_id, at(11, 12), at(11, 16))  # the unswept breach
    summary = sweep(spy, desk.follow, at(11, 17))
    assert (summary.checked, summary.alerts) == (1, ())
    assert spy.reschedules == [1]
    assert store.find(due_before=FAR).items == ()  # next_due is None: no due time at all
    assert sweep(spy, desk.follow, at(11, 18)) == SweepSummary()


def test_a_ticket_saved_before_the_reschedule_keeps_the_due_time_of_its_save(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    raced, calm = open_tickets(desk, clock, 2)
    for ticket_id in (raced, calm):
        stale_due(store, desk, ticket_id, at(8, 10), at(7, 18))
    # Between the sweep's page read and its reschedule, someone saves ``raced`` with a due
    # time of its own (Sunday 09:00): that save is newer than the log the sweep planned from.
    spy.before_reschedule = lambda: stale_due(store, desk, raced, at(9, 9), at(8, 11))
    assert sweep(spy, desk.follow, at(8, 12)).checked == 2
    assert spy.skipped == {raced}
    assert store.find(due_before=at(9, 8, 59)).items == ()
    assert [t.id for t in store.find(due_before=at(9, 9)).items] == [raced]
    assert [t.id for t in store.find(due_before=at(11, 11)).items] == [raced, calm]
    assert sweep(spy, desk.follow, at(9, 10)).checked == 1  # due again: moved this time
    assert [t.id for t in store.find(due_before=at(11, 10, 59)).items] == []


def test_a_sweep_that_dies_before_its_reschedule_leaves_the_tickets_due(
    store: TicketStore, spy: Spy, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ids = open_tickets(desk, clock, 2)
    for ticket_id in ids:
        stale_due(store, desk, ticket_id, at(8, 10), at(7, 18))
    spy.reschedule_fails = lambda: Died()
    with pytest.raises(Died):
        sweep(spy, desk.follow, at(8, 12))
    assert len(store.find(due_before=at(8, 12)).items) == 2
    assert desk.sweep(at(8, 13)).checked == 2
    assert store.find(due_before=at(11, 10, 59)).items == ()
