"""Declarative rules over draft fields: ``RuleClassifier``.

A rule says *when* (all conditions hold; a list means any of its values)
and *then* (what to propose).  Rules load from a dict, JSON or TOML::

    [[rules]]
    name = "vip wealth complaints"
    when = { tier = "vip", product_line = ["wealth"], keywords = ["亏损", "loss"] }
    then = { kind = "complaint", category = "billing.payment", priority = "P1" }

    [[rules]]
    name = "internal test accounts"
    when = { regex = "^TEST:" }
    then = { priority = "P4", tags = ["test"] }
    override = true        # wins over any other proposal in a chain
    stop = true            # later rules are not evaluated

``when`` keys: ``channel``, ``tier``, ``product_line``, ``region`` (one value
or a list), ``min_amount`` (``"10000 CNY"`` or ``{amount, currency}``; the
draft's ``claimed_amount`` must be at least that, in that currency),
``keywords`` (any), ``all_keywords``, ``none_keywords`` (matched like the
lexicon: substrings for Chinese, whole words for Latin, case-insensitive)
and ``regex`` (searched in the description, case-insensitive).  ``then``
keys: ``kind``, ``category``, ``priority``, ``needs_human``, ``tags``,
``confidence``.  Every matching rule contributes; the proposals merge as in
a chain (:func:`~complaintflow.classify.chain.merge`).  Mistakes raise a
:class:`~complaintflow.errors.RuleError` naming the rule and key.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from complaintflow.classify.base import Classification, Field, Reason
from complaintflow.classify.chain import merge
from complaintflow.classify.conditions import (
    WHEN_KEYS,
    Condition,
    build_conditions,
    check_keys,
    enum_value,
    strings,
)
from complaintflow.classify.lexicon import normalize as normalize_text
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import RuleValueError, ValidationError

__all__ = ["Rule", "RuleClassifier"]

_RULE_KEYS = ("name", "when", "then", "override", "stop")
_THEN_KEYS = ("kind", "category", "priority", "needs_human", "tags", "confidence")
_SOURCE = "rules"


@attrs.frozen
class Rule:
    """One validated rule; build it with :meth:`from_dict`."""

    name: str
    conditions: tuple[tuple[str, Condition], ...]
    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None
    needs_human: bool = False
    tags: tuple[str, ...] = ()
    confidence: float = 1.0
    override: bool = False
    stop: bool = False

    @classmethod
    def from_dict(cls, data: object, position: int = 0) -> Rule:
        label = f"#{position + 1}"
        if not isinstance(data, Mapping):
            raise RuleValueError(rule=label, key="rule", value=data, expected="a table / dict")
        name = data.get("name", label)
        if not isinstance(name, str) or not name.strip():
            raise RuleValueError(rule=label, key="name", value=name, expected="a non-empty string")
        label = f"{label} {name!r}" if name != label else label
        check_keys(label, "rule", data, _RULE_KEYS)
        when = data.get("when", {})
        then = data.get("then")
        for key, section in (("when", when), ("then", then)):
            if not isinstance(section, Mapping):
                raise RuleValueError(rule=label, key=key, value=section, expected="a table / dict")
        assert isinstance(when, Mapping)
        assert isinstance(then, Mapping)
        check_keys(label, "when", when, WHEN_KEYS)
        check_keys(label, "then", then, _THEN_KEYS)
        if not then:
            raise RuleValueError(
                rule=label,
                key="then",
                value=then,
                expected="at least one of " + ", ".join(_THEN_KEYS),
            )
        flags = {}
        for key in ("override", "stop"):
            flags[key] = data.get(key, False)
            if not isinstance(flags[key], bool):
                raise RuleValueError(
                    rule=label, key=key, value=flags[key], expected="true or false"
                )
        needs_human = then.get("needs_human", False)
        if not isinstance(needs_human, bool):
            raise RuleValueError(
                rule=label, key="needs_human", value=needs_human, expected="true or false"
            )
        confidence = then.get("confidence", 1.0)
        number = isinstance(confidence, int | float | Decimal) and not isinstance(confidence, bool)
        if not number or not 0 <= confidence <= 1:
            raise RuleValueError(
                rule=label, key="confidence", value=confidence, expected="a number from 0 to 1"
            )
        return cls(
            name=name,
            conditions=tuple(build_conditions(label, when)),
            kind=enum_value(label, "kind", then["kind"], Kind) if "kind" in then else None,
            category=(
                enum_value(label, "category", then["category"], Category)
                if "category" in then
                else None
            ),
            priority=(
                enum_value(label, "priority", then["priority"], Priority)
                if "priority" in then
                else None
            ),
            needs_human=needs_human,
            tags=strings(label, "tags", then["tags"]) if "tags" in then else (),
            confidence=float(confidence),
            override=flags["override"],
            stop=flags["stop"],
        )

    def matches(self, draft: TicketDraft, normalized: str) -> bool:
        return all(condition(draft, normalized) for _, condition in self.conditions)

    def propose(self, default_kind: Kind, default_priority: Priority) -> Classification:
        evidence = " and ".join(key for key, _ in self.conditions) or "always"
        set_fields: list[Field] = [
            field for field in ("kind", "category", "priority") if getattr(self, field) is not None
        ]
        reasons = [
            Reason(_SOURCE, field, str(getattr(self, field).value), self.name, evidence)
            for field in set_fields
        ]
        if self.needs_human:
            reasons.append(Reason(_SOURCE, "needs_human", "true", self.name, evidence))
        reasons += [Reason(_SOURCE, "tag", tag, self.name, evidence) for tag in self.tags]
        return Classification(
            kind=self.kind or default_kind,
            category=self.category,
            priority=self.priority or default_priority,
            tags=self.tags,
            needs_human=self.needs_human,
            confidence=self.confidence if self.kind is not None else 0.0,
            reasons=reasons,
            defaulted={field for field in ("kind", "priority") if getattr(self, field) is None},
            overrides=set_fields if self.override else (),
        )


class RuleClassifier:
    """Applies every matching rule, in order; see the module docstring for the format."""

    name = _SOURCE

    def __init__(
        self,
        rules: Iterable[Rule | Mapping[str, Any]] = (),
        *,
        default_kind: Kind = Kind.COMPLAINT,
        default_priority: Priority = Priority.P3,
    ) -> None:
        self.rules: tuple[Rule, ...] = tuple(
            rule if isinstance(rule, Rule) else Rule.from_dict(rule, position)
            for position, rule in enumerate(rules)
        )
        self.default_kind = default_kind
        self.default_priority = default_priority

    def __repr__(self) -> str:
        return f"RuleClassifier({[rule.name for rule in self.rules]!r})"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | Sequence[Any]) -> RuleClassifier:
        """``{"rules": [...]}`` or a bare list of rule tables."""
        if isinstance(data, Mapping):
            check_keys("set", "document", data, ("rules",))
            data = data.get("rules", [])
        if not isinstance(data, list | tuple):
            raise RuleValueError(rule="set", key="rules", value=data, expected="a list of rules")
        return cls(data)

    @classmethod
    def from_json(cls, text: str) -> RuleClassifier:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as error:
            raise ValidationError(f"rules are not valid JSON: {error}", field="rules") from None

    @classmethod
    def from_toml(cls, text: str) -> RuleClassifier:
        try:
            return cls.from_dict(tomllib.loads(text))
        except tomllib.TOMLDecodeError as error:
            raise ValidationError(f"rules are not valid TOML: {error}", field="rules") from None

    @classmethod
    def from_file(cls, path: str | Path) -> RuleClassifier:
        """Read ``.json`` or ``.toml`` rules from a file the host chose."""
        path = Path(path)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            return cls.from_json(text)
        if path.suffix == ".toml":
            return cls.from_toml(text)
        raise ValidationError(f"rules file {path} must end in .json or .toml", field="path")

    def classify(self, draft: TicketDraft) -> Classification:
        normalized = normalize_text(draft.description)
        proposals = []
        for rule in self.rules:
            if rule.matches(draft, normalized):
                proposals.append(rule.propose(self.default_kind, self.default_priority))
                if rule.stop:
                    break
        if not proposals:
            return Classification(
                kind=self.default_kind,
                priority=self.default_priority,
                defaulted={"kind", "priority"},
            )
        return merge(proposals)
