"""The in-memory adapter: a real, thread-safe store for tests, demos and caches.

It keeps the same promises as the database adapters (atomic save with an
expected version, idempotent intake, tenant scoping, a leased outbox) and
is the reference the conformance suite compares other adapters with.

Stores for several tenants can share one memory: ``store.for_tenant("b")``.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence

import attrs

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ConcurrencyError, NotFound
from complaintflow.storage.kit import (
    Query,
    alert_keys,
    backlog_of,
    check_after,
    check_batch,
    check_day,
    check_failures,
    check_ids,
    check_limit,
    check_outbox,
    check_reschedules,
    check_retry_ids,
    check_save,
    check_saves,
    check_text,
    decode_cursor,
    duplicate_outbox,
    encode_cursor,
    from_micros,
    lease_micros,
    micros,
)
from complaintflow.storage.protocol import (
    Backlog,
    Claimed,
    DeadLetter,
    DeadLetterPage,
    Failure,
    OutboxItem,
    Page,
    Reschedule,
    SaveItem,
    format_ticket_number,
)

__all__ = ["InMemoryStore", "check_batch"]  # check_batch: kept for old imports


class _Tenant:
    """One tenant's data."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.events: dict[str, list[Event]] = {}
        self.dedupe: dict[str, str] = {}
        #: number -> the ids holding it (a number is unique unless a host reuses one)
        self.numbers_held: defaultdict[str, set[str]] = defaultdict(set)
        self.numbers: defaultdict[tuple[str, dt.date], int] = defaultdict(int)
        self.due: dict[str, int] = {}
        self.due_leases: dict[str, int] = {}
        #: id -> (item, claimable from (epoch micros; 0 for a new item))
        self.outbox: dict[str, tuple[OutboxItem, int]] = {}
        self.alerts: set[str] = set()
        #: id -> (error, failed at µs) of pending items that failed at least once
        self.failures: dict[str, tuple[str, int]] = {}
        self.dead: dict[str, tuple[DeadLetter, int]] = {}


class _Memory:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.tenants: defaultdict[str, _Tenant] = defaultdict(_Tenant)


