"""Bookkeeping: the SLA policy stamp, outbox entries and SLA alerts.

These record what the desk and the sweep did around a ticket; only the
stamp is a person's decision (a supervisor's, audited).
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    STAFF,
    SYSTEM,
    Changes,
    Command,
    Situation,
    Trigger,
    flag,
    text,
)
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.sla_state import SlaClocks
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Role, parse_enum

__all__ = [
    "TRIGGERS",
    "NotificationQueued",
    "QueueNotification",
    "RecordAlert",
    "RestampSla",
    "SlaAlerted",
    "SlaStamped",
]


def _due(value: object) -> pendulum.DateTime:
    return instant(value, "due_at")


def _role(value: object) -> Role | None:
    return None if value is None else parse_enum(Role, value, "role")


def _by_type(p: Payload) -> str:
    return p.type  # machine bookkeeping: its stored name is the clearest wording


@attrs.frozen
class RestampSla(Command):
    """Measure the ticket under another SLA policy version from now on (audited)."""

    trigger: ClassVar[str] = "restamp_sla"
    version: str = attrs.field(validator=text)
    reason: str = attrs.field(validator=text, repr=redacted_repr)
    #: The clocks re-folded from the log under the new version (the desk computes them).
    clocks: SlaClocks | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class SlaStamped(Payload):
    """The SLA policy version the ticket is measured under from now on."""

    type: ClassVar[str] = "sla_stamped"
    version: str
    reason: str | None = attrs.field(default=None, repr=redacted_repr)
    #: The clock state from this event on, computed under the new version's rules (absent
    #: in logs written before clocks lived in the snapshot).
    clocks: SlaClocks | None = None


def _restamp(command: RestampSla, now: Situation) -> SlaStamped:
    return SlaStamped(command.version, command.reason, command.clocks)


def _stamped(t: Ticket, ev: Event, p: SlaStamped) -> Changes:
    return {"sla_version": p.version, "sla": p.clocks}


@attrs.frozen
class QueueNotification(Command):
    """Record that a customer notification went to the outbox (the desk does this)."""

    trigger: ClassVar[str] = "notify"
    key: str = attrs.field(validator=text)
    kind: str = attrs.field(validator=text)
    lang: str = attrs.field(default="zh-CN", validator=text)


@attrs.frozen
class NotificationQueued(Payload):
    """A customer notification was written to the outbox (delivered at least once)."""

    type: ClassVar[str] = "notification_queued"
    key: str
    kind: str
    lang: str


def _queued(t: Ticket, ev: Event, p: NotificationQueued) -> Changes:
    return {}


@attrs.frozen
class RecordAlert(Command):
    """Record an SLA warning, breach or escalation step (the sweep does this)."""

    trigger: ClassVar[str] = "alert"
    key: str = attrs.field(validator=text)
    metric: str = attrs.field(validator=text)
    cycle: int = attrs.field(validator=attrs.validators.instance_of(int))
    kind: str = attrs.field(validator=text)
    threshold: float = attrs.field(validator=attrs.validators.instance_of((int, float)))
    due_at: pendulum.DateTime = attrs.field(converter=_due)
    role: Role | None = attrs.field(default=None, kw_only=True, converter=_role)
    reassign: bool = attrs.field(default=False, kw_only=True, validator=flag)


@attrs.frozen
class SlaAlerted(Payload):
    """An SLA warning, breach or escalation step, recorded once per ``key``."""

    type: ClassVar[str] = "sla_alerted"
    key: str
    metric: str
    cycle: int
    kind: str
    threshold: float
    due_at: pendulum.DateTime
    role: Role | None = None
    reassign: bool = False


def _alert(command: RecordAlert, now: Situation) -> SlaAlerted:
    return SlaAlerted(
        command.key,
        command.metric,
        command.cycle,
        command.kind,
        command.threshold,
        command.due_at,
        command.role,
        command.reassign,
    )


def _alerted(t: Ticket, ev: Event, p: SlaAlerted) -> Changes:
    if p.reassign and p.role is not None and (t.escalated_to is None or t.escalated_to < p.role):
        return {"escalated_to": p.role}
    return {}


TRIGGERS = (
    Trigger(
        RestampSla, SlaStamped, _restamp, _stamped, _by_type, by=STAFF, min_role=Role.SUPERVISOR
    ),
    Trigger(
        QueueNotification,
        NotificationQueued,
        lambda command, now: NotificationQueued(command.key, command.kind, command.lang),
        _queued,
        _by_type,
        by=SYSTEM,
    ),
    Trigger(RecordAlert, SlaAlerted, _alert, _alerted, _by_type, by=SYSTEM),
)
