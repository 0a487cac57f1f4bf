"""KPIs computed from event logs only (SPEC §2.7; seed 001 FAQ 2; seed 000 §2.5).

Every function takes an iterable of per-ticket logs (each a
``Sequence[Event]``, oldest first) and a :class:`Period` ``[start, end)``,
and reads each log only up to ``period.end`` (see :mod:`._facts`).  Which
tickets a KPI counts depends on what it measures:

- *volume* (distributions, top categories, first response time): tickets
  **received** in the period, by ``received_at`` (the customer's contact,
  not the instant the desk recorded it), so every ticket is the intake of
  exactly one month; a ticket recorded after the period's end is counted
  as it was recorded, with nothing done to it yet (see :mod:`._facts`);
- *resolution* (handle time, first contact resolution, reopen rate):
  tickets **resolved** in the period, each once, at its last resolution in
  the period;
- *satisfaction*: survey answers **recorded** in the period;
- *SLA compliance*: clock cycles that **finished** (met or breached, not
  cancelled) in the period;
- *backlog*: tickets received before an instant and still open then.

Merged tickets are duplicates of another ticket and are left out of every
count.  Rates whose denominator is zero have the value ``None``, never 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence

import pendulum

from complaintflow.clock import instant
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    Kind,
    Priority,
    Status,
)
from complaintflow.errors import ValidationError
from complaintflow.metrics._facts import Period, Resolution, TicketFacts, collect
from complaintflow.metrics._values import (
    Backlog,
    Compliance,
    Durations,
    Rate,
    Satisfaction,
    TimeStats,
    TrendPoint,
)
from complaintflow.sla.measure import ClockState, measure
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessTime

__all__ = [
    "AGE_BUCKETS",
    "DIMENSIONS",
    "PROBLEM_KINDS",
    "Backlog",
    "Compliance",
    "Durations",
    "Rate",
    "Satisfaction",
    "TimeStats",
    "TrendPoint",
    "backlog",
    "distribution",
    "first_contact_resolution",
    "first_response_time",
    "handle_time",
    "reopen_rate",
    "resolved_without_handoff",
    "satisfaction",
    "satisfaction_trend",
    "sla_compliance",
    "top_categories",
]

Logs = Iterable[Sequence[Event]]
Policies = SlaPolicy | Mapping[str, SlaPolicy]
_ZERO = dt.timedelta(0)
_DAY = dt.timedelta(days=1)

#: Backlog age buckets: label and upper bound (wall time since receipt).
AGE_BUCKETS: tuple[tuple[str, dt.timedelta | None], ...] = (
    ("<1d", _DAY),
    ("1-3d", 3 * _DAY),
    ("3-7d", 7 * _DAY),
    ("7-30d", 30 * _DAY),
    (">=30d", None),
)


def elapsed(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """``b - a`` as a plain ``timedelta`` (pendulum would return an ``Interval``)."""
    return dt.datetime.__sub__(b, a)


# -- selections over facts -------------------------------------------------


def received(items: Iterable[TicketFacts], period: Period) -> list[TicketFacts]:
    return [f for f in items if f.counted and f.received_at in period]


def resolved(items: Iterable[TicketFacts], period: Period) -> list[tuple[TicketFacts, Resolution]]:
    pairs = ((f, f.last_resolution_in(period)) for f in items if f.counted)
    return [(f, r) for f, r in pairs if r is not None]


def _spans(
    calendar: BusinessTime,
    pairs: Sequence[tuple[pendulum.DateTime, pendulum.DateTime]],
    pending: int,
) -> Durations:
    wall = [elapsed(a, b) for a, b in pairs]
    business = [calendar.between(a, b) for a, b in pairs]
    return Durations(TimeStats.of(wall), TimeStats.of(business), pending)


def first_response_of(
    items: Sequence[TicketFacts], period: Period, calendar: BusinessTime
) -> Durations:
    mine = received(items, period)
    pairs = [(f.received_at, f.first_response_at) for f in mine]
    answered = [(a, b) for a, b in pairs if b is not None]
    return _spans(calendar, answered, len(mine) - len(answered))


def handle_time_of(
    items: Sequence[TicketFacts], period: Period, calendar: BusinessTime
) -> Durations:
    pairs = [(f.received_at, r.at) for f, r in resolved(items, period)]
    waiting = sum(f.status.open for f in received(items, period))
    return _spans(calendar, pairs, waiting)


def fcr_of(items: Iterable[TicketFacts], period: Period) -> Rate:
    pairs = resolved(items, period)
    return Rate(sum(r.at_first_contact for _, r in pairs), len(pairs))


def no_handoff_of(items: Iterable[TicketFacts], period: Period) -> Rate:
    pairs = resolved(items, period)
    return Rate(sum(not r.transfers and not r.reopens for _, r in pairs), len(pairs))


def reopen_of(items: Iterable[TicketFacts], period: Period) -> Rate:
    pairs = resolved(items, period)
    return Rate(sum(bool(f.reopens) for f, _ in pairs), len(pairs))


def satisfaction_of(items: Iterable[TicketFacts], period: Period) -> Satisfaction:
    return Satisfaction.of(
        [answer for f in items if f.counted for at, answer in f.surveys if at in period]
    )


def compliance_of(
    items: Iterable[TicketFacts], period: Period, policy: Policies, calendar: BusinessTime
) -> tuple[Compliance, ...]:
    counts = {metric: [0, 0, 0, 0] for metric in ("first_response", "resolution")}
    for f in items:
        if not f.counted or not f.recorded:
            continue  # a late entry has no clock running before the period's end
        if f.events[-1].at < period.start and not f.status.open:
            continue  # nothing of this ticket can finish or be overdue in the period
        for clock in measure(f.events, policy, calendar, period.end).clocks:
            tally = counts.get(clock.metric)
            if tally is None:
                continue
            if clock.stopped_at in period and clock.state in (ClockState.MET, ClockState.BREACHED):
                tally[0] += 1
                if clock.state is ClockState.MET:
                    tally[1] += 1
                    tally[2] += clock.consumed + clock.paused <= clock.budget
            elif clock.stopped_at is None and clock.state is ClockState.BREACHED:
                tally[3] += 1
    return tuple(Compliance(metric, *tally) for metric, tally in counts.items())


def backlog_of(items: Iterable[TicketFacts], at: pendulum.DateTime) -> Backlog:
    still = [f for f in items if f.counted and f.status.open]
    by_status = {s.value: sum(f.status is s for f in still) for s in Status if s.open}
    by_age = dict.fromkeys((label for label, _ in AGE_BUCKETS), 0)
    for f in still:
        age = elapsed(f.received_at, at)
        label = next(name for name, bound in AGE_BUCKETS if bound is None or age < bound)
        by_age[label] += 1
    return Backlog(at, len(still), by_status, by_age)


def _member(value: object) -> str | None:
    return None if value is None else str(value)


#: Keys for tickets without a value (not yet triaged, no department).
UNSET = "unclassified"
UNASSIGNED = "unassigned"

#: The dimensions :func:`distribution` groups by; ``None`` lists free-text keys.
DIMENSIONS: dict[str, tuple[tuple[str, ...] | None, Callable[[Ticket], str | None]]] = {
    "kind": (tuple(Kind), lambda t: _member(t.kind)),
    "category": (tuple(Category), lambda t: _member(t.category)),
    "channel": (tuple(Channel), lambda t: _member(t.channel)),
    "priority": (tuple(Priority), lambda t: _member(t.priority)),
    "department": (None, lambda t: t.department or UNASSIGNED),
}


def distribution_of(
    items: Iterable[TicketFacts], period: Period, by: str, kinds: Iterable[Kind] | None = None
) -> dict[str, int]:
    if by not in DIMENSIONS:
        raise ValidationError(
            f"distribution by {by!r}? choose from {', '.join(DIMENSIONS)}", field="by"
        )
    keys, key_of = DIMENSIONS[by]
    wanted = None if kinds is None else frozenset(kinds)
    counts: dict[str, int] = {}
    for f in received(items, period):
        if wanted is None or f.ticket.kind in wanted:
            key = key_of(f.ticket) or UNSET
            counts[key] = counts.get(key, 0) + 1
    if keys is None:
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    ordered = {key: counts.pop(key, 0) for key in keys}
    return ordered | counts


#: Kinds whose categories are "problems" for the top-3 (praise is not a problem).
PROBLEM_KINDS = (Kind.COMPLAINT, Kind.SUGGESTION, Kind.INQUIRY)


def top_of(
    items: Iterable[TicketFacts], period: Period, n: int
) -> tuple[tuple[Category, int], ...]:
    counts = distribution_of(items, period, "category", PROBLEM_KINDS)
    ranked = sorted(
        ((Category(k), v) for k, v in counts.items() if k != UNSET and v),
        key=lambda kv: (-kv[1], list(Category).index(kv[0])),
    )
    return tuple(ranked[:n])


# -- the public functions: logs in, one KPI out ----------------------------


def first_response_time(logs: Logs, period: Period, *, calendar: BusinessTime) -> Durations:
    """Receipt to first contact of tickets received in ``period``; ``pending``: no reply yet."""
    return first_response_of(collect(logs, period.end), period, calendar)


def handle_time(logs: Logs, period: Period, *, calendar: BusinessTime) -> Durations:
    """Receipt to resolution of tickets resolved in ``period`` (their last resolution there);
    ``pending``: tickets received in the period still open at its end."""
    return handle_time_of(collect(logs, period.end), period, calendar)


def first_contact_resolution(logs: Logs, period: Period) -> Rate:
    """Share of tickets resolved in ``period`` whose resolution was at first contact
    (``resolve_now``, never reopened before it)."""
    return fcr_of(collect(logs, period.end), period)


def resolved_without_handoff(logs: Logs, period: Period) -> Rate:
    """Share of tickets resolved in ``period`` with no transfer and no reopening before."""
    return no_handoff_of(collect(logs, period.end), period)


def reopen_rate(logs: Logs, period: Period) -> Rate:
    """Share of tickets resolved in ``period`` that were reopened at least once by its end."""
    return reopen_of(collect(logs, period.end), period)


def satisfaction(logs: Logs, period: Period) -> Satisfaction:
    """CSAT %, NPS and CES from the survey answers recorded in ``period``."""
    return satisfaction_of(collect(logs, period.end), period)


def satisfaction_trend(logs: Logs, buckets: Sequence[Period]) -> tuple[TrendPoint, ...]:
    """Satisfaction per bucket, e.g. ``period.weeks()`` or ``period.months()``."""
    if not buckets:
        return ()
    items = collect(logs, max(bucket.end for bucket in buckets))
    return tuple(TrendPoint(bucket, satisfaction_of(items, bucket)) for bucket in buckets)


def sla_compliance(
    logs: Logs, period: Period, *, policy: Policies, calendar: BusinessTime
) -> tuple[Compliance, ...]:
    """First-response and resolution compliance over the cycles that finished in ``period``."""
    return compliance_of(collect(logs, period.end), period, policy, calendar)


def backlog(logs: Logs, at: dt.datetime) -> Backlog:
    """Tickets received before ``at`` and still open then, by status and age."""
    moment = instant(at, "at")
    return backlog_of(collect(logs, moment), moment)


def distribution(logs: Logs, period: Period, by: str) -> dict[str, int]:
    """Tickets received in ``period`` by ``kind``, ``category``, ``channel``, ``priority``
    or ``department``; vocabulary keys in their fixed order, zeros included; tickets
    without a value count under ``"unclassified"``."""
    return distribution_of(collect(logs, period.end), period, by)


def top_categories(logs: Logs, period: Period, n: int = 3) -> tuple[tuple[Category, int], ...]:
    """The ``n`` most frequent categories among complaints, suggestions and inquiries
    received in ``period`` (seed 000's 高频问题 TOP3); ties in vocabulary order."""
    return top_of(collect(logs, period.end), period, n)
