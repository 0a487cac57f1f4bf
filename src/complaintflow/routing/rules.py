"""One routing rule: conditions on a ticket's facts, and what to do when they hold.

Split from :mod:`complaintflow.routing` (which re-exports the public names)
to keep each module small.  Rules are plain data: :func:`rule_from_dict`
reads ``{"name", "when", "then"}`` mappings and :meth:`RoutingRule.to_dict`
writes them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs

from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    CustomerTier,
    Kind,
    Priority,
    parse_enum,
)
from complaintflow.errors import ValidationError

__all__ = ["RoutingFacts", "RoutingRule", "rule_from_dict"]

_TOPS = frozenset(category.top for category in Category)


@attrs.frozen(kw_only=True)
class RoutingFacts:
    """What a rule looks at; None is an unknown fact, on which no condition holds."""

    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None
    tier: CustomerTier | None = None
    product_line: str | None = None
    region: str | None = None
    channel: Channel | None = None
    text: str = ""


T = TypeVar("T")


def _many(value: object, parse: Callable[[object, str], T], field: str) -> tuple[T, ...]:
    """One value or a sequence of them -> a de-duplicated tuple."""
    if value is None:
        return ()
    items = (value,) if isinstance(value, str) or not isinstance(value, Iterable) else value
    return tuple(dict.fromkeys(parse(item, field) for item in items))


def _name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string, got {value!r}", field=field)
    return value


def _category(value: object, field: str) -> str:
    if isinstance(value, str) and (value in _TOPS or value in Category._value2member_map_):
        return value
    choices = ", ".join(sorted(_TOPS | {c.value for c in Category}))
    raise ValidationError(
        f"{field} must be a category or a top level, one of {choices}; got {value!r}",
        field=field,
    )


def _kind(value: object, field: str) -> Kind:
    return parse_enum(Kind, value, field)


def _tier(value: object, field: str) -> CustomerTier:
    return parse_enum(CustomerTier, value, field)


def _channel(value: object, field: str) -> Channel:
    return parse_enum(Channel, value, field)


# attrs converters must be named functions for mypy, hence one per field.
def _to_name(value: object) -> str:
    return _name(value, "name")


def _to_categories(value: object) -> tuple[str, ...]:
    return _many(value, _category, "category")


def _to_kinds(value: object) -> tuple[Kind, ...]:
    return _many(value, _kind, "kind")


def _to_tiers(value: object) -> tuple[CustomerTier, ...]:
    return _many(value, _tier, "tier")


def _to_channels(value: object) -> tuple[Channel, ...]:
    return _many(value, _channel, "channel")


def _to_product_lines(value: object) -> tuple[str, ...]:
    return _many(value, _name, "product_line")


def _to_regions(value: object) -> tuple[str, ...]:
    return _many(value, _name, "region")


def _to_keywords(value: object) -> tuple[str, ...]:
    return _many(value, _name, "keywords")


def _to_cc(value: object) -> tuple[str, ...]:
    return _many(value, _name, "cc")


def _to_notify(value: object) -> tuple[str, ...]:
    return _many(value, _name, "notify")


def _to_department(value: object) -> str | None:
    return None if value is None else _name(value, "department")


def _to_assignee(value: object) -> str | None:
    return None if value is None else _name(value, "assignee")


def _to_min_priority(value: object) -> Priority | None:
    return None if value is None else parse_enum(Priority, value, "priority_at_least")


def _to_priority_floor(value: object) -> Priority | None:
    return None if value is None else parse_enum(Priority, value, "priority_floor")


@attrs.frozen(kw_only=True)
class RoutingRule:
    """Conditions (all must hold; each lists alternatives) and an outcome.

    ``categories`` entries are a category (``"product.quality"``) or a top
    level (``"product"``).  ``min_priority`` holds for that priority or a
    more urgent one.  ``keywords`` are case-insensitive substrings of the
    description; ``product_lines`` and ``regions`` compare case-insensitively.
    A rule without conditions matches every ticket; a rule must set at least
    one outcome.
    """

    name: str = attrs.field(converter=_to_name)
    categories: tuple[str, ...] = attrs.field(default=(), converter=_to_categories)
    kinds: tuple[Kind, ...] = attrs.field(default=(), converter=_to_kinds)
    tiers: tuple[CustomerTier, ...] = attrs.field(default=(), converter=_to_tiers)
    product_lines: tuple[str, ...] = attrs.field(default=(), converter=_to_product_lines)
    regions: tuple[str, ...] = attrs.field(default=(), converter=_to_regions)
    channels: tuple[Channel, ...] = attrs.field(default=(), converter=_to_channels)
    min_priority: Priority | None = attrs.field(default=None, converter=_to_min_priority)
    keywords: tuple[str, ...] = attrs.field(default=(), converter=_to_keywords)
    department: str | None = attrs.field(default=None, converter=_to_department)
    assignee: str | None = attrs.field(default=None, converter=_to_assignee)
    cc: tuple[str, ...] = attrs.field(default=(), converter=_to_cc)
    priority_floor: Priority | None = attrs.field(default=None, converter=_to_priority_floor)
    notify: tuple[str, ...] = attrs.field(default=(), converter=_to_notify)

    def __attrs_post_init__(self) -> None:
        if not (self.department or self.assignee or self.cc or self.priority_floor or self.notify):
            raise ValidationError(
                f"rule {self.name!r} has no outcome: set department, assignee, cc, "
                "priority_floor or notify",
                field="then",
            )

    def explain(self, facts: RoutingFacts) -> tuple[str, ...] | None:
        """Why the rule matches ``facts`` (one reason per condition), or None."""
        reasons: list[str] = []
        if self.categories:
            category = facts.category
            hit = category is not None and (
                category.value in self.categories or category.top in self.categories
            )
            if not hit:
                return None
            reasons.append(f"category {category} in {', '.join(self.categories)}")
        for label, wanted, value in (
            ("kind", self.kinds, facts.kind),
            ("tier", self.tiers, facts.tier),
            ("channel", self.channels, facts.channel),
        ):
            if wanted:
                if value not in wanted:
                    return None
                reasons.append(f"{label} {value}")
        for label, wanted_text, text in (
            ("product line", self.product_lines, facts.product_line),
            ("region", self.regions, facts.region),
        ):
            if wanted_text:
                if text is None or text.casefold() not in {w.casefold() for w in wanted_text}:
                    return None
                reasons.append(f"{label} {text}")
        if self.min_priority is not None:
            if facts.priority is None or facts.priority < self.min_priority:
                return None
            reasons.append(f"priority {facts.priority} at least {self.min_priority}")
        if self.keywords:
            text = facts.text.casefold()
            found = [word for word in self.keywords if word.casefold() in text]
            if not found:
                return None
            reasons.append(f"keyword {', '.join(repr(w) for w in found)} in the description")
        return tuple(reasons) or ("no conditions: matches every ticket",)

    def to_dict(self) -> dict[str, Any]:
        """``{"name", "when", "then"}`` with only the fields that are set."""
        when = {key: _plain(getattr(self, attr)) for key, attr in _WHEN.items()}
        then = {key: _plain(getattr(self, key)) for key in _THEN}
        return {
            "name": self.name,
            "when": {k: v for k, v in when.items() if v not in (None, [])},
            "then": {k: v for k, v in then.items() if v not in (None, [])},
        }


def _plain(value: object) -> object:
    if isinstance(value, tuple):
        return [str(item) for item in value]
    return None if value is None else str(value)


_WHEN = {
    "category": "categories",
    "kind": "kinds",
    "tier": "tiers",
    "product_line": "product_lines",
    "region": "regions",
    "channel": "channels",
    "priority_at_least": "min_priority",
    "keywords": "keywords",
}
_THEN = ("department", "assignee", "cc", "priority_floor", "notify")


def _section(data: Mapping[str, Any], key: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    section = data.get(key, {})
    if not isinstance(section, Mapping):
        raise ValidationError(f"{key} must be a mapping", field=key)
    unknown = sorted(map(str, set(section) - set(allowed)))
    if unknown:
        raise ValidationError(
            f"unknown {key} field(s) {', '.join(unknown)}; expected {', '.join(sorted(allowed))}",
            field=f"{key}.{unknown[0]}",
        )
    return section


def rule_from_dict(data: object, index: int = 0) -> RoutingRule:
    """Read one ``{"name", "when", "then"}`` mapping; errors name ``rules[index]``."""
    where = f"rules[{index}]"
    try:
        if not isinstance(data, Mapping):
            raise ValidationError("a rule must be a mapping with name, when, then", field="rule")
        unknown = sorted(map(str, set(data) - {"name", "when", "then"}))
        if unknown:
            raise ValidationError(
                f"unknown field(s) {', '.join(unknown)}; expected name, when, then",
                field=unknown[0],
            )
        when = _section(data, "when", _WHEN)
        then = _section(data, "then", _THEN)
        return RoutingRule(
            name=data.get("name"),
            **{_WHEN[key]: value for key, value in when.items()},
            **then,
        )
    except ValidationError as error:
        inner = error.field
        if inner in _WHEN or inner in _THEN:
            inner = f"{'when' if inner in _WHEN else 'then'}.{inner}"
        field = f"{where}.{inner}" if inner else where
        raise ValidationError(f"{where}: {error}", field=field) from error
