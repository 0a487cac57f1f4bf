"""``SlaPolicy``: which targets apply to a ticket, and how clocks behave.

Selection is deliberately simple to predict: rules are tried in the order
given, and for each metric the first matching rule that sets that metric
wins; a metric no rule sets falls back to the policy's ``fallback`` rule; ``None``
means "no SLA" for that metric.  Put specific rules (P1 and complex)
before general ones (P1).

A policy carries a ``version``.  A ticket is stamped with the version it
is measured under (an ``sla_stamped`` event), and measuring it under
another version is refused, so editing a policy never silently moves the
deadlines of tickets already open.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from complaintflow.domain.sla_state import (
    REOPENABLE,
    ClockRules,
    ReopenMode,
    ResolutionEnd,
    rules_from,
)
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import (
    Channel,
    CustomerTier,
    Kind,
    Priority,
    Role,
    Status,
    parse_enum,
)
from complaintflow.errors import ValidationError
from complaintflow.sla.targets import BusinessDays, BusinessHours, Elapsed, Target

__all__ = [
    "METRICS",
    "Escalation",
    "ReopenMode",
    "SlaMatch",
    "SlaPolicy",
    "SlaRule",
]

#: The metrics a policy can set; department steps are ``step:<department>``.
METRICS = ("first_response", "next_response", "resolution")


def _members(kind: type[enum.StrEnum], value: object) -> frozenset[Any] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    try:
        return frozenset(kind(item) for item in items)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise ValidationError(
            f"unknown {kind.__name__} in {items!r}; choose from {choices}",
            field=kind.__name__.lower(),
        ) from None


def _priorities(value: object) -> frozenset[Priority] | None:
    return _members(Priority, value)


def _kinds(value: object) -> frozenset[Kind] | None:
    return _members(Kind, value)


def _channels(value: object) -> frozenset[Channel] | None:
    return _members(Channel, value)


def _tiers(value: object) -> frozenset[CustomerTier] | None:
    return _members(CustomerTier, value)


def _departments(value: object) -> frozenset[str] | None:
    if value is None:
        return None
    items = [value] if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    if not all(isinstance(item, str) and item for item in items):
        raise ValidationError(f"departments must be names, got {items!r}", field="department")
    return frozenset(items)


@attrs.frozen
class SlaMatch:
    """Which tickets a rule applies to; ``None`` matches anything."""

    priority: frozenset[Priority] | None = attrs.field(default=None, converter=_priorities)
    kind: frozenset[Kind] | None = attrs.field(default=None, converter=_kinds)
    channel: frozenset[Channel] | None = attrs.field(default=None, converter=_channels)
    tier: frozenset[CustomerTier] | None = attrs.field(default=None, converter=_tiers)
    department: frozenset[str] | None = attrs.field(default=None, converter=_departments)
    complex: bool | None = None

    def matches(self, ticket: Ticket) -> bool:
        tier = ticket.customer.tier if ticket.customer else None
        checks = (
            (self.priority, ticket.priority),
            (self.kind, ticket.kind),
            (self.channel, ticket.channel),
            (self.tier, tier),
            (self.department, ticket.department),
        )
        if any(allowed is not None and value not in allowed for allowed, value in checks):
            return False
        return self.complex is None or self.complex == ticket.complex


_UNSET: Any = attrs.make_class("_Unset", [], frozen=True)()


@attrs.frozen
class SlaRule:
    """Targets for tickets that match; a metric left unset falls through."""

    match: SlaMatch
    first_response: Target | None = _UNSET
    next_response: Target | None = _UNSET
    resolution: Target | None = _UNSET
    #: Who set these targets, for ``explain()``: ``host`` unless a built-in layer did.
    layer: str = attrs.field(default="host", kw_only=True)

    def sets(self, metric: str) -> bool:
        return getattr(self, metric) is not _UNSET


@attrs.frozen
class Escalation:
    """Notify (and optionally hand to) ``role`` once a target is overrun by ``after``.

    ``after`` is a fraction of the target: 0 at the breach itself, 0.5 when
    half the target again has passed.
    """

    role: Role
    after: float = 0.0
    reassign: bool = False

    def __attrs_post_init__(self) -> None:
        if (
            isinstance(self.after, bool)
            or not isinstance(self.after, int | float)
            or self.after < 0
        ):
            raise ValidationError(
                f"Escalation.after must be >= 0, got {self.after!r}", field="after"
            )


def _warnings(value: Iterable[float]) -> tuple[float, ...]:
    fractions = tuple(sorted(set(value)))
    for fraction in fractions:
        if (
            isinstance(fraction, bool)
            or not isinstance(fraction, int | float)
            or not 0 < fraction < 1
        ):
            raise ValidationError(
                f"warning thresholds are fractions between 0 and 1, got {fraction!r}",
                field="warnings",
            )
    return fractions


def _rules(value: Iterable[SlaRule]) -> tuple[SlaRule, ...]:
    rules = tuple(value)
    if not all(isinstance(rule, SlaRule) for rule in rules):
        raise ValidationError("rules must be SlaRule values", field="rules")
    return rules


def _escalations(value: Iterable[Escalation]) -> tuple[Escalation, ...]:
    steps = tuple(value)
    if not all(isinstance(step, Escalation) for step in steps):
        raise ValidationError("escalation must be Escalation values", field="escalation")
    return tuple(sorted(steps, key=lambda step: step.after))


def _pause_map(value: Mapping[str, Iterable[Status | str]]) -> Mapping[str, frozenset[Status]]:
    merged = {**_pauses(), **value}
    return {metric: frozenset(_members(Status, states) or ()) for metric, states in merged.items()}


def _reopen_map(value: Mapping[str, ReopenMode | str]) -> Mapping[str, ReopenMode]:
    merged = {**_reopen(), **value}
    try:
        return {metric: ReopenMode(mode) for metric, mode in merged.items()}
    except ValueError:
        raise ValidationError(
            f"reopen modes are {', '.join(ReopenMode)}; got {dict(value)!r}", field="reopen"
        ) from None


def _resolution_end(value: object) -> ResolutionEnd:
    return parse_enum(ResolutionEnd, value, "resolution_end")


def _pauses() -> Mapping[str, frozenset[Status]]:
    return {
        "first_response": frozenset(),
        "next_response": frozenset(),
        "resolution": frozenset({Status.AWAITING_CUSTOMER}),
    }


def _reopen() -> Mapping[str, ReopenMode]:
    return {"first_response": ReopenMode.NEW_CYCLE, "resolution": ReopenMode.NEW_CYCLE}


@attrs.frozen
class SlaPolicy:
    """Targets by ticket attributes, pause and reopen behaviour, warnings, escalations."""

    version: str
    fallback: SlaRule
    rules: tuple[SlaRule, ...] = attrs.field(default=(), converter=_rules)
    steps: Mapping[str, Target] = attrs.field(factory=dict)
    pauses: Mapping[str, frozenset[Status]] = attrs.field(factory=_pauses, converter=_pause_map)
    reopen: Mapping[str, ReopenMode] = attrs.field(factory=_reopen, converter=_reopen_map)
    warnings: tuple[float, ...] = attrs.field(default=(0.75,), converter=_warnings)
    escalation: tuple[Escalation, ...] = attrs.field(
        default=(Escalation(Role.SUPERVISOR, 0.0), Escalation(Role.DEPARTMENT_MANAGER, 0.5)),
        converter=_escalations,
    )
    #: Where the resolution clock stops: seed 000's 办结, the solution given, by default.
    resolution_end: ResolutionEnd = attrs.field(
        default=ResolutionEnd.SOLUTION_GIVEN, kw_only=True, converter=_resolution_end
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.version, str) or not self.version.strip():
            raise ValidationError("an SlaPolicy needs a version string", field="version")
        for metric in METRICS:
            if not self.fallback.sets(metric):
                raise ValidationError(
                    f"the fallback rule must set {metric} (use None for no SLA)", field=metric
                )
        cannot_reopen = sorted(set(self.reopen) - set(REOPENABLE))
        if cannot_reopen:
            raise ValidationError(
                f"reopen modes apply to {' and '.join(REOPENABLE)} only, not "
                f"{', '.join(cannot_reopen)}: a reply clock starts on the customer's next "
                "message and a step clock on the next hand-over, never on a reopening",
                field="reopen",
            )
        for name, mapping in (("pauses", self.pauses), ("reopen", self.reopen)):
            unknown = set(mapping) - set(METRICS) - {m for m in mapping if m.startswith("step:")}
            if unknown:
                raise ValidationError(f"{name} names unknown metrics {sorted(unknown)}", field=name)

    def target(self, metric: str, ticket: Ticket) -> Target | None:
        """The target of ``metric`` for ``ticket`` (None: no SLA)."""
        if metric.startswith("step:"):
            return self.steps.get(metric.removeprefix("step:"))
        if metric not in METRICS:
            raise ValidationError(f"unknown SLA metric {metric!r}", field="metric")
        for rule in self.rules:
            if rule.sets(metric) and rule.match.matches(ticket):
                found: Target | None = getattr(rule, metric)
                return found
        chosen: Target | None = getattr(self.fallback, metric)
        return chosen

    def target_layer(self, metric: str, ticket: Ticket) -> str:
        """Which layer set :meth:`target` for ``ticket`` (a rule's ``layer``)."""
        if metric.startswith("step:"):
            return "step target"
        for rule in self.rules:
            if rule.sets(metric) and rule.match.matches(ticket):
                return rule.layer
        return self.fallback.layer

    def pauses_in(self, metric: str) -> frozenset[Status]:
        return self.pauses.get(metric, frozenset())

    def reopen_mode(self, metric: str) -> ReopenMode:
        return self.reopen.get(metric, ReopenMode.NEW_CYCLE)

    def clock_rules(self) -> ClockRules:
        """What the ticket's snapshot needs to advance its clocks under this version."""
        return rules_from(self.pauses.items(), self.reopen.items(), self.steps, self.resolution_end)

    @classmethod
    def default(
        cls, version: str = "default-1", *, resolution_end: ResolutionEnd | str = "solution_given"
    ) -> SlaPolicy:
        """SPEC §2.4 (seed 000 §2.3.2): P1 2 business hours / 24 h (48 h complex);
        P2–P4 4 business hours / 3 business days, to the solution given (办结) unless
        ``resolution_end="resolved"``."""
        p1 = SlaMatch(priority=[Priority.P1])
        return cls(
            version=version,
            fallback=SlaRule(
                SlaMatch(),
                first_response=BusinessHours(4),
                next_response=None,
                resolution=BusinessDays(3),
                layer="default: general",
            ),
            rules=(
                SlaRule(
                    SlaMatch(priority=[Priority.P1], complex=True),
                    resolution=Elapsed(hours=48),
                    layer="default: urgent, complex",
                ),
                SlaRule(
                    p1, first_response=BusinessHours(2), resolution=Elapsed(hours=24), layer=_URGENT
                ),
            ),
            steps={"technical": BusinessHours(2)},
            resolution_end=_resolution_end(resolution_end),
        )

    @classmethod
    def preset(
        cls,
        industry: str,
        version: str | None = None,
        *,
        urgent_first_response: Target | None = _UNSET,
    ) -> SlaPolicy:
        """The default policy with seed 002's first response for ``industry``, as a layer.

        ``ecommerce`` 1 h, ``b2b`` 24 h, ``medical`` and ``education`` 30 min
        set the *general* first response; the urgent (P1) floor of the
        default stays (seed 000 §2.3.2: 紧急 within 2 business hours), or the
        industry's when that is faster, unless ``urgent_first_response``
        says otherwise (``None``: no urgent first-response target).
        Resolution targets are the default's.  ``explain()`` names the layer
        that set each target.
        """
        first = _PRESETS.get(industry)
        if first is None:
            raise ValidationError(
                f"unknown industry preset {industry!r}; choose from {', '.join(_PRESETS)}",
                field="industry",
            )
        base = cls.default(version or f"{industry}-1")
        layer = f"preset {industry} (seed 002 §1): general first response"
        rules = []
        for rule in base.rules:
            if rule.sets("first_response"):
                if urgent_first_response is not _UNSET:
                    rule = attrs.evolve(
                        rule,
                        first_response=urgent_first_response,
                        layer=f"host: urgent first response over preset {industry}",
                    )
                elif _faster(first, rule.first_response):
                    rule = attrs.evolve(rule, first_response=first, layer=layer)
                else:
                    rule = attrs.evolve(rule, layer=f"{rule.layer} (kept by preset {industry})")
            rules.append(rule)
        return attrs.evolve(
            base,
            fallback=attrs.evolve(base.fallback, first_response=first, layer=layer),
            rules=tuple(rules),
        )


_URGENT = "default: urgent (seed 000 §2.3.2)"


def _faster(a: Target, b: Target | None) -> bool:
    """Whether business-hours target ``a`` is shorter than ``b`` (other kinds: no)."""
    return isinstance(a, BusinessHours) and isinstance(b, BusinessHours) and a.hours < b.hours


_PRESETS: dict[str, Target] = {
    "ecommerce": BusinessHours(1),
    "b2b": BusinessHours(24),
    "medical": BusinessHours(0.5),
    "education": BusinessHours(0.5),
}
