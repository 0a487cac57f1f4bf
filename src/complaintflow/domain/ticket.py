"""The ticket: one frozen value per version of a complaint's life.

A ticket is never changed in place: :func:`complaintflow.domain.lifecycle.apply`
returns a new one together with the events that explain the difference,
and :meth:`Ticket.replay` rebuilds it from those events alone.  The
snapshot carries everything a command or a sweep needs, the SLA clocks
included (:mod:`complaintflow.domain.sla_state`), so neither ever reads
the log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

import attrs
import pendulum

from complaintflow.domain.money import Money
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.sla_state import SlaClocks
from complaintflow.domain.values import Attachment, Customer, Solution, SurveyResponse
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    Expectation,
    Kind,
    Priority,
    Role,
    Status,
    parse_enum,
)

__all__ = ["Ticket"]


def _to_status(value: object) -> Status:
    return parse_enum(Status, value, "status")


@attrs.frozen(kw_only=True)
class Ticket:
    """A complaint or piece of feedback at one version of its life.

    The first block is bookkeeping; then the intake record (SPEC 2.1, what
    the customer told us, never changed); then what the desk made of it.
    ``version`` counts the command batches applied, ``last_seq`` the events.
    """

    id: str
    number: str
    version: int
    last_seq: int
    status: Status = attrs.field(converter=_to_status)
    updated_at: pendulum.DateTime
    # -- the intake record
    received_at: pendulum.DateTime
    channel: Channel
    description: str = attrs.field(repr=redacted_repr)
    customer: Customer | None = None
    expectation: Expectation | None = None
    product_ref: str | None = attrs.field(default=None, repr=redacted_repr)
    order_ref: str | None = attrs.field(default=None, repr=redacted_repr)
    product_line: str | None = attrs.field(default=None, repr=redacted_repr)
    region: str | None = attrs.field(default=None, repr=redacted_repr)
    claimed_amount: Money | None = None
    receiver: str | None = attrs.field(default=None, repr=redacted_repr)
    tags: tuple[str, ...] = attrs.field(default=(), repr=redacted_repr)
    dedupe_key: str | None = attrs.field(default=None, repr=redacted_repr)
    # -- triage, ownership, solution, outcome
    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None
    complex: bool = False
    department: str | None = None
    assignee: str | None = None
    cc: tuple[str, ...] = ()
    escalated_to: Role | None = None
    attachments: tuple[Attachment, ...] = ()
    solution: Solution | None = None
    first_response_at: pendulum.DateTime | None = None
    resolved_at: pendulum.DateTime | None = None
    #: The latest new resolution time promised to the customer (seed 001 §4.1), if any.
    committed_at: pendulum.DateTime | None = None
    resolved_at_first_contact: bool = False
    closed_at: pendulum.DateTime | None = None
    reopen_count: int = 0
    merged_into: str | None = None
    survey: SurveyResponse | None = None
    sla_version: str | None = None
    sla: SlaClocks | None = None

    #: ``Ticket.replay(events)`` rebuilds the ticket from its whole log, oldest first.  The
    #: fold builds on this module, so :mod:`complaintflow.domain.fold` installs it (the
    #: ``complaintflow.domain`` package imports the fold, so it is always there).
    replay: ClassVar[Callable[[Sequence[Any]], Ticket]]  # Sequence[Event]: see events.py
