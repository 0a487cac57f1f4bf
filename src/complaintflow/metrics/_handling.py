"""Seed 001's own handling KPIs, beside the report's older measures.

- **FCR for complaints** (seed 001 FAQ 2: 一次性解决率, 在第一次与客户沟通时就
  成功解决其问题的投诉所占的比例).  A complaint resolved in the period counts
  as solved at first contact when, before that resolution, the customer was
  contacted at most once (one ``respond`` or public staff comment, which
  may carry the solution), the solution was proposed once and accepted (no
  decline, no rejection), the customer never had to write again (no
  public customer comment), and the ticket was never transferred nor
  reopened.  The base is every complaint resolved in the period.  The
  older :func:`~complaintflow.metrics.kpis.first_contact_resolution`
  (``resolve_now``, which only inquiries and praise can use) stays as is.
- **AHT, created → closed** (seed 001: 从投诉工单创建到最终关闭): from the
  instant the desk created the ticket to its final close, over tickets
  closed in the period and still closed at its end; beside the older
  receipt → resolution handle time.
- **办结 and execution** (seed 000 §2.3.2: 办结时限（给出解决方案）): for
  tickets resolved in the period through a proposed solution, receipt →
  solution given (the last time the ticket went to the customer with a
  solution, i.e. entered ``awaiting_customer``), and solution given →
  executed (resolved), the execution phase measured as its own step.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import pendulum

from complaintflow.domain import events as e
from complaintflow.domain.vocabulary import ActorKind, Kind, Status
from complaintflow.metrics._facts import Period, TicketFacts
from complaintflow.metrics._values import Durations, Rate, TimeStats
from complaintflow.metrics.kpis import elapsed, received, resolved
from complaintflow.sla.targets import BusinessTime

__all__ = ["SolutionTimes", "aht_closed_of", "complaint_fcr_of", "solution_times_of"]


def _first_contact(events: Iterable[e.Event]) -> bool:
    contacts = proposals = 0
    for event in events:
        p, customer = event.payload, event.actor.kind is ActorKind.CUSTOMER
        if isinstance(p, e.Transferred | e.Reopened | e.CustomerDeclined | e.Rejected):
            return False
        if isinstance(p, e.Commented) and not p.internal and customer:
            return False  # the customer had to come back
        contacts += isinstance(p, e.Responded) or (
            isinstance(p, e.Commented) and not p.internal and not customer
        )
        proposals += isinstance(p, e.SolutionProposed)
    return contacts <= 1 and proposals == 1


def complaint_fcr_of(items: Iterable[TicketFacts], period: Period) -> Rate:
    """Complaints resolved in ``period`` that were solved at first contact (see above)."""
    solved = base = 0
    for f, r in resolved(items, period):
        if f.ticket.kind is not Kind.COMPLAINT:
            continue
        base += 1
        before = [ev for ev in f.events if ev.at <= r.at]
        solved += not r.reopens and not r.transfers and _first_contact(before)
    return Rate(solved, base)


def _spans(
    pairs: Sequence[tuple[pendulum.DateTime, pendulum.DateTime]],
    calendar: BusinessTime,
    pending: int,
) -> Durations:
    wall = TimeStats.of([elapsed(a, b) for a, b in pairs])
    return Durations(wall, TimeStats.of([calendar.between(a, b) for a, b in pairs]), pending)


def aht_closed_of(
    items: Sequence[TicketFacts], period: Period, calendar: BusinessTime
) -> Durations:
    """Created → final close of tickets closed in ``period``; ``pending``: received in
    the period and not closed by its end."""
    pairs = []
    for f in items:
        if not f.counted or not f.recorded or f.status is not Status.CLOSED:
            continue
        closed = f.events[-1].at
        for event in reversed(f.events):
            if event.status is not Status.CLOSED:
                break
            closed = event.at
        if closed in period:
            pairs.append((f.events[0].at, closed))
    waiting = sum(f.status is not Status.CLOSED for f in received(items, period))
    return _spans(pairs, calendar, waiting)


@attrs.frozen
class SolutionTimes:
    """Receipt → solution given (办结), and solution given → executed (resolved)."""

    to_solution: Durations
    execution: Durations


def solution_times_of(
    items: Sequence[TicketFacts], period: Period, calendar: BusinessTime
) -> SolutionTimes:
    """Both halves of the handling of tickets resolved in ``period`` through a solution."""
    given: list[tuple[pendulum.DateTime, pendulum.DateTime]] = []
    executed: list[tuple[pendulum.DateTime, pendulum.DateTime]] = []
    for f, r in resolved(items, period):
        offered, was = None, None
        for event in f.events:
            if event.at > r.at:
                break
            if event.status is Status.AWAITING_CUSTOMER and was is not Status.AWAITING_CUSTOMER:
                offered = event.at
            was = event.status
        if offered is None:
            continue  # resolved at first contact: no separate execution
        given.append((f.received_at, offered))
        executed.append((offered, r.at))
    return SolutionTimes(_spans(given, calendar, 0), _spans(executed, calendar, 0))
