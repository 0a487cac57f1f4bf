"""Real tickets and contending workers for storage tests, threads or processes.

Everything here is importable in a freshly spawned process without
pytest or hypothesis, and the worker functions take only picklable
arguments: a ``factory`` (``factory(tenant=...) -> TicketStore``, e.g.
``functools.partial(SqliteStore, path)``) and plain values.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from typing import Any

import pendulum

from complaintflow.domain import commands as c
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.values import Actor, Ticket, TicketDraft
from complaintflow.domain.vocabulary import Channel, Kind, Priority, Role, Status
from complaintflow.errors import ConcurrencyError
from complaintflow.storage.protocol import OutboxItem, TicketStore

__all__ = [
    "AGENT",
    "T0",
    "StoreFactory",
    "claim_alerts",
    "commands_for",
    "contend",
    "die_mid_batch",
    "draft",
    "intake",
    "make_ticket",
    "outbox_item",
    "take_numbers",
    "transition",
]

#: A Monday afternoon in Shanghai; every test instant is after it.
T0 = pendulum.datetime(2024, 5, 20, 14, 0, tz="Asia/Shanghai")
AGENT = Actor.staff("agent-1", Role.SUPERVISOR)

StoreFactory = Callable[..., TicketStore]


def draft(n: int = 0, *, at: dt.datetime = T0, dedupe_key: str | None = None) -> TicketDraft:
    return TicketDraft(
        f"订单 {n} 支付失败，银行卡被扣了两次", Channel.CHAT, at, dedupe_key=dedupe_key
    )


def make_ticket(
    ticket_id: str,
    *,
    at: dt.datetime = T0,
    number: str | None = None,
    dedupe_key: str | None = None,
) -> tuple[Ticket, list[Event]]:
    """A new ticket (version 1, received) and its first event."""
    return open_ticket(
        draft(at=at, dedupe_key=dedupe_key),
        ticket_id=ticket_id,
        number=number or f"TS-{ticket_id}",
        actor=AGENT,
    )


def commands_for(ticket: Ticket) -> list[c.Command]:
    """A few commands the lifecycle accepts from ``ticket``'s status."""
    match ticket.status:
        case Status.RECEIVED:
            return [
                c.Triage(Kind.COMPLAINT, None, Priority.P2, department="billing"),
                c.Triage(Kind.INQUIRY, None, Priority.P3, department="service"),
                c.Withdraw(reason="duplicate"),
            ]
        case Status.TRIAGED:
            return [c.Assign("li", department="billing"), c.Assign("wang")]
        case Status.ASSIGNED:
            return [c.Investigate(), c.Comment("looking")]
        case Status.INVESTIGATING:
            return [
                c.Comment("called the bank"),
                c.Respond("we are on it"),
                c.Transfer("logistics", "wrong department", to_assignee="zhao"),
            ]
        case Status.WITHDRAWN | Status.MERGED | Status.CLOSED:
            return []
    return [c.Comment("note")]


def transition(
    ticket: Ticket, command: c.Command | None = None, *, at: dt.datetime | None = None
) -> tuple[Ticket, list[Event]]:
    """Apply ``command`` (default: a comment) at ``at`` (default: a minute later)."""
    when = at or ticket.updated_at.add(minutes=1)
    return apply(ticket, command or c.Comment("note"), actor=AGENT, at=when)


def outbox_item(n: int | str, ticket_id: str, *, at: dt.datetime = T0) -> OutboxItem:
    return OutboxItem(
        id=f"ob-{n}",
        ticket_id=ticket_id,
        kind="notify",
        payload={"n": str(n), "text": "您的工单已受理"},
        created_at=at,
    )


def intake(store: TicketStore, ticket_id: str, *, dedupe_key: str | None = None) -> Ticket:
    """Number, open and add a ticket as the desk does."""
    number = store.next_number(prefix="TS", day=T0.date())
    ticket, events = make_ticket(ticket_id, number=number, dedupe_key=dedupe_key)
    return store.add(ticket, events)


# -- workers: module-level so spawned processes can run them -------------------


def contend(
    store: TicketStore, ticket_ids: Sequence[str], rounds: int, worker: str
) -> list[tuple[str, int, str]]:
    """Comment on every ticket ``rounds`` times; return the (id, version, text) saved."""
    won = []
    for round_ in range(rounds):
        for ticket_id in ticket_ids:
            ticket = store.get(ticket_id)
            text = f"{worker}:{round_}"
            new, events = apply(ticket, c.Comment(text), actor=AGENT, at=T0.add(days=1))
            try:
                store.save(new, events, expected_version=ticket.version)
            except ConcurrencyError:
                continue
            won.append((ticket_id, new.version, text))
    return won


def take_numbers(store: TicketStore, count: int) -> list[str]:
    return [store.next_number(prefix="TS", day=T0.date()) for _ in range(count)]


def claim_alerts(store: TicketStore, keys: Sequence[str], size: int) -> list[str]:
    """Claim ``keys`` with ``record_alerts`` in batches of ``size``; return those won."""
    won: list[str] = []
    for start in range(0, len(keys), size):
        won.extend(sorted(store.record_alerts(keys[start:start + size])))
    return won


def process_job(factory: StoreFactory, tenant: str, job: str, args: Any) -> Any:
    """Run one job in a (spawned) process on a store it opens itself."""
    store = factory(tenant=tenant)
    try:
        if job == "contend":
            return contend(store, *args)
        if job == "numbers":
            return take_numbers(store, args)
        if job == "intake":
            ticket_id, key = args
            return intake(store, ticket_id, dedupe_key=key).id
        if job == "alert":
            return bool(store.record_alerts([args]))
        if job == "alerts":
            keys, size = args
            return claim_alerts(store, keys, size)
        raise ValueError(job)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def die_mid_batch(factory: StoreFactory, tenant: str, now: dt.datetime) -> None:
    """Claim a batch of outbox items, 'deliver' one, and die without acknowledging."""
    store = factory(tenant=tenant)
    claimed = store.claim_outbox(worker="doomed", limit=5, lease=dt.timedelta(minutes=5), now=now)
    assert claimed
    os._exit(17)
