"""Validation and condition builders for :mod:`complaintflow.classify.rules`.

Each ``when`` key becomes a small closure ``(draft, normalized_text) -> bool``;
each bad value becomes a :class:`~complaintflow.errors.RuleError`
that names the rule and the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from complaintflow.classify.lexicon import normalize
from complaintflow.domain.money import Money
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Channel, CustomerTier
from complaintflow.errors import (
    RulePatternError,
    RuleValueError,
    UnknownRuleFieldError,
    ValidationError,
)

__all__ = ["WHEN_KEYS", "Condition", "build_conditions", "check_keys", "enum_value", "strings"]

WHEN_KEYS = (
    "channel",
    "tier",
    "product_line",
    "region",
    "min_amount",
    "keywords",
    "all_keywords",
    "none_keywords",
    "regex",
)

Condition = Callable[[TicketDraft, str], bool]


def check_keys(rule: str, section: str, data: Mapping[str, Any], allowed: Sequence[str]) -> None:
    for key in data:
        if key not in allowed:
            raise UnknownRuleFieldError(rule=rule, key=str(key), section=section, allowed=allowed)


def strings(rule: str, key: str, value: object) -> tuple[str, ...]:
    items = (value,) if isinstance(value, str) else value
    if (
        not isinstance(items, list | tuple)
        or not items
        or not all(isinstance(item, str) and item.strip() for item in items)
    ):
        raise RuleValueError(
            rule=rule,
            key=key,
            value=value,
            expected="a non-empty string or list of non-empty strings",
        )
    return tuple(items)


def _enum_values(rule: str, key: str, value: object, enum: Iterable[Any]) -> frozenset[str]:
    allowed = {member.value for member in enum}
    values = strings(rule, key, value)
    for item in values:
        if item not in allowed:
            raise RuleValueError(
                rule=rule, key=key, value=item, expected="one of " + ", ".join(sorted(allowed))
            )
    return frozenset(values)


def enum_value(rule: str, key: str, value: object, enum: Any) -> Any:
    allowed = [member.value for member in enum]
    if value not in allowed:
        expected = "one of " + ", ".join(allowed)
        raise RuleValueError(rule=rule, key=key, value=value, expected=expected)
    return enum(value)


def _amount(rule: str, value: object) -> Money:
    try:
        if isinstance(value, str):
            amount, currency = value.split()
            return Money(amount, currency)
        if isinstance(value, Mapping) and set(value) == {"amount", "currency"}:
            return Money(str(value["amount"]), value["currency"])
    except (ValueError, ValidationError):
        pass
    raise RuleValueError(
        rule=rule,
        key="min_amount",
        value=value,
        expected="'10000 CNY' or {amount = '10000', currency = 'CNY'}",
    )


def _keyword_regex(words: Iterable[str]) -> re.Pattern[str]:
    parts = []
    for word in words:
        term = normalize(word.strip())
        left = r"(?<![a-z0-9])" if term[0].isascii() and term[0].isalnum() else ""
        right = r"(?![a-z0-9])" if term[-1].isascii() and term[-1].isalnum() else ""
        parts.append(left + re.escape(term) + right)
    return re.compile("|".join(parts))


def _in(values: frozenset[str], read: Callable[[TicketDraft], str | None]) -> Condition:
    def condition(draft: TicketDraft, normalized: str) -> bool:
        return (read(draft) or "").casefold() in values

    return condition


def _search(pattern: re.Pattern[str], *, in_text: bool = True, negate: bool = False) -> Condition:
    def condition(draft: TicketDraft, normalized: str) -> bool:
        found = pattern.search(normalized if in_text else draft.description) is not None
        return found is not negate

    return condition


def _all(conditions: Sequence[Condition]) -> Condition:
    def condition(draft: TicketDraft, normalized: str) -> bool:
        return all(check(draft, normalized) for check in conditions)

    return condition


def _amount_at_least(minimum: Money) -> Condition:
    def condition(draft: TicketDraft, normalized: str) -> bool:
        return _at_least(draft.claimed_amount, minimum)

    return condition


def _tier_of(draft: TicketDraft) -> str | None:
    return draft.customer.tier.value if draft.customer is not None else None


def build_conditions(rule: str, when: Mapping[str, Any]) -> list[tuple[str, Condition]]:
    conditions: list[tuple[str, Condition]] = []
    for key, value in when.items():
        if key == "channel":
            channels = _enum_values(rule, key, value, Channel)
            conditions.append((key, _in(channels, lambda draft: draft.channel.value)))
        elif key == "tier":
            conditions.append((key, _in(_enum_values(rule, key, value, CustomerTier), _tier_of)))
        elif key == "product_line":
            wanted = frozenset(item.casefold() for item in strings(rule, key, value))
            conditions.append((key, _in(wanted, lambda draft: draft.product_line)))
        elif key == "region":
            wanted = frozenset(item.casefold() for item in strings(rule, key, value))
            conditions.append((key, _in(wanted, lambda draft: draft.region)))
        elif key == "min_amount":
            conditions.append((key, _amount_at_least(_amount(rule, value))))
        elif key == "all_keywords":
            words = strings(rule, key, value)
            conditions.append((key, _all([_search(_keyword_regex([word])) for word in words])))
        elif key in ("keywords", "none_keywords"):
            pattern = _keyword_regex(strings(rule, key, value))
            conditions.append((key, _search(pattern, negate=key == "none_keywords")))
        elif key == "regex":
            if not isinstance(value, str):
                raise RuleValueError(rule=rule, key=key, value=value, expected="a string")
            try:
                compiled = re.compile(value, re.IGNORECASE)
            except re.error as error:
                raise RulePatternError(rule=rule, pattern=value, reason=str(error)) from None
            conditions.append((key, _search(compiled, in_text=False)))
    return conditions


def _at_least(amount: Money | None, minimum: Money) -> bool:
    return amount is not None and amount.currency == minimum.currency and amount >= minimum
