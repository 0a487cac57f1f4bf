"""Who handles a ticket: ordered rules -> department, assignee, cc, priority floor.

Seed 001 §2.2 replaces a senior agent's judgement with configurable rules:
by problem type (product quality -> technical support, logistics delay ->
warehouse), by customer tier (VIP -> cc the account manager, high
priority), by product line, by region, by keywords ("发票", "支付" ->
finance), and combinations ("product quality and P1 -> the quality
director, and notify them").

A :class:`Router` holds ordered :class:`RoutingRule` values.  A rule
matches when every condition it sets holds (a condition lists alternatives,
any one of which will do) and a condition on an unknown fact never holds.
``first_match`` applies the first matching rule; ``all_match`` merges every
matching rule in order:

- department: the first one set; else the router's fallback queue;
- assignee: the first one set by a rule that sets no department or the
  chosen one (so an assignee never lands in another department's queue);
- cc and notify: the union, in rule order; an entry may name
  ``{department}``, the department decided, so a rule can sync "the
  relevant department" without knowing which one it is;
- priority floor: the most urgent one; the decision's priority is the
  input priority raised to it.

Rules see the input facts only, never another rule's result, so the
outcome does not depend on a floor raised earlier.  Assignee strategies
(:func:`round_robin`, :func:`least_loaded`) are pure functions: the host
keeps the cursor or the load snapshot.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import attrs

from complaintflow.domain.values import Customer
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, parse_enum
from complaintflow.errors import ValidationError
from complaintflow.routing.rules import RoutingFacts, RoutingRule, rule_from_dict

__all__ = [
    "Classified",
    "Routable",
    "Router",
    "RoutingDecision",
    "RoutingFacts",
    "RoutingMode",
    "RoutingRule",
    "RuleMatch",
    "least_loaded",
    "round_robin",
]


class Classified(Protocol):
    """What routing needs from a classification: any object with these attributes."""

    @property
    def kind(self) -> Kind | None: ...

    @property
    def category(self) -> Category | None: ...

    @property
    def priority(self) -> Priority | None: ...


class Routable(Classified, Protocol):
    """What routing reads from a ticket; :class:`TicketDraft` and ``Ticket`` both conform."""

    @property
    def description(self) -> str: ...

    @property
    def channel(self) -> Channel: ...

    @property
    def customer(self) -> Customer | None: ...

    @property
    def product_line(self) -> str | None: ...

    @property
    def region(self) -> str | None: ...


class RoutingMode(enum.StrEnum):
    """``first_match``: the first matching rule decides; ``all_match``: all are merged."""

    FIRST_MATCH = "first_match"
    ALL_MATCH = "all_match"


@attrs.frozen
class RuleMatch:
    """One rule that matched, and why."""

    rule: str
    reasons: tuple[str, ...]

    def __str__(self) -> str:
        return f"rule {self.rule!r} matched: {'; '.join(self.reasons)}"


@attrs.frozen(kw_only=True)
class RoutingDecision:
    """Where a ticket goes.  ``matches`` lists the applied rules in order.

    ``fallback`` is True when no applied rule set a department and the
    ticket went to the router's fallback queue.
    """

    department: str
    assignee: str | None
    cc: tuple[str, ...]
    notify: tuple[str, ...]
    priority: Priority | None
    priority_floor: Priority | None
    matches: tuple[RuleMatch, ...]
    fallback: bool

    @property
    def explanation(self) -> str:
        """Human-readable: which rules matched and why, and what was decided."""
        lines = [str(match) for match in self.matches] or ["no rule matched"]
        if self.fallback:
            lines.append(f"no matching rule sets a department: fallback queue {self.department}")
        else:
            lines.append(f"department {self.department}")
        if self.assignee:
            lines.append(f"assignee {self.assignee}")
        if self.cc:
            lines.append(f"cc {', '.join(self.cc)}")
        if self.notify:
            lines.append(f"notify {', '.join(self.notify)}")
        if self.priority_floor:
            lines.append(f"priority floor {self.priority_floor}: priority {self.priority}")
        return "\n".join(lines)


def _to_rules(value: object) -> tuple[RoutingRule, ...]:
    if isinstance(value, str | Mapping) or not isinstance(value, Iterable):
        raise ValidationError("rules must be a sequence of RoutingRule", field="rules")
    rules = tuple(value)
    for rule in rules:
        if not isinstance(rule, RoutingRule):
            raise ValidationError(
                f"rules must hold RoutingRule values, got {type(rule).__name__}", field="rules"
            )
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValidationError(
            f"rule names must be unique, repeated: {', '.join(duplicates)}", field="rules"
        )
    return rules


def _to_mode(value: object) -> RoutingMode:
    return parse_enum(RoutingMode, value, "mode")


def _to_queue(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"fallback must be a queue name, got {value!r}", field="fallback")
    return value


_ROUTER_KEYS = frozenset({"mode", "fallback", "rules"})

# The seed 001 §2.2 examples as data; Router.default().to_dict() shows them.
_DEFAULT_RULES: Mapping[str, Any] = {
    "mode": "all_match",
    "fallback": "customer_service",
    "rules": [
        {
            "name": "quality-p1-to-quality-director",
            "when": {"category": "product.quality", "priority_at_least": "P1"},
            "then": {
                "department": "quality",
                "assignee": "quality_director",
                "notify": ["quality_director"],
            },
        },
        {
            # Seed 000 §2.2.2 / §2.3.1: 紧急问题同步相关部门;
            # 投诉类(紧急) 客服主管牵头，客服专员跟进.
            "name": "urgent-supervisor-leads-department-synced",
            "when": {"priority_at_least": "P1"},
            "then": {"notify": ["role:supervisor", "department:{department}"]},
        },
        {
            "name": "product-quality-to-technical-support",
            "when": {"category": "product.quality"},
            "then": {"department": "technical_support"},
        },
        {
            "name": "logistics-delay-to-warehouse",
            "when": {"category": "logistics.timeliness"},
            "then": {"department": "warehouse_logistics"},
        },
        {
            "name": "invoice-or-payment-to-finance",
            "when": {"keywords": ["发票", "支付", "invoice", "payment"]},
            "then": {"department": "finance"},
        },
        {
            "name": "vip-cc-account-manager",
            "when": {"tier": "vip"},
            "then": {"cc": ["account_manager"], "priority_floor": "P2"},
        },
    ],
}


@attrs.frozen
class Router:
    """Ordered rules, a mode and a fallback queue; :meth:`route` decides."""

    rules: tuple[RoutingRule, ...] = attrs.field(converter=_to_rules)
    mode: RoutingMode = attrs.field(default=RoutingMode.ALL_MATCH, converter=_to_mode, kw_only=True)
    fallback: str = attrs.field(default="customer_service", converter=_to_queue, kw_only=True)

    @classmethod
    def default(cls) -> Router:
        """The seed 001 §2.2 example rules, ``all_match``; ``to_dict()`` shows them as data.

        Besides them, seed 000's urgent rule: a P1 ticket notifies the
        supervisor role, who leads it (客服主管牵头; the assignee, an agent
        or the quality director, follows it up), and syncs the department
        it was routed to (紧急问题同步相关部门).
        """
        return cls.from_dict(_DEFAULT_RULES)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Router:
        """``{"mode": ..., "fallback": ..., "rules": [{"name", "when", "then"}, ...]}``."""
        if not isinstance(data, Mapping):
            raise ValidationError("a router must be a mapping", field="router")
        unknown = sorted(map(str, set(data) - _ROUTER_KEYS))
        if unknown:
            raise ValidationError(
                f"unknown field(s) {', '.join(unknown)}; expected "
                f"{', '.join(sorted(_ROUTER_KEYS))}",
                field=unknown[0],
            )
        rules = data.get("rules", ())
        if isinstance(rules, str | Mapping) or not isinstance(rules, Iterable):
            raise ValidationError("rules must be a list of rule mappings", field="rules")
        return cls(
            tuple(rule_from_dict(rule, index) for index, rule in enumerate(rules)),
            mode=data.get("mode", RoutingMode.ALL_MATCH),
            fallback=data.get("fallback", "customer_service"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` turns back into an equal router."""
        return {
            "mode": self.mode.value,
            "fallback": self.fallback,
            "rules": [rule.to_dict() for rule in self.rules],
        }

    def route(self, ticket: Routable, classification: Classified | None = None) -> RoutingDecision:
        """Decide for a draft (or ticket) and, optionally, the classifier's result.

        What the ticket records wins; the classification fills what it does not.
        """
        kind, category, priority = ticket.kind, ticket.category, ticket.priority
        if classification is not None:
            kind = kind or classification.kind
            category = category or classification.category
            priority = priority or classification.priority
        facts = RoutingFacts(
            kind=kind,
            category=category,
            priority=priority,
            tier=None if ticket.customer is None else ticket.customer.tier,
            product_line=ticket.product_line,
            region=ticket.region,
            channel=ticket.channel,
            text=ticket.description,
        )
        applied: list[tuple[RoutingRule, RuleMatch]] = []
        for rule in self.rules:
            reasons = rule.explain(facts)
            if reasons is not None:
                applied.append((rule, RuleMatch(rule.name, reasons)))
                if self.mode is RoutingMode.FIRST_MATCH:
                    break
        return _merge(applied, priority, self.fallback)


