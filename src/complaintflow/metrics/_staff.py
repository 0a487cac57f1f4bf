"""Who was told what in a month: staff notifications and the customer's delay notices.

Issue 13 made the desk tell staff when someone must act (seed 001 §2.2 and
§3.1, seed 000 §2.3.1 and §2.4.2) and tell the customer in advance when a
promise slips (seed 001 §4.1).  The report reads them from the log, as
every other figure, never from the outbox (delivered items leave it):

- a ``notification_queued`` event of a staff kind (``routed``,
  ``survey_reopened``, ``approval_waiting``, ``praise_forwarded``) is one
  staff notification; its key ends with the recipient
  (``role:NAME``, ``department:NAME`` or ``user:NAME``);
- an ``sla_alerted`` event of a warning, breach or escalation is one
  ``sla_alert`` staff notification (its outbox id is the alert's key plus
  ``:staff``); its recipient comes from the rule the sweep applies
  (:func:`~complaintflow.domain.recipients.sla_alert_recipient`), on the
  ticket as it stood at the alert;
- ``delay_notice`` and ``overdue_apology`` events of the customer's.

A notification counts in the month it was queued, merged duplicates
included: the message went out whatever became of the ticket.  A notice
*with a committed time* is the one the assignee's ``commit_time`` sent;
the sweep's own notice quotes the policy's time.  A ticket *still
breached after a notice* had a delay notice this month and a breach of
its resolution clock recorded after it, by the month's end.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import attrs

from complaintflow.domain import events as e
from complaintflow.domain.fold import evolve, replay
from complaintflow.domain.recipients import sla_alert_recipient
from complaintflow.domain.ticket import Ticket
from complaintflow.metrics._facts import Period, TicketFacts

__all__ = ["ALERTS", "RECIPIENTS", "STAFF_KINDS", "StaffNotices", "staff_notices_of"]

#: The staff kinds, in the order the report lists them.
STAFF_KINDS = ("routed", "sla_alert", "survey_reopened", "approval_waiting", "praise_forwarded")
#: The SLA alert kinds that tell staff (the in-advance notice is the customer's).
ALERTS = ("warning", "breach", "escalation")
RECIPIENTS = ("role", "department", "user")


@attrs.frozen
class StaffNotices:
    """The month's staff notifications and the customer's delay notices and apologies."""

    by_kind: Mapping[str, int] = attrs.field(hash=False)
    alerts: Mapping[str, int] = attrs.field(hash=False)
    by_recipient: Mapping[str, int] = attrs.field(hash=False)
    delay_notices: int = 0
    committed: int = 0
    breached_after_notice: int = 0
    apologies: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    @classmethod
    def empty(cls) -> StaffNotices:
        return cls(
            dict.fromkeys(STAFF_KINDS, 0), dict.fromkeys(ALERTS, 0), dict.fromkeys(RECIPIENTS, 0)
        )


class _AsOf:
    """The ticket after each event, folded forward only when an alert asks for it."""

    def __init__(self, events: Sequence[e.Event]) -> None:
        self.events = events
        self.ticket: Ticket | None = None
        self.upto = -1

    def after(self, index: int) -> Ticket:
        if self.ticket is None:
            self.ticket, self.upto = replay(self.events[:1]), 0
        while self.upto < index:
            self.upto += 1
            self.ticket = evolve(self.ticket, self.events[self.upto])
        return self.ticket


def _alert_recipient(alert: e.SlaAlerted, ticket: Ticket) -> str:
    """The kind of recipient the sweep chose, by the same rule."""
    return sla_alert_recipient(
        escalation_role=alert.role if alert.kind == "escalation" else None,
        assignee=ticket.assignee,
        department=ticket.department,
    ).kind.value


def _queued_recipient(ticket_id: str, p: e.NotificationQueued) -> str:
    """The recipient kind at the end of a staff key: ``TICKET:KIND[:SEQ]:KIND:NAME``."""
    rest = p.key.removeprefix(f"{ticket_id}:{p.kind}:")
    if p.kind != "routed":
        rest = rest.partition(":")[2]
    kind, colon, _ = rest.partition(":")
    return kind if colon and kind in RECIPIENTS else "role"  # a bare name is a role


def staff_notices_of(items: Iterable[TicketFacts], period: Period) -> StaffNotices:
    """The notifications queued in ``period`` (see the module docstring)."""
    kinds: Counter[str] = Counter(dict.fromkeys(STAFF_KINDS, 0))
    alerts: Counter[str] = Counter(dict.fromkeys(ALERTS, 0))
    recipients: Counter[str] = Counter(dict.fromkeys(RECIPIENTS, 0))
    notices = committed = breached = apologies = 0
    for f in items:
        tid, state = f.ticket.id, _AsOf(f.events)
        promised: set[str] = set()
        noticed = late = False
        for index, event in enumerate(f.events):
            p, mine = event.payload, event.at in period
            if isinstance(p, e.TimeCommitted):
                promised.add(f"{tid}:delay_notice:{event.seq}")
            elif isinstance(p, e.NotificationQueued) and mine:
                if p.kind in STAFF_KINDS:
                    kinds[p.kind] += 1
                    recipients[_queued_recipient(tid, p)] += 1
                elif p.kind == "delay_notice":
                    notices += 1
                    committed += p.key in promised
                    noticed = True
                elif p.kind == "overdue_apology":
                    apologies += 1
            elif isinstance(p, e.SlaAlerted) and p.kind in ALERTS:
                late = late or (noticed and p.kind == "breach" and p.metric == "resolution")
                if mine:
                    kinds["sla_alert"] += 1
                    alerts[p.kind] += 1
                    recipients[_alert_recipient(p, state.after(index))] += 1
        breached += late
    return StaffNotices(
        dict(kinds), dict(alerts), dict(recipients), notices, committed, breached, apologies
    )
