"""A complete storage adapter in one file: every tenant's data in one JSON file.

The worked example of docs/storage-adapter.md.  Each operation takes a
lock (a thread lock plus ``fcntl.flock`` on a side file, so several
processes can share the store), reads the whole file, changes it, and
writes it back atomically: a temp file, ``fsync``, then ``os.replace``.
Slow for big desks, but small, obviously atomic, and it passes the
conformance suite (tests/storage/test_store_example.py).  POSIX only.

    store = JsonFileStore("tickets.json", tenant="acme")
"""

from __future__ import annotations

import calendar
import datetime as dt
import fcntl
import json
import os
import tempfile
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import (
    ConcurrencyError,
    NaiveDatetimeError,
    NotFound,
    StorageError,
    ValidationError,
)
from complaintflow.storage import OutboxItem, Page, Reschedule, format_ticket_number
from complaintflow.storage.encoding import (
    event_from_dict,
    event_to_dict,
    instant_from_dict,
    instant_to_dict,
    ticket_from_dict,
    ticket_to_dict,
)
from complaintflow.storage.memory import check_batch

__all__ = ["JsonFileStore"]

Data = dict[str, Any]


def _us(value: dt.datetime, field: str) -> int:
    """Microseconds since the epoch: exact, comparable, JSON-safe."""
    if value.tzinfo is None:
        raise NaiveDatetimeError(field, value)
    utc = value.astimezone(dt.UTC)
    return calendar.timegm(utc.utctimetuple()) * 1_000_000 + utc.microsecond


def _empty() -> Data:
    return {"tickets": {}, "events": {}, "due": {}, "leases": {}, "dedupe": {},
            "numbers": {}, "outbox": {}, "alerts": []}