class InMemoryStore:
    """Tickets and events in dicts, guarded by one lock."""

    def __init__(self, *, tenant: str = "default", _memory: _Memory | None = None) -> None:
        self.tenant = tenant
        self._memory = _memory if _memory is not None else _Memory()
        self._lock = self._memory.lock
        self._data = self._memory.tenants[tenant]

    def for_tenant(self, tenant: str) -> InMemoryStore:
        """A store for ``tenant`` over the same memory."""
        return InMemoryStore(tenant=tenant, _memory=self._memory)

    def _enqueue(self, items: Sequence[OutboxItem]) -> None:
        for item in items:
            if item.id in self._data.outbox:
                raise duplicate_outbox(item.id)
        for item in items:
            self._data.outbox[item.id] = (item, 0)

    def _set_due(self, ticket_id: str, due: int | None) -> None:
        self._data.due_leases.pop(ticket_id, None)
        if due is None:
            self._data.due.pop(ticket_id, None)
        else:
            self._data.due[ticket_id] = due

    def add(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> Ticket:
        check_batch(ticket, events, 1)
        items = check_outbox(outbox)
        due = None if due_at is None else micros(due_at, "due_at")
        data = self._data
        with self._lock:
            if ticket.dedupe_key is not None and ticket.dedupe_key in data.dedupe:
                return data.tickets[data.dedupe[ticket.dedupe_key]]
            if ticket.id in data.tickets:
                raise ConcurrencyError(
                    ticket_id=ticket.id, expected=0, actual=data.tickets[ticket.id].version
                )
            self._enqueue(items)
            data.tickets[ticket.id] = ticket
            data.events[ticket.id] = list(events)
            if ticket.dedupe_key is not None:
                data.dedupe[ticket.dedupe_key] = ticket.id
            data.numbers_held[ticket.number].add(ticket.id)
            self._set_due(ticket.id, due)
            return ticket

    def get(self, ticket_id: str) -> Ticket:
        check_text(ticket_id, "ticket_id")
        with self._lock:
            try:
                return self._data.tickets[ticket_id]
            except KeyError:
                raise NotFound("ticket", ticket_id) from None

    def save(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        expected_version: int,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> None:
        check_save(ticket, events, expected_version)
        items = check_outbox(outbox)
        due = None if due_at is None else micros(due_at, "due_at")
        with self._lock:
            current = self._data.tickets.get(ticket.id)
            if current is None:
                raise NotFound("ticket", ticket.id)
            if current.version != expected_version:
                raise ConcurrencyError(
                    ticket_id=ticket.id, expected=expected_version, actual=current.version
                )
            check_batch(ticket, events, current.last_seq + 1)
            self._enqueue(items)
            self._data.events[ticket.id].extend(events)
            self._data.tickets[ticket.id] = ticket
            self._set_due(ticket.id, due)

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        batch = [
            (
                item,
                check_outbox(item.outbox),
                None if item.due_at is None else micros(item.due_at, "due_at"),
            )
            for item in check_saves(items)
        ]
        with self._lock:
            data, stale, ready, queued = self._data, set(), [], set()
            for item, outbox, due in batch:  # check everything before writing anything
                current = data.tickets.get(item.ticket.id)
                if current is None:
                    raise NotFound("ticket", item.ticket.id)
                if current.version != item.expected_version:
                    stale.add(item.ticket.id)
                    continue
                check_batch(item.ticket, item.events, current.last_seq + 1)
                for entry in outbox:
                    if entry.id in data.outbox or entry.id in queued:
                        raise duplicate_outbox(entry.id)
                    queued.add(entry.id)
                ready.append((item, outbox, due))
            for item, outbox, due in ready:
                self._enqueue(outbox)
                data.events[item.ticket.id].extend(item.events)
                data.tickets[item.ticket.id] = item.ticket
                self._set_due(item.ticket.id, due)
            return frozenset(stale)

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        batch = check_reschedules(items)
        with self._lock:
            tickets = self._data.tickets
            for item, _ in batch:  # check everything before writing anything
                if item.ticket_id not in tickets:
                    raise NotFound("ticket", item.ticket_id)
            stale = frozenset(
                item.ticket_id
                for item, _ in batch
                if tickets[item.ticket_id].version != item.version
            )
            for item, due in batch:
                if item.ticket_id not in stale:
                    self._set_due(item.ticket_id, due)
            return stale

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        check_text(ticket_id, "ticket_id")
        check_after(after)
        with self._lock:
            if ticket_id not in self._data.events:
                raise NotFound("ticket", ticket_id)
            return [event for event in self._data.events[ticket_id] if event.seq > after]

    def find(
        self,
        *,
        status: Status | Iterable[Status] | None = None,
        assignee: str | None = None,
        department: str | None = None,
        priority: Priority | None = None,
        due_before: dt.datetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        query = Query(
            status=status,
            assignee=assignee,
            department=department,
            priority=priority,
            due_before=due_before,
            limit=limit,
            cursor=cursor,
        )
        with self._lock:
            rows: list[tuple[int, str, Ticket]] = []
            for ticket in self._data.tickets.values():
                due = self._data.due.get(ticket.id)
                if query.matches(ticket, due):
                    key = due if query.due_before is not None else micros(ticket.received_at)
                    assert key is not None
                    rows.append((key, ticket.id, ticket))
        rows.sort(key=lambda row: (row[0], row[1]))
        if query.after is not None:
            after = query.after
            rows = [row for row in rows if (row[0], row[1]) > after]
        page = rows[: query.limit]
        more = len(rows) > query.limit
        next_cursor = encode_cursor(page[-1][0], page[-1][1]) if more else None
        return Page(tuple(row[2] for row in page), next_cursor)

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        check_text(key, "key")
        with self._lock:
            ticket_id = self._data.dedupe.get(key)
            return None if ticket_id is None else self._data.tickets[ticket_id]

    def find_by_number(self, number: str) -> Ticket:
        check_text(number, "number")
        with self._lock:
            held = self._data.numbers_held.get(number)
            if not held:
                raise NotFound("ticket number", number)
            return self._data.tickets[min(held)]

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        check_text(prefix, "prefix")
        day = check_day(day)
        with self._lock:
            self._data.numbers[prefix, day] += 1
            return format_ticket_number(prefix, day, self._data.numbers[prefix, day])

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._lock:
            ready = sorted(
                (row[0] for row in self._data.outbox.values() if row[1] <= start),
                key=lambda item: (micros(item.created_at), item.id),
            )[:limit]
            claimed = []
            for item in ready:
                item = attrs.evolve(item, attempts=item.attempts + 1)
                self._data.outbox[item.id] = (item, until)
                claimed.append(item)
            return Claimed(claimed)

    def ack_outbox(self, ids: Iterable[str]) -> None:
        ids = check_ids(ids)
        with self._lock:
            for item_id in ids:
                self._data.outbox.pop(item_id, None)
                self._data.failures.pop(item_id, None)

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        wanted = alert_keys(keys)
        with self._lock:
            fresh = frozenset(key for key in wanted if key not in self._data.alerts)
            self._data.alerts.update(fresh)
            return fresh

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._lock:
            leases = self._data.due_leases
            ready = sorted(
                (due, ticket_id)
                for ticket_id, due in self._data.due.items()
                if due <= start and leases.get(ticket_id, 0) <= start
            )[:limit]
            for _, ticket_id in ready:
                leases[ticket_id] = until
            return Claimed(self._data.tickets[ticket_id] for _, ticket_id in ready)

    # -- failures, dead letters, backlog (complaintflow.storage.outbox) ----------

    def fail_outbox(self, failures: Sequence[Failure], *, now: dt.datetime) -> frozenset[str]:
        batch = check_failures(failures)
        failed = micros(now, "now")
        with self._lock:
            data, stale = self._data, set()
            for failure, retry in batch:
                row = data.outbox.get(failure.id)
                if row is None or row[0].attempts != failure.attempts:
                    stale.add(failure.id)
                    continue
                item = row[0]
                if retry is not None:
                    data.outbox[item.id] = (item, retry)
                    data.failures[item.id] = (failure.error, failed)
                    continue
                del data.outbox[item.id]
                data.failures.pop(item.id, None)
                letter = DeadLetter(
                    id=item.id,
                    ticket_id=item.ticket_id,
                    kind=item.kind,
                    payload=item.payload,
                    created_at=item.created_at,
                    attempts=item.attempts,
                    error=failure.error,
                    failed_at=from_micros(failed),
                )
                data.dead[item.id] = (letter, failed)
            return frozenset(stale)

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        check_limit(limit)
        after = None if cursor is None else decode_cursor(cursor)
        with self._lock:
            rows = sorted((failed, item_id) for item_id, (_, failed) in self._data.dead.items())
            rows = [row for row in rows if after is None or row > after]
            page = [self._data.dead[item_id][0] for _, item_id in rows[:limit]]
        more = len(rows) > limit
        return DeadLetterPage(tuple(page), encode_cursor(*rows[limit - 1]) if more else None)

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        wanted = check_retry_ids(ids)
        with self._lock:
            dead = self._data.dead
            chosen = list(dead) if wanted is None else [i for i in wanted if i in dead]
            for item_id in chosen:
                letter = dead.pop(item_id)[0]
                self._data.outbox[item_id] = (
                    OutboxItem(
                        id=letter.id,
                        ticket_id=letter.ticket_id,
                        kind=letter.kind,
                        payload=letter.payload,
                        created_at=letter.created_at,
                    ),
                    0,
                )
            return frozenset(chosen)

    def backlog(self, *, now: dt.datetime) -> Backlog:
        start = micros(now, "now")
        with self._lock:
            due = [value for value in self._data.due.values() if value <= start]
            created = [micros(item.created_at) for item, _ in self._data.outbox.values()]
            return backlog_of(
                len(due),
                min(due, default=None),
                len(created),
                min(created, default=None),
                len(self._data.failures),
                len(self._data.dead),
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._data.tickets)
