"""The in-memory adapter: a real, thread-safe store for tests, demos and caches.

It keeps the same promises as the database adapters (atomic save with an
expected version, idempotent intake) and is the reference the conformance
suite compares other adapters with.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from collections.abc import Sequence

from complaintflow.errors import ConcurrencyError, NotFound, ValidationError
from complaintflow.events import Event
from complaintflow.model import Ticket
from complaintflow.storage.protocol import format_ticket_number

__all__ = ["InMemoryStore"]


def check_batch(ticket: Ticket, events: Sequence[Event], first_seq: int) -> None:
    """Refuse a batch that does not continue the log up to ``ticket``."""
    if not events:
        raise ValidationError("a save needs at least one event", field="events")
    for offset, event in enumerate(events):
        if event.ticket_id != ticket.id or event.seq != first_seq + offset:
            raise ValidationError(
                f"event {event.ticket_id}#{event.seq} does not continue the log of "
                f"{ticket.id} at #{first_seq + offset}",
                field="events",
            )
    if events[-1].seq != ticket.last_seq or events[-1].version != ticket.version:
        raise ValidationError("the snapshot does not match its last event", field="events")


class InMemoryStore:
    """Tickets and events in dicts, guarded by one lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._tickets: dict[str, Ticket] = {}
        self._events: dict[str, list[Event]] = {}
        self._dedupe: dict[str, str] = {}
        self._numbers: defaultdict[tuple[str, dt.date], int] = defaultdict(int)

    def add(self, ticket: Ticket, events: Sequence[Event]) -> Ticket:
        check_batch(ticket, events, 1)
        with self._lock:
            if ticket.dedupe_key is not None and ticket.dedupe_key in self._dedupe:
                return self._tickets[self._dedupe[ticket.dedupe_key]]
            if ticket.id in self._tickets:
                raise ConcurrencyError(
                    ticket_id=ticket.id, expected=0, actual=self._tickets[ticket.id].version
                )
            self._tickets[ticket.id] = ticket
            self._events[ticket.id] = list(events)
            if ticket.dedupe_key is not None:
                self._dedupe[ticket.dedupe_key] = ticket.id
            return ticket

    def get(self, ticket_id: str) -> Ticket:
        with self._lock:
            try:
                return self._tickets[ticket_id]
            except KeyError:
                raise NotFound("ticket", ticket_id) from None

    def save(self, ticket: Ticket, events: Sequence[Event], *, expected_version: int) -> None:
        with self._lock:
            current = self._tickets.get(ticket.id)
            if current is None:
                raise NotFound("ticket", ticket.id)
            if current.version != expected_version:
                raise ConcurrencyError(
                    ticket_id=ticket.id, expected=expected_version, actual=current.version
                )
            check_batch(ticket, events, current.last_seq + 1)
            self._events[ticket.id].extend(events)
            self._tickets[ticket.id] = ticket

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        with self._lock:
            if ticket_id not in self._events:
                raise NotFound("ticket", ticket_id)
            return [event for event in self._events[ticket_id] if event.seq > after]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        with self._lock:
            ticket_id = self._dedupe.get(key)
            return None if ticket_id is None else self._tickets[ticket_id]

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        with self._lock:
            self._numbers[prefix, day] += 1
            return format_ticket_number(prefix, day, self._numbers[prefix, day])

    def __len__(self) -> int:
        with self._lock:
            return len(self._tickets)
