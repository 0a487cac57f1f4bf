"""The ticket: a frozen value in three parts, so that a change copies little.

Most commands (a comment, a reply, an attachment, a transfer) touch a few
fields, and the lifecycle's cost is dominated by copying the frozen
ticket.  So the ticket keeps its bookkeeping (id, version, sequence,
status, last change) in its own slots and the rest in two records:
:class:`Intake`, what the customer told us and never changes, and
:class:`Handling`, what the desk has decided and done since.  A new version
shares the intake record, and the handling record too when the command
changed none of it.  Every field stays readable flat (``ticket.priority``)
and the flat constructor still works; ``attrs.evolve`` too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import pendulum

from complaintflow.domain.vocabulary import Status, parse_enum

if TYPE_CHECKING:
    from complaintflow.domain.events import Event
    from complaintflow.domain.money import Money
    from complaintflow.domain.values import Attachment, Customer, Solution, SurveyResponse
    from complaintflow.domain.vocabulary import Category, Channel, Expectation, Kind, Priority, Role

__all__ = ["FLAT_FIELDS", "Handling", "Intake", "Ticket"]


@attrs.frozen(kw_only=True)
class Intake:
    """The intake record (SPEC 2.1): what came in, kept as received."""

    number: str
    received_at: pendulum.DateTime
    channel: Channel
    description: str
    customer: Customer | None = None
    expectation: Expectation | None = None
    product_ref: str | None = None
    order_ref: str | None = None
    product_line: str | None = None
    region: str | None = None
    claimed_amount: Money | None = None
    receiver: str | None = None
    tags: tuple[str, ...] = ()
    dedupe_key: str | None = None


@attrs.frozen(kw_only=True)
class Handling:
    """What the desk made of the ticket: triage, ownership, solution, outcome."""

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
    resolved_at_first_contact: bool = False
    closed_at: pendulum.DateTime | None = None
    reopen_count: int = 0
    merged_into: str | None = None
    survey: SurveyResponse | None = None
    sla_version: str | None = None


_BOOKKEEPING = ("id", "version", "last_seq", "status", "updated_at")
_INTAKE = tuple(field.name for field in attrs.fields(Intake))
_HANDLING = tuple(field.name for field in attrs.fields(Handling))
_RECORD_FIELDS = frozenset((*_INTAKE, *_HANDLING))
#: Every field a ticket shows, in the order of its stored (flat) form.
FLAT_FIELDS = (
    "id", "number", "version", "last_seq", "status", "received_at", "updated_at", "channel",
    "description", "customer", "kind", "category", "priority", "expectation", "product_ref",
    "order_ref", "product_line", "region", "claimed_amount", "attachments", "receiver",
    "assignee", "department", "cc", "tags", "dedupe_key", "complex", "escalated_to",
    "solution", "first_response_at", "resolved_at", "resolved_at_first_contact", "closed_at",
    "reopen_count", "merged_into", "survey", "sla_version",
)
assert sorted(FLAT_FIELDS) == sorted((*_BOOKKEEPING, *_INTAKE, *_HANDLING))


def _to_status(value: object) -> Status:
    return parse_enum(Status, value, "status")


@attrs.frozen(init=False)
class Ticket:
    """A complaint or piece of feedback at one version of its life.

    Build one with :func:`complaintflow.domain.lifecycle.open_ticket`, change it
    with :func:`complaintflow.domain.lifecycle.apply`, rebuild it with
    :meth:`replay`.  ``version`` counts the command batches applied.
    """

    id: str
    version: int
    last_seq: int
    status: Status = attrs.field(converter=_to_status)
    updated_at: pendulum.DateTime
    intake: Intake
    handling: Handling

    if TYPE_CHECKING:
        # What type checkers (and the attrs plugin's evolve) see: the flat fields.
        def __init__(
            self, *, id: str, number: str, version: int, last_seq: int, status: Status | str,
            received_at: pendulum.DateTime, updated_at: pendulum.DateTime, channel: Channel,
            description: str, customer: Customer | None = None, kind: Kind | None = None,
            category: Category | None = None, priority: Priority | None = None,
            expectation: Expectation | None = None, product_ref: str | None = None,
            order_ref: str | None = None, product_line: str | None = None,
            region: str | None = None, claimed_amount: Money | None = None,
            attachments: tuple[Attachment, ...] = (), receiver: str | None = None,
            assignee: str | None = None, department: str | None = None,
            cc: tuple[str, ...] = (), tags: tuple[str, ...] = (), dedupe_key: str | None = None,
            complex: bool = False, escalated_to: Role | None = None,
            solution: Solution | None = None, first_response_at: pendulum.DateTime | None = None,
            resolved_at: pendulum.DateTime | None = None, resolved_at_first_contact: bool = False,
            closed_at: pendulum.DateTime | None = None, reopen_count: int = 0,
            merged_into: str | None = None, survey: SurveyResponse | None = None,
            sla_version: str | None = None,
        ) -> None: ...

    else:

        def __init__(
            self, *, id: str, version: int, last_seq: int, status: Status | str,
            updated_at: pendulum.DateTime, intake: Intake | None = None,
            handling: Handling | None = None, **fields: Any,
        ) -> None:
            """Flat fields, or the two records plus flat changes (what ``attrs.evolve`` passes)."""
            unknown = sorted(fields.keys() - _RECORD_FIELDS)
            if unknown:
                raise TypeError(f"Ticket() got unexpected keyword arguments: {', '.join(unknown)}")
            intake_changes = {name: fields[name] for name in _INTAKE if name in fields}
            handling_changes = {name: fields[name] for name in _HANDLING if name in fields}
            if intake is None:
                missing = [name for name in ("number", "received_at", "channel", "description")
                           if name not in intake_changes]
                if missing:
                    raise TypeError(f"Ticket() missing keyword arguments: {', '.join(missing)}")
                intake = Intake(**intake_changes)
            elif intake_changes:
                intake = attrs.evolve(intake, **intake_changes)
            if handling is None:
                handling = Handling(**handling_changes)
            elif handling_changes:
                handling = attrs.evolve(handling, **handling_changes)
            self.__attrs_init__(id=id, version=version, last_seq=last_seq,
                                status=status, updated_at=updated_at, intake=intake,
                                handling=handling)

    @classmethod
    def from_records(cls, *, id: str, version: int, last_seq: int, status: Status,
                     updated_at: pendulum.DateTime, intake: Intake,
                     handling: Handling) -> Ticket:
        """A ticket from its bookkeeping and its two records, as stores rebuild it."""
        ticket = cls.__new__(cls)
        ticket.__attrs_init__(id=id, version=version, last_seq=last_seq,
                              status=status, updated_at=updated_at, intake=intake,
                              handling=handling)
        return ticket

    @classmethod
    def replay(cls, events: Sequence[Event]) -> Ticket:
        """Rebuild the ticket from its whole event log, oldest first."""
        from complaintflow.domain.fold import replay

        return replay(events)

    # Flat reading of the two records, so hosts never need to know the split.

    @property
    def number(self) -> str:
        return self.intake.number

    @property
    def received_at(self) -> pendulum.DateTime:
        return self.intake.received_at

    @property
    def channel(self) -> Channel:
        return self.intake.channel

    @property
    def description(self) -> str:
        return self.intake.description

    @property
    def customer(self) -> Customer | None:
        return self.intake.customer

    @property
    def expectation(self) -> Expectation | None:
        return self.intake.expectation

    @property
    def product_ref(self) -> str | None:
        return self.intake.product_ref

    @property
    def order_ref(self) -> str | None:
        return self.intake.order_ref

    @property
    def product_line(self) -> str | None:
        return self.intake.product_line

    @property
    def region(self) -> str | None:
        return self.intake.region

    @property
    def claimed_amount(self) -> Money | None:
        return self.intake.claimed_amount

    @property
    def receiver(self) -> str | None:
        return self.intake.receiver

    @property
    def tags(self) -> tuple[str, ...]:
        return self.intake.tags

    @property
    def dedupe_key(self) -> str | None:
        return self.intake.dedupe_key

    @property
    def kind(self) -> Kind | None:
        return self.handling.kind

    @property
    def category(self) -> Category | None:
        return self.handling.category

    @property
    def priority(self) -> Priority | None:
        return self.handling.priority

    @property
    def complex(self) -> bool:
        return self.handling.complex

    @property
    def department(self) -> str | None:
        return self.handling.department

    @property
    def assignee(self) -> str | None:
        return self.handling.assignee

    @property
    def cc(self) -> tuple[str, ...]:
        return self.handling.cc

    @property
    def escalated_to(self) -> Role | None:
        return self.handling.escalated_to

    @property
    def attachments(self) -> tuple[Attachment, ...]:
        return self.handling.attachments

    @property
    def solution(self) -> Solution | None:
        return self.handling.solution

    @property
    def first_response_at(self) -> pendulum.DateTime | None:
        return self.handling.first_response_at

    @property
    def resolved_at(self) -> pendulum.DateTime | None:
        return self.handling.resolved_at

    @property
    def resolved_at_first_contact(self) -> bool:
        return self.handling.resolved_at_first_contact

    @property
    def closed_at(self) -> pendulum.DateTime | None:
        return self.handling.closed_at

    @property
    def reopen_count(self) -> int:
        return self.handling.reopen_count

    @property
    def merged_into(self) -> str | None:
        return self.handling.merged_into

    @property
    def survey(self) -> SurveyResponse | None:
        return self.handling.survey

    @property
    def sla_version(self) -> str | None:
        return self.handling.sla_version
