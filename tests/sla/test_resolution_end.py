"""Where the resolution clock stops: seed 000's 办结 (a solution given) by default.

Seed 000 §2.3.2: 「一般优先 … 办结时限（给出解决方案）≤3个工作日」.  Through the
desk on the memory and SQLite stores: a P3 complaint received on Monday
10:00 gets its solution on Wednesday 10:00; the customer accepts on Friday
and carrying it out takes until the next Tuesday.  Under the default the
resolution clock met its 3 business days on Wednesday; measured to the
execution's end (``resolution_end="resolved"``) it would be breached.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import attrs
import pytest

from complaintflow import (
    Actor,
    Channel,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    SlaPolicy,
    Ticket,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain.sla_state import ClockRules, ResolutionEnd
from complaintflow.domain.vocabulary import Category, Kind
from complaintflow.metrics import monthly_report
from complaintflow.sla.measure import ClockState, measure
from complaintflow.storage.encoding import make_converter
from complaintflow.storage.sqlite import SqliteStore
from complaintflow.testing import AGENT, office_week
from complaintflow.testing import SHANGHAI as SH
from complaintflow.testing import START as MONDAY

CALENDAR = office_week()
CUSTOMER = Actor.customer("C9")
DAY = dt.timedelta(days=1)


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[InMemoryStore | SqliteStore]:
    store = InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "e.db")
    yield store
    if isinstance(store, SqliteStore):
        store.close()


def desk_on(store: InMemoryStore | SqliteStore, policy: SlaPolicy) -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(
        store, ManualClock(MONDAY), sla=policy, calendar=CALENDAR, ids=lambda: f"t{next(serial)}"
    )


def complaint(desk: ComplaintDesk) -> Ticket:
    draft = TicketDraft(
        "包裹破损，里面的杯子碎了",
        Channel.PHONE,
        desk.clock.now(),
        Customer("C9"),
        kind=Kind.COMPLAINT,
        category=Category.LOGISTICS_PACKAGE,
        priority="P3",
    )
    t = desk.intake(draft)
    desk.triage(t.id, Kind.COMPLAINT, Category.LOGISTICS_PACKAGE, "P3", actor=AGENT)
    desk.assign(t.id, "a1", actor=AGENT)
    desk.investigate(t.id, actor=AGENT)
    return desk.respond(t.id, "已收到，正在核实", actor=AGENT)


def wait(desk: ComplaintDesk, days: int) -> None:
    assert isinstance(desk.clock, ManualClock)
    desk.clock.advance(days * DAY)


def story(desk: ComplaintDesk) -> Ticket:
    t = complaint(desk)
    wait(desk, 2)
    desk.propose_solution(t.id, "补发一只杯子", actor=AGENT)  # Wednesday 10:00: 办结
    wait(desk, 2)
    desk.customer_accepts(t.id, actor=CUSTOMER)  # Friday 10:00
    wait(desk, 4)
    return desk.complete(t.id, actor=AGENT)  # next Tuesday 10:00: executed


def resolution(ticket: Ticket, policy: SlaPolicy, desk: ComplaintDesk) -> object:
    clock = measure(ticket, policy, CALENDAR, desk.clock.now()).current("resolution")
    assert clock is not None
    return clock


def test_the_resolution_clock_stops_when_the_solution_is_given(
    store: InMemoryStore | SqliteStore,
) -> None:
    policy = SlaPolicy.default()
    assert policy.resolution_end is ResolutionEnd.SOLUTION_GIVEN
    desk = desk_on(store, policy)
    done = story(desk)
    clock = measure(done, policy, CALENDAR, desk.clock.now()).current("resolution")
    assert clock is not None
    assert clock.state is ClockState.MET
    assert clock.stopped_at == MONDAY + 2 * DAY
    assert desk.get(done.id).sla == done.sla  # the stored snapshot has the same clocks

    report = monthly_report(
        [desk.history(done.id)], year=2024, month=5, zone=SH, policy=policy, calendar=CALENDAR
    )
    assert report.solution_times is not None
    assert report.solution_times.execution.wall.mean == 6 * DAY  # Wednesday to Tuesday


def test_a_host_may_end_it_when_the_solution_is_carried_out(
    store: InMemoryStore | SqliteStore,
) -> None:
    policy = attrs.evolve(SlaPolicy.default("executed-1"), resolution_end="resolved")
    desk = desk_on(store, policy)
    done = story(desk)
    clock = measure(done, policy, CALENDAR, desk.clock.now()).current("resolution")
    assert clock is not None
    assert clock.state is ClockState.BREACHED
    assert clock.stopped_at == MONDAY + 8 * DAY


def test_a_declined_solution_carries_the_same_cycle_on(
    store: InMemoryStore | SqliteStore,
) -> None:
    policy = SlaPolicy.default()
    desk = desk_on(store, policy)
    t = complaint(desk)
    wait(desk, 1)
    desk.propose_solution(t.id, "补偿 5 元优惠券", actor=AGENT)  # Tuesday
    wait(desk, 1)
    desk.customer_declines(t.id, "太少了", actor=CUSTOMER)  # Wednesday: the clock goes on
    running = measure(desk.get(t.id), policy, CALENDAR, desk.clock.now()).current("resolution")
    assert running is not None
    assert (running.cycle, running.state) == (1, ClockState.RUNNING)
    wait(desk, 1)
    given = desk.propose_solution(t.id, "补发一只杯子", actor=AGENT)  # Thursday
    clock = measure(given, policy, CALENDAR, desk.clock.now()).current("resolution")
    assert clock is not None
    assert (clock.cycle, clock.state) == (1, ClockState.MET)
    assert clock.paused == CALENDAR.between(MONDAY + DAY, MONDAY + 2 * DAY)


def test_rules_stamped_before_the_setting_keep_measuring_to_resolution() -> None:
    stored = make_converter().unstructure(ClockRules())
    del stored["resolution_end"]
    assert make_converter().structure(stored, ClockRules).resolution_end is ResolutionEnd.RESOLVED
    with pytest.raises(ValidationError, match="resolution_end"):
        attrs.evolve(SlaPolicy.default(), resolution_end="closed")
