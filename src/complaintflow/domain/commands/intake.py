"""Intake and triage: classify, correct, assign, pick up and hand over a ticket."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    STAFF,
    STAFF_OR_SYSTEM,
    Changes,
    Command,
    Situation,
    Trigger,
    flag,
    optional_flag,
    optional_text,
    text,
)
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Category, Kind, Priority, Role, parse_enum
from complaintflow.errors import ValidationError

__all__ = [
    "TRIGGERS",
    "Assign",
    "Assigned",
    "Investigate",
    "InvestigationStarted",
    "Overridden",
    "Override",
    "Transfer",
    "Transferred",
    "Triage",
    "Triaged",
]


def _kind(value: object) -> Kind | None:
    return None if value is None else parse_enum(Kind, value, "kind")


def _category(value: object) -> Category | None:
    return None if value is None else parse_enum(Category, value, "category")


def _priority(value: object) -> Priority | None:
    return None if value is None else parse_enum(Priority, value, "priority")


def _names(value: object) -> tuple[str, ...]:
    # A bare string would silently become a tuple of its characters.
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("cc must be a sequence of names, e.g. ('billing',)", field="cc")
    names = tuple(value)
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise ValidationError(f"cc must hold non-empty names, got {names!r}", field="cc")
    return names


# -- triage ------------------------------------------------------------------------


@attrs.frozen
class Triage(Command):
    """First classification; ``department`` and ``cc`` come from routing."""

    trigger: ClassVar[str] = "triage"
    kind: Kind = attrs.field(converter=_kind)
    category: Category | None = attrs.field(converter=_category)
    priority: Priority = attrs.field(converter=_priority)
    complex: bool = attrs.field(default=False, kw_only=True, validator=flag)
    department: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    cc: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_names)

    def __attrs_post_init__(self) -> None:
        if self.kind is None or self.priority is None:
            raise ValidationError("Triage needs a kind and a priority", field="kind")


@attrs.frozen
class Triaged(Payload):
    """First classification (a proposal by classifier or agent)."""

    type: ClassVar[str] = "triaged"
    kind: Kind
    category: Category | None
    priority: Priority
    complex: bool = False
    department: str | None = None
    cc: tuple[str, ...] = ()


def _triage(command: Triage, now: Situation) -> Triaged:
    return Triaged(
        command.kind,
        command.category,
        command.priority,
        command.complex,
        command.department,
        command.cc,
    )


def _triaged(t: Ticket, ev: Event, p: Triaged) -> Changes:
    return {
        "kind": p.kind,
        "category": p.category,
        "priority": p.priority,
        "complex": p.complex,
        "department": p.department or t.department,
        "cc": tuple(dict.fromkeys((*t.cc, *p.cc))),
    }


def _say_triaged(p: Triaged) -> str:
    return f"triaged {p.kind} / {p.category or 'uncategorised'} / {p.priority}" + (
        f" → {p.department}" if p.department else ""
    )


# -- override ----------------------------------------------------------------------


@attrs.frozen
class Override(Command):
    """A supervisor's correction of the classification (SPEC §2.2)."""

    trigger: ClassVar[str] = "override"
    reason: str = attrs.field(validator=text, repr=redacted_repr)
    kind: Kind | None = attrs.field(default=None, kw_only=True, converter=_kind)
    category: Category | None = attrs.field(default=None, kw_only=True, converter=_category)
    priority: Priority | None = attrs.field(default=None, kw_only=True, converter=_priority)
    complex: bool | None = attrs.field(default=None, kw_only=True, validator=optional_flag)

    def __attrs_post_init__(self) -> None:
        if (self.kind, self.category, self.priority, self.complex) == (None,) * 4:
            raise ValidationError(
                "Override changes nothing: give kind, category, priority or complex",
                field="kind",
            )


@attrs.frozen
class Overridden(Payload):
    """A supervisor corrected kind, category or priority; wins over triage."""

    type: ClassVar[str] = "overridden"
    reason: str = attrs.field(repr=redacted_repr)
    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None
    complex: bool | None = None


def _override(command: Override, now: Situation) -> Overridden:
    return Overridden(
        command.reason, command.kind, command.category, command.priority, command.complex
    )


