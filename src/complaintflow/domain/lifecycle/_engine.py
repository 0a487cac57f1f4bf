"""Applying commands: the pure ``apply`` over the shared machine.

:data:`TRANSITIONS` is the whole lifecycle in one table.  It is loaded
into ONE module-level ``transitions.Machine`` shared by every ticket; each
:func:`apply` fires the trigger on a throw-away :class:`Cursor` holding the
state and what the guards read, never on the frozen ticket itself.  The
machine decides the next status; :mod:`complaintflow.domain.fold` turns the
resulting events into the next ticket, and :func:`replay` uses the same
fold, so a ticket and its log cannot disagree.

Order of checks in :func:`apply`, so that a refusal says the most useful
thing: the actor's role, then (in the machine) the state, the command
against the ticket (self-approval, merge into itself), then the guards.
Any refusal raises and returns nothing: the input ticket is a frozen value
and is never touched.  :func:`allowed_commands` asks the same machine the
same questions without firing it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from transitions import EventData, MachineError

from complaintflow.clock import instant
from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.commands import TRIGGERS, Trigger
from complaintflow.domain.fold import evolve, fold_clocks, replay
from complaintflow.domain.lifecycle._table import MACHINE, SYSTEM_ONLY, Cursor
from complaintflow.domain.rules import DEFAULT_RULES, LifecycleRules
from complaintflow.domain.sla_state import ClockRules
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, TicketDraft
from complaintflow.domain.vocabulary import ActorKind, Role, Status
from complaintflow.errors import InvalidTransition, PermissionDenied, ValidationError

__all__ = ["allowed_commands", "apply", "open_ticket", "replay"]


_STATUS = {status.value: status for status in Status}


def _refuse(
    ticket: Ticket,
    trigger: str,
    actor: Actor,
    at: pendulum.DateTime,
    rules: LifecycleRules,
    reason: str | None = None,
) -> InvalidTransition:
    return InvalidTransition(
        ticket_id=ticket.id,
        state=ticket.status.value,
        trigger=trigger,
        allowed=allowed_commands(ticket, actor, at=at, rules=rules),
        reason=reason,
    )


def _check_role(trigger: Trigger[Any, Any], actor: Actor) -> None:
    name, by = trigger.name, trigger.by
    if actor.kind is ActorKind.CUSTOMER and actor.kind not in by:
        raise PermissionDenied(
            trigger=name,
            actor_id=actor.id,
            actor_role=None,
            required=f"staff ({trigger.min_role} or above)",
        )
    if ActorKind.STAFF not in by and actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied(
            trigger=name,
            actor_id=actor.id,
            actor_role=actor.role.value if actor.role else None,
            required="the system (the desk records this itself)",
        )
    if actor.kind is ActorKind.SYSTEM and actor.kind not in by:
        raise PermissionDenied(
            trigger=name, actor_id=actor.id, actor_role=None, required="a staff member"
        )
    required = trigger.min_role
    if required is not Role.AGENT and actor.role is not None and actor.role < required:
        raise PermissionDenied(
            trigger=name, actor_id=actor.id, actor_role=actor.role.value, required=required.value
        )


def apply(
    ticket: Ticket,
    command: c.Command,
    *,
    actor: Actor,
    at: dt.datetime,
    rules: LifecycleRules = DEFAULT_RULES,
    continue_batch: bool = False,
) -> tuple[Ticket, list[e.Event]]:
    """Apply one command; return the next ticket and the events that explain it.

    Pure: the same inputs always give the same outputs, nothing is read
    from the clock or a store, and a refusal raises without side effects.
    ``continue_batch`` adds a bookkeeping event (``notify``, ``alert``) to
    the batch that produced ``ticket`` instead of starting a new version.
    """
    when = instant(at, "at")
    if when < ticket.updated_at:
        raise ValidationError(
            f"at={when} is before the ticket's last change ({ticket.updated_at}); "
            "events of one ticket must not go back in time",
            field="at",
        )
    trigger = TRIGGERS.get(command.trigger)
    if trigger is None or type(command) is not trigger.command:
        raise ValidationError(f"unknown command {command!r}", field="command")
    name = trigger.name
    if continue_batch and name not in SYSTEM_ONLY:
        raise ValidationError(
            f"only bookkeeping ({', '.join(sorted(SYSTEM_ONLY))}) can continue a batch, "
            f"not {name!r}",
            field="continue_batch",
        )
    _check_role(trigger, actor)
    cursor = Cursor(ticket, actor, when, rules, command)
    try:
        fired = MACHINE.events[name].trigger(cursor)
    except MachineError:  # the state has no row for this trigger
        raise _refuse(ticket, name, actor, when, rules) from None
    if not fired:
        raise _refuse(ticket, name, actor, when, rules, cursor.refusal)
    payload = cursor.payload
    assert payload is not None
    version = ticket.version if continue_batch else ticket.version + 1
    event = e.Event(
        ticket.id, ticket.last_seq + 1, version, when, actor, _STATUS[cursor.state], payload
    )
    return evolve(ticket, event), [event]


def open_ticket(
    draft: TicketDraft,
    *,
    ticket_id: str,
    number: str,
    actor: Actor,
    at: dt.datetime | None = None,
    sla_version: str | None = None,
    sla_rules: ClockRules | None = None,
) -> tuple[Ticket, list[e.Event]]:
    """Create a ticket from a draft: version 1, status received.

    With ``sla_version`` the same batch also stamps the SLA policy version
    the ticket will be measured under, and with ``sla_rules`` (that
    version's :meth:`~complaintflow.sla.SlaPolicy.clock_rules`) starts its
    clocks in the snapshot.
    """
    if not isinstance(draft, TicketDraft):
        raise ValidationError("open_ticket needs a TicketDraft", field="draft")
    for name, value in (("ticket_id", ticket_id), ("number", number)):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{name} must be a non-empty string", field=name)
    if not isinstance(actor, Actor):
        raise ValidationError("open_ticket needs an Actor (who recorded it)", field="actor")
    when = draft.received_at if at is None else instant(at, "at")
    if when < draft.received_at:
        raise ValidationError(
            f"at={when} is before the customer's contact at {draft.received_at}; a ticket "
            "cannot be recorded before it was received",
            field="at",
        )
    events = [e.Event(ticket_id, 1, 1, when, actor, Status.RECEIVED, e.Received(number, draft))]
    if sla_version is not None:
        clocks = None if sla_rules is None else fold_clocks(events, sla_version, sla_rules)
        events.append(
            e.Event(
                ticket_id,
                2,
                1,
                when,
                actor,
                Status.RECEIVED,
                e.SlaStamped(sla_version, clocks=clocks),
            )
        )
    return replay(events), events


def allowed_commands(
    ticket: Ticket,
    actor: Actor,
    *,
    at: dt.datetime,
    rules: LifecycleRules = DEFAULT_RULES,
) -> tuple[str, ...]:
    """Trigger names this actor may fire now, for a UI to offer as buttons."""
    when = instant(at, "at")
    if when < ticket.updated_at:
        return ()  # apply would refuse any command at this time
    cursor = Cursor(ticket, actor, when, rules)
    state = MACHINE.get_state(cursor.state)
    allowed = []
    for name in MACHINE.get_triggers(state):
        trigger = TRIGGERS[name]
        try:
            _check_role(trigger, actor)
            if trigger.check is not None:
                trigger.check(cursor)
        except PermissionDenied:
            continue
        event = MACHINE.events[name]
        probe = EventData(state, event, MACHINE, cursor, args=(), kwargs={})
        if any(
            all(condition.check(probe) for condition in row.conditions)
            for row in event.transitions[state.name]
        ):
            allowed.append(name)
    return tuple(sorted(allowed))
