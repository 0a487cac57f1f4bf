"""The SLA clocks in the snapshot are the fold of the log, under every reopen and pause rule.

Random histories through the pure lifecycle (triage, transfers into and out
of a department with a step target, replies, customer messages, proposals,
approvals, the customer's answer, resolution, surveys, reopenings, closing,
merges, withdrawals), under a policy whose reopen modes and pauses are drawn
too.  After every command: ``Ticket.replay(log)`` equals the snapshot, clocks
included, and measuring the snapshot gives the same latest cycle of every
metric as measuring the log (the audit view).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.domain import commands as c
from complaintflow.domain.lifecycle import allowed_commands, apply, open_ticket
from complaintflow.domain.money import Money
from complaintflow.domain.sla_state import ReopenMode, ResolutionEnd
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, Role, Status
from complaintflow.errors import ComplaintflowError
from complaintflow.sla.measure import MetricClock, measure
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessHours
from complaintflow.testing import instant, office_week

START = instant(2024, 5, 20, 9)
CALENDAR = office_week()
AGENT = Actor.staff("agent.1", Role.AGENT)
SUPERVISOR = Actor.staff("super.1", Role.SUPERVISOR)
CUSTOMER = Actor.customer("C1")

#: One way to build each trigger's command, and who sends it.
BUILD: dict[str, tuple[Callable[[int], c.Command], Actor]] = {
    "triage": (lambda n: c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P2), AGENT),
    "override": (
        lambda n: c.Override("升级", priority=(Priority.P1, Priority.P3)[n % 2]),
        SUPERVISOR,
    ),
    "assign": (lambda n: c.Assign("agent.1", department=("technical", None)[n % 2]), AGENT),
    "investigate": (lambda n: c.Investigate(), AGENT),
    "respond": (lambda n: c.Respond("您好"), AGENT),
    "transfer": (lambda n: c.Transfer(("technical", "billing", f"dept-{n}")[n % 3], "转交"), AGENT),
    "comment": (lambda n: c.Comment("补充说明", internal=False), CUSTOMER),
    "propose_solution": (
        lambda n: c.ProposeSolution("退款", amount=(None, Money("50.00", "CNY"))[n % 2]),
        AGENT,
    ),
    "approve": (lambda n: c.Approve(), SUPERVISOR),
    "reject": (lambda n: c.Reject("金额不对"), SUPERVISOR),
    "customer_accepts": (lambda n: c.CustomerAccepts(), CUSTOMER),
    "customer_declines": (lambda n: c.CustomerDeclines("不满意"), CUSTOMER),
    "complete": (lambda n: c.Complete(), AGENT),
    "record_survey": (lambda n: c.RecordSurvey(SurveyResponse.from_csat(1 + n % 5)), CUSTOMER),
    "reopen": (lambda n: c.Reopen("问题又出现了"), SUPERVISOR),
    "close": (lambda n: c.Close(), AGENT),
    "merge": (lambda n: c.Merge("T-0"), AGENT),
    "withdraw": (lambda n: c.Withdraw(), CUSTOMER),
}

#: The triggers that move a ticket on, so that histories reach approvals, surveys and reopenings.
FORWARD = (
    "triage",
    "investigate",
    "propose_solution",
    "approve",
    "customer_accepts",
    "complete",
    "record_survey",
    "reopen",
    "close",
)


def _choose(offered: list[str], pick: int) -> str:
    """Mostly a trigger that moves the ticket on; rarely one that ends it (merge, withdraw)."""
    if pick % 31:
        offered = [t for t in offered if t not in ("merge", "withdraw")] or offered
    forward = [t for t in offered if t in FORWARD]
    if forward and pick % 3:
        return forward[pick % len(forward)]
    return offered[pick % len(offered)]


modes = st.sampled_from(list(ReopenMode))
pause_sets = st.sets(
    st.sampled_from([Status.AWAITING_CUSTOMER, Status.AWAITING_APPROVAL, Status.EXECUTING]),
    max_size=2,
)


@st.composite
def policies(draw: st.DrawFn) -> SlaPolicy:
    base = SlaPolicy.default("drawn")
    return attrs.evolve(
        base,
        reopen={"first_response": draw(modes), "resolution": draw(modes)},
        pauses={
            "first_response": draw(pause_sets),
            "resolution": draw(pause_sets),
            "next_response": draw(pause_sets),
        },
        steps={"technical": BusinessHours(2), "billing": BusinessHours(1)},
        resolution_end=draw(st.sampled_from(list(ResolutionEnd))),
    )


def latest(clocks: tuple[MetricClock, ...]) -> dict[str, MetricClock]:
    return {clock.metric: clock for clock in clocks}


@given(
    policy=policies(),
    steps=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(1, 6 * 60), st.booleans()), max_size=60
    ),
)
def test_the_snapshot_clocks_are_the_fold_of_the_log(
    policy: SlaPolicy, steps: list[tuple[int, int, bool]]
) -> None:
    draft = TicketDraft("订单重复扣款", Channel.CHAT, START)
    ticket, log = open_ticket(
        draft,
        ticket_id="T-1",
        number="TS20240520-0001",
        actor=AGENT,
        sla_version=policy.version,
        sla_rules=policy.clock_rules(),
    )
    now = START
    for pick, minutes, by_staff in steps:
        now = now + dt.timedelta(minutes=minutes)
        offered = [
            trigger
            for trigger in allowed_commands(ticket, SUPERVISOR, at=now)
            + allowed_commands(ticket, CUSTOMER, at=now)
            if trigger in BUILD
        ]
        if not offered:
            break
        trigger = _choose(sorted(set(offered)), pick)
        build, actor = BUILD[trigger]
        if trigger == "comment" and by_staff:
            actor = AGENT
        try:
            ticket, events = apply(ticket, build(pick), actor=actor, at=now)
        except ComplaintflowError:
            continue  # refused (a transfer to where it is, a self-approval ...): nothing moved
        log += events
        assert Ticket.replay(log) == ticket
        assert ticket.sla is not None
        at = now + dt.timedelta(minutes=minutes)
        from_snapshot = measure(ticket, policy, CALENDAR, at)
        from_log = measure(log, policy, CALENDAR, at)
        assert latest(from_snapshot.clocks) == latest(from_log.clocks)
