"""What a ticket is made of, as frozen attrs values: actors, customers, drafts, solutions.

Values validate on construction so a bad draft fails at intake, not three
steps later.  The :class:`~complaintflow.domain.ticket.Ticket` built from
them lives one layer up, in :mod:`complaintflow.domain.ticket`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.money import Money
from complaintflow.domain.redaction import mask_email, mask_phone, redact, redacted_repr
from complaintflow.domain.text import check_text
from complaintflow.domain.vocabulary import (
    ActorKind,
    Category,
    Channel,
    CustomerTier,
    Expectation,
    Kind,
    Priority,
    Role,
    SatisfactionLevel,
    parse_enum,
)
from complaintflow.errors import ValidationError

__all__ = [
    "Actor",
    "Approval",
    "Attachment",
    "Customer",
    "Solution",
    "SurveyResponse",
    "TicketDraft",
    "mask_email",
    "mask_phone",
]


def _text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_text(value, attribute.name, owner=type(instance).__name__)


def _optional_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    check_text(value, attribute.name, owner=type(instance).__name__, optional=True)


def _instance(cls: type) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """attrs' ``instance_of`` raises a TypeError that prints the value (a dict of contacts)."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not isinstance(value, cls):
            raise ValidationError(
                f"{type(instance).__name__}.{attribute.name} must be a {cls.__name__} "
                f"or None, got {type(value).__name__}",
                field=attribute.name,
            )

    return check


def _to_instant(value: object) -> pendulum.DateTime:
    return instant(value, "received_at")


def _to_channel(value: object) -> Channel:
    return parse_enum(Channel, value, "channel")


def _to_kind(value: object) -> Kind | None:
    return None if value is None else parse_enum(Kind, value, "kind")


def _to_category(value: object) -> Category | None:
    return None if value is None else parse_enum(Category, value, "category")


def _to_priority(value: object) -> Priority | None:
    return None if value is None else parse_enum(Priority, value, "priority")


def _to_expectation(value: object) -> Expectation | None:
    return None if value is None else parse_enum(Expectation, value, "expectation")


def _to_tier(value: object) -> CustomerTier:
    return parse_enum(CustomerTier, value, "tier")


def _to_actor_kind(value: object) -> ActorKind:
    return parse_enum(ActorKind, value, "kind")


def _to_role(value: object) -> Role | None:
    return None if value is None else parse_enum(Role, value, "role")


def _to_tags(value: object) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("tags must be a sequence of strings", field="tags")
    tags = tuple(value)
    for tag in tags:
        check_text(tag, "tags")
    return tuple(dict.fromkeys(tags))


def _to_attachments(value: object) -> tuple[Attachment, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("attachments must be a sequence of Attachment", field="attachments")
    items = tuple(value)
    for item in items:
        if not isinstance(item, Attachment):
            raise ValidationError(
                f"attachments must hold Attachment values (references, never bytes), "
                f"got {type(item).__name__}",
                field="attachments",
            )
    return items


def _money(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and not isinstance(value, Money):
        raise ValidationError(
            f"{attribute.name} must be a Money such as Money('100.00', 'CNY'), got {value!r}",
            field=attribute.name,
        )


@attrs.frozen
class Actor:
    """Who did something: a staff member with a role, the customer, or the system."""

    id: str = attrs.field(validator=_text, repr=redacted_repr)
    role: Role | None = attrs.field(default=None, converter=_to_role)
    kind: ActorKind = attrs.field(default=ActorKind.STAFF, converter=_to_actor_kind)

    def __attrs_post_init__(self) -> None:
        if self.kind is ActorKind.STAFF and self.role is None:
            raise ValidationError(
                f"staff actor {self.id!r} needs a role, e.g. Actor.staff(id, Role.AGENT)",
                field="role",
            )
        if self.kind is not ActorKind.STAFF and self.role is not None:
            raise ValidationError(f"only staff actors have a role, not {self.kind}", field="role")

    @classmethod
    def staff(cls, id: str, role: Role | str) -> Actor:
        return cls(id, _to_role(role), ActorKind.STAFF)

    @classmethod
    def customer(cls, id: str) -> Actor:
        return cls(id, None, ActorKind.CUSTOMER)

    @classmethod
    def system(cls, id: str = "system") -> Actor:
        return cls(id, None, ActorKind.SYSTEM)

    def __str__(self) -> str:
        return redact(f"{self.id} ({self.role or self.kind})")


def _repr_phone(value: str | None) -> str:
    return "None" if value is None else repr(mask_phone(value))


def _repr_email(value: str | None) -> str:
    return "None" if value is None else repr(mask_email(value))


@attrs.frozen
class Customer:
    """The customer as the host knows them; contact data is masked in ``repr``/``str``."""

    id: str = attrs.field(validator=_text, repr=redacted_repr)
    tier: CustomerTier = attrs.field(default=CustomerTier.REGULAR, converter=_to_tier)
    name: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    phone: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=_repr_phone
    )
    email: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=_repr_email
    )

    @property
    def masked_contact(self) -> str | None:
        """The contact to show staff: phone first, then email, masked."""
        if self.phone:
            return mask_phone(self.phone)
        if self.email:
            return mask_email(self.email)
        return None

    def __str__(self) -> str:
        contact = f", {self.masked_contact}" if self.masked_contact else ""
        return redact(f"{self.id} ({self.tier}{contact})")


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, str) or not _SHA256.fullmatch(value):
        got = f"{len(value)} characters" if isinstance(value, str) else type(value).__name__
        raise ValidationError(f"sha256 must be 64 lowercase hex digits, got {got}", field="sha256")


