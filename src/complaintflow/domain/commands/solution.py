"""The solution: propose, approve or reject, the customer's answer, carrying it out.

Resolving an inquiry or praise at first contact skips the proposal and
lives here too: it is the shortest way to a solution.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import attrs

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    STAFF,
    STAFF_OR_CUSTOMER,
    Changes,
    Command,
    Guard,
    Situation,
    Trigger,
    instance_of,
    optional_text,
    short,
    text,
)
from complaintflow.domain.money import Money
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Approval, Solution
from complaintflow.domain.vocabulary import ActorKind, Kind, Role
from complaintflow.errors import PermissionDenied, SelfApprovalError, ValidationError

__all__ = [
    "TRIGGERS",
    "Approve",
    "Approved",
    "Complete",
    "Completed",
    "CustomerAccepted",
    "CustomerAccepts",
    "CustomerDeclined",
    "CustomerDeclines",
    "ProposeSolution",
    "Reject",
    "Rejected",
    "ResolveNow",
    "ResolvedAtFirstContact",
    "SolutionProposed",
]


def _dropped_solution(t: Ticket, ev: Event, p: Payload) -> Changes:
    return {"solution": None}


def _nothing(t: Ticket, ev: Event, p: Payload) -> Changes:
    return {}


def _and_note(note: str | None) -> str:
    return f": {note}" if note else ""


# -- propose -----------------------------------------------------------------------


@attrs.frozen
class ProposeSolution(Command):
    """A solution, with the amount when money is involved (refund, compensation)."""

    trigger: ClassVar[str] = "propose_solution"
    text: str = attrs.field(validator=text, repr=redacted_repr)
    amount: Money | None = attrs.field(
        default=None,
        kw_only=True,
        validator=attrs.validators.optional(instance_of(Money)),
    )

    def __attrs_post_init__(self) -> None:
        if self.amount is not None and self.amount.is_negative:
            raise ValidationError(f"amount must not be negative, got {self.amount}", field="amount")


@attrs.frozen
class SolutionProposed(Payload):
    """``required`` lists the approval steps the policy asked for (may be empty)."""

    type: ClassVar[str] = "solution_proposed"
    text: str = attrs.field(repr=redacted_repr)
    amount: Money | None
    required: tuple[Role, ...]


def _propose(command: ProposeSolution, now: Situation) -> SolutionProposed:
    actor = now.actor
    assert actor.role is not None or actor.kind is not ActorKind.STAFF
    required = now.rules.approvals.approvers(command.amount, actor.role or Role.AGENT)
    return SolutionProposed(command.text, command.amount, tuple(required))


def _proposed(t: Ticket, ev: Event, p: SolutionProposed) -> Changes:
    return {"solution": Solution(p.text, p.amount, ev.actor, ev.at, p.required)}


def _say_proposed(p: SolutionProposed) -> str:
    amount = f" [{p.amount}]" if p.amount else ""
    needs = f", needs {' → '.join(p.required)}" if p.required else ""
    return f"solution proposed{amount}: {short(p.text)}{needs}"


def _needs_approval(now: Situation, p: SolutionProposed | None) -> bool:
    return p is not None and bool(p.required)


# -- approve and reject --------------------------------------------------------------


def _approver(trigger: str) -> Callable[[Situation], None]:
    """Who may approve or reject the pending solution: the next role, never the proposer."""

    def check(now: Situation) -> None:
        actor, solution = now.actor, now.ticket.solution
        assert solution is not None
        assert solution.next_role is not None
        if actor.role is None:
            raise PermissionDenied(
                trigger=trigger,
                actor_id=actor.id,
                actor_role=None,
                required=solution.next_role.value,
            )
        if actor.id == solution.proposed_by.id:
            raise SelfApprovalError(
                trigger=trigger,
                actor_id=actor.id,
                actor_role=actor.role.value,
                required=f"{solution.next_role} other than the proposer",
                reason="nobody approves their own proposal",
            )
        if any(given.by == actor.id for given in solution.approvals):
            raise PermissionDenied(
                trigger=trigger,
                actor_id=actor.id,
                actor_role=actor.role.value,
                required=f"another {solution.next_role}",
                reason="each approval step needs a different person",
            )
        if actor.role < solution.next_role:
            raise PermissionDenied(
                trigger=trigger,
                actor_id=actor.id,
                actor_role=actor.role.value,
                required=solution.next_role.value,
                reason=f"the amount {solution.amount} needs this approval",
            )

    return check


@attrs.frozen
class Approve(Command):
    trigger: ClassVar[str] = "approve"
    note: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class Approved(Payload):
    type: ClassVar[str] = "approved"
    role: Role
    note: str | None = attrs.field(default=None, repr=redacted_repr)


def _approve(command: Approve, now: Situation) -> Approved:
    assert now.actor.role is not None  # the approver check ran first
    return Approved(now.actor.role, command.note)


def _approved(t: Ticket, ev: Event, p: Approved) -> Changes:
    assert t.solution is not None
    approval = Approval(ev.actor.id, p.role, ev.at)
    return {"solution": attrs.evolve(t.solution, approvals=(*t.solution.approvals, approval))}


def _approvals_complete(now: Situation, p: Approved | None) -> bool:
    solution = now.ticket.solution
    assert solution is not None
    return len(solution.approvals) + 1 >= len(solution.required)


@attrs.frozen
class Reject(Command):
    trigger: ClassVar[str] = "reject"
    reason: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class Rejected(Payload):
    type: ClassVar[str] = "rejected"
    reason: str = attrs.field(repr=redacted_repr)


# -- the customer's answer and carrying it out ------------------------------------


@attrs.frozen
class CustomerAccepts(Command):
    trigger: ClassVar[str] = "customer_accepts"
    note: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class CustomerAccepted(Payload):
    type: ClassVar[str] = "customer_accepted"
    note: str | None = attrs.field(default=None, repr=redacted_repr)


@attrs.frozen
class CustomerDeclines(Command):
    trigger: ClassVar[str] = "customer_declines"
    reason: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class CustomerDeclined(Payload):
    type: ClassVar[str] = "customer_declined"
    reason: str = attrs.field(repr=redacted_repr)


@attrs.frozen
class Complete(Command):
    """The accepted solution was carried out (refund paid, part shipped)."""

    trigger: ClassVar[str] = "complete"
    note: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class Completed(Payload):
    type: ClassVar[str] = "completed"
    note: str | None = attrs.field(default=None, repr=redacted_repr)


def _completed(t: Ticket, ev: Event, p: Completed) -> Changes:
    return {"resolved_at": ev.at}


# -- resolve at first contact ------------------------------------------------------


@attrs.frozen
class ResolveNow(Command):
    """Inquiries and praise answered at first contact (counts for FCR)."""

    trigger: ClassVar[str] = "resolve_now"
    answer: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class ResolvedAtFirstContact(Payload):
    type: ClassVar[str] = "resolved_at_first_contact"
    answer: str = attrs.field(repr=redacted_repr)


def _resolved_now(t: Ticket, ev: Event, p: ResolvedAtFirstContact) -> Changes:
    return {
        "resolved_at": ev.at,
        "resolved_at_first_contact": True,
        "first_response_at": t.first_response_at or ev.at,
    }


def _first_contact_kind(now: Situation, p: ResolvedAtFirstContact | None) -> bool:
    return now.ticket.kind in (Kind.INQUIRY, Kind.PRAISE)


TRIGGERS = (
    Trigger(
        ProposeSolution,
        SolutionProposed,
        _propose,
        _proposed,
        _say_proposed,
        guards=(Guard("needs_approval", _needs_approval),),
    ),
    Trigger(
        Approve,
        Approved,
        _approve,
        _approved,
        lambda p: f"approved as {p.role}" + _and_note(p.note),
        guards=(Guard("approvals_complete", _approvals_complete),),
        check=_approver("approve"),
    ),
    Trigger(
        Reject,
        Rejected,
        lambda command, now: Rejected(command.reason),
        _dropped_solution,
        lambda p: f"rejected: {p.reason}",
        check=_approver("reject"),
    ),
    Trigger(
        CustomerAccepts,
        CustomerAccepted,
        lambda command, now: CustomerAccepted(command.note),
        _nothing,
        lambda p: "customer accepted the solution",
        by=STAFF_OR_CUSTOMER,
    ),
    Trigger(
        CustomerDeclines,
        CustomerDeclined,
        lambda command, now: CustomerDeclined(command.reason),
        _dropped_solution,
        lambda p: f"customer declined: {p.reason}",
        by=STAFF_OR_CUSTOMER,
    ),
    Trigger(
        Complete,
        Completed,
        lambda command, now: Completed(command.note),
        _completed,
        lambda p: "solution carried out" + _and_note(p.note),
        by=STAFF,
    ),
    Trigger(
        ResolveNow,
        ResolvedAtFirstContact,
        lambda command, now: ResolvedAtFirstContact(command.answer),
        _resolved_now,
        lambda p: f"resolved at first contact: {short(p.answer)}",
        guards=(
            Guard(
                "first_contact_kind",
                _first_contact_kind,
                "only inquiries and praise can be resolved at first contact",
            ),
        ),
    ),
)
