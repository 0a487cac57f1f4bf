"""Which staff notifications a change calls for, and to whom.

Customer notifications follow the ticket's nodes
(:func:`~complaintflow.service.notifications.node_of`); staff are told
when someone must act:

- routing's ``notify`` (seed 001 §2.2: P1 product quality -> the quality
  director, 「同时通过邮件和系统消息通知他」), once, when intake routes;
- an unsatisfied survey reopened the ticket (seed 000 §2.4.2: 「由客服主管
  牵头分析原因」): the supervisor role;
- a solution waits for a sign-off: the role the next step needs;
- praise names a colleague (seed 000 §2.3.1: 表扬类 转发至被表扬员工): that
  user, named by a ``praised:NAME`` tag on the ticket.

SLA warnings, breaches and escalation steps are the sweep's
(:func:`alert_recipient`).  Every staff notification's key is its outbox
item id and names the ticket, the cause (the event's ``seq``, or the
routing at intake) and the recipient, so one cause queues one item per
recipient, and a second sweep or a retried command finds it already there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from complaintflow.domain import events as e
from complaintflow.domain.recipients import Recipient, sla_alert_recipient
from complaintflow.domain.redaction import redact
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Kind, Role, Status
from complaintflow.service.notifications import (
    Notification,
    NotificationKind,
    Templates,
    compose,
)
from complaintflow.sla.alerts import Alert, AlertKind

__all__ = ["PRAISED_TAG", "alert_recipient", "event_notices", "praised", "routed_notices"]

#: A ticket tag naming the colleague a customer praised: ``praised:wang.li``.
PRAISED_TAG = "praised:"


def praised(ticket: Ticket) -> tuple[Recipient, ...]:
    """The colleagues the ticket's ``praised:NAME`` tags name, as users."""
    return tuple(
        Recipient.user(tag.removeprefix(PRAISED_TAG).strip())
        for tag in ticket.tags
        if tag.startswith(PRAISED_TAG) and tag.removeprefix(PRAISED_TAG).strip()
    )


def alert_recipient(alert: Alert, ticket: Ticket) -> Recipient:
    """Who an SLA alert is for (:func:`~complaintflow.domain.recipients.sla_alert_recipient`)."""
    return sla_alert_recipient(
        escalation_role=alert.role if alert.kind is AlertKind.ESCALATION else None,
        assignee=ticket.assignee,
        department=ticket.department,
    )


def _causes(ticket: Ticket, event: e.Event) -> Iterable[tuple[NotificationKind, Recipient, str]]:
    """(kind, recipient, role field) for each staff notification ``event`` calls for."""
    p = event.payload
    if isinstance(p, e.SurveyRecorded | e.SurveyAnswered) and p.reopened:
        yield NotificationKind.SURVEY_REOPENED, Recipient.role(Role.SUPERVISOR), Role.SUPERVISOR
    waiting = event.status is Status.AWAITING_APPROVAL and ticket.solution is not None
    if waiting and isinstance(p, e.SolutionProposed | e.Approved):
        assert ticket.solution is not None
        role = ticket.solution.next_role
        if role is not None:
            yield NotificationKind.APPROVAL_WAITING, Recipient.role(role), role
    became_praise = (isinstance(p, e.Triaged) and p.kind is Kind.PRAISE) or (
        isinstance(p, e.Overridden) and p.kind is Kind.PRAISE
    )
    if became_praise:
        for user in praised(ticket):
            yield NotificationKind.PRAISE_FORWARDED, user, ""


def _answer(payload: e.SurveyRecorded | e.SurveyAnswered, lang: str) -> str:
    """The unsatisfied answer as the supervisor reads it: score and (redacted) comment."""
    answer = payload.response
    zh = lang.startswith("zh")
    parts = ["不满意" if zh else "unsatisfied"]
    if answer.csat is not None:
        parts.append(f"CSAT {answer.csat}")
    if answer.comment:
        parts.append(f"“{redact(answer.comment)}”")
    return ("，" if zh else ", ").join(parts)


def event_notices(
    ticket: Ticket,
    new: Sequence[e.Event],
    *,
    at: dt.datetime,
    lang: str,
    zone: str,
    templates: Templates,
) -> list[Notification]:
    """The staff notifications ``new`` (the events that made ``ticket``) call for."""
    found: list[Notification] = []
    for event in new:
        for kind, recipient, role in _causes(ticket, event):
            reason = ""
            if isinstance(event.payload, e.SurveyRecorded | e.SurveyAnswered):
                reason = _answer(event.payload, lang)
            found.append(
                compose(
                    kind,
                    ticket,
                    key=f"{ticket.id}:{kind}:{event.seq}:{recipient}",
                    at=at,
                    lang=lang,
                    zone=zone,
                    templates=templates,
                    extra={"role": str(role), "reason": reason},
                    recipient=str(recipient),
                )
            )
    return found


def routed_notices(
    ticket: Ticket,
    recipients: Iterable[str],
    *,
    at: dt.datetime,
    lang: str,
    zone: str,
    templates: Templates,
) -> list[Notification]:
    """Routing's ``notify``, once per recipient: intake routes a ticket once."""
    found = []
    for recipient in dict.fromkeys(map(Recipient.parse, recipients)):
        found.append(
            compose(
                NotificationKind.ROUTED,
                ticket,
                key=f"{ticket.id}:{NotificationKind.ROUTED}:{recipient}",
                at=at,
                lang=lang,
                zone=zone,
                templates=templates,
                extra={"role": recipient.name},
                recipient=str(recipient),
            )
        )
    return found
