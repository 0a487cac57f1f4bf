"""Who may approve a compensation, and in what chain (SPEC §2.5).

Seed 001 §3.2: a solution beyond the handler's authority goes through
internal approval — up to 500 CNY a supervisor signs, above that a
department manager "or even higher".  Seed 002 §4: frontline staff keep a
small authority of their own (小额赔偿) so simple cases are not held up.

A policy is data: a *ladder* of roles, lowest first, and per currency one
:class:`Tier` per rung, whose ``up_to`` is the largest amount (inclusive)
that role may grant.  The top rung has no limit, so every amount has an
approver.  "Needs approval" is not an exception but an :class:`ApprovalPlan`:
the minimum role of each sign-off, in order.  Exceptions are for misuse:
an unknown currency, a negative amount, a role too low, self-approval.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from types import MappingProxyType
from typing import Any

import attrs

from complaintflow.domain.money import ISO_4217, Money
from complaintflow.domain.values import Actor, Approval, Solution
from complaintflow.domain.vocabulary import Role, parse_enum
from complaintflow.errors import (
    MoneyError,
    NegativeAmountError,
    PermissionDenied,
    SelfApprovalError,
    UnknownCurrencyError,
    ValidationError,
)

__all__ = [
    "ApprovalPlan",
    "ApprovalPolicy",
    "ChainMode",
    "NegativeAmountError",
    "Tier",
    "UnknownCurrencyError",
]


class ChainMode(enum.StrEnum):
    """``single``: one sign-off by the required role or above.

    ``ladder``: one sign-off per rung above the proposer up to the required
    role, lowest first.
    """

    SINGLE = "single"
    LADDER = "ladder"


def _to_role(value: object) -> Role:
    return parse_enum(Role, value, "role")


def _to_mode(value: object) -> ChainMode:
    return parse_enum(ChainMode, value, "mode")


def _to_limit(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool | float):
        raise MoneyError(
            f"limit {value!r} is a {type(value).__name__}; pass a str, int or Decimal "
            "such as '500.00' so the boundary stays exact",
            field="up_to",
        )
    try:
        limit = Decimal(value) if isinstance(value, int | str | Decimal) else None
    except InvalidOperation:
        limit = None
    if limit is None or not limit.is_finite() or limit < 0:
        raise ValidationError(
            f"limit must be a non-negative number or None (no limit), got {value!r}",
            field="up_to",
        )
    return limit


def _to_currency(value: object) -> str:
    if not isinstance(value, str) or value.upper() not in ISO_4217:
        raise MoneyError(f"{value!r} is not an ISO-4217 currency code", field="currency")
    return value.upper()


@attrs.frozen
class Tier:
    """One rung: ``role`` may grant up to and including ``up_to`` (None: no limit)."""

    role: Role = attrs.field(converter=_to_role)
    up_to: Decimal | None = attrs.field(converter=_to_limit)


def _to_tiers(value: object) -> Mapping[str, tuple[Tier, ...]]:
    if not isinstance(value, Mapping) or not value:
        raise ValidationError(
            "tiers must map at least one currency to its tiers, "
            "e.g. {'CNY': {'agent': '100', 'supervisor': '500', 'director': None}}",
            field="tiers",
        )
    tiers: dict[str, tuple[Tier, ...]] = {}
    for currency, rungs in value.items():
        code = _to_currency(currency)
        if code in tiers:
            raise ValidationError(f"currency {code} is given twice", field="tiers")
        if isinstance(rungs, Mapping):
            tiers[code] = tuple(Tier(role, limit) for role, limit in rungs.items())
        elif isinstance(rungs, Sequence) and all(isinstance(t, Tier) for t in rungs):
            tiers[code] = tuple(rungs)
        else:
            raise ValidationError(
                f"tiers for {code} must be a mapping role -> limit or a sequence of Tier",
                field=f"tiers.{code}",
            )
    return MappingProxyType(tiers)


def _to_ladder(value: object) -> tuple[Role, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("ladder must be a sequence of roles, lowest first", field="ladder")
    ladder = tuple(parse_enum(Role, role, "ladder") for role in value)
    if not ladder:
        raise ValidationError("ladder needs at least one role", field="ladder")
    if any(low >= high for low, high in pairwise(ladder)):
        raise ValidationError(
            f"ladder must list distinct roles lowest first, got {[r.value for r in ladder]}",
            field="ladder",
        )
    return ladder


@attrs.frozen
class ApprovalPlan:
    """The sign-offs a compensation needs: ``steps`` is the minimum role of each, in order.

    ``steps`` is empty when the proposer's own authority covers the amount.
    ``proposed_by`` (an actor id) enables the self-approval check.
    """

    amount: Money
    proposer: Role
    required: Role
    mode: ChainMode
    steps: tuple[Role, ...]
    proposed_by: str | None = None

    @property
    def needs_approval(self) -> bool:
        return bool(self.steps)


_DEFAULT_LADDER = tuple(Role)
_DEFAULT_CNY = {
    Role.AGENT: "100.00",
    Role.SUPERVISOR: "500.00",
    Role.DEPARTMENT_MANAGER: "5000.00",
    Role.DIRECTOR: None,
}
_KEYS = frozenset({"ladder", "mode", "tiers"})


@attrs.frozen
class ApprovalPolicy:
    """Thresholds per currency on a ladder of roles, and a chain mode.

    >>> ApprovalPolicy.default().required_role(Money("500.00", "CNY"))
    <Role.SUPERVISOR: 'supervisor'>

    ``tiers`` maps a currency to one :class:`Tier` per ladder role, in
    ladder order, limits strictly increasing, the top one unlimited (None).
    Policies compare equal by value but are not hashable.
    """

    tiers: Mapping[str, tuple[Tier, ...]] = attrs.field(converter=_to_tiers)
    ladder: tuple[Role, ...] = attrs.field(default=_DEFAULT_LADDER, converter=_to_ladder)
    mode: ChainMode = attrs.field(default=ChainMode.SINGLE, converter=_to_mode, kw_only=True)

    def __attrs_post_init__(self) -> None:
        for currency, rungs in self.tiers.items():
            field = f"tiers.{currency}"
            roles = tuple(tier.role for tier in rungs)
            if roles != self.ladder:
                raise ValidationError(
                    f"tiers for {currency} must give one limit per ladder role in order "
                    f"({', '.join(self.ladder)}), got {', '.join(roles) or 'none'}",
                    field=field,
                )
            if rungs[-1].up_to is not None:
                raise ValidationError(
                    f"the top role {rungs[-1].role} must have no limit (None) in {currency}, "
                    "so that every amount has an approver",
                    field=field,
                )
            limits = [tier.up_to for tier in rungs[:-1]]
            if None in limits:
                raise ValidationError(
                    f"only the top role may be unlimited in {currency}", field=field
                )
            bounded = [limit for limit in limits if limit is not None]
            if any(low >= high for low, high in pairwise(bounded)):
                raise ValidationError(
                    f"limits in {currency} must increase up the ladder, got "
                    f"{', '.join(str(limit) for limit in bounded)}",
                    field=field,
                )

    # -- construction -----------------------------------------------------

    @classmethod
    def default(cls, *, mode: ChainMode | str = ChainMode.SINGLE) -> ApprovalPolicy:
        """SPEC §2.5: agent 100, supervisor 500, department manager 5 000 CNY, director above."""
        return cls({"CNY": _DEFAULT_CNY}, _DEFAULT_LADDER, mode=mode)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ApprovalPolicy:
        """Build from plain data, e.g. a host's JSON settings (see :meth:`to_dict`).

        ``{"ladder": [...], "mode": "single", "tiers": {"CNY": {"agent": "100", ...}}}``;
        ``ladder`` defaults to the tier roles of the first currency.
        """
        if not isinstance(data, Mapping):
            raise ValidationError("an approval policy must be a mapping", field="policy")
        unknown = set(data) - _KEYS
        if unknown:
            raise ValidationError(
                f"unknown field(s) {', '.join(sorted(map(str, unknown)))}; "
                f"expected {', '.join(sorted(_KEYS))}",
                field=sorted(map(str, unknown))[0],
            )
        if "tiers" not in data:
            raise ValidationError("tiers is required", field="tiers")
        tiers = _to_tiers(data["tiers"])
        ladder = data.get("ladder", [tier.role for tier in next(iter(tiers.values()))])
        return cls(tiers, ladder, mode=data.get("mode", ChainMode.SINGLE))

    def to_dict(self) -> dict[str, Any]:
        """Plain data that :meth:`from_dict` turns back into an equal policy."""
        return {
            "ladder": [role.value for role in self.ladder],
            "mode": self.mode.value,
            "tiers": {
                currency: {
                    tier.role.value: None if tier.up_to is None else str(tier.up_to)
                    for tier in rungs
                }
                for currency, rungs in self.tiers.items()
            },
        }

    # -- queries ------------------------------------------------------------

    @property
    def currencies(self) -> tuple[str, ...]:
        return tuple(sorted(self.tiers))

    def _rungs(self, amount: object) -> tuple[Tier, ...]:
        if not isinstance(amount, Money):
            raise MoneyError(
                f"amount must be a Money such as Money('500.00', 'CNY'), got {amount!r}",
                field="amount",
            )
        rungs = self.tiers.get(amount.currency)
        if rungs is None:
            raise UnknownCurrencyError(amount.currency, self.tiers)
        if amount.is_negative:
            raise NegativeAmountError(amount)
        return rungs

    def required_role(self, amount: Money) -> Role:
        """The lowest ladder role whose limit covers ``amount`` (bounds are inclusive)."""
        rungs = self._rungs(amount)
        return next(t.role for t in rungs if t.up_to is None or amount.amount <= t.up_to)

    def authority(self, role: Role, currency: str) -> Money | None:
        """What ``role`` may grant alone in ``currency``; None means no limit.

        A role off the ladder has the authority of the highest ladder role
        below it (zero when there is none).
        """
        code = _to_currency(currency)
        rungs = self._rungs(Money(0, code))
        limit = _authority(rungs, role)
        return None if limit is None else Money(limit, code)

    def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]:
        """The minimum role of each sign-off, in order; ``()`` when none is needed."""
        if amount is None:
            return ()
        return self.plan(amount, proposer).steps

    def plan(self, amount: Money, proposer: Role | Actor) -> ApprovalPlan:
        """The approval chain for ``amount`` proposed by a role (or a staff actor)."""
        proposed_by = None
        if isinstance(proposer, Actor):
            if proposer.role is None:
                raise ValidationError(
                    f"{proposer.id} has no staff role and cannot propose a compensation",
                    field="proposer",
                )
            proposed_by, proposer = proposer.id, proposer.role
        proposer = _to_role(proposer)
        rungs = self._rungs(amount)
        required = self.required_role(amount)
        limit = _authority(rungs, proposer)
        steps: tuple[Role, ...] = ()
        if limit is not None and amount.amount > limit:
            if self.mode is ChainMode.SINGLE:
                steps = (required,)
            else:
                steps = tuple(r for r in self.ladder if proposer < r <= required)
        return ApprovalPlan(amount, proposer, required, self.mode, steps, proposed_by)

    def check(
        self,
        subject: Solution | ApprovalPlan,
        approver: Actor,
        approvals_so_far: Sequence[Approval] | None = None,
    ) -> Role:
        """Refuse ``approver`` for the next step, or return the role that step needs.

        ``approvals_so_far`` defaults to the solution's own approvals (none
        for a plan).  Raises :class:`SelfApprovalError` when the approver
        proposed it, :class:`PermissionDenied` when their role is too low or
        they already signed an earlier step, :class:`ValidationError` when
        nothing is left to approve.
        """
        proposer_id: str | None
        if isinstance(subject, Solution):
            steps, proposer_id = subject.required, subject.proposed_by.id
            given = tuple(subject.approvals if approvals_so_far is None else approvals_so_far)
        else:
            steps, proposer_id = subject.steps, subject.proposed_by
            given = tuple(approvals_so_far or ())
        if len(given) >= len(steps):
            raise ValidationError(
                f"nothing left to approve: {len(given)} approval(s) given, {len(steps)} required",
                field="approvals_so_far",
            )
        step = steps[len(given)]
        denied: dict[str, Any] = {
            "trigger": "approve",
            "actor_id": approver.id,
            "actor_role": None if approver.role is None else approver.role.value,
            "required": step.value,
        }
        if proposer_id is not None and approver.id == proposer_id:
            raise SelfApprovalError(**denied, reason="nobody approves their own proposal")
        if any(approval.by == approver.id for approval in given):
            raise PermissionDenied(
                **denied, reason="already signed an earlier step; each step needs another person"
            )
        if approver.role is None or approver.role < step:
            raise PermissionDenied(
                **denied, reason=f"step {len(given) + 1} of {len(steps)} needs {step} or above"
            )
        return step


def _authority(rungs: tuple[Tier, ...], role: Role) -> Decimal | None:
    """The limit of the highest rung at or below ``role``; 0 below the ladder."""
    limit: Decimal | None = Decimal(0)
    for tier in rungs:
        if tier.role <= role:
            limit = tier.up_to
    return limit
