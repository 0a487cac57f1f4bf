"""due_alerts: only a clock that still runs raises alerts; stopped and paused ones do not.

The ticket: a P3 complaint received Friday 2024-06-07 17:00 in Shanghai
(Monday the 10th is a holiday).  First response, 4 business hours: warning
Tue 11:00, breach Tue 12:00, supervisor at the breach, department manager
at +50 % (Tue 15:00).  Resolution, 3 business days: close of business
Thursday 13th (25 business hours), warning at 75 % on Thursday 10:45,
escalation to the department manager at 37.5 business hours.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from complaintflow import Actor, TicketDraft
from complaintflow.domain import commands as c
from complaintflow.domain.commands import Assign, Investigate, Triage
from complaintflow.domain.lifecycle import apply
from complaintflow.domain.lifecycle import open_ticket as open_
from complaintflow.domain.vocabulary import Status
from complaintflow.sla.alerts import AlertKind, due_alerts
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.measure import ClockState, measure
from complaintflow.sla.policy import SlaPolicy
from complaintflow.testing import AGENT, CUSTOMER, OFFICE_WEEK, SHANGHAI, instants

CAL = BusinessCalendar(tz=SHANGHAI, week=OFFICE_WEEK, holidays=[dt.date(2024, 6, 10)])
#: Measured to the execution's end, so that a wait on the customer pauses a running clock.
POLICY = SlaPolicy.default(resolution_end="resolved")


at = instants(2024, 6)


class Story:
    """A ticket's log, grown one command at a time."""

    def __init__(self) -> None:
        draft = TicketDraft("x", "phone", at(7, 17))
        self.ticket, self.log = open_(
            draft, ticket_id="t", number="n", actor=AGENT, sla_version=POLICY.version
        )
        for command in (Triage("complaint", None, "P3"), Assign("a1", "warehouse"), Investigate()):
            self.then(command, at(7, 17))

    def then(self, command: c.Command, when: pendulum.DateTime, actor: Actor = AGENT) -> Story:
        self.ticket, more = apply(self.ticket, command, actor=actor, at=when)
        self.log += more
        return self

    def alerts(self, now: pendulum.DateTime) -> dict[str, AlertKind]:
        plan = due_alerts(measure(self.log, POLICY, CAL, now), POLICY, CAL)
        return {alert.key: alert.kind for alert in plan.due}

    def state(self, metric: str, now: pendulum.DateTime) -> ClockState:
        clock = measure(self.log, POLICY, CAL, now).current(metric)
        assert clock is not None
        return clock.state


FIRST_RESPONSE = {
    "t:first_response:1:warning:0.75": AlertKind.WARNING,
    "t:first_response:1:breach:1": AlertKind.BREACH,
    "t:first_response:1:escalation:1:supervisor": AlertKind.ESCALATION,
    "t:first_response:1:escalation:1.5:department_manager": AlertKind.ESCALATION,
}


def test_a_running_clock_raises_every_threshold_it_passed() -> None:
    assert Story().alerts(at(11, 16)) == FIRST_RESPONSE


def test_a_clock_stopped_after_its_breach_raises_nothing_even_if_never_swept() -> None:
    story = Story().then(c.Respond("您好"), at(11, 14))  # an hour late, no sweep ran
    assert story.state("first_response", at(11, 16)) is ClockState.BREACHED  # still counted
    assert story.alerts(at(11, 16)) == {}
    # the resolution clock still runs and still raises its own thresholds
    assert story.alerts(at(13, 11)) == {"t:resolution:1:warning:0.75": AlertKind.WARNING}


def test_a_resolved_ticket_raises_nothing_for_breaches_nobody_swept() -> None:
    story = (
        Story()
        .then(c.ProposeSolution("补发"), at(14, 10))
        .then(c.CustomerAccepts(), at(14, 11), CUSTOMER)
        .then(c.Complete(), at(14, 12))
    )
    assert story.ticket.status is Status.RESOLVED
    now = at(17, 10)
    assert story.state("first_response", now) is ClockState.BREACHED
    assert story.state("resolution", now) is ClockState.BREACHED
    assert story.alerts(now) == {}
    assert story.alerts(at(14, 11, 59)) != {}  # a moment before: both clocks still ran


def test_a_paused_clock_raises_nothing_until_it_runs_again() -> None:
    story = Story().then(c.Respond("您好"), at(11, 9, 30))  # first response met
    story.then(c.ProposeSolution("补发"), at(14, 10))  # resolution breached Thu
    assert story.ticket.status is Status.AWAITING_CUSTOMER
    assert story.state("resolution", at(14, 16)) is ClockState.BREACHED
    assert story.alerts(at(14, 16)) == {}  # waits on the customer
    story.then(c.CustomerAccepts(), at(17, 9), CUSTOMER)  # runs again
    resumed = story.alerts(at(17, 9, 30))
    assert resumed == {
        "t:resolution:1:warning:0.75": AlertKind.WARNING,
        "t:resolution:1:breach:1": AlertKind.BREACH,
        "t:resolution:1:escalation:1:supervisor": AlertKind.ESCALATION,
    }  # the manager's +50 % is not reached yet
    plan = due_alerts(measure(story.log, POLICY, CAL, at(17, 9, 30)), POLICY, CAL)
    warning = next(alert for alert in plan.due if alert.kind is AlertKind.WARNING)
    assert warning.at == at(13, 10, 45)  # when it was really reached


def test_cancelled_clocks_raise_nothing() -> None:
    story = Story().then(c.Withdraw("客户撤诉"), at(11, 13), CUSTOMER)
    assert story.alerts(at(14, 16)) == {}


def test_planning_a_status_again_is_remembered_but_never_across_policies() -> None:
    status = measure(Story().log, POLICY, CAL, at(11, 16))
    once = due_alerts(status, POLICY, CAL)
    assert due_alerts(status, POLICY, CAL) == once
    eager = attrs.evolve(POLICY, warnings=(0.5, 0.75))
    keys = {alert.key for alert in due_alerts(status, eager, CAL).due}
    assert keys == set(FIRST_RESPONSE) | {"t:first_response:1:warning:0.5"}
    assert due_alerts(status, POLICY, CAL) == once