@attrs.frozen
class Attachment:
    """A reference to evidence (photo, recording, invoice); never the bytes."""

    uri: str = attrs.field(validator=_text, repr=redacted_repr)
    name: str = attrs.field(validator=_text, repr=redacted_repr)
    media_type: str = attrs.field(validator=_text)
    sha256: str = attrs.field(validator=_sha256)


def _score(low: int, high: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                f"{attribute.name} must be an integer from {low} to {high}, got {value!r}",
                field=attribute.name,
            )

    return check


def _to_level(value: object) -> SatisfactionLevel:
    return parse_enum(SatisfactionLevel, value, "level")


@attrs.frozen
class SurveyResponse:
    """One customer's answer to one survey (SPEC §2.6).

    ``level`` is the three-level result; :meth:`from_csat` derives it from a
    CSAT score (5 satisfied, 3-4 basically satisfied, 1-2 unsatisfied).
    """

    level: SatisfactionLevel = attrs.field(converter=_to_level)
    csat: int | None = attrs.field(default=None, kw_only=True, validator=_score(1, 5))
    nps: int | None = attrs.field(default=None, kw_only=True, validator=_score(0, 10))
    ces: int | None = attrs.field(default=None, kw_only=True, validator=_score(1, 7))
    comment: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    survey: str = attrs.field(default="resolution", kw_only=True, validator=_text)

    @classmethod
    def from_csat(
        cls,
        csat: int,
        *,
        nps: int | None = None,
        ces: int | None = None,
        comment: str | None = None,
        survey: str = "resolution",
    ) -> SurveyResponse:
        if csat is None:
            raise ValidationError(
                "csat must be an integer from 1 to 5, got None; "
                "build SurveyResponse(level, ...) for an answer without one",
                field="csat",
            )
        _score(1, 5)(None, attrs.fields(cls).csat, csat)
        level = (
            SatisfactionLevel.SATISFIED
            if csat == 5
            else SatisfactionLevel.BASICALLY_SATISFIED
            if csat >= 3
            else SatisfactionLevel.UNSATISFIED
        )
        return cls(level, csat=csat, nps=nps, ces=ces, comment=comment, survey=survey)


@attrs.frozen
class Approval:
    """One sign-off on a proposed solution."""

    by: str
    role: Role
    at: pendulum.DateTime


@attrs.frozen
class Solution:
    """A proposed resolution and the sign-offs it still needs.

    ``required`` lists the minimum role of each approval step in order
    (empty: no approval needed); ``approvals`` those given so far.
    """

    text: str = attrs.field(repr=redacted_repr)
    amount: Money | None
    proposed_by: Actor
    proposed_at: pendulum.DateTime
    required: tuple[Role, ...] = ()
    approvals: tuple[Approval, ...] = ()

    @property
    def next_role(self) -> Role | None:
        """The role the next approval must have at least, or None when complete."""
        done = len(self.approvals)
        return self.required[done] if done < len(self.required) else None

    @property
    def approved(self) -> bool:
        return len(self.approvals) >= len(self.required)


@attrs.frozen
class TicketDraft:
    """What the receiver recorded at intake, before a ticket number exists.

    Only ``description``, ``channel`` and ``received_at`` are required; the
    classifier and router fill what the receiver did not know.
    """

    description: str = attrs.field(validator=_text, repr=redacted_repr)
    channel: Channel = attrs.field(converter=_to_channel)
    received_at: pendulum.DateTime = attrs.field(converter=_to_instant)
    customer: Customer | None = attrs.field(default=None, validator=_instance(Customer))
    kind: Kind | None = attrs.field(default=None, kw_only=True, converter=_to_kind)
    category: Category | None = attrs.field(default=None, kw_only=True, converter=_to_category)
    priority: Priority | None = attrs.field(default=None, kw_only=True, converter=_to_priority)
    expectation: Expectation | None = attrs.field(
        default=None, kw_only=True, converter=_to_expectation
    )
    product_ref: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    order_ref: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    product_line: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    region: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    claimed_amount: Money | None = attrs.field(default=None, kw_only=True, validator=_money)
    attachments: tuple[Attachment, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_attachments
    )
    receiver: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
    tags: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_to_tags, repr=redacted_repr
    )
    dedupe_key: str | None = attrs.field(
        default=None, kw_only=True, validator=_optional_text, repr=redacted_repr
    )
