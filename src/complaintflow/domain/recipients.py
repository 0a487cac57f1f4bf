"""Who a staff notification is for: a role, a department or a named user.

Staff notifications travel through the same outbox as the customer's; a
delivery channel (e-mail, webhook, the staff inbox) must know whether to
look a recipient up as a role, a department or a person.  So the outbox
payload's ``recipient`` for staff is always written ``"role:NAME"``,
``"department:NAME"`` or ``"user:NAME"`` (and ``audience`` is ``"staff"``);
:class:`Recipient` is that string as a value.  A bare name, as routing
rules write them (``notify: ["quality_director"]``), is a role: seed 001
§2.2 names positions (「质量总监」), not people.
"""

from __future__ import annotations

import enum

import attrs

from complaintflow.domain.vocabulary import Role
from complaintflow.errors import ValidationError

__all__ = ["Recipient", "RecipientKind", "sla_alert_recipient"]


class RecipientKind(enum.StrEnum):
    ROLE = "role"
    DEPARTMENT = "department"
    USER = "user"


def _to_kind(value: object) -> RecipientKind:
    try:
        return RecipientKind(str(value))
    except ValueError:
        kinds = ", ".join(kind.value for kind in RecipientKind)
        raise ValidationError(
            f"a recipient kind is one of {kinds}, got {value!r}", field="recipient"
        ) from None


def _name(_: object, __: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value.strip() or value != value.strip():
        raise ValidationError(
            f"a recipient needs a name without surrounding spaces, got {value!r}",
            field="recipient",
        )


@attrs.frozen(order=True)
class Recipient:
    """``role:NAME``, ``department:NAME`` or ``user:NAME``; ``str()`` writes that form."""

    kind: RecipientKind = attrs.field(converter=_to_kind)
    name: str = attrs.field(validator=_name)

    @classmethod
    def role(cls, name: str) -> Recipient:
        return cls(RecipientKind.ROLE, str(name))

    @classmethod
    def department(cls, name: str) -> Recipient:
        return cls(RecipientKind.DEPARTMENT, name)

    @classmethod
    def user(cls, name: str) -> Recipient:
        return cls(RecipientKind.USER, name)

    @classmethod
    def parse(cls, text: object) -> Recipient:
        """``"role:supervisor"`` and the like; a bare name is a role (module docstring)."""
        if isinstance(text, Recipient):
            return text
        if not isinstance(text, str):
            raise ValidationError(
                f"a recipient is a string such as 'role:supervisor', got {text!r}",
                field="recipient",
            )
        kind, colon, name = text.partition(":")
        if not colon:
            return cls(RecipientKind.ROLE, text)
        return cls(kind, name)

    def __str__(self) -> str:
        return f"{self.kind}:{self.name}"


def sla_alert_recipient(
    *, escalation_role: Role | None, assignee: str | None, department: str | None
) -> Recipient:
    """Who an SLA alert is for: an escalation's role; else the owner, the queue, a supervisor.

    One rule for the sweep that queues the alert and the report that counts it
    (the report reads the log and may not ask the service).
    """
    if escalation_role is not None:
        return Recipient.role(escalation_role)
    if assignee:
        return Recipient.user(assignee)
    if department:
        return Recipient.department(department)
    return Recipient.role(Role.SUPERVISOR)
