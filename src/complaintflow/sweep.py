"""The SLA sweep and the outbox delivery loop: the desk's two background jobs.

``sweep`` visits every ticket the store says is due, records each SLA
warning, breach and escalation step it has passed (claiming the alert key
in the store first, so concurrent sweepers never emit one twice), queues
the customer's overdue apology and the staff alert, and stores the
ticket's next due time.  ``deliver`` hands outbox items to a
:class:`~complaintflow.notify.Notifier`; an item is acknowledged only after
it was sent, so a crash means a resend, never a loss.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from complaintflow import commands as c
from complaintflow.errors import ComplaintflowError, ConcurrencyError
from complaintflow.events import Event
from complaintflow.followup import SYSTEM, FollowUp, notification_from_outbox, recorded_alerts
from complaintflow.followup import to_outbox as outbox_item
from complaintflow.lifecycle import apply
from complaintflow.model import Ticket
from complaintflow.notify import NotificationKind, Notifier, compose
from complaintflow.sla.alerts import Alert, AlertKind, due_alerts
from complaintflow.sla.measure import SlaStatus
from complaintflow.sla.targets import BusinessTime
from complaintflow.storage.protocol import OutboxItem, TicketStore

__all__ = ["DeliveryReport", "SweepSummary", "deliver", "sweep"]

_ATTEMPTS = 5


@attrs.frozen
class SweepSummary:
    """What one sweep did; ``conflicts`` counts tickets left to the next sweep."""

    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    held: int = 0
    conflicts: int = 0
    alerts: tuple[str, ...] = ()

    def __add__(self, other: SweepSummary) -> SweepSummary:
        return SweepSummary(*(a + b for a, b in zip(attrs.astuple(self, recurse=False),
                                                    attrs.astuple(other, recurse=False),
                                                    strict=True)))


@attrs.frozen
class DeliveryReport:
    delivered: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()


def _record(follow: FollowUp, ticket: Ticket, alerts: list[Alert], now: pendulum.DateTime,
            grace: dt.timedelta) -> tuple[Ticket, list[Event], list[OutboxItem]]:
    assert follow.calendar is not None
    events: list[Event] = []
    outbox: list[OutboxItem] = []
    for alert in alerts:
        ticket, more = apply(ticket, c.RecordAlert(
            alert.key, alert.metric, alert.cycle, alert.kind.value, alert.threshold,
            alert.due_at, role=alert.role, reassign=alert.reassign), actor=SYSTEM, at=now,
            rules=follow.rules, continue_batch=bool(events))
        events += more
        if alert.kind is AlertKind.WARNING:
            continue
        staff = compose(NotificationKind.SLA_ALERT, ticket, key=f"{alert.key}:staff", at=now,
                        expected=alert.due_at, lang=follow.lang, zone=follow.zone,
                        templates=follow.templates,
                        extra={"metric": alert.metric, "alert": alert.kind.value,
                               "role": str(alert.role) if alert.role else "assignee"})
        outbox.append(outbox_item(staff, audience="staff"))
        if alert.kind is AlertKind.BREACH and follow.notify:
            apology = compose(NotificationKind.OVERDUE_APOLOGY, ticket,
                              key=f"{alert.key}:apology", at=now,
                              expected=follow.calendar.add(now, grace), lang=follow.lang,
                              zone=follow.zone, templates=follow.templates)
            ticket, more = apply(ticket, c.QueueNotification(apology.key, apology.kind,
                                                             follow.lang),
                                 actor=SYSTEM, at=now, rules=follow.rules, continue_batch=True)
            events += more
            outbox.append(outbox_item(apology))
    return ticket, events, outbox


def _sweep_one(store: TicketStore, follow: FollowUp, found: Ticket, now: pendulum.DateTime,
               staff_calendar: BusinessTime | None, grace: dt.timedelta) -> SweepSummary:
    assert follow.policy is not None
    assert follow.calendar is not None
    log = store.events(found.id)
    status = follow.status(log, now)
    assert status is not None
    plan = due_alerts(status, follow.policy, follow.calendar, staff_calendar=staff_calendar)
    done = recorded_alerts(log)
    claimed = [alert for alert in plan.due
               if alert.key not in done and store.record_alert(alert.key)]
    summary = SweepSummary(checked=1, held=len(plan.held))
    if not claimed:
        return summary
    # The snapshot the page brought and the log just read agree unless someone saved in
    # between; then (and after a conflict on save) read both again.
    # ``status`` stays valid for the grown log: alerts and notifications move no clock.
    ticket: Ticket | None = found if log and found.last_seq == log[-1].seq else None
    measured: SlaStatus | None = status if ticket is not None else None
    for _ in range(_ATTEMPTS):
        if ticket is None:
            ticket = store.get(found.id)
            log = store.events(found.id)
            measured = None
        done = recorded_alerts(log)
        todo = [alert for alert in claimed if alert.key not in done]
        try:
            new, events, outbox = _record(follow, ticket, todo, now, grace)
        except ComplaintflowError:  # closed or merged since it was due: nothing to alert
            return summary
        if not events:
            break
        try:
            store.save(new, events, expected_version=ticket.version,
                       due_at=follow.next_due([*log, *events], now, status=measured),
                       outbox=outbox)
        except ConcurrencyError:
            ticket = None
            continue
        break
    else:
        return attrs.evolve(summary, conflicts=1)
    kinds = [alert.kind for alert in claimed]  # each claimed key was recorded once, here
    return attrs.evolve(summary, warnings=kinds.count(AlertKind.WARNING),
                        breaches=kinds.count(AlertKind.BREACH),
                        escalations=kinds.count(AlertKind.ESCALATION),
                        alerts=tuple(alert.key for alert in claimed))


def sweep(store: TicketStore, follow: FollowUp, now: pendulum.DateTime, *,
          staff_calendar: BusinessTime | None = None,
          grace: dt.timedelta = dt.timedelta(hours=4), page_size: int = 500) -> SweepSummary:
    """Visit every ticket due by ``now`` (all pages) and record what it has passed."""
    total = SweepSummary()
    if follow.policy is None:
        return total
    cursor: str | None = None
    while True:
        page = store.find(due_before=now, limit=page_size, cursor=cursor)
        for ticket in page.items:
            total += _sweep_one(store, follow, ticket, now, staff_calendar, grace)
        cursor = page.cursor
        if cursor is None:
            return total


def deliver(store: TicketStore, notifier: Notifier, now: pendulum.DateTime, *,
            worker: str = "complaintflow", limit: int = 100,
            lease: dt.timedelta = dt.timedelta(minutes=5)) -> DeliveryReport:
    """Send what the outbox holds; acknowledge each item only once it was sent."""
    items = store.claim_outbox(worker=worker, limit=limit, lease=lease, now=now)
    sent, errors = [], []
    for item in items:
        try:
            notifier.send(notification_from_outbox(item))
        except Exception as error:
            errors.append(f"{item.id}: {type(error).__name__}: {error}")
            continue
        sent.append(item.id)
    store.ack_outbox(sent)
    return DeliveryReport(len(sent), len(errors), tuple(errors))
