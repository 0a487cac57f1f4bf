"""The lifecycle as data: states, transitions, who may fire what, and the one machine.

:data:`TRANSITIONS` is the whole lifecycle in one table, loaded into ONE
module-level ``transitions.Machine(model=None)`` shared by every ticket.
"""

from __future__ import annotations

from typing import NamedTuple

from transitions import Machine

from complaintflow.domain import commands as c
from complaintflow.domain.vocabulary import Role, Status

__all__ = [
    "COMMANDS",
    "CUSTOMER_TRIGGERS",
    "MACHINE",
    "SOURCES",
    "STAFF_ROLE",
    "SYSTEM_ONLY",
    "SYSTEM_TRIGGERS",
    "TRANSITIONS",
    "Transition",
]

S = Status


class Transition(NamedTuple):
    """One row of the lifecycle: ``trigger`` from ``sources`` to ``dest``.

    ``dest`` None keeps the state (an action such as respond or comment).
    ``when`` / ``unless`` name a guard that must hold / must not hold.
    """

    trigger: str
    sources: tuple[Status, ...]
    dest: Status | None
    when: str | None = None
    unless: str | None = None


_ACTIVE = (S.RECEIVED, S.TRIAGED, S.ASSIGNED, S.INVESTIGATING, S.AWAITING_APPROVAL,
           S.AWAITING_CUSTOMER, S.EXECUTING)
_OWNED = _ACTIVE[2:]

#: The lifecycle of a ticket; rows sharing a trigger are tried in order.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", (S.RECEIVED,), S.TRIAGED),
    Transition("override", (*_ACTIVE[1:], S.RESOLVED), None),
    Transition("assign", (S.TRIAGED,), S.ASSIGNED),
    Transition("assign", _OWNED, None),
    Transition("investigate", (S.ASSIGNED,), S.INVESTIGATING),
    Transition("respond", _ACTIVE, None),
    Transition("transfer", (S.TRIAGED, S.ASSIGNED, S.INVESTIGATING), S.ASSIGNED),
    Transition("comment", (*_ACTIVE, S.RESOLVED), None),
    Transition("attach", (*_ACTIVE, S.RESOLVED), None),
    Transition("propose_solution", (S.INVESTIGATING,), S.AWAITING_APPROVAL, when="needs_approval"),
    Transition("propose_solution", (S.INVESTIGATING,), S.AWAITING_CUSTOMER),
    Transition("approve", (S.AWAITING_APPROVAL,), S.AWAITING_CUSTOMER, when="approvals_complete"),
    Transition("approve", (S.AWAITING_APPROVAL,), None),
    Transition("reject", (S.AWAITING_APPROVAL,), S.INVESTIGATING),
    Transition("customer_accepts", (S.AWAITING_CUSTOMER,), S.EXECUTING),
    Transition("customer_declines", (S.AWAITING_CUSTOMER,), S.INVESTIGATING),
    Transition("complete", (S.EXECUTING,), S.RESOLVED),
    Transition("resolve_now", _ACTIVE[:4], S.RESOLVED, when="first_contact_kind"),
    Transition("record_survey", (S.RESOLVED,), S.INVESTIGATING, when="unsatisfied"),
    Transition("record_survey", (S.RESOLVED,), None, when="survey_open"),
    Transition("reopen", (S.RESOLVED,), S.INVESTIGATING),
    Transition("reopen", (S.CLOSED,), S.INVESTIGATING, when="within_reopen_window"),
    Transition("close", (S.RESOLVED,), S.CLOSED, when="survey_settled"),
    Transition("merge", _ACTIVE, S.MERGED),
    Transition("withdraw", _ACTIVE, S.WITHDRAWN),
    Transition("restamp_sla", (*_ACTIVE, S.RESOLVED), None),
    Transition("notify", (*_ACTIVE, S.RESOLVED), None),
    Transition("alert", (*_ACTIVE, S.RESOLVED), None),
)

#: Command class by trigger name, for hosts that dispatch on strings.
COMMANDS: dict[str, type[c.Command]] = {
    cls.trigger: cls
    for cls in (c.Triage, c.Override, c.Assign, c.Investigate, c.Respond, c.Transfer,
                c.Comment, c.Attach, c.ProposeSolution, c.Approve, c.Reject,
                c.CustomerAccepts, c.CustomerDeclines, c.Complete, c.ResolveNow,
                c.RecordSurvey, c.Reopen, c.Close, c.Merge, c.Withdraw, c.RestampSla,
                c.QueueNotification, c.RecordAlert)
}

#: Minimum staff role per trigger (agent where absent).
STAFF_ROLE = {"override": Role.SUPERVISOR, "restamp_sla": Role.SUPERVISOR}
#: What a customer may do themselves, and what the system (sweeps) may do.
CUSTOMER_TRIGGERS = frozenset(
    {"customer_accepts", "customer_declines", "withdraw", "record_survey", "comment", "attach"}
)
SYSTEM_TRIGGERS = frozenset(
    {"triage", "assign", "transfer", "comment", "close", "notify", "alert"}
)
#: Bookkeeping only the system records (outbox entries, SLA alerts).
SYSTEM_ONLY = frozenset({"notify", "alert"})

SOURCES: dict[str, frozenset[Status]] = {}
for _row in TRANSITIONS:
    SOURCES[_row.trigger] = SOURCES.get(_row.trigger, frozenset()) | set(_row.sources)

MACHINE = Machine(
    model=None,
    states=[s.value for s in Status],
    initial=None,
    auto_transitions=False,
    send_event=False,
)
for _row in TRANSITIONS:
    MACHINE.add_transition(
        _row.trigger,
        [s.value for s in _row.sources],
        None if _row.dest is None else _row.dest.value,
        conditions=_row.when,
        unless=_row.unless,
    )