class JsonFileStore:
    """A TicketStore whose whole state is one JSON document."""

    def __init__(
        self, path: str | os.PathLike[str], *, tenant: str = "default", durable: bool = True
    ) -> None:
        self.path = Path(path)
        self.tenant = tenant
        self.durable = durable  # fsync before the rename; tests may turn it off
        self._lock = threading.Lock()

    # -- the one hard part: read, change, write atomically ----------------

    @contextmanager
    def _data(self, *, write: bool) -> Iterator[Data]:
        """This tenant's data; written back only if the block ends without error."""
        try:
            with self._lock, open(f"{self.path}.lock", "a") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
                everything = self._load()
                data = everything.setdefault(self.tenant, _empty())
                yield data
                if write:
                    self._replace(everything)
        except OSError as error:  # the backend failed: translate at the boundary
            raise StorageError(f"JSON file store failed: {error}") from error

    def _load(self) -> Data:
        if not self.path.exists():
            return {}
        try:
            everything: Data = json.loads(self.path.read_text())
        except ValueError as error:
            raise StorageError(f"{self.path} is not a store's JSON: {error}") from error
        return everything

    def _replace(self, everything: Data) -> None:
        fd, temp = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name)
        try:
            with os.fdopen(fd, "w") as out:
                json.dump(everything, out, ensure_ascii=False)
                out.flush()
                if self.durable:
                    os.fsync(out.fileno())
            os.replace(temp, self.path)  # atomic: readers see the old or the new file
        except BaseException:
            os.unlink(temp)
            raise

    # -- writes ------------------------------------------------------------

    @staticmethod
    def _enqueue(data: Data, outbox: Sequence[OutboxItem]) -> None:
        ids = [item.id for item in outbox]
        if len(set(ids)) != len(ids) or any(i in data["outbox"] for i in ids):
            raise ValidationError("an outbox item id was enqueued before", field="outbox")
        for item in outbox:
            data["outbox"][item.id] = {
                "ticket_id": item.ticket_id, "kind": item.kind, "payload": item.payload,
                "created": instant_to_dict(item.created_at), "attempts": item.attempts,
                "order": [_us(item.created_at, "created_at"), item.id], "visible": 0,
            }

    @staticmethod
    def _set(data: Data, ticket: Ticket, due_at: dt.datetime | None) -> None:
        data["tickets"][ticket.id] = ticket_to_dict(ticket)
        data["due"].pop(ticket.id, None)
        data["leases"].pop(ticket.id, None)
        if due_at is not None:
            data["due"][ticket.id] = _us(due_at, "due_at")

    def add(self, ticket: Ticket, events: Sequence[Event], *,
            due_at: dt.datetime | None = None, outbox: Sequence[OutboxItem] = ()) -> Ticket:
        check_batch(ticket, events, 1)
        with self._data(write=True) as data:
            if ticket.dedupe_key in data["dedupe"]:
                return ticket_from_dict(data["tickets"][data["dedupe"][ticket.dedupe_key]])
            if ticket.id in data["tickets"]:
                actual = data["tickets"][ticket.id]["version"]
                raise ConcurrencyError(ticket_id=ticket.id, expected=0, actual=actual)
            self._enqueue(data, outbox)
            self._set(data, ticket, due_at)
            data["events"][ticket.id] = [event_to_dict(event) for event in events]
            if ticket.dedupe_key is not None:
                data["dedupe"][ticket.dedupe_key] = ticket.id
        return ticket

    def save(self, ticket: Ticket, events: Sequence[Event], *, expected_version: int,
             due_at: dt.datetime | None = None, outbox: Sequence[OutboxItem] = ()) -> None:
        with self._data(write=True) as data:
            current = data["tickets"].get(ticket.id)
            if current is None:
                raise NotFound("ticket", ticket.id)
            if current["version"] != expected_version:
                raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version,
                                       actual=current["version"])
            check_batch(ticket, events, current["last_seq"] + 1)
            self._enqueue(data, outbox)
            self._set(data, ticket, due_at)
            data["events"][ticket.id].extend(event_to_dict(event) for event in events)

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        with self._data(write=True) as data:
            key = f"{prefix}|{day.isoformat()}"
            data["numbers"][key] = data["numbers"].get(key, 0) + 1
            return format_ticket_number(prefix, day, data["numbers"][key])

    def record_alert(self, key: str) -> bool:
        with self._data(write=True) as data:
            if key in data["alerts"]:
                return False
            data["alerts"].append(key)
            return True

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        if isinstance(keys, str):  # a str is iterable too: refuse, don't claim its letters
            raise ValidationError("record_alerts takes a list of keys", field="keys")
        wanted = list(dict.fromkeys(keys))
        if not wanted:
            return frozenset()
        with self._data(write=True) as data:  # one read-change-write: all keys or none
            taken = set(data["alerts"])
            fresh = [key for key in wanted if key not in taken]
            data["alerts"].extend(fresh)
            return frozenset(fresh)

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        """Move due times without an event: one read-change-write, all items or none."""
        batch = list(items)
        if any(not isinstance(item, Reschedule) for item in batch):
            raise ValidationError("reschedule takes Reschedule items", field="items")
        if len({item.ticket_id for item in batch}) != len(batch):
            raise ValidationError("a ticket is rescheduled twice in one batch", field="items")
        if not batch:
            return frozenset()
        with self._data(write=True) as data:
            for item in batch:  # check everything before changing anything
                if item.ticket_id not in data["tickets"]:
                    raise NotFound("ticket", item.ticket_id)
            stale = {item.ticket_id for item in batch
                     if data["tickets"][item.ticket_id]["version"] != item.version}
            for item in batch:
                if item.ticket_id not in stale:  # like a save: a new due time frees the lease
                    data["due"].pop(item.ticket_id, None)
                    data["leases"].pop(item.ticket_id, None)
                    if item.due_at is not None:
                        data["due"][item.ticket_id] = _us(item.due_at, "due_at")
            return frozenset(stale)

    # -- reads ---------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        with self._data(write=False) as data:
            if ticket_id not in data["tickets"]:
                raise NotFound("ticket", ticket_id)
            return ticket_from_dict(data["tickets"][ticket_id])

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        with self._data(write=False) as data:
            if ticket_id not in data["events"]:
                raise NotFound("ticket", ticket_id)
            return [event_from_dict(e) for e in data["events"][ticket_id] if e["seq"] > after]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        with self._data(write=False) as data:
            ticket_id = data["dedupe"].get(key)
            return None if ticket_id is None else ticket_from_dict(data["tickets"][ticket_id])

    def find(self, *, status: Status | Iterable[Status] | None = None,
             assignee: str | None = None, department: str | None = None,
             priority: Priority | None = None, due_before: dt.datetime | None = None,
             limit: int = 100, cursor: str | None = None) -> Page:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValidationError("limit must be a positive int", field="limit")
        wanted = None if status is None else (
            {Status(status)} if isinstance(status, str) else {Status(s) for s in status})
        before = None if due_before is None else _us(due_before, "due_before")
        after = None if cursor is None else _parse_cursor(cursor)
        rows = []
        with self._data(write=False) as data:
            for ticket_id, body in data["tickets"].items():
                ticket, due = ticket_from_dict(body), data["due"].get(ticket_id)
                if ((wanted is None or ticket.status in wanted)
                        and assignee in (None, ticket.assignee)
                        and department in (None, ticket.department)
                        and priority in (None, ticket.priority)
                        and (before is None or (due is not None and due <= before))):
                    key = due if before is not None else _us(ticket.received_at, "received_at")
                    rows.append((key, ticket_id, ticket))
        rows.sort(key=lambda row: (row[0], row[1]))
        if after is not None:
            rows = [row for row in rows if (row[0], row[1]) > after]
        page = rows[:limit]
        next_cursor = f"{page[-1][0]}:{page[-1][1]}" if len(rows) > limit else None
        return Page(tuple(row[2] for row in page), next_cursor)

    # -- the outbox ----------------------------------------------------------

    def claim_outbox(self, *, worker: str, limit: int, lease: dt.timedelta,
                     now: dt.datetime) -> list[OutboxItem]:
        if lease <= dt.timedelta(0) or limit < 1:
            raise ValidationError("limit and lease must be positive", field="lease")
        start = _us(now, "now")
        until = start + lease // dt.timedelta(microseconds=1)
        with self._data(write=True) as data:
            ready = sorted((row["order"], item_id) for item_id, row in data["outbox"].items()
                           if row["visible"] <= start)[:limit]
            claimed = []
            for _, item_id in ready:
                row = data["outbox"][item_id]
                row.update(visible=until, worker=worker, attempts=row["attempts"] + 1)
                claimed.append(OutboxItem(
                    id=item_id, ticket_id=row["ticket_id"], kind=row["kind"],
                    payload=row["payload"], created_at=instant_from_dict(row["created"]),
                    attempts=row["attempts"]))
            return claimed

    def ack_outbox(self, ids: Iterable[str]) -> None:
        with self._data(write=True) as data:
            for item_id in ids:
                data["outbox"].pop(item_id, None)


def _parse_cursor(cursor: str) -> tuple[int, str]:
    key, sep, ticket_id = cursor.partition(":")
    if not sep or not key.lstrip("-").isdigit():
        raise ValidationError(f"not a cursor of this store: {cursor!r}", field="cursor")
    return int(key), ticket_id
