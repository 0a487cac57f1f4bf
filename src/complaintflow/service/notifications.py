"""Node notifications to the customer and notifications to staff (seed 001 §2.2, §4.1;
seed 000 §2.3.3).

At five points of a ticket's life the customer is told where things
stand: accepted (with the ticket number), in progress (department and
expected time), solution ready, an overdue apology with a new expected
time, and the result; and, before a resolution is late, an in-advance
notice with a new committed time.  Accepted and result are worded per
kind of feedback (complaint, suggestion, inquiry, praise), as seed 000
§2.3.3 scripts them.  Staff are told too (:attr:`NotificationKind.to_staff`):
routing's ``notify``, SLA warnings, breaches and escalations, a reopen
after an unsatisfied survey, a solution awaiting approval, praise for a
named colleague.  This module only *composes* them, in zh-CN or English
from templates a host may override; the desk writes them to the store's
outbox in the same transaction as the events, and a :class:`Notifier`
delivers them at least once.
"""

from __future__ import annotations

import datetime as dt
import enum
import string
from collections.abc import Mapping
from typing import Protocol, runtime_checkable

import attrs
import pendulum

from complaintflow.domain import events as e
from complaintflow.domain.commands.promise import TimeCommitted
from complaintflow.domain.redaction import redact
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import mask_email, mask_phone
from complaintflow.domain.vocabulary import Kind
from complaintflow.durations import remaining
from complaintflow.errors import ValidationError
from complaintflow.service.wording import BY_FEEDBACK, CUSTOMER, MORE

__all__ = [
    "TEMPLATES",
    "Notification",
    "NotificationKind",
    "Notifier",
    "Templates",
    "compose",
    "node_of",
]


class NotificationKind(enum.StrEnum):
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    SOLUTION_READY = "solution_ready"
    OVERDUE_APOLOGY = "overdue_apology"
    RESULT = "result"
    DELAY_NOTICE = "delay_notice"  # before the resolution is late, with a new time
    # to staff, not the customer
    SLA_ALERT = "sla_alert"
    ROUTED = "routed"
    SURVEY_REOPENED = "survey_reopened"
    APPROVAL_WAITING = "approval_waiting"
    PRAISE_FORWARDED = "praise_forwarded"

    @property
    def to_staff(self) -> bool:
        return self in _STAFF


_STAFF = frozenset(
    {
        NotificationKind.SLA_ALERT,
        NotificationKind.ROUTED,
        NotificationKind.SURVEY_REOPENED,
        NotificationKind.APPROVAL_WAITING,
        NotificationKind.PRAISE_FORWARDED,
    }
)

#: A template key: a kind, or a kind worded for one kind of feedback.
TemplateKey = NotificationKind | tuple[NotificationKind, Kind]


#: Built-in templates by language and kind: (subject, body), ``str.format`` fields;
#: the wording itself lives in :mod:`complaintflow.service.wording`.
TEMPLATES: Mapping[str, Mapping[TemplateKey, tuple[str, str]]] = {
    lang: {
        **{NotificationKind(kind): pair for kind, pair in kinds.items()},
        **{NotificationKind(kind): pair for kind, pair in MORE[lang].items()},
        **{
            (NotificationKind(kind), Kind(feedback)): pair
            for (kind, feedback), pair in BY_FEEDBACK[lang].items()
        },
    }
    for lang, kinds in CUSTOMER.items()
}

_FIELDS = frozenset(
    {
        "number",
        "category",
        "priority",
        "assignee",
        "customer",
        "summary",
        "promised",
        "reason",
        "department",
        "expected",
        "remaining",
        "solution",
        "result",
        "metric",
        "alert",
        "role",
    }
)


def _check_key(lang: str, key: object) -> None:
    try:
        if isinstance(key, tuple):
            kind, feedback = key
            NotificationKind(str(kind)), Kind(str(feedback))
        else:
            NotificationKind(str(key))
    except (TypeError, ValueError):
        raise ValidationError(
            f"template key {key!r} for {lang} is neither a NotificationKind nor a "
            "(NotificationKind, Kind) pair",
            field="templates",
        ) from None


def _check_templates(
    value: Mapping[str, Mapping[TemplateKey, tuple[str, str]]],
) -> Mapping[str, Mapping[TemplateKey, tuple[str, str]]]:
    for lang, kinds in value.items():
        for kind, pair in kinds.items():
            _check_key(lang, kind)
            for text in pair:
                names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
                if names - _FIELDS:
                    raise ValidationError(
                        f"template {lang}/{kind} uses unknown fields {sorted(names - _FIELDS)}; "
                        f"available: {', '.join(sorted(_FIELDS))}",
                        field="templates",
                    )
    return value


