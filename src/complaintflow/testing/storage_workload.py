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
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, TicketDraft
from complaintflow.domain.vocabulary import Channel, Kind, Priority, Role, Status
from complaintflow.errors import ConcurrencyError
from complaintflow.storage.protocol import OutboxItem, Reschedule, SaveItem, TicketStore

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
    "intake_batch",
    "make_ticket",
    "outbox_item",
    "take_numbers",
    "transition",
    "transition_many",
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
            # a transfer goes somewhere else: the lifecycle refuses one to where it is
            elsewhere = "billing" if ticket.department == "logistics" else "logistics"
            return [
                c.Comment("called the bank"),
                c.Respond("we are on it"),
                c.Transfer(elsewhere, "wrong department", to_assignee="zhao"),
            ]
        case Status.WITHDRAWN | Status.MERGED | Status.CLOSED:
            return []
    return [c.Comment("note")]


def intake_batch(
    ticket_id: str,
    *,
    at: dt.datetime = T0,
    number: str | None = None,
    dedupe_key: str | None = None,
) -> tuple[Ticket, list[Event]]:
    """A new ticket as the desk's intake writes it: four events at one instant.

    Opened with its SLA version stamped, triaged and assigned in the same
    batch, so a store that keeps one event per batch, or orders events by
    time, shows it.
    """
    ticket, events = open_ticket(
        draft(at=at, dedupe_key=dedupe_key),
        ticket_id=ticket_id,
        number=number or f"TS-{ticket_id}",
        actor=AGENT,
        at=at,
        sla_version="v1",
    )
    return transition_many(
        ticket,
        [c.Triage(Kind.COMPLAINT, None, Priority.P1, department="billing"), c.Assign("li")],
        at=at,
        events=events,
    )


def transition_many(
    ticket: Ticket,
    commands: Sequence[c.Command],
    *,
    at: dt.datetime,
    events: Sequence[Event] = (),
) -> tuple[Ticket, list[Event]]:
    """Apply ``commands`` one after another at the same instant; one batch of events."""
    batch = list(events)
    for command in commands:
        ticket, more = apply(ticket, command, actor=AGENT, at=at)
        batch += more
    return ticket, batch


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
        won.extend(sorted(store.record_alerts(keys[start : start + size])))
    return won


def process_job(factory: StoreFactory, tenant: str, job: str, args: Any) -> Any:
    """Run one job in a (spawned) process on a store it opens itself."""
    store = factory(tenant=tenant)
    try:
        if job == "contend":
            return contend(store, *args)
        if job == "contend_due":
            return contend_with_due(store, *args)
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
        if job == "claim_due":
            return drain_due(store, args)
        if job == "outbox":
            return drain_outbox(store, args)
        if job == "reschedule":
            return reschedule_loop(store, *args)
        if job == "batch":
            return contend_in_batches(store, *args)
        raise ValueError(job)
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def drain_due(store: TicketStore, worker: str) -> list[str]:
    """Claim due tickets three at a time (long leases) until none is left; their ids."""
    got: list[str] = []
    while batch := store.claim_due(
        now=T0.add(days=1), limit=3, worker=worker, lease=dt.timedelta(days=1)
    ):
        got.extend(ticket.id for ticket in batch)
    return got


def drain_outbox(store: TicketStore, worker: str) -> list[str]:
    """Claim and acknowledge outbox items three at a time; the ids delivered."""
    got: list[str] = []
    while batch := store.claim_outbox(worker=worker, limit=3, lease=dt.timedelta(hours=1), now=T0):
        got.extend(item.id for item in batch)
        store.ack_outbox([item.id for item in batch])
    return got


def due_marker(version: int, *, rescheduled: bool) -> pendulum.DateTime:
    """The due time a racing save (or reschedule) writes at ``version``: exact, distinct.

    Every reschedule's is earlier than every save's, and later versions' are
    later, so "due at or before the reschedule's time of version v" can only
    mean a reschedule made at version v or older.
    """
    return T0.add(days=100, hours=version - (1000 if rescheduled else 0))


def reschedule_loop(store: TicketStore, ticket_ids: Sequence[str], rounds: int) -> list[str]:
    """Reschedule each ticket at the version just read, racing with saves.

    After each move it looks for the lost update a check-then-write
    reschedule makes: a due time written for version v or older although
    the ticket is at a newer version (read before and after the query,
    unchanged, so no save slipped in between).  Returns what it saw.
    """
    seen: list[str] = []
    for _ in range(rounds):
        for ticket_id in ticket_ids:
            version = store.get(ticket_id).version
            mine = due_marker(version, rescheduled=True)
            if store.reschedule([Reschedule(ticket_id, version, mine)]):
                continue
            before = store.get(ticket_id).version
            due = store.find(due_before=mine)
            after = store.get(ticket_id).version
            if before == after > version and ticket_id in [t.id for t in due.items]:
                seen.append(f"{ticket_id}: a due time of v{version} or older kept at v{after}")
    return seen


def contend_with_due(
    store: TicketStore, ticket_ids: Sequence[str], rounds: int, worker: str
) -> list[tuple[str, int, str]]:
    """:func:`contend`, each save setting the due time :func:`due_marker` of its version."""
    won = []
    for round_ in range(rounds):
        for ticket_id in ticket_ids:
            ticket = store.get(ticket_id)
            text = f"{worker}:{round_}"
            new, events = apply(ticket, c.Comment(text), actor=AGENT, at=T0.add(days=1))
            try:
                store.save(
                    new,
                    events,
                    expected_version=ticket.version,
                    due_at=due_marker(new.version, rescheduled=False),
                )
            except ConcurrencyError:
                continue
            won.append((ticket_id, new.version, text))
    return won


def contend_in_batches(
    store: TicketStore, ticket_ids: Sequence[str], rounds: int, worker: str
) -> list[tuple[str, int, str]]:
    """Comment on all tickets with one ``save_many`` per round; the saves that won."""
    won = []
    for round_ in range(rounds):
        text, items = f"{worker}:{round_}", []
        for ticket_id in sorted(ticket_ids):
            ticket = store.get(ticket_id)
            new, events = apply(ticket, c.Comment(text), actor=AGENT, at=T0.add(days=1))
            items.append(
                SaveItem(
                    new, events, ticket.version, due_at=due_marker(new.version, rescheduled=False)
                )
            )
        stale = store.save_many(items)  # type: ignore[attr-defined]
        won += [(i.ticket.id, i.ticket.version, text) for i in items if i.ticket.id not in stale]
    return won


def die_mid_batch(factory: StoreFactory, tenant: str, now: dt.datetime) -> None:
    """Claim a batch of outbox items, 'deliver' one, and die without acknowledging."""
    store = factory(tenant=tenant)
    claimed = store.claim_outbox(worker="doomed", limit=5, lease=dt.timedelta(minutes=5), now=now)
    assert claimed
    os._exit(17)
