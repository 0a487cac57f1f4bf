"""The conversation: replies to the customer, comments and attachments."""

from __future__ import annotations

from typing import ClassVar

import attrs

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    ANYONE,
    STAFF,
    STAFF_OR_CUSTOMER,
    Changes,
    Command,
    Situation,
    Trigger,
    flag,
    instance_of,
    short,
    text,
)
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Attachment

__all__ = ["TRIGGERS", "Attach", "Attached", "Comment", "Commented", "Respond", "Responded"]


@attrs.frozen
class Respond(Command):
    """Contact with the customer (call, message); the first one stops the FRT clock."""

    trigger: ClassVar[str] = "respond"
    message: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class Responded(Payload):
    """Contact with the customer; the first one stops the first-response clock."""

    type: ClassVar[str] = "responded"
    message: str = attrs.field(repr=redacted_repr)
    first: bool


def _respond(command: Respond, now: Situation) -> Responded:
    return Responded(command.message, first=now.ticket.first_response_at is None)


def _responded(t: Ticket, ev: Event, p: Responded) -> Changes:
    return {"first_response_at": ev.at} if p.first else {}


def _say_responded(p: Responded) -> str:
    return ("first response" if p.first else "responded") + f": {short(p.message)}"


@attrs.frozen
class Comment(Command):
    trigger: ClassVar[str] = "comment"
    text: str = attrs.field(validator=text, repr=redacted_repr)
    internal: bool = attrs.field(default=True, kw_only=True, validator=flag)


@attrs.frozen
class Commented(Payload):
    type: ClassVar[str] = "commented"
    text: str = attrs.field(repr=redacted_repr)
    internal: bool


def _comment(command: Comment, now: Situation) -> Commented:
    return Commented(command.text, command.internal)


def _commented(t: Ticket, ev: Event, p: Commented) -> Changes:
    return {}


def _say_commented(p: Commented) -> str:
    audience = "internal note" if p.internal else "comment to customer"
    return f"{audience}: {short(p.text)}"


@attrs.frozen
class Attach(Command):
    trigger: ClassVar[str] = "attach"
    attachment: Attachment = attrs.field(validator=instance_of(Attachment))


@attrs.frozen
class Attached(Payload):
    type: ClassVar[str] = "attached"
    attachment: Attachment


def _attach(command: Attach, now: Situation) -> Attached:
    return Attached(command.attachment)


def _attached(t: Ticket, ev: Event, p: Attached) -> Changes:
    return {"attachments": (*t.attachments, p.attachment)}


def _say_attached(p: Attached) -> str:
    return f"attached {p.attachment.name} ({p.attachment.media_type})"


TRIGGERS = (
    Trigger(Respond, Responded, _respond, _responded, _say_responded, by=STAFF),
    Trigger(Comment, Commented, _comment, _commented, _say_commented, by=ANYONE),
    Trigger(Attach, Attached, _attach, _attached, _say_attached, by=STAFF_OR_CUSTOMER),
)
