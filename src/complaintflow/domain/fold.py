"""The fold: how each event changes a ticket.

``apply`` and ``replay`` both go through :func:`evolve`, so a snapshot and
the fold of its log cannot drift apart.  The status after an event is
taken from the event (the machine decided it when the event was made), not
recomputed here: this module never re-judges the past.  What each payload
changes is declared with its command (:mod:`complaintflow.domain.commands`);
how the SLA clocks move is generic over events and lives here.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pendulum

from complaintflow.domain import events as e
from complaintflow.domain.commands import TRIGGERS
from complaintflow.domain.sla_state import (
    REOPENABLE,
    ClockChange,
    ClockRules,
    ResolutionEnd,
    SlaClocks,
    is_done,
    is_final,
)
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import ActorKind, Status
from complaintflow.errors import ValidationError

__all__ = ["advance_clocks", "evolve", "fold_clocks", "replay"]

#: Each payload kind's fold step, as its command's trigger declares it.
_STEPS = {trigger.payload: trigger.fold for trigger in TRIGGERS.values()}


def evolve(ticket: Ticket, event: e.Event) -> Ticket:
    """The ticket after ``event``; ``event`` must be the next one in its log."""
    if event.ticket_id != ticket.id or event.seq != ticket.last_seq + 1:
        raise ValidationError(
            f"event {event.ticket_id}#{event.seq} does not follow {ticket.id}#{ticket.last_seq}",
            field="events",
        )
    step = _STEPS.get(type(event.payload))
    if step is None:
        raise ValidationError(f"no fold step for event type {event.type!r}", field="events")
    after = attrs.evolve(
        ticket,
        version=event.version,
        last_seq=event.seq,
        status=event.status,
        updated_at=event.at,
        **step(ticket, event, event.payload),
    )
    if after.sla is not None and not isinstance(event.payload, e.SlaStamped):
        after = attrs.evolve(after, sla=advance_clocks(after.sla, ticket, after, event))
    return after


def advance_clocks(
    clocks: SlaClocks, before: Ticket | None, after: Ticket, event: e.Event
) -> SlaClocks:
    """The SLA clocks after ``event`` took the ticket from ``before`` to ``after``.

    A cycle starts at receipt, at a customer's message (the reply clock),
    at a reopening (per the reopen mode) and at a hand-over to a department
    with a step target; it stops at the first reply, at resolution, when
    the step is done, and is cancelled by a merge or withdrawal; it pauses
    in the statuses the stamped policy names.
    """
    at, payload, status = event.at, event.payload, event.status
    work = ClockChange(clocks)
    if isinstance(payload, e.Received):
        work.start("first_response", payload.draft.received_at)
        work.start("resolution", payload.draft.received_at)
    was = before.status if before is not None else None
    if was is not None and is_done(was) and not (is_done(status) or is_final(status)):
        for metric in REOPENABLE:
            work.reopen(metric, at)
    by_customer = event.actor.kind is ActorKind.CUSTOMER
    if isinstance(payload, e.Commented) and by_customer and not payload.internal:
        work.start("next_response", at)
    if isinstance(payload, e.Responded | e.ResolvedAtFirstContact) or (
        isinstance(payload, e.Commented) and not by_customer and not payload.internal
    ):
        work.stop("first_response", at)
        work.stop("next_response", at)
    old = before.department if before is not None else None
    new = after.department
    if old != new and old is not None and old in clocks.rules.steps:
        work.stop(f"step:{old}", at)
    if isinstance(payload, e.SolutionProposed) and new is not None:
        work.stop(f"step:{new}", at)
    if old != new and new is not None and new in clocks.rules.steps:
        work.start(f"step:{new}", at)
    if isinstance(payload, e.SlaAlerted):
        work.record_alert(payload.metric, payload.cycle, payload.key)
    if clocks.rules.resolution_end is ResolutionEnd.SOLUTION_GIVEN:
        _solution_given(work, was, status, at)
    if is_done(status) and (was is None or not is_done(was)):
        work.stop_all(at)
    if is_final(status):
        work.stop_all(at, cancelled=True)
    work.settle(status, at)
    return work.frozen(clocks)


def _solution_given(
    work: ClockChange, was: Status | None, status: Status, at: pendulum.DateTime
) -> None:
    """办结 (seed 000 §2.3.2): the resolution clock stops when the solution reaches the
    customer, and goes on in the same cycle if they send the ticket back."""
    waiting = Status.AWAITING_CUSTOMER
    if status is waiting and was is not waiting:
        work.stop("resolution", at)
    elif was is waiting and status is Status.INVESTIGATING:  # declined: not settled after all
        work.carry_on("resolution", at)


def fold_clocks(events: Sequence[e.Event], version: str, rules: ClockRules) -> SlaClocks:
    """The clocks of a whole log under ``rules``: what a (re)stamp starts from."""
    clocks = SlaClocks(version, rules)
    ticket: Ticket | None = None
    for event in events:
        after = _born(event) if ticket is None else evolve(ticket, event)
        clocks = advance_clocks(clocks, ticket, after, event)
        ticket = after
    return clocks


def _born(event: e.Event) -> Ticket:
    payload = event.payload
    if not isinstance(payload, e.Received) or event.seq != 1:
        raise ValidationError(
            f"a ticket's log starts with a 'received' event #1, not {event.type!r} #{event.seq}",
            field="events",
        )
    d = payload.draft
    return Ticket(
        id=event.ticket_id,
        number=payload.number,
        version=event.version,
        last_seq=1,
        status=event.status,
        received_at=d.received_at,
        updated_at=event.at,
        channel=d.channel,
        description=d.description,
        customer=d.customer,
        kind=d.kind,
        category=d.category,
        priority=d.priority,
        expectation=d.expectation,
        product_ref=d.product_ref,
        order_ref=d.order_ref,
        product_line=d.product_line,
        region=d.region,
        claimed_amount=d.claimed_amount,
        attachments=d.attachments,
        receiver=d.receiver,
        tags=d.tags,
        dedupe_key=d.dedupe_key,
    )


def replay(events: Sequence[e.Event]) -> Ticket:
    """Rebuild a ticket from its whole log, oldest event first."""
    if not events:
        raise ValidationError("cannot replay an empty event log", field="events")
    ticket = _born(events[0])
    for event in events[1:]:
        ticket = evolve(ticket, event)
    return ticket


Ticket.replay = staticmethod(replay)  # see Ticket.replay
