"""The lifecycle as data: states, transitions, who may fire what, and the one machine.

:data:`TRANSITIONS` is the whole lifecycle in one table, loaded into ONE
module-level ``transitions.Machine(model=None)`` shared by every ticket.
The machine is the only interpreter of the table: it checks the state,
runs the command's decision (``prepare_event``) and then the guards the
rows name, each a :class:`~complaintflow.domain.commands.Guard` declared
with its command.  It only ever sees a throw-away :class:`Cursor`, never
the frozen ticket.  A guard that refuses writes its reason on the cursor
before it returns False, so nobody has to guess afterwards which one did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import pendulum
from transitions import EventData, Machine

from complaintflow.domain._facts import Payload
from complaintflow.domain.commands import COMMANDS, TRIGGERS, Command, Guard, Situation
from complaintflow.domain.rules import LifecycleRules
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor
from complaintflow.domain.vocabulary import ActorKind, Role, Status
from complaintflow.errors import ValidationError

__all__ = [
    "COMMANDS",
    "CUSTOMER_TRIGGERS",
    "MACHINE",
    "STAFF_ROLE",
    "SYSTEM_ONLY",
    "SYSTEM_TRIGGERS",
    "TRANSITIONS",
    "Cursor",
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


_ACTIVE = (
    S.RECEIVED,
    S.TRIAGED,
    S.ASSIGNED,
    S.INVESTIGATING,
    S.AWAITING_APPROVAL,
    S.AWAITING_CUSTOMER,
    S.EXECUTING,
)
_OWNED = _ACTIVE[2:]

#: The lifecycle of a ticket; rows sharing a trigger are tried in order.
TRANSITIONS: tuple[Transition, ...] = (
    Transition("triage", (S.RECEIVED,), S.TRIAGED),
    Transition("override", (*_ACTIVE[1:], S.RESOLVED), None),
    Transition("assign", (S.TRIAGED,), S.ASSIGNED),
    Transition("assign", _OWNED, None),
    Transition("investigate", (S.ASSIGNED,), S.INVESTIGATING),
    Transition("respond", _ACTIVE, None),
    Transition("commit_time", _ACTIVE, None),
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
    Transition("send_survey", (*_ACTIVE, S.RESOLVED, S.CLOSED), None, when="round_reaches"),
    Transition("refuse_survey", (S.RESOLVED, S.CLOSED), None),
    Transition("answer_survey", (S.RESOLVED,), S.INVESTIGATING, when="round_reopens"),
    Transition("answer_survey", (S.RESOLVED, S.CLOSED), None),
    Transition("reopen", (S.RESOLVED,), S.INVESTIGATING),
    Transition("reopen", (S.CLOSED,), S.INVESTIGATING, when="within_reopen_window"),
    Transition("close", (S.RESOLVED,), S.CLOSED, when="survey_settled"),
    Transition("merge", _ACTIVE, S.MERGED),
    Transition("withdraw", _ACTIVE, S.WITHDRAWN),
    Transition("restamp_sla", (*_ACTIVE, S.RESOLVED), None),
    Transition("notify", (*_ACTIVE, S.RESOLVED), None),
    Transition("alert", (*_ACTIVE, S.RESOLVED), None),
)

#: Minimum staff role per trigger (agent where absent), as each trigger declares it.
STAFF_ROLE = {name: t.min_role for name, t in TRIGGERS.items() if t.min_role is not Role.AGENT}
#: What a customer may do themselves, and what the system (sweeps) may do.
CUSTOMER_TRIGGERS = frozenset(name for name, t in TRIGGERS.items() if ActorKind.CUSTOMER in t.by)
SYSTEM_TRIGGERS = frozenset(name for name, t in TRIGGERS.items() if ActorKind.SYSTEM in t.by)
#: Bookkeeping only the system records (outbox entries, SLA alerts).
SYSTEM_ONLY = frozenset(name for name, t in TRIGGERS.items() if t.by == {ActorKind.SYSTEM})


class Cursor(Situation):
    """The only object the shared machine ever sees: a state and what the guards read.

    ``payload`` is None until the command's decision ran (and stays None
    when :func:`~complaintflow.domain.lifecycle.allowed_commands` only asks
    whether some command could pass); ``refusal`` is the reason of the last
    guard that refused.
    """

    __slots__ = ("command", "payload", "refusal", "state")

    def __init__(
        self,
        ticket: Ticket,
        actor: Actor,
        at: pendulum.DateTime,
        rules: LifecycleRules,
        command: Command | None = None,
    ) -> None:
        super().__init__(ticket, actor, at, rules)
        self.state = ticket.status.value
        self.command = command
        self.payload: Payload | None = None
        self.refusal: str | None = None


def _decide(data: EventData) -> None:
    """``prepare_event``: once the state allows the trigger, the command decides its fact."""
    cursor: Cursor = data.model  # type: ignore[assignment]
    trigger = TRIGGERS[data.event.name]
    if trigger.check is not None:
        trigger.check(cursor)
    cursor.payload = trigger.decide(cursor.command, cursor)


def _condition(guard: Guard[Any], holds: bool) -> Callable[[EventData], bool]:
    """The guard as the machine calls it; it notes its refusal before it says no."""

    def check(data: EventData) -> bool:
        cursor: Cursor = data.model  # type: ignore[assignment]
        value = bool(guard.test(cursor, cursor.payload))
        if value != holds and guard.refusal is not None:
            cursor.refusal = guard.refusal
        return value

    return check


def _guard(trigger: str, name: str | None, holds: bool) -> list[str | Callable[..., bool | None]]:
    if name is None:
        return []
    guard = next((g for g in TRIGGERS[trigger].guards if g.name == name), None)
    if guard is None:
        raise ValidationError(
            f"the {trigger!r} row names guard {name!r}, which the "
            f"{trigger!r} trigger does not declare",
            field="TRANSITIONS",
        )
    return [_condition(guard, holds)]


MACHINE = Machine(
    model=None,
    states=[s.value for s in Status],
    initial=None,
    auto_transitions=False,
    send_event=True,
    prepare_event=[_decide],
)
for _row in TRANSITIONS:
    if _row.trigger not in TRIGGERS:
        raise ValidationError(
            f"row {_row.trigger!r} has no command: declare its Trigger in a "
            "family module of complaintflow.domain.commands",
            field="TRANSITIONS",
        )
    MACHINE.add_transition(
        _row.trigger,
        [s.value for s in _row.sources],
        None if _row.dest is None else _row.dest.value,
        conditions=_guard(_row.trigger, _row.when, True),
        unless=_guard(_row.trigger, _row.unless, False),
    )