def _merge(
    applied: Sequence[tuple[RoutingRule, RuleMatch]], priority: Priority | None, fallback: str
) -> RoutingDecision:
    rules = [rule for rule, _ in applied]
    department = next((r.department for r in rules if r.department), None)
    assignee = next(
        (r.assignee for r in rules if r.assignee and r.department in (None, department)),
        None,
    )
    floors = [r.priority_floor for r in rules if r.priority_floor is not None]
    floor = max(floors) if floors else None
    raised = max(p for p in (priority, floor) if p is not None) if priority or floor else None
    chosen = department or fallback

    def named(names: Iterable[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(name.replace("{department}", chosen) for name in names))

    return RoutingDecision(
        department=chosen,
        assignee=assignee,
        cc=named(name for r in rules for name in r.cc),
        notify=named(name for r in rules for name in r.notify),
        priority=raised,
        priority_floor=floor,
        matches=tuple(match for _, match in applied),
        fallback=department is None,
    )


def _candidates(candidates: Sequence[str]) -> Sequence[str]:
    if isinstance(candidates, str) or not candidates:
        raise ValidationError(
            "candidates must be a non-empty sequence of assignee ids", field="candidates"
        )
    return candidates


def round_robin(candidates: Sequence[str], cursor: int) -> tuple[str, int]:
    """Take turns: the candidate at ``cursor`` (modulo their number) and the next cursor.

    Start with cursor 0 and store the returned one; a shrunk list still works.
    """
    _candidates(candidates)
    if isinstance(cursor, bool) or not isinstance(cursor, int) or cursor < 0:
        raise ValidationError(f"cursor must be a non-negative int, got {cursor!r}", field="cursor")
    index = cursor % len(candidates)
    return candidates[index], (index + 1) % len(candidates)


def least_loaded(candidates: Sequence[str], load_snapshot: Mapping[str, int]) -> str:
    """The candidate with the fewest open tickets; ties go to the earlier candidate.

    A candidate missing from the snapshot has no load.
    """
    _candidates(candidates)
    for who, load in load_snapshot.items():
        if isinstance(load, bool) or not isinstance(load, int) or load < 0:
            raise ValidationError(
                f"load of {who!r} must be a non-negative int, got {load!r}",
                field="load_snapshot",
            )
    return min(enumerate(candidates), key=lambda pair: (load_snapshot.get(pair[1], 0), pair[0]))[1]
