"""Commands: what someone asks the lifecycle to do to a ticket.

One class per trigger of the state machine.  A command is a request and
may be refused; the events it produces are the facts.  Commands validate
their own arguments on construction, so a malformed one never reaches
:func:`complaintflow.domain.lifecycle.apply`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.money import Money
from complaintflow.domain.sla_state import SlaClocks
from complaintflow.domain.values import Attachment, SurveyResponse
from complaintflow.domain.vocabulary import Category, Kind, Priority, Role, parse_enum
from complaintflow.errors import ValidationError

__all__ = [
    "Approve",
    "Assign",
    "Attach",
    "Close",
    "Command",
    "Comment",
    "Complete",
    "CustomerAccepts",
    "CustomerDeclines",
    "Investigate",
    "Merge",
    "Override",
    "ProposeSolution",
    "QueueNotification",
    "RecordAlert",
    "RecordSurvey",
    "Reject",
    "Reopen",
    "ResolveNow",
    "Respond",
    "RestampSla",
    "Transfer",
    "Triage",
    "Withdraw",
]


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a non-empty string, "
            f"got {value!r}",
            field=attribute.name,
        )


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _text(instance, attribute, value)


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


def _due(value: object) -> pendulum.DateTime:
    return instant(value, "due_at")


def _role(value: object) -> Role | None:
    return None if value is None else parse_enum(Role, value, "role")


def _instance_of(kind: type) -> Any:
    # A ValidationError (not attrs' TypeError), so ``except ComplaintflowError`` catches it.
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name} must be of type {kind.__name__}, "
                f"got {type(value).__name__}",
                field=attribute.name,
            )

    return check


@attrs.frozen
class Command:
    """Base of all commands; ``trigger`` names the machine trigger it fires."""

    trigger: ClassVar[str] = "command"


@attrs.frozen
class Triage(Command):
    """First classification; ``department`` and ``cc`` come from routing."""

    trigger: ClassVar[str] = "triage"
    kind: Kind = attrs.field(converter=_kind)
    category: Category | None = attrs.field(converter=_category)
    priority: Priority = attrs.field(converter=_priority)
    complex: bool = attrs.field(default=False, kw_only=True)
    department: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)
    cc: tuple[str, ...] = attrs.field(default=(), kw_only=True, converter=_names)

    def __attrs_post_init__(self) -> None:
        if self.kind is None or self.priority is None:
            raise ValidationError("Triage needs a kind and a priority", field="kind")


@attrs.frozen
class Override(Command):
    """A supervisor's correction of the classification (SPEC §2.2)."""

    trigger: ClassVar[str] = "override"
    reason: str = attrs.field(validator=_text)
    kind: Kind | None = attrs.field(default=None, kw_only=True, converter=_kind)
    category: Category | None = attrs.field(default=None, kw_only=True, converter=_category)
    priority: Priority | None = attrs.field(default=None, kw_only=True, converter=_priority)
    complex: bool | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if (self.kind, self.category, self.priority, self.complex) == (None,) * 4:
            raise ValidationError(
                "Override changes nothing: give kind, category, priority or complex",
                field="kind",
            )


@attrs.frozen
class Assign(Command):
    trigger: ClassVar[str] = "assign"
    assignee: str | None = attrs.field(validator=_optional_text)
    department: str | None = attrs.field(default=None, validator=_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.assignee is None and self.department is None:
            raise ValidationError("Assign needs an assignee or a department", field="assignee")


@attrs.frozen
class Investigate(Command):
    """The assignee picks the ticket up."""

    trigger: ClassVar[str] = "investigate"


@attrs.frozen
class Respond(Command):
    """Contact with the customer (call, message); the first one stops the FRT clock."""

    trigger: ClassVar[str] = "respond"
    message: str = attrs.field(validator=_text)


@attrs.frozen
class Transfer(Command):
    """Move ownership; a reason is mandatory (no silent ball-kicking)."""

    trigger: ClassVar[str] = "transfer"
    to_department: str | None = attrs.field(validator=_optional_text)
    reason: str = attrs.field(validator=_text)
    to_assignee: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.to_department is None and self.to_assignee is None:
            raise ValidationError(
                "Transfer needs a department or an assignee to move to", field="to_department"
            )


@attrs.frozen
class Comment(Command):
    trigger: ClassVar[str] = "comment"
    text: str = attrs.field(validator=_text)
    internal: bool = attrs.field(default=True, kw_only=True)


@attrs.frozen
class Attach(Command):
    trigger: ClassVar[str] = "attach"
    attachment: Attachment = attrs.field(validator=_instance_of(Attachment))


@attrs.frozen
class ProposeSolution(Command):
    """A solution, with the amount when money is involved (refund, compensation)."""

    trigger: ClassVar[str] = "propose_solution"
    text: str = attrs.field(validator=_text)
    amount: Money | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(_instance_of(Money)),
    )

    def __attrs_post_init__(self) -> None:
        if self.amount is not None and self.amount.is_negative:
            raise ValidationError(f"amount must not be negative, got {self.amount}", field="amount")


