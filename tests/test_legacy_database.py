"""A database written by main at 6004883 (no SLA clocks in its snapshots) keeps working.

The fixture is made by tests/data/make_legacy_db.py with that commit's code.
Each ticket is completed once, by one ``sla_stamped`` event that carries the
clocks re-folded from its log, the first time a command or a sweep meets it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from complaintflow import (
    Actor,
    BusinessCalendar,
    ComplaintDesk,
    ManualClock,
    Role,
    SlaPolicy,
    SqliteStore,
    Ticket,
)
from complaintflow.domain.events import SlaAlerted, SlaStamped
from complaintflow.sla.measure import measure

FIXTURE = Path(__file__).parent / "data" / "legacy-6004883.sqlite3"
#: The file was written when the resolution clock ran to the end of the execution; a host
#: upgrading keeps measuring its "v1" tickets that way by saying so (the default is now 办结).
POLICY = SlaPolicy.default("v1", resolution_end="resolved")
AGENT = Actor.staff("wang.li", Role.AGENT)


@pytest.fixture
def desk(
    tmp_path: Path, at: Callable[..., pendulum.DateTime], office_week: BusinessCalendar
) -> ComplaintDesk:
    path = tmp_path / "legacy.sqlite3"
    shutil.copy(FIXTURE, path)
    clock = ManualClock(at(20, 14, 30))
    return ComplaintDesk(SqliteStore(path), clock, sla=POLICY, calendar=office_week)


def latest(clocks: tuple) -> dict:  # type: ignore[type-arg]
    return {clock.metric: clock for clock in clocks}


@pytest.mark.parametrize("ticket_id", ["L001", "L002", "L003"])
def test_a_command_completes_the_clocks_once_and_replay_still_equals_the_snapshot(
    desk: ComplaintDesk, ticket_id: str, office_week: BusinessCalendar
) -> None:
    before = desk.get(ticket_id)
    assert before.sla is None  # as the old main stored it
    audit = measure(desk.history(ticket_id), POLICY, office_week, desk.clock.now())
    desk.comment(ticket_id, "迁移后第一条记录", actor=AGENT)
    after = desk.get(ticket_id)
    assert after.sla is not None
    log = desk.history(ticket_id)
    stamps = [ev for ev in log if isinstance(ev.payload, SlaStamped)]
    assert stamps[-1].payload.clocks is not None
    assert stamps[-1].actor == Actor.system("complaintflow")
    assert Ticket.replay(log) == after
    now = desk.clock.now()
    status = desk.follow.status(after, now)
    assert status is not None
    assert latest(status.clocks) == latest(audit.clocks)  # a comment moves no clock
    desk.comment(ticket_id, "第二条", actor=AGENT)  # no second completion
    assert len([ev for ev in desk.history(ticket_id) if isinstance(ev.payload, SlaStamped)]) == len(
        stamps
    )


def test_the_sweep_completes_due_tickets_and_records_no_alert_twice(desk: ComplaintDesk) -> None:
    recorded = {ev.payload.key for ev in desk.history("L001") if isinstance(ev.payload, SlaAlerted)}
    assert recorded  # the old sweep recorded the breach
    assert isinstance(desk.clock, ManualClock)
    desk.clock.advance(dt.timedelta(hours=30))
    summary = desk.sweep()
    assert not recorded & set(summary.alerts)
    ticket = desk.get("L001")
    assert ticket.sla is not None
    assert Ticket.replay(desk.history("L001")) == ticket
    again = desk.sweep()
    assert again.alerts == ()


def test_the_paused_clock_of_a_ticket_awaiting_the_customer_stays_paused(
    desk: ComplaintDesk,
) -> None:
    desk.comment("L002", "等待客户确认", actor=AGENT)
    status = desk.follow.status(desk.get("L002"), desk.clock.now())
    assert status is not None
    resolution = status.current("resolution")
    assert resolution is not None
    assert resolution.state == "paused"
