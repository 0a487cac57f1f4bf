"""Alerts due at ``now``: warnings, breaches and escalation steps, each with a stable key.

A sweeper lists what is due with :func:`due_alerts` and records each alert
in the ticket's log once (the sweep claims the keys in the store first,
and its version-checked save settles races), so several sweepers running
at once still emit every alert exactly once.  The key names the ticket,
metric, cycle and threshold, so a new cycle after a reopening gets fresh
alerts and an old one never repeats.

An alert is a call to act, so only a clock that is still running raises
one.  A stopped clock (met, cancelled, or stopped after it breached: the
ticket was answered or resolved) raises none, even for a threshold it
passed while no sweep ran: a breach alert and an overdue apology on a
ticket already resolved would only confuse.  The breach itself is not
forgotten: it is in the events, and compliance metrics count it from
there.  A paused clock (the ticket waits on the customer) raises none
either while the pause lasts: nobody can act on it, and its consumed time
does not grow; a threshold it passed unrecorded before the pause is
alerted when it runs again, or never if it stops first.

The in-advance notice (seed 001 §4.1: 「必须提前主动告知客户」) rides the
same plan: with a ``notice`` share (say 0.9) a running *resolution* clock
raises one ``notice`` alert when it reaches that share of its budget, so
the customer hears of the delay, with a new time, before it happens.  A
notice is only worth sending in advance: once the clock has breached it
is no longer due (the breach apology says sorry instead), and a sweep
that first meets the ticket after the breach records none.
"""

from __future__ import annotations

import enum

import attrs
import pendulum

from complaintflow.domain.vocabulary import Role
from complaintflow.sla.measure import MetricClock, SlaStatus, reach
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessTime

__all__ = [
    "NOTICE_METRIC",
    "Alert",
    "AlertKind",
    "AlertPlan",
    "alert_key",
    "alert_steps",
    "due_alerts",
]


class AlertKind(enum.StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    ESCALATION = "escalation"
    NOTICE = "notice"  # to the customer, before the resolution is late


#: The one metric whose clock raises the in-advance notice.
NOTICE_METRIC = "resolution"


@attrs.frozen
class Alert:
    """One alert; ``key`` is its idempotency key, ``at`` when it became due."""

    key: str
    ticket_id: str
    metric: str
    cycle: int
    kind: AlertKind
    threshold: float
    at: pendulum.DateTime
    due_at: pendulum.DateTime
    role: Role | None = None
    reassign: bool = False


@attrs.frozen
class AlertPlan:
    """``due`` to emit now; ``held`` until the staff calendar opens at ``release_at``."""

    due: tuple[Alert, ...]
    held: tuple[Alert, ...] = ()
    release_at: pendulum.DateTime | None = None


def alert_key(
    ticket_id: str, metric: str, cycle: int, kind: AlertKind, threshold: float, role: Role | None
) -> str:
    """The idempotency key of one alert: the sweep records each key once."""
    suffix = f":{role}" if role is not None else ""
    return f"{ticket_id}:{metric}:{cycle}:{kind}:{threshold:g}{suffix}"


def alert_steps(
    policy: SlaPolicy, *, notice: float | None = None, metric: str | None = None
) -> list[tuple[AlertKind, float, Role | None, bool]]:
    """The policy's thresholds as (kind, share of the budget, role, reassign), in order.

    The in-advance ``notice`` share is a step of the resolution ``metric`` only.
    """
    steps: list[tuple[AlertKind, float, Role | None, bool]] = [
        (AlertKind.WARNING, fraction, None, False) for fraction in policy.warnings
    ]
    if notice is not None and metric == NOTICE_METRIC:
        steps.append((AlertKind.NOTICE, notice, None, False))
    steps.append((AlertKind.BREACH, 1.0, None, False))
    steps += [
        (AlertKind.ESCALATION, 1.0 + step.after, step.role, step.reassign)
        for step in policy.escalation
    ]
    return steps


def _alerts_of(
    ticket_id: str,
    clock: MetricClock,
    policy: SlaPolicy,
    calendar: BusinessTime,
    now: pendulum.DateTime,
    notice: float | None,
) -> list[Alert]:
    if not clock.ticking:  # see the module docstring: only a running clock calls to act
        return []
    late = clock.consumed >= clock.budget  # too late to tell the customer in advance
    steps = alert_steps(policy, notice=None if late else notice, metric=clock.metric)
    found = []
    # Projecting a threshold onto the calendar is the costly part: once per amount (the
    # breach and a first escalation step share theirs), and the breach instant is the
    # clock's own due time, which measure() already projected.
    reached = {clock.budget: clock.due_at}
    for kind, threshold, role, reassign in steps:
        amount = clock.budget * threshold
        if clock.consumed < amount:  # a threshold is reached at its instant, not after
            continue
        key = alert_key(ticket_id, clock.metric, clock.cycle, kind, threshold, role)
        at = reached.get(amount)
        if at is None:
            at = reached[amount] = reach(clock, amount, calendar)
        found.append(
            Alert(
                key,
                ticket_id,
                clock.metric,
                clock.cycle,
                kind,
                threshold,
                at,
                clock.due_at,
                role,
                reassign,
            )
        )
    return found


def due_alerts(
    status: SlaStatus,
    policy: SlaPolicy,
    calendar: BusinessTime,
    *,
    staff_calendar: BusinessTime | None = None,
    notice: float | None = None,
) -> AlertPlan:
    """Every alert whose threshold the ticket's running clocks have passed by ``status.now``.

    Stopped and paused clocks raise none (module docstring).  Alerts
    already emitted are listed again: de-duplication is the caller's job
    (the sweep skips the keys already in the ticket's log).  With a
    ``staff_calendar`` that is closed at ``now``, alerts are held
    (reminders are not sent at midnight) and ``release_at`` says when to
    sweep again.  ``notice`` is the share of a resolution budget at which
    the customer is told in advance (module docstring); None: no notice.
    """
    alerts = [
        alert
        for clock in status.clocks
        for alert in _alerts_of(status.ticket_id, clock, policy, calendar, status.now, notice)
    ]
    if staff_calendar is not None and alerts and not staff_calendar.is_open(status.now):
        return AlertPlan((), tuple(alerts), staff_calendar.next_open(status.now))
    return AlertPlan(tuple(alerts))
