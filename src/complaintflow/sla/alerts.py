"""Alerts due at ``now``: warnings, breaches and escalation steps, each with a stable key.

A sweeper lists what is due with :func:`due_alerts` and records each key
in the store before acting (``record_alert`` returns False for a key seen
before), so several sweepers running at once still emit every alert
exactly once.  The key names the ticket, metric, cycle and threshold, so a
new cycle after a reopening gets fresh alerts and an old one never repeats.
"""

from __future__ import annotations

import enum

import attrs
import pendulum

from complaintflow.sla.measure import ClockState, MetricClock, SlaStatus, reach
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessTime
from complaintflow.vocabulary import Role

__all__ = ["Alert", "AlertKind", "AlertPlan", "due_alerts"]


class AlertKind(enum.StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    ESCALATION = "escalation"


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


def _alerts_of(ticket_id: str, clock: MetricClock, policy: SlaPolicy,
               calendar: BusinessTime, now: pendulum.DateTime) -> list[Alert]:
    if clock.state in (ClockState.MET, ClockState.CANCELLED):
        return []
    steps: list[tuple[AlertKind, float, Role | None, bool]] = [
        (AlertKind.WARNING, fraction, None, False) for fraction in policy.warnings
    ]
    steps.append((AlertKind.BREACH, 1.0, None, False))
    steps += [(AlertKind.ESCALATION, 1.0 + step.after, step.role, step.reassign)
              for step in policy.escalation]
    found = []
    for kind, threshold, role, reassign in steps:
        amount = clock.budget * threshold
        if clock.consumed < amount:  # a threshold is reached at its instant, not after
            continue
        suffix = f":{role}" if role is not None else ""
        key = f"{ticket_id}:{clock.metric}:{clock.cycle}:{kind}:{threshold:g}{suffix}"
        at = reach(clock, amount, calendar)
        found.append(Alert(key, ticket_id, clock.metric, clock.cycle, kind, threshold, at,
                           clock.due_at, role, reassign))
    return found


def due_alerts(
    status: SlaStatus,
    policy: SlaPolicy,
    calendar: BusinessTime,
    *,
    staff_calendar: BusinessTime | None = None,
) -> AlertPlan:
    """Every alert whose threshold the ticket's clocks have passed by ``status.now``.

    Alerts already emitted are listed again: de-duplication is the job of
    the store's alert keys, which is what makes concurrent sweeps safe.
    With a ``staff_calendar`` that is closed at ``now``, alerts are held
    (reminders are not sent at midnight) and ``release_at`` says when to
    sweep again.
    """
    alerts = [alert for clock in status.clocks
              for alert in _alerts_of(status.ticket_id, clock, policy, calendar, status.now)]
    if staff_calendar is not None and alerts and not staff_calendar.is_open(status.now):
        return AlertPlan((), tuple(alerts), staff_calendar.next_open(status.now))
    return AlertPlan(tuple(alerts))