def _classification(p: Overridden) -> dict[str, Any]:
    fields = {"kind": p.kind, "category": p.category, "priority": p.priority, "complex": p.complex}
    return {name: value for name, value in fields.items() if value is not None}


def _overridden(t: Ticket, ev: Event, p: Overridden) -> Changes:
    return _classification(p)


def _say_overridden(p: Overridden) -> str:
    changes = ", ".join(f"{name}={value}" for name, value in _classification(p).items())
    return f"classification overridden ({changes}): {p.reason}"


# -- assign ------------------------------------------------------------------------


@attrs.frozen
class Assign(Command):
    trigger: ClassVar[str] = "assign"
    assignee: str | None = attrs.field(validator=optional_text)
    department: str | None = attrs.field(default=None, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.assignee is None and self.department is None:
            raise ValidationError("Assign needs an assignee or a department", field="assignee")


@attrs.frozen
class Assigned(Payload):
    type: ClassVar[str] = "assigned"
    assignee: str | None
    department: str | None


def _assign(command: Assign, now: Situation) -> Assigned:
    return Assigned(command.assignee, command.department)


def _assigned(t: Ticket, ev: Event, p: Assigned) -> Changes:
    return {"assignee": p.assignee, "department": p.department or t.department}


def _say_assigned(p: Assigned) -> str:
    return f"assigned to {p.assignee or 'the queue'}" + (
        f" in {p.department}" if p.department else ""
    )


# -- investigate -------------------------------------------------------------------


@attrs.frozen
class Investigate(Command):
    """The assignee picks the ticket up."""

    trigger: ClassVar[str] = "investigate"


@attrs.frozen
class InvestigationStarted(Payload):
    type: ClassVar[str] = "investigation_started"


def _investigate(command: Investigate, now: Situation) -> InvestigationStarted:
    return InvestigationStarted()


def _investigated(t: Ticket, ev: Event, p: InvestigationStarted) -> Changes:
    return {}


# -- transfer ----------------------------------------------------------------------


@attrs.frozen
class Transfer(Command):
    """Move ownership; a reason is mandatory (no silent ball-kicking)."""

    trigger: ClassVar[str] = "transfer"
    to_department: str | None = attrs.field(validator=optional_text)
    reason: str = attrs.field(validator=text, repr=redacted_repr)
    to_assignee: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        if self.to_department is None and self.to_assignee is None:
            raise ValidationError(
                "Transfer needs a department or an assignee to move to", field="to_department"
            )


@attrs.frozen
class Transferred(Payload):
    """Ownership moved; from, to and why, so no transfer goes untraced."""

    type: ClassVar[str] = "transferred"
    from_department: str | None
    from_assignee: str | None
    to_department: str | None
    to_assignee: str | None
    reason: str = attrs.field(repr=redacted_repr)


def _transfer(command: Transfer, now: Situation) -> Transferred:
    ticket = now.ticket
    to_department = command.to_department or ticket.department
    if (to_department, command.to_assignee) == (ticket.department, ticket.assignee):
        raise ValidationError(
            "Transfer goes nowhere: the ticket is already there", field="to_department"
        )
    return Transferred(
        ticket.department, ticket.assignee, to_department, command.to_assignee, command.reason
    )


def _transferred(t: Ticket, ev: Event, p: Transferred) -> Changes:
    return {"department": p.to_department, "assignee": p.to_assignee}


def _say_transferred(p: Transferred) -> str:
    return (
        f"transferred {p.from_department or '-'}/{p.from_assignee or '-'} → "
        f"{p.to_department or '-'}/{p.to_assignee or '-'}: {p.reason}"
    )


TRIGGERS = (
    Trigger(Triage, Triaged, _triage, _triaged, _say_triaged, by=STAFF_OR_SYSTEM),
    Trigger(
        Override,
        Overridden,
        _override,
        _overridden,
        _say_overridden,
        by=STAFF,
        min_role=Role.SUPERVISOR,
    ),
    Trigger(Assign, Assigned, _assign, _assigned, _say_assigned, by=STAFF_OR_SYSTEM),
    Trigger(
        Investigate,
        InvestigationStarted,
        _investigate,
        _investigated,
        lambda p: "investigation started",
    ),
    Trigger(Transfer, Transferred, _transfer, _transferred, _say_transferred, by=STAFF_OR_SYSTEM),
)
