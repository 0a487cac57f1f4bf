"""Labelled samples: the JSON-lines format evaluation and training share.

One object per line::

    {"text": "...", "channel": "chat", "tier": "vip", "kind": "complaint",
     "category": "billing.payment", "priority": "P1", "needs_human": true}

``tier``, ``category`` (null: no category), ``needs_human`` and ``note`` are
optional.  A sample without ``needs_human`` is left out of the needs-human
figures rather than guessed, so old files keep their meaning.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import attrs

from complaintflow.classify.base import Field
from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    CustomerTier,
    Kind,
    Priority,
    parse_enum,
)
from complaintflow.errors import SampleError, ValidationError

__all__ = ["NONE", "LabelledSample", "language_of", "load_samples"]

#: Samples carry no time; a fixed instant keeps evaluation deterministic.
_RECEIVED_AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
#: How a missing category is written in reports and labels.
NONE = "none"
_ALLOWED = {"text", "channel", "tier", "kind", "category", "priority", "needs_human", "note"}
_REQUIRED = {"text", "channel", "kind", "priority"}


def language_of(text: str) -> str:
    """``zh``, ``en`` or ``mixed`` (Chinese with at least one Latin word of 3+ letters).

    Reports split by it because the two languages fail differently; mixed
    text is where a lexicon written for one of them tends to fall apart.
    """
    han = any("\u3400" <= char <= "\u9fff" for char in text)
    if not han:
        return "en"
    run = 0
    for char in text:
        run = run + 1 if char.isascii() and char.isalpha() else 0
        if run >= 3:
            return "mixed"
    return "zh"


def _channel(value: object) -> Channel:
    return parse_enum(Channel, value, "channel")


def _kind(value: object) -> Kind:
    return parse_enum(Kind, value, "kind")


def _category(value: object) -> Category | None:
    return None if value is None else parse_enum(Category, value, "category")


def _priority(value: object) -> Priority:
    return parse_enum(Priority, value, "priority")


def _tier(value: object) -> CustomerTier | None:
    return None if value is None else parse_enum(CustomerTier, value, "tier")


@attrs.frozen
class LabelledSample:
    """A customer text with its expected kind, category, priority (and needs-human).

    Enum fields accept their values as strings (``"complaint"``, ``"P1"``).
    """

    text: str
    channel: Channel = attrs.field(converter=_channel)
    kind: Kind = attrs.field(converter=_kind)
    category: Category | None = attrs.field(converter=_category)
    priority: Priority = attrs.field(converter=_priority)
    tier: CustomerTier | None = attrs.field(default=None, converter=_tier)
    needs_human: bool | None = None

    def draft(self) -> TicketDraft:
        customer = Customer("sample", self.tier) if self.tier is not None else None
        return TicketDraft(self.text, self.channel, _RECEIVED_AT, customer)

    def expected(self, field: Field) -> str:
        value = getattr(self, field)
        return NONE if value is None else str(value.value)

    @property
    def language(self) -> str:
        return language_of(self.text)


def _sample(data: object, source: str, line: int) -> LabelledSample:
    if not isinstance(data, dict):
        raise SampleError("each line must be a JSON object", source=source, line=line)
    unknown = set(data) - _ALLOWED
    missing = _REQUIRED - set(data)
    if unknown or missing:
        raise SampleError(
            f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}",
            source=source,
            line=line,
        )
    human = data.get("needs_human")
    if human is not None and not isinstance(human, bool):
        raise SampleError(
            f"needs_human must be true or false, got {human!r}", source=source, line=line
        )
    try:
        return LabelledSample(
            text=data["text"],
            channel=data["channel"],
            kind=data["kind"],
            category=data.get("category"),
            priority=data["priority"],
            tier=data.get("tier"),
            needs_human=human,
        )
    except ValidationError as error:
        raise SampleError(str(error), source=source, line=line) from None


def load_samples(path: str | Path) -> list[LabelledSample]:
    """Read a JSON-lines sample file; blank lines are skipped."""
    path = Path(path)
    samples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SampleError(f"not JSON: {error.msg}", source=str(path), line=number) from None
        samples.append(_sample(data, str(path), number))
    return samples