@attrs.frozen
class Templates:
    """Templates by language; a host's own override the built-ins kind by kind.

    A key is a :class:`NotificationKind` or a ``(NotificationKind, Kind)``
    pair worded for one kind of feedback (seed 000 §2.3.3).  The most
    specific wins, the host's before the built-in at each level: the
    host's pair, the host's kind, the built-in pair, the built-in kind.
    So a host that rewords ``ACCEPTED`` gets its wording for every kind
    of feedback unless it also words a pair.
    """

    overrides: Mapping[str, Mapping[TemplateKey, tuple[str, str]]] = attrs.field(
        factory=dict, converter=_check_templates
    )

    def get(
        self, lang: str, kind: NotificationKind, feedback: Kind | None = None
    ) -> tuple[str, str]:
        own = self.overrides.get(lang, {})
        built = TEMPLATES.get(lang, {})
        pair = None if feedback is None else (kind, feedback)
        for source, key in ((own, pair), (own, kind), (built, pair)):
            if key is not None and key in source:
                return source[key]
        try:
            return TEMPLATES[lang][kind]
        except KeyError:
            known = sorted({*TEMPLATES, *self.overrides})
            raise ValidationError(
                f"no {kind} template for language {lang!r}; known: {known}", field="lang"
            ) from None


@attrs.frozen
class Notification:
    """A message for the customer, ready for the outbox.

    ``key`` is unique per ticket and node (the event that caused it), so a
    host delivering twice can recognise the duplicate.
    """

    key: str
    ticket_id: str
    kind: NotificationKind
    recipient: str | None
    contact: str | None
    lang: str
    subject: str
    body: str
    created_at: pendulum.DateTime

    def staff_view(self) -> str:
        """One line for staff screens and logs: the contact appears masked."""
        contact = self.contact or "no contact"
        masked = mask_email(contact) if "@" in contact else mask_phone(contact)
        return (
            f"[{self.kind}] {self.ticket_id} → {self.recipient or 'anonymous'} ({masked}): "
            f"{self.subject}"
        )

    def __repr__(self) -> str:
        return f"Notification({self.key!r}, {self.kind}, to={self.recipient!r})"


@runtime_checkable
class Notifier(Protocol):
    """Delivers one notification (SMS, e-mail, app push); raise to have it retried."""

    def send(self, notification: Notification) -> None: ...


def node_of(event: e.Event) -> NotificationKind | None:
    """Which customer notification an event calls for, if any."""
    p = event.payload
    if isinstance(p, e.Received):
        return NotificationKind.ACCEPTED
    if isinstance(p, e.InvestigationStarted):
        return NotificationKind.IN_PROGRESS
    if event.status.value == "awaiting_customer" and isinstance(p, e.SolutionProposed | e.Approved):
        return NotificationKind.SOLUTION_READY
    if isinstance(p, e.Completed | e.ResolvedAtFirstContact):
        return NotificationKind.RESULT
    if isinstance(p, TimeCommitted):
        return NotificationKind.DELAY_NOTICE
    return None


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _local(moment: dt.datetime | None, zone: str, lang: str) -> str:
    if moment is None:
        return "尽快" if lang.startswith("zh") else "as soon as possible"
    local = pendulum.instance(moment).in_timezone(zone)
    return local.format("YYYY-MM-DD HH:mm")


def compose(
    kind: NotificationKind,
    ticket: Ticket,
    *,
    key: str,
    at: dt.datetime,
    expected: dt.datetime | None = None,
    lang: str = "zh-CN",
    zone: str = "Asia/Shanghai",
    templates: Templates | None = None,
    extra: Mapping[str, str] | None = None,
    recipient: str | None = None,
) -> Notification:
    """Fill ``kind``'s template for ``ticket``; ``expected`` is the promised time.

    ``extra`` fills the staff alert's ``metric``, ``alert`` and ``role``,
    the notice's ``promised`` and ``reason``.  ``recipient`` is a staff
    notification's ``role:``/``department:``/``user:`` string (see
    :class:`~complaintflow.domain.recipients.Recipient`).  Staff
    notifications carry no customer contact at all, and every text they
    quote (summary, solution) is redacted.
    """
    subject_t, body_t = (templates or Templates()).get(lang, kind, ticket.kind)
    zh = lang.startswith("zh")
    staff = kind.to_staff
    solution = ticket.solution
    offer = ""
    if solution is not None:
        amount = f"（{solution.amount}）" if zh else f" ({solution.amount})"
        offer = solution.text + (amount if solution.amount else "")
        offer = redact(offer) if staff else offer
    nobody = "未指派" if zh else "unassigned"
    fields = {
        "number": ticket.number,
        "category": str(ticket.category or ("未分类" if zh else "unclassified")),
        "priority": str(ticket.priority or "-"),
        "assignee": ticket.assignee or nobody,
        "customer": str(ticket.customer) if ticket.customer else ("匿名" if zh else "anonymous"),
        "summary": _short(redact(ticket.description)),
        "promised": "",
        "reason": "",
        "department": ticket.department or ("客服中心" if zh else "our team"),
        "expected": _local(expected, zone, lang),
        # how far the promise is from now, written as every other duration is
        "remaining": "" if expected is None else remaining(expected - at, "zh" if zh else "en"),
        "solution": offer,
        "result": offer or ("已解答" if zh else "answered"),
        "metric": "",
        "alert": "",
        "role": "",
        **(extra or {}),
    }
    customer = ticket.customer
    if staff:
        recipient, contact = recipient or fields["role"] or ticket.assignee, None
    else:
        recipient = customer.id if customer else None
        contact = (customer.phone or customer.email) if customer else None
    return Notification(
        key,
        ticket.id,
        kind,
        recipient,
        contact,
        lang,
        subject_t.format(**fields),
        body_t.format(**fields),
        pendulum.instance(at),
    )