@attrs.frozen
class Approve(Command):
    trigger: ClassVar[str] = "approve"
    note: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class Reject(Command):
    trigger: ClassVar[str] = "reject"
    reason: str = attrs.field(validator=_text)


@attrs.frozen
class CustomerAccepts(Command):
    trigger: ClassVar[str] = "customer_accepts"
    note: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class CustomerDeclines(Command):
    trigger: ClassVar[str] = "customer_declines"
    reason: str = attrs.field(validator=_text)


@attrs.frozen
class Complete(Command):
    """The accepted solution was carried out (refund paid, part shipped)."""

    trigger: ClassVar[str] = "complete"
    note: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class ResolveNow(Command):
    """Inquiries and praise answered at first contact (counts for FCR)."""

    trigger: ClassVar[str] = "resolve_now"
    answer: str = attrs.field(validator=_text)


@attrs.frozen
class RecordSurvey(Command):
    """A survey answer; unsatisfied reopens to ``reopen_to`` (a supervisor)."""

    trigger: ClassVar[str] = "record_survey"
    response: SurveyResponse = attrs.field(validator=_instance_of(SurveyResponse))
    reopen_to: str | None = attrs.field(default=None, kw_only=True, validator=_optional_text)


@attrs.frozen
class Reopen(Command):
    trigger: ClassVar[str] = "reopen"
    reason: str = attrs.field(validator=_text)


@attrs.frozen
class Close(Command):
    trigger: ClassVar[str] = "close"
    reason: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class Merge(Command):
    """This ticket duplicates ``into``; it ends merged, its events stay."""

    trigger: ClassVar[str] = "merge"
    into: str = attrs.field(validator=_text)
    reason: str | None = attrs.field(default=None, validator=_optional_text)


@attrs.frozen
class RestampSla(Command):
    """Measure the ticket under another SLA policy version from now on (audited)."""

    trigger: ClassVar[str] = "restamp_sla"
    version: str = attrs.field(validator=_text)
    reason: str = attrs.field(validator=_text)
    #: The clocks re-folded from the log under the new version (the desk computes them).
    clocks: SlaClocks | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class QueueNotification(Command):
    """Record that a customer notification went to the outbox (the desk does this)."""

    trigger: ClassVar[str] = "notify"
    key: str = attrs.field(validator=_text)
    kind: str = attrs.field(validator=_text)
    lang: str = attrs.field(default="zh-CN", validator=_text)


@attrs.frozen
class RecordAlert(Command):
    """Record an SLA warning, breach or escalation step (the sweep does this)."""

    trigger: ClassVar[str] = "alert"
    key: str = attrs.field(validator=_text)
    metric: str = attrs.field(validator=_text)
    cycle: int = attrs.field(validator=attrs.validators.instance_of(int))
    kind: str = attrs.field(validator=_text)
    threshold: float = attrs.field(validator=attrs.validators.instance_of((int, float)))
    due_at: pendulum.DateTime = attrs.field(converter=_due)
    role: Role | None = attrs.field(default=None, kw_only=True, converter=_role)
    reassign: bool = attrs.field(default=False, kw_only=True)


@attrs.frozen
class Withdraw(Command):
    """The customer withdrew the complaint."""

    trigger: ClassVar[str] = "withdraw"
    reason: str | None = attrs.field(default=None, validator=_optional_text)
