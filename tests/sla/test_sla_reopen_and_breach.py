"""Issue 11, findings 2 and 4: every accepted reopen mode works; a spent clock is breached.

Both failed on main at 6004883: ``reopen={"first_response": "continue"}`` was
accepted and ignored, and a clock whose deadline fell at closing time read
"running, nothing left" all night while ``due_alerts`` already listed its breach.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest

from complaintflow import (
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    InMemoryStore,
    ManualClock,
    SlaPolicy,
    TicketDraft,
    ValidationError,
)
from complaintflow.sla.alerts import AlertKind, due_alerts
from complaintflow.sla.measure import ClockState, measure
from complaintflow.testing import AGENT, CUSTOMER, SUPERVISOR

At = Callable[..., pendulum.DateTime]  # conftest's ``at``: an instant in Shanghai, May 2024


def test_first_response_continues_after_a_reopening_with_the_resolved_gap_as_a_pause(
    at: At, office_week: BusinessCalendar
) -> None:
    policy = SlaPolicy.default("continue-1")
    policy = SlaPolicy(
        policy.version,
        policy.fallback,
        policy.rules,
        policy.steps,
        reopen={"first_response": "continue", "resolution": "continue"},
    )
    clock = ManualClock(at(20, 9))  # Monday 09:00
    desk = ComplaintDesk(InMemoryStore(), clock, sla=policy, calendar=office_week)
    ticket = desk.intake(TicketDraft("银行卡被扣了两次", Channel.CHAT, clock.now()))
    desk.triage(ticket.id, "complaint", "billing.payment", "P1", actor=AGENT)  # 2 business h
    desk.assign(ticket.id, AGENT.id, actor=AGENT)
    desk.investigate(ticket.id, actor=AGENT)
    clock.set(at(20, 9, 30))
    desk.propose_solution(ticket.id, "退回重复扣款", actor=AGENT)
    clock.set(at(20, 9, 40))
    desk.customer_accepts(ticket.id, actor=CUSTOMER)
    clock.set(at(20, 10))
    desk.complete(ticket.id, actor=AGENT)  # no response ever given
    clock.set(at(21, 9))  # Tuesday 09:00
    desk.reopen(ticket.id, "客户说钱还没退回", actor=SUPERVISOR)
    status = desk.follow.status(desk.get(ticket.id), at(21, 9, 30))
    assert status is not None
    first = status.current("first_response")
    assert first is not None
    assert (first.cycle, first.state) == (1, ClockState.RUNNING)
    assert first.consumed == dt.timedelta(hours=1, minutes=30)
    assert first.due_at == at(21, 10)
    assert first.pauses[-1] == (at(20, 10), at(21, 9))


def test_a_reopen_mode_for_a_metric_no_reopening_restarts_is_refused() -> None:
    base = SlaPolicy.default()
    with pytest.raises(ValidationError, match="first_response and resolution only") as info:
        SlaPolicy(base.version, base.fallback, base.rules, reopen={"next_response": "reset"})
    assert info.value.field == "reopen"


def test_a_deadline_at_closing_time_is_breached_all_night_as_the_alerts_say(
    at: At, office_week: BusinessCalendar
) -> None:
    clock = ManualClock(at(20, 14))  # Monday 14:00
    desk = ComplaintDesk(InMemoryStore(), clock, sla=SlaPolicy.default(), calendar=office_week)
    ticket = desk.intake(TicketDraft("包裹破损", Channel.CHAT, clock.now()))
    ticket = desk.triage(ticket.id, "complaint", "logistics.package", "P2", actor=AGENT)
    for now in (at(20, 18), at(20, 19), at(21, 8, 59)):  # 4 business hours: 18:00
        first = measure(ticket, SlaPolicy.default(), office_week, now).current("first_response")
        assert first is not None
        assert first.due_at == at(20, 18)
        assert first.state is ClockState.BREACHED, now
        status = measure(ticket, SlaPolicy.default(), office_week, now)
        breaches = [
            alert
            for alert in due_alerts(status, SlaPolicy.default(), office_week).due
            if alert.metric == "first_response" and alert.kind is AlertKind.BREACH
        ]
        assert len(breaches) == 1
    before = measure(ticket, SlaPolicy.default(), office_week, at(20, 17, 59))
    running = before.current("first_response")
    assert running is not None
    assert running.state is ClockState.RUNNING
    assert running.remaining == dt.timedelta(minutes=1)
