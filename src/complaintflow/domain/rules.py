"""The knobs of the lifecycle a host may turn, and the approval-gate protocol.

They sit below the command families (:mod:`complaintflow.domain.commands`),
whose decisions and guards read them, and are re-exported by
:mod:`complaintflow.domain.lifecycle`.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

import attrs

from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Kind, Role

__all__ = ["DEFAULT_RULES", "ApprovalGate", "LifecycleRules", "SupervisorForAnyMoney"]


class ApprovalGate(Protocol):
    """What the lifecycle asks of an approval policy (see :mod:`complaintflow.approval`)."""

    def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]: ...


class SupervisorForAnyMoney:
    """The simplest gate: any money needs a supervisor, so an agent's needs one's approval."""

    def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]:
        if amount is None or amount.is_zero or proposer >= Role.SUPERVISOR:
            return ()
        return (Role.SUPERVISOR,)


@attrs.frozen
class LifecycleRules:
    """The knobs of the lifecycle a host may turn.

    ``survey_window``: how long a resolved ticket waits for its survey
    before it may be closed.  ``reopen_window``: how long after closing
    staff may still reopen.  ``surveyed_kinds``: kinds that get a survey
    (seed 000 §2.4.1: complaints and suggestions).
    """

    approvals: ApprovalGate = attrs.field(factory=SupervisorForAnyMoney)
    survey_window: dt.timedelta = dt.timedelta(hours=72)
    reopen_window: dt.timedelta = dt.timedelta(days=7)
    surveyed_kinds: frozenset[Kind] = frozenset({Kind.COMPLAINT, Kind.SUGGESTION})


DEFAULT_RULES = LifecycleRules()
