"""A promise to the customer: the new time by which a late ticket will be resolved.

Seed 001 §4.1: 「如果处理过程预计会超过原先承诺的时间，必须提前主动告知客户，
解释原因并提供新的时间预期」.  The assignee who sees the promise slipping
commits a new time with a reason; the desk tells the customer at once
(the in-advance notice), and the SLA sweep's own notice and breach
apology quote that time instead of one it computes.  The SLA clocks do not
move: the breach is still measured against the original promise.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    STAFF,
    Changes,
    Command,
    Situation,
    Trigger,
    short,
    text,
)
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.errors import ValidationError

__all__ = ["TRIGGERS", "CommitTime", "TimeCommitted"]


def _at(value: object) -> pendulum.DateTime:
    return instant(value, "at")


@attrs.frozen
class CommitTime(Command):
    """Promise the customer a new resolution time ``at``, saying why (the assignee)."""

    trigger: ClassVar[str] = "commit_time"
    at: pendulum.DateTime = attrs.field(converter=_at)
    reason: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class TimeCommitted(Payload):
    """A new resolution time was promised to the customer."""

    type: ClassVar[str] = "time_committed"
    at: pendulum.DateTime
    reason: str = attrs.field(repr=redacted_repr)


def _commit(command: CommitTime, now: Situation) -> TimeCommitted:
    if command.at <= now.at:
        raise ValidationError(
            f"a committed time must lie ahead: {command.at.isoformat()} is not after "
            f"{now.at.isoformat()}",
            field="at",
        )
    return TimeCommitted(command.at, command.reason)


def _committed(t: Ticket, ev: Event, p: TimeCommitted) -> Changes:
    return {"committed_at": p.at}


TRIGGERS = (
    Trigger(
        CommitTime,
        TimeCommitted,
        _commit,
        _committed,
        lambda p: f"new time committed: {p.at.isoformat()} ({short(p.reason)})",
        by=STAFF,
    ),
)
