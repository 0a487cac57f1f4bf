"""What follows a change of a ticket: customer notifications and the next SLA deadline.

After every command the desk asks :class:`FollowUp` two things, both pure:
which node notifications the new events call for (they are recorded as
``notification_queued`` events *and* written to the outbox in the same
transaction), and when the store should next wake the sweep for this
ticket (the earliest SLA threshold not yet alerted, or the staff
calendar's opening when alerts would be held until then).

Every per-ticket lookup goes through the policy version the ticket was
stamped with (:meth:`FollowUp.policy_of`), never the desk's current
policy: a host that upgrades its policy keeps measuring, warning and
escalating open tickets under the rules they were opened with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.commands.promise import TimeCommitted
from complaintflow.domain.fold import evolve, fold_clocks
from complaintflow.domain.lifecycle import TRANSITIONS, LifecycleRules, apply
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor
from complaintflow.errors import ValidationError
from complaintflow.service.notifications import (
    Notification,
    NotificationKind,
    Templates,
    compose,
    node_of,
)
from complaintflow.service.staff import event_notices, routed_notices
from complaintflow.sla.alerts import AlertPlan, alert_key, alert_steps, due_alerts
from complaintflow.sla.measure import SlaPolicyMismatch, SlaStatus, measure, reach
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessTime
from complaintflow.storage.protocol import OutboxItem

__all__ = ["SYSTEM", "FollowUp", "notification_from_outbox", "to_outbox"]

#: The actor the desk records its own bookkeeping as.
SYSTEM = Actor.system("complaintflow")


def to_outbox(notification: Notification, *, audience: str = "customer") -> OutboxItem:
    """The outbox item that carries ``notification`` to a :class:`Notifier`."""
    payload: dict[str, Any] = {
        "audience": audience,
        "kind": notification.kind.value,
        "key": notification.key,
        "recipient": notification.recipient,
        "contact": notification.contact,
        "lang": notification.lang,
        "subject": notification.subject,
        "body": notification.body,
    }
    return OutboxItem(
        id=notification.key,
        ticket_id=notification.ticket_id,
        kind=notification.kind.value,
        payload=payload,
        created_at=notification.created_at,
    )


def notification_from_outbox(item: OutboxItem) -> Notification:
    p = item.payload
    try:
        return Notification(
            p["key"],
            item.ticket_id,
            NotificationKind(p["kind"]),
            p["recipient"],
            p["contact"],
            p["lang"],
            p["subject"],
            p["body"],
            item.created_at,
        )
    except (KeyError, ValueError) as error:
        raise ValidationError(
            f"outbox item {item.id} is not a notification: {error!r}", field="outbox"
        ) from None


#: Statuses in which the sweep can still record an alert; in any other (closed, merged,
#: withdrawn) a due date would make every sweep visit the ticket and record nothing.
_ALERTABLE = frozenset(
    status for row in TRANSITIONS if row.trigger == "alert" for status in row.sources
)


def _share(_: object, __: object, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValidationError(
            f"notice must be a share of the resolution budget between 0 and 1 (say 0.9), "
            f"or None for no in-advance notice; got {value!r}",
            field="notice",
        )


@attrs.frozen
class FollowUp:
    """The desk's bookkeeping rules: SLA policy versions, calendars, templates.

    ``policy`` is the current version (new tickets are stamped with it),
    ``history`` the earlier versions open tickets may still carry.
    ``staff_calendar`` is when staff take alerts: a threshold reached
    while it is closed is held (see :func:`due_alerts`), so the ticket is
    only due again when it opens.  ``notice`` is the share of a resolution
    budget at which the sweep tells the customer, in advance, that the
    promise will slip (seed 001 §4.1); None turns the notice off.
    """

    rules: LifecycleRules
    policy: SlaPolicy | None = None
    history: Mapping[str, SlaPolicy] = attrs.field(factory=dict)
    calendar: BusinessTime | None = None
    templates: Templates = attrs.field(factory=Templates)
    lang: str = "zh-CN"
    zone: str = "Asia/Shanghai"
    notify: bool = True
    staff_calendar: BusinessTime | None = None
    notice: float | None = attrs.field(default=0.9, validator=_share)

    def __attrs_post_init__(self) -> None:
        if self.policy is not None and self.calendar is None:
            raise ValidationError(
                "an SLA policy needs a calendar: pass calendar=BusinessCalendar(...)",
                field="calendar",
            )

    @property
    def book(self) -> dict[str, SlaPolicy]:
        book = dict(self.history)
        if self.policy is not None:
            book[self.policy.version] = self.policy
        return book

    def status(self, ticket: Ticket, now: dt.datetime) -> SlaStatus | None:
        """The ticket's SLA clocks at ``now``, under the version it was stamped with."""
        if self.policy is None or self.calendar is None or ticket.sla is None:
            return None
        return measure(ticket, self.book, self.calendar, now)

    def complete(
        self, ticket: Ticket, log: Sequence[e.Event], now: pendulum.DateTime
    ) -> tuple[Ticket, list[e.Event]]:
        """A ticket stored without SLA clocks, given them once from its log.

        Tickets stored before the clocks lived in the snapshot (or opened by
        a desk without a policy) have none; this re-folds their log once,
        under the stamped version's rules, and records the result as an
        ``sla_stamped`` event by the system, so that replaying the log gives
        the same clocks.  It is a data migration, not a decision: no command
        and no role is involved (a host's restamp is a supervisor's).
        """
        if self.policy is None or ticket.sla is not None:
            return ticket, []
        version = ticket.sla_version or self.policy.version
        policy = self.book.get(version)
        if policy is None:
            raise SlaPolicyMismatch(ticket.id, version, sorted(self.book))
        clocks = fold_clocks(log, version, policy.clock_rules())
        event = e.Event(
            ticket.id,
            ticket.last_seq + 1,
            ticket.version + 1,
            max(instant(now, "now"), ticket.updated_at),
            SYSTEM,
            ticket.status,
            e.SlaStamped(version, "SLA clocks completed from the log", clocks),
        )
        return evolve(ticket, event), [event]

    def policy_of(self, status: SlaStatus) -> SlaPolicy:
        """The policy ``status`` was measured under: the ticket's stamped version.

        Warnings and the escalation ladder must come from the same version
        as the targets, or an upgrade would escalate an open ticket along a
        ladder it was never promised (and skip the steps it was).
        """
        return self.book[status.policy_version]

    def plan(self, status: SlaStatus) -> AlertPlan:
        """The alerts the ticket has passed at ``status.now``, on its own policy version.

        Alerts are held while the staff calendar is closed; this is what
        the sweep records (each key once) and what :meth:`next_due` plans for.
        """
        assert self.calendar is not None  # a status exists only with a policy and calendar
        return due_alerts(
            status,
            self.policy_of(status),
            self.calendar,
            staff_calendar=self.staff_calendar,
            notice=self.notice,
        )

    def _staffed(self, at: pendulum.DateTime, now: pendulum.DateTime) -> pendulum.DateTime:
        """When the sweep can act on a threshold reached at ``at``.

        An alert is held while the staff calendar is closed, so waking the
        sweep before it opens would load the ticket for nothing: a threshold
        reached (or still unrecorded at ``now``) outside staff hours is due
        at the next opening.  Otherwise ``at`` itself, so the most overdue
        tickets still come first.
        """
        if self.staff_calendar is None:
            return at
        when = max(at, now)
        return at if self.staff_calendar.is_open(when) else self.staff_calendar.next_open(when)

    def next_due(
        self,
        ticket: Ticket,
        now: pendulum.DateTime,
        *,
        status: SlaStatus | None = None,
        plan: AlertPlan | None = None,
    ) -> pendulum.DateTime | None:
        """When the sweep should next look at this ticket (None: nothing pending).

        A paused clock (the ticket waits on the customer) has no next
        threshold until it runs again, and a ticket that can take no more
        alerts has no due date at all: either would leave the ticket due
        for every sweep to visit while it records nothing.  For the same
        reason a threshold the staff calendar would hold is due when that
        calendar opens (the release time), not when it was reached.  The
        thresholds are those of the ticket's stamped policy version, and the
        alerts already recorded come from the snapshot's clocks.
        ``status`` is the SLA status at ``now`` if the caller already
        measured it (the sweep does: the alerts and notifications it adds
        move no clock), and ``plan`` its :meth:`plan` of that status.
        """
        if ticket.status not in _ALERTABLE or ticket.sla is None:
            return None
        status = status or self.status(ticket, now)
        if status is None or self.calendar is None:
            return None
        policy = self.policy_of(status)
        done = ticket.sla.alerts
        passed = (
            plan.due + plan.held
            if plan is not None  # held or not: staffed below
            else due_alerts(status, policy, self.calendar, notice=self.notice).due
        )
        pending = [alert.at for alert in passed if alert.key not in done]
        if pending:
            return self._staffed(min(pending), now)
        # A threshold alerted once stays done for its cycle, even when an override (say
        # P1 -> P2) moved the target so that the clock is below it again: the sweep will
        # not record it twice, so it must not make the ticket due either.
        upcoming = []
        for clock in status.clocks:
            if not clock.ticking:
                continue
            steps = alert_steps(policy, notice=self.notice, metric=clock.metric)
            amounts = [
                clock.budget * fraction
                for kind, fraction, role, _ in steps
                if clock.consumed < clock.budget * fraction
                and alert_key(ticket.id, clock.metric, clock.cycle, kind, fraction, role)
                not in done
            ]
            if amounts:  # a clock reaches its smallest threshold first: one projection
                upcoming.append(reach(clock, min(amounts), self.calendar))
        return self._staffed(min(upcoming), now) if upcoming else None

    def after(
        self,
        ticket: Ticket,
        new: Sequence[e.Event],
        now: pendulum.DateTime,
        *,
        routed: Sequence[str] = (),
    ) -> tuple[Ticket, list[e.Event], list[OutboxItem], pendulum.DateTime | None]:
        """The follow-ups of ``new`` (the events that made ``ticket``): notifications and
        the next due time.

        Returns the ticket grown by the ``notification_queued`` events, those
        events, their outbox items and the ticket's next due time.  The SLA
        clocks are measured once: queued notifications move no clock.
        ``routed`` is routing's ``notify`` at intake: staff to tell, once.
        Staff notifications are queued whether or not customers are
        notified (``notify``): they are the desk's own work list.
        """
        status = self.status(ticket, now)
        events: list[e.Event] = []
        outbox: list[OutboxItem] = []
        for event in new if self.notify else ():
            kind = node_of(event)
            if kind is None:
                continue
            metric = "first_response" if kind is NotificationKind.ACCEPTED else "resolution"
            clock = status.current(metric) if status is not None else None
            expected = clock.due_at if clock is not None else None
            extra: dict[str, str] = {}
            if isinstance(event.payload, TimeCommitted):  # the assignee's in-advance notice
                extra = {"promised": self.shown(expected), "reason": _sentence(event.payload)}
                expected = event.payload.at
            elif isinstance(event.payload, e.ResolvedAtFirstContact):  # 解答如下：the answer
                extra = {"result": event.payload.answer}
            notification = compose(
                kind,
                ticket,
                key=f"{ticket.id}:{kind}:{event.seq}",
                at=now,
                expected=expected,
                lang=self.lang,
                zone=self.zone,
                templates=self.templates,
                extra=extra,
            )
            ticket, more = self.queue(ticket, notification, now)
            events += more
            outbox.append(to_outbox(notification))
        lang, zone, templates = self.lang, self.zone, self.templates
        staff = [
            *routed_notices(ticket, routed, at=now, lang=lang, zone=zone, templates=templates),
            *event_notices(ticket, new, at=now, lang=lang, zone=zone, templates=templates),
        ]
        for notification in staff:
            ticket, more = self.queue(ticket, notification, now)
            events += more
            outbox.append(to_outbox(notification, audience="staff"))
        due = self.next_due(ticket, now, status=status) if status is not None else None
        return ticket, events, outbox, due

    def queue(
        self, ticket: Ticket, notification: Notification, now: pendulum.DateTime
    ) -> tuple[Ticket, list[e.Event]]:
        """The ``notification_queued`` event that records ``notification`` in the log."""
        return apply(
            ticket,
            c.QueueNotification(notification.key, notification.kind, self.lang),
            actor=SYSTEM,
            at=now,
            rules=self.rules,
            continue_batch=True,
        )

    def shown(self, moment: dt.datetime | None) -> str:
        """``moment`` as the customer reads it: local office time, to the minute."""
        if moment is None:
            return ""
        return pendulum.instance(moment).in_timezone(self.zone).format("YYYY-MM-DD HH:mm")


def _sentence(payload: TimeCommitted) -> str:
    """The assignee's reason as a sentence of the notice ("原因：…。")."""
    reason = payload.reason.strip().rstrip("。.")
    return f"{reason}。" if any("\u4e00" <= ch <= "\u9fff" for ch in reason) else f"{reason}. "
