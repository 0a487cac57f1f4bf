"""One record per trigger: everything a command is, declared in one place.

A :class:`Trigger` ties a command class to the payload it produces, the
decision that turns a valid command into that payload, the fold step that
turns the payload into ticket changes, the sentence the audit trail shows,
the guards its table rows name, and who may fire it.  The lifecycle, the
fold, the audit trail and storage read these records and nothing else, so
a new command is one family module plus its row in the transitions table
(see ``docs/adding-a-command.md``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

import attrs
import pendulum

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.redaction import redact
from complaintflow.domain.rules import LifecycleRules
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor
from complaintflow.domain.vocabulary import ActorKind, Role
from complaintflow.errors import ValidationError

__all__ = [
    "ANYONE",
    "STAFF",
    "STAFF_OR_CUSTOMER",
    "STAFF_OR_SYSTEM",
    "SYSTEM",
    "Changes",
    "Command",
    "Guard",
    "Situation",
    "Trigger",
    "instance_of",
    "optional_text",
    "short",
    "text",
    "width",
]

#: Who may fire a trigger (staff also need the trigger's ``min_role``).
STAFF = frozenset({ActorKind.STAFF})
STAFF_OR_CUSTOMER = frozenset({ActorKind.STAFF, ActorKind.CUSTOMER})
STAFF_OR_SYSTEM = frozenset({ActorKind.STAFF, ActorKind.SYSTEM})
ANYONE = frozenset(ActorKind)
#: Bookkeeping only the system records (outbox entries, SLA alerts).
SYSTEM = frozenset({ActorKind.SYSTEM})

#: Ticket fields a fold step sets, by name (handed to ``attrs.evolve``).
Changes = dict[str, Any]


@attrs.frozen
class Command:
    """Base of all commands; ``trigger`` names the machine trigger it fires."""

    trigger: ClassVar[str] = "command"


class Situation:
    """What a decision, a permission check and a guard may look at.

    The lifecycle's cursor is one; it is built per call and thrown away.
    """

    __slots__ = ("actor", "at", "rules", "ticket")

    def __init__(
        self, ticket: Ticket, actor: Actor, at: pendulum.DateTime, rules: LifecycleRules
    ) -> None:
        self.ticket, self.actor, self.at, self.rules = ticket, actor, at, rules


C = TypeVar("C", bound=Command)
P = TypeVar("P", bound=Payload)
#: What a guard's test receives: the decided payload, or None when only probing.
Q = TypeVar("Q")


@attrs.frozen
class Guard(Generic[Q]):
    """A condition a table row names with ``when=`` (or ``unless=``).

    ``test`` gets the payload the command decided on, or None when
    ``allowed_commands`` asks whether some command could pass.  A guard
    with a ``refusal`` refuses the command when it fails and that sentence
    becomes the error's reason; one without merely picks between rows.
    """

    name: str
    test: Callable[[Situation, Q], bool]
    refusal: str | None = None


@attrs.frozen
class Trigger(Generic[C, P]):
    """One command, declared once.

    ``decide`` may refuse a command that is wrong for this ticket (a
    transfer that goes nowhere) with a :class:`ValidationError`; ``check``,
    when given, refuses the actor on this ticket (who may approve) with a
    :class:`~complaintflow.errors.PermissionDenied` and is asked by
    ``allowed_commands`` too.
    """

    command: type[C]
    payload: type[P]
    decide: Callable[[C, Situation], P]
    fold: Callable[[Ticket, Event, P], Changes]
    describe: Callable[[P], str]
    guards: tuple[Guard[P | None], ...] = ()
    by: frozenset[ActorKind] = STAFF
    min_role: Role = Role.AGENT
    check: Callable[[Situation], None] | None = None

    @property
    def name(self) -> str:
        return self.command.trigger


# -- argument checks shared by the families --------------------------------------


def text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty string, got {value!r}",
            field=attribute.name,
        )


def flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A yes/no argument is a bool: ``internal=b""`` or ``complex="no"`` is a mistake."""
    if not isinstance(value, bool):
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be True or False, "
            f"got {type(value).__name__}",
            field=attribute.name,
        )


def optional_flag(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        flag(instance, attribute, value)


def optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        text(instance, attribute, value)


def instance_of(kind: type) -> Any:
    # A ValidationError (not attrs' TypeError), so ``except ComplaintflowError`` catches it.
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name} must be of type {kind.__name__}, "
                f"got {type(value).__name__}",
                field=attribute.name,
            )

    return check


# -- words for the audit trail ----------------------------------------------------


def width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    out, used = [], 0
    for ch in text:
        used += width(ch)
        if used > limit:
            break
        out.append(ch)
    return "".join(out)


def short(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` columns, for quoting free text in the audit trail.

    Contact data is masked before the cut: a phone number cut in half is no
    longer recognised as one.
    """
    flat = " ".join(redact(text).split())
    return flat if width(flat) <= limit else _cut(flat, limit - 1) + "…"
