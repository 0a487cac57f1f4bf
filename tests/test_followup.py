"""FollowUp, the desk's pure bookkeeping rules: which policy version, and when next due."""

from __future__ import annotations

import attrs
import pendulum

from complaintflow.approval import ApprovalPolicy
from complaintflow.domain import commands as c
from complaintflow.domain.events import Event, SlaAlerted
from complaintflow.domain.lifecycle import LifecycleRules, apply, open_ticket
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import Role
from complaintflow.service.followups import SYSTEM, FollowUp
from complaintflow.sla import BusinessCalendar
from complaintflow.sla.alerts import AlertKind
from complaintflow.sla.policy import Escalation, SlaPolicy
from complaintflow.testing import AGENT, instants

RULES = LifecycleRules(approvals=ApprovalPolicy.default())
#: Two versions of one policy whose escalation ladders differ: v1 calls the department
#: manager at +50 % of the target, v2 the director at +100 %.
V1 = SlaPolicy.default("v1")
V2 = attrs.evolve(
    SlaPolicy.default("v2"),
    escalation=(Escalation(Role.SUPERVISOR, 0.0), Escalation(Role.DIRECTOR, 1.0)),
)


at = instants(2024, 6)


def p1_ticket(received: pendulum.DateTime, version: str) -> tuple[Ticket, list[Event]]:
    """A P1 complaint (resolution: 24 elapsed hours), answered at once, stamped ``version``."""
    draft = TicketDraft("重复扣款两次", "phone", received, Customer("C1"))
    ticket, log = open_ticket(
        draft,
        ticket_id="t1",
        number="TS20240611-0001",
        actor=AGENT,
        at=received,
        sla_version=version,
        sla_rules={"v1": V1, "v2": V2}[version].clock_rules(),
    )
    for command in (c.Triage("complaint", "billing.payment", "P1"), c.Respond("您好")):
        ticket, more = apply(ticket, command, actor=AGENT, at=received, rules=RULES)
        log += more
    return ticket, log


def record(
    ticket: Ticket, log: list[Event], follow: FollowUp, now: pendulum.DateTime
) -> tuple[Ticket, list[Event]]:
    """What the sweep records at ``now`` (without a staff calendar): every due alert."""
    status = follow.status(ticket, now)
    assert status is not None
    for alert in follow.plan(status).due:
        ticket, more = apply(
            ticket,
            c.RecordAlert(
                alert.key,
                alert.metric,
                alert.cycle,
                alert.kind.value,
                alert.threshold,
                alert.due_at,
                role=alert.role,
            ),
            actor=SYSTEM,
            at=now,
            rules=RULES,
        )
        log = [*log, *more]
    return ticket, log


def test_the_policy_is_the_version_the_ticket_was_stamped_with(
    shanghai_office_calendar: BusinessCalendar,
) -> None:
    follow = FollowUp(RULES, V2, {"v1": V1}, shanghai_office_calendar)
    old, _ = p1_ticket(at(11, 10), "v1")
    new, _ = p1_ticket(at(11, 10), "v2")
    for ticket, policy in ((old, V1), (new, V2)):
        status = follow.status(ticket, at(12, 23))
        assert status is not None
        assert follow.policy_of(status) is policy


def test_escalation_steps_come_from_the_stamped_version(
    shanghai_office_calendar: BusinessCalendar,
) -> None:
    follow = FollowUp(RULES, V2, {"v1": V1}, shanghai_office_calendar)
    ticket, _ = p1_ticket(at(11, 10), "v1")  # resolution due Wed 12th 10:00
    status = follow.status(ticket, at(12, 23))  # 13 hours past the breach
    assert status is not None
    roles = [alert.role for alert in follow.plan(status).due if alert.kind is AlertKind.ESCALATION]
    assert roles == [Role.SUPERVISOR, Role.DEPARTMENT_MANAGER]  # v1's ladder, not v2's


def test_the_next_due_time_follows_the_stamped_ladder(
    shanghai_office_calendar: BusinessCalendar,
) -> None:
    follow = FollowUp(RULES, V2, {"v1": V1}, shanghai_office_calendar)
    ticket, log = record(*p1_ticket(at(11, 10), "v1"), follow, at(12, 10))  # warning, breach,
    #                                                                        and supervisor
    assert {ev.payload.kind for ev in log if isinstance(ev.payload, SlaAlerted)} == {
        "warning",
        "breach",
        "escalation",
    }
    # v1's department manager at +50 % of 24 h; v2 would say the director at +100 %.
    assert follow.next_due(ticket, at(12, 10)) == at(12, 22)
    fresh, _ = record(*p1_ticket(at(11, 10), "v2"), follow, at(12, 10))
    assert follow.next_due(fresh, at(12, 10)) == at(13, 10)


def test_a_threshold_reached_at_night_is_due_when_the_staff_calendar_opens(
    shanghai_office_calendar: BusinessCalendar,
) -> None:
    cal = shanghai_office_calendar  # Dragon Boat Festival, Monday 10 June 2024, is a holiday
    # (no in-advance notice here: its Wed 17:36 would come first, inside staff hours)
    follow = FollowUp(RULES, V1, calendar=cal, staff_calendar=cal, notice=None)
    # Received Tue 20:00: warning Wed 14:00, breach Wed 20:00 when the office is closed.
    ticket, _ = record(*p1_ticket(at(11, 20), "v1"), follow, at(12, 14))
    assert follow.next_due(ticket, at(12, 14)) == at(13, 9)
    without = FollowUp(RULES, V1, calendar=cal, notice=None)
    assert without.next_due(ticket, at(12, 14)) == at(12, 20)
    noticing = FollowUp(RULES, V1, calendar=cal, staff_calendar=cal)
    assert noticing.next_due(ticket, at(12, 14)) == at(12, 17, 36)  # 90 % of 24 h


def test_a_held_alert_makes_the_ticket_due_at_the_release_time(
    shanghai_office_calendar: BusinessCalendar,
) -> None:
    """A command at night on a ticket with an alert not yet recorded: due at the opening."""
    cal = shanghai_office_calendar
    follow = FollowUp(RULES, V1, calendar=cal, staff_calendar=cal)
    ticket, _ = p1_ticket(at(11, 20), "v1")  # warning Wed 14:00, unswept
    status = follow.status(ticket, at(12, 19))
    assert status is not None
    plan = follow.plan(status)
    assert plan.due == ()
    assert plan.held
    assert plan.release_at == at(13, 9)
    assert follow.next_due(ticket, at(12, 19)) == plan.release_at
    # While the office is open the overdue instant itself stays due (most overdue first).
    assert follow.next_due(ticket, at(12, 15)) == at(12, 14)
