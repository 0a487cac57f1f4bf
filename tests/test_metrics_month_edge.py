"""Which month a ticket belongs to: the month of its ``received_at`` (SPEC §2.1, §2.7).

The customer's contact (``received_at``) and the desk's recording of it
(the instant of the first event) can fall in different months: feedback
left at 23:50 on 31 May is typed in at 00:10 on 1 June.  Such a ticket is
May's intake, counted once, in May; what the desk did with it (responses,
resolutions, SLA clocks) stays in the month it happened.
"""

from __future__ import annotations

import datetime as dt
from functools import partial
from itertools import count

import pendulum
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.classify import KeywordClassifier
from complaintflow.clock import ManualClock
from complaintflow.domain import commands as c
from complaintflow.domain.events import Event, Received
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Status
from complaintflow.metrics import (
    Period,
    backlog,
    distribution,
    first_response_time,
    handle_time,
    monthly_report,
    sla_compliance,
)
from complaintflow.service.desk import ComplaintDesk
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage.memory import InMemoryStore
from complaintflow.testing import AGENT, instant, office_week
from complaintflow.testing import SHANGHAI as SH

CAL = office_week()
POLICY = SlaPolicy.default()
MAY, JUNE = Period.month(2024, 5, SH), Period.month(2024, 6, SH)


sh = partial(instant, 2024)  # sh(month, day, hour, minute=0)


def late_entry() -> list[Event]:
    """Received 31 May 23:50, recorded 1 June 00:10, answered and resolved in June."""
    ticket, log = open_ticket(
        TicketDraft("电子发票一直没收到", "email", sh(5, 31, 23, 50)),
        ticket_id="edge",
        number="TS20240531-0001",
        actor=AGENT,
        at=sh(6, 1, 0, 10),
        sla_version=POLICY.version,
    )
    steps: list[tuple[c.Command, pendulum.DateTime]] = [
        (c.Triage("inquiry", "billing.invoice", "P4"), sh(6, 1, 0, 10)),
        (c.Respond("已收到，正在核实"), sh(6, 3, 9, 30)),
        (c.ResolveNow("发票已重新发送"), sh(6, 3, 10, 0)),
    ]
    for command, when in steps:
        ticket, more = apply(ticket, command, actor=AGENT, at=when)
        log.extend(more)
    return log


def report(logs: list[list[Event]], month: int) -> int:
    return monthly_report(
        logs, year=2024, month=month, zone=SH, policy=POLICY, calendar=CAL
    ).received


def test_a_ticket_received_in_may_and_recorded_in_june_is_mays_intake() -> None:
    logs = [late_entry()]
    assert report(logs, 5) == 1
    assert report(logs, 6) == 0
    assert distribution(logs, MAY, "kind")["inquiry"] == 1  # as the desk recorded it
    assert sum(distribution(logs, JUNE, "kind").values()) == 0


def test_what_happened_to_a_late_entry_stays_in_the_month_it_happened() -> None:
    """May knows it was received and not yet answered; June has its answer."""
    logs = [late_entry()]
    frt = first_response_time(logs, MAY, calendar=CAL)
    assert (frt.wall.count, frt.pending) == (0, 1)
    assert handle_time(logs, MAY, calendar=CAL).pending == 1
    may_end = backlog(logs, MAY.end)
    assert may_end.total == 1
    assert may_end.by_status["received"] == 1  # nothing had been done with it yet
    assert all(
        clock.finished == clock.overdue_open == 0
        for clock in sla_compliance(logs, MAY, policy=POLICY, calendar=CAL)
    )

    assert handle_time(logs, JUNE, calendar=CAL).wall.count == 1  # resolved in June
    assert backlog(logs, JUNE.end).total == 0
    first, _ = sla_compliance(logs, JUNE, policy=POLICY, calendar=CAL)
    assert first.finished == 1


def test_the_desk_path_counts_the_late_entry_in_may() -> None:
    """Through a desk and its store, as ``complaintflow report`` reads them."""
    clock = ManualClock(sh(6, 1, 0, 10))
    serial = count(1)
    desk = ComplaintDesk(
        InMemoryStore(),
        clock,
        classifier=KeywordClassifier(),
        sla=POLICY,
        calendar=CAL,
        ids=lambda: f"t{next(serial)}",
    )
    ticket = desk.intake(
        TicketDraft("APP订单支付失败，银行卡被扣了两次", "chat", sh(5, 31, 23, 50))
    )
    assert ticket.number.startswith("TS20240531")  # numbered by the day it was received
    logs = [desk.history(ticket.id)]
    assert (report(logs, 5), report(logs, 6)) == (1, 0)


# -- property: every ticket is one month's intake, exactly once --------------

EDGES = [sh(month, 1, 0) for month in (5, 6, 7)]  # midnights, Shanghai time


@st.composite
def edge_ticket(draw: st.DrawFn, n: int) -> list[Event]:
    """A ticket received within a day of a month boundary, recorded 0-3 days later."""
    edge = draw(st.sampled_from(EDGES))
    received = edge + dt.timedelta(seconds=draw(st.integers(-86_400, 86_399)))
    delay = draw(st.sampled_from([0, 1, 59, 600, 3_600, 86_400, 3 * 86_400]))
    recorded = received + dt.timedelta(seconds=delay + draw(st.integers(0, 1)))
    ticket, log = open_ticket(
        TicketDraft("快递到哪了？", "chat", received),
        ticket_id=f"e{n}",
        number=f"TS-e{n}",
        actor=AGENT,
        at=recorded,
        sla_version=POLICY.version,
    )
    if draw(st.booleans()):
        gap = dt.timedelta(minutes=draw(st.integers(0, 3 * 24 * 60)))
        ticket, more = apply(
            ticket,
            c.Triage("inquiry", "logistics.timeliness", "P4"),
            actor=AGENT,
            at=recorded + gap,
        )
        log.extend(more)
        if draw(st.booleans()):
            _, more = apply(ticket, c.ResolveNow("已催促快递"), actor=AGENT, at=recorded + 2 * gap)
            log.extend(more)
    return log


def received_at(log: list[Event]) -> pendulum.DateTime:
    payload = log[0].payload
    assert isinstance(payload, Received)
    return payload.draft.received_at


@given(st.integers(0, 12).flatmap(lambda size: st.tuples(*(edge_ticket(n) for n in range(size)))))
def test_consecutive_monthly_reports_count_every_ticket_exactly_once(
    logs: tuple[list[Event], ...],
) -> None:
    """April to July cover every instant drawn: the months partition the intake, and the
    event-time measures (resolutions, backlog) agree with it."""
    reports = [
        monthly_report(logs, year=2024, month=month, zone=SH, policy=POLICY, calendar=CAL)
        for month in (4, 5, 6, 7)
    ]
    assert sum(r.received for r in reports) == len(logs)
    resolved_at = [next((e.at for e in log if e.status is Status.RESOLVED), None) for log in logs]
    assert sum(r.resolved for r in reports) == sum(at is not None for at in resolved_at)
    for r in reports:
        mine = [
            at for log, at in zip(logs, resolved_at, strict=True) if received_at(log) in r.period
        ]
        assert r.received == len(mine)
        answered = sum(at is not None and at < r.period.end for at in mine)
        assert r.first_response.wall.count == answered  # resolve_now is the first contact
        assert r.first_response.pending == len(mine) - answered
        still_open = sum(
            received_at(log) < r.period.end and (at is None or at >= r.period.end)
            for log, at in zip(logs, resolved_at, strict=True)
        )
        assert r.backlog.total == still_open
