"""The customer-service vocabulary: channels, kinds, categories, priorities.

Values are the stable strings of SPEC §3; hosts store them, so they never
change.  Enums are ``str`` subclasses so that ``Channel("chat")`` and
``Channel.CHAT == "chat"`` both work at the edge of a host application.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from complaintflow.domain.redaction import redact
from complaintflow.errors import ValidationError

__all__ = [
    "ActorKind",
    "Category",
    "Channel",
    "CustomerTier",
    "Expectation",
    "Kind",
    "Priority",
    "Role",
    "SatisfactionLevel",
    "Status",
    "parse_enum",
]


class Channel(enum.StrEnum):
    """Where the feedback arrived (seed 000 §2.1.1)."""

    PHONE = "phone"
    EMAIL = "email"
    SOCIAL = "social"
    CHAT = "chat"
    MARKETPLACE = "marketplace"
    STORE = "store"
    SURVEY = "survey"
    OTHER = "other"


class Kind(enum.StrEnum):
    """What the feedback is: 投诉, 建议, 咨询, 表扬 (seed 000 §2.2.1)."""

    COMPLAINT = "complaint"
    SUGGESTION = "suggestion"
    INQUIRY = "inquiry"
    PRAISE = "praise"


class Category(enum.StrEnum):
    """Two-level category ``top.sub`` (seed 001 §1.2)."""

    PRODUCT_QUALITY = "product.quality"
    PRODUCT_DESIGN = "product.design"
    PRODUCT_MISMATCH = "product.mismatch"
    SERVICE_ATTITUDE = "service.attitude"
    SERVICE_COMPETENCE = "service.competence"
    SERVICE_PROCESS = "service.process"
    LOGISTICS_TIMELINESS = "logistics.timeliness"
    LOGISTICS_PACKAGE = "logistics.package"
    LOGISTICS_COURIER = "logistics.courier"
    BILLING_PRICE = "billing.price"
    BILLING_PAYMENT = "billing.payment"
    BILLING_INVOICE = "billing.invoice"
    POLICY_WARRANTY = "policy.warranty"
    POLICY_REFUND_RULES = "policy.refund_rules"
    POLICY_CAMPAIGN_TERMS = "policy.campaign_terms"

    @property
    def top(self) -> str:
        """The first level: product, service, logistics, billing or policy."""
        return self.value.split(".", 1)[0]

    @property
    def sub(self) -> str:
        """The second level, e.g. ``quality``."""
        return self.value.split(".", 1)[1]


class Priority(enum.StrEnum):
    """P1 (urgent) .. P4 (low).  ``P1 > P2``: greater means more urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def urgent(self) -> bool:
        """Seed 000's two-level scheme: urgent = P1, general = P2..P4."""
        return self is Priority.P1

    @property
    def rank(self) -> int:
        """1 for P1 (most urgent) to 4 for P4."""
        return int(self.value[1])

    # str defines every comparison, so all four are overridden explicitly.
    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank > other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank >= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank < other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Priority):
            return NotImplemented
        return self.rank <= other.rank


class Role(enum.StrEnum):
    """The staff ladder, lowest first; ``Role.AGENT < Role.DIRECTOR``."""

    AGENT = "agent"
    SUPERVISOR = "supervisor"
    DEPARTMENT_MANAGER = "department_manager"
    DIRECTOR = "director"

    @property
    def rank(self) -> int:
        """0 for agent up to 3 for director."""
        return _ROLE_RANK[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Role):
            return NotImplemented
        return self.rank >= other.rank


_ROLE_RANK = {role: rank for rank, role in enumerate(Role)}


class CustomerTier(enum.StrEnum):
    """Customer tier used by routing, SLA targets and sampling."""

    NEW = "new"
    REGULAR = "regular"
    VIP = "vip"


class Expectation(enum.StrEnum):
    """What the customer asks for (seed 001 §1.2)."""

    REFUND = "refund"
    EXCHANGE = "exchange"
    REPAIR = "repair"
    COMPENSATION = "compensation"
    EXPLANATION = "explanation"
    OTHER = "other"


class Status(enum.StrEnum):
    """Lifecycle states (SPEC §2.3)."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    INVESTIGATING = "investigating"
    AWAITING_APPROVAL = "awaiting_approval"
    AWAITING_CUSTOMER = "awaiting_customer"
    EXECUTING = "executing"
    RESOLVED = "resolved"
    CLOSED = "closed"
    MERGED = "merged"
    WITHDRAWN = "withdrawn"

    @property
    def final(self) -> bool:
        """Merged and withdrawn tickets never move again."""
        return self in (Status.MERGED, Status.WITHDRAWN)

    @property
    def open(self) -> bool:
        """Work is still owed to the customer."""
        return self not in (Status.RESOLVED, Status.CLOSED, Status.MERGED, Status.WITHDRAWN)


class SatisfactionLevel(enum.StrEnum):
    """The three-level survey result 满意 / 基本满意 / 不满意 (seed 000 §2.4.2)."""

    SATISFIED = "satisfied"
    BASICALLY_SATISFIED = "basically_satisfied"
    UNSATISFIED = "unsatisfied"


class ActorKind(enum.StrEnum):
    """Who acts: a staff member, the customer, or the system (sweeps)."""

    STAFF = "staff"
    CUSTOMER = "customer"
    SYSTEM = "system"


E = TypeVar("E", bound=enum.StrEnum)


def parse_enum(cls: type[E], value: object, field: str) -> E:
    """Accept an enum member or its string value; refuse anything else clearly."""
    if isinstance(value, cls):
        return value
    if isinstance(value, str):
        try:
            return cls(value)
        except ValueError:
            pass
    choices = ", ".join(member.value for member in cls)
    # The refused value is quoted to help, but masked: it may be a phone typed in the wrong box.
    got = redact(repr(value)) if isinstance(value, str) else type(value).__name__
    raise ValidationError(f"{field} must be one of {choices}; got {got}", field=field)
