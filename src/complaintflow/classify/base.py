"""What a classifier returns, and the protocol every classifier meets.

A :class:`Classification` is a *proposal* (SPEC §2.2): a supervisor may
override it later, and that override is an event.  Besides the kind,
category and priority it says whether a person should take over
(``needs_human``), how sure the classifier is, and why (``reasons``), so a
reviewer sees which keyword or rule fired.

``defaulted`` names the fields the classifier had no evidence for and
filled with its default, and ``overrides`` the fields an explicit override
rule set; :class:`~complaintflow.classify.chain.ClassifierChain` uses both
to merge several proposals.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal, Protocol, runtime_checkable

import attrs

from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Priority, parse_enum
from complaintflow.errors import ValidationError

__all__ = ["FIELDS", "Classification", "Classifier", "Field", "Reason"]

Field = Literal["kind", "category", "priority"]
#: The fields a classifier proposes and a chain merges.
FIELDS: tuple[Field, ...] = ("kind", "category", "priority")


@attrs.frozen
class Reason:
    """Why a field got its value: which classifier, which rule, which words.

    ``field`` is ``kind``, ``category``, ``priority``, ``needs_human`` or
    ``tag``; ``rule`` names the lexicon group or rule that fired;
    ``evidence`` quotes the matched text (or the condition that held).
    """

    source: str
    field: str
    value: str
    rule: str
    evidence: str = ""

    def __str__(self) -> str:
        quoted = f" ({self.evidence!r})" if self.evidence else ""
        return f"{self.field}={self.value} by {self.source}:{self.rule}{quoted}"


def _fields(value: Iterable[str]) -> frozenset[str]:
    if isinstance(value, str):
        raise ValidationError("fields must be a collection of field names, not a string")
    names = frozenset(value)
    unknown = names - set(FIELDS)
    if unknown:
        raise ValidationError(
            f"unknown field(s) {sorted(unknown)}; use {', '.join(FIELDS)}", field="fields"
        )
    return names


def _confidence(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValidationError(
            f"confidence must be a number from 0 to 1, got {value!r}", field="confidence"
        )


def _to_kind(value: object) -> Kind:
    return parse_enum(Kind, value, "kind")


def _to_category(value: object) -> Category | None:
    return None if value is None else parse_enum(Category, value, "category")


def _to_priority(value: object) -> Priority:
    return parse_enum(Priority, value, "priority")


def _to_tags(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(value))


def _to_reasons(value: Iterable[Reason]) -> tuple[Reason, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class Classification:
    """A proposed kind, category and priority for one draft, with its reasons."""

    kind: Kind = attrs.field(converter=_to_kind)
    category: Category | None = attrs.field(default=None, converter=_to_category)
    priority: Priority = attrs.field(converter=_to_priority)
    tags: tuple[str, ...] = attrs.field(default=(), converter=_to_tags)
    needs_human: bool = False
    confidence: float = attrs.field(default=0.0, validator=_confidence)
    reasons: tuple[Reason, ...] = attrs.field(default=(), converter=_to_reasons)
    defaulted: frozenset[str] = attrs.field(default=frozenset(), converter=_fields)
    overrides: frozenset[str] = attrs.field(default=frozenset(), converter=_fields)

    def decided(self, field: Field) -> bool:
        """True when the classifier had evidence for ``field`` (category: not None)."""
        if field == "category" and self.category is None:
            return False
        return field not in self.defaulted

    def explain(self) -> str:
        """One line per reason, for a reviewer."""
        return "\n".join(str(reason) for reason in self.reasons)


@runtime_checkable
class Classifier(Protocol):
    """Anything with ``classify(draft) -> Classification``; no base class needed."""

    def classify(self, draft: TicketDraft) -> Classification: ...
