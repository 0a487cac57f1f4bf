"""A complete storage adapter on the kit: all tenants in one JSON file (POSIX only).

One operation is one transaction: lock, read the file, change it, replace it atomically.
"""

from __future__ import annotations

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
from complaintflow.errors import ComplaintflowError, ConcurrencyError, NotFound, StorageError
from complaintflow.storage import Claimed, OutboxItem, Page, Reschedule, SaveItem, kit
from complaintflow.storage.encoding import event_to_dict, ticket_to_dict

Data = dict[str, Any]  # one tenant's part of the file

class JsonFileStore:
    """A TicketStore whose whole state is one JSON document."""

    def __init__(self, path: str | os.PathLike[str], *, tenant: str = "default",
                 durable: bool = True) -> None:
        self.path = Path(path)
        self.tenant = tenant
        self.durable = durable  # fsync before the rename; tests may turn it off
        self._lock = threading.Lock()

    @contextmanager
    def _data(self, *, write: bool) -> Iterator[Data]:
        """This tenant's data; written back only if the block ends without error."""
        try:
            with self._lock, open(f"{self.path}.lock", "a") as lock_file:
                fcntl.flock(lock_file, fcntl.LOCK_EX)  # released when the file closes
                everything = json.loads(self.path.read_text()) if self.path.exists() else {}
                yield everything.setdefault(self.tenant, {
                    "tickets": {}, "events": {}, "due": {}, "leases": {}, "dedupe": {},
                    "numbers": {}, "outbox": {}, "alerts": []})
                if write:
                    fd, temp = tempfile.mkstemp(dir=self.path.parent)
                    with os.fdopen(fd, "w") as out:
                        json.dump(everything, out, ensure_ascii=False)
                        out.flush()
                        os.fsync(out.fileno()) if self.durable else None
                    os.replace(temp, self.path)  # readers see the old or the new file
        except ComplaintflowError:
            raise
        except (OSError, ValueError) as error:  # translate at the boundary
            raise StorageError(f"JSON file store failed: {error}") from error

    def _ticket(self, data: Data, ticket_id: str) -> Ticket:
        return kit.decode_ticket(self.tenant, ticket_id, data["tickets"][ticket_id])

    def _write(self, data: Data, ticket: Ticket, events: Sequence[Event],
               due_at: dt.datetime | None, outbox: Sequence[OutboxItem]) -> None:
        if taken := [item.id for item in outbox if item.id in data["outbox"]]:
            raise kit.duplicate_outbox(taken[0])
        for item in outbox:
            payload, created, created_us = kit.outbox_row(item)
            data["outbox"][item.id] = [created_us, item.ticket_id, item.kind, payload,
                                       created, item.attempts, 0]
        data["tickets"][ticket.id] = ticket_to_dict(ticket)
        data["events"].setdefault(ticket.id, []).extend(event_to_dict(e) for e in events)
        self._set_due(data, ticket.id, due_at)

    @staticmethod
    def _set_due(data: Data, ticket_id: str, due_at: dt.datetime | None) -> None:
        data["leases"].pop(ticket_id, None)  # a new due time frees the due claim
        data["due"][ticket_id] = None if due_at is None else kit.micros(due_at, "due_at")

    def add(self, ticket: Ticket, events: Sequence[Event], *,
            due_at: dt.datetime | None = None, outbox: Sequence[OutboxItem] = ()) -> Ticket:
        kit.check_batch(ticket, events, 1)
        items = kit.check_outbox(outbox)
        with self._data(write=True) as data:
            if ticket.dedupe_key in data["dedupe"]:
                return self._ticket(data, data["dedupe"][ticket.dedupe_key])
            if ticket.id in data["tickets"]:
                raise ConcurrencyError(ticket_id=ticket.id, expected=0,
                                       actual=data["tickets"][ticket.id]["version"])
            self._write(data, ticket, events, due_at, items)
            data["dedupe"].update({ticket.dedupe_key: ticket.id} if ticket.dedupe_key else {})
        return ticket

    def save(self, ticket: Ticket, events: Sequence[Event], *, expected_version: int,
             due_at: dt.datetime | None = None, outbox: Sequence[OutboxItem] = ()) -> None:
        if self.save_many([SaveItem(ticket, events, expected_version, due_at, outbox)]):
            actual = self.get(ticket.id).version
            raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version, actual=actual)

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        batch = [(item, kit.check_outbox(item.outbox)) for item in kit.check_saves(items)]
        stale = set()
        with self._data(write=True) as data:  # an error anywhere writes nothing at all
            for item, outbox in batch:
                current = data["tickets"].get(item.ticket.id)
                if current is None:
                    raise NotFound("ticket", item.ticket.id)
                if current["version"] != item.expected_version:
                    stale.add(item.ticket.id)
                    continue
                kit.check_batch(item.ticket, item.events, current["last_seq"] + 1)
                self._write(data, item.ticket, item.events, item.due_at, outbox)
        return frozenset(stale)

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        batch = kit.check_reschedules(items)
        with self._data(write=bool(batch)) as data:
            if missing := [i.ticket_id for i, _ in batch if i.ticket_id not in data["tickets"]]:
                raise NotFound("ticket", missing[0])  # checked before anything changes
            stale = {item.ticket_id for item, _ in batch
                     if data["tickets"][item.ticket_id]["version"] != item.version}
            for item, _ in batch:
                if item.ticket_id not in stale:
                    self._set_due(data, item.ticket_id, item.due_at)
        return frozenset(stale)

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        key = f"{kit.check_text(prefix, 'prefix')}|{kit.check_day(day).isoformat()}"
        with self._data(write=True) as data:
            data["numbers"][key] = data["numbers"].get(key, 0) + 1
            return kit.format_ticket_number(prefix, day, data["numbers"][key])

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        wanted = kit.alert_keys(keys)
        with self._data(write=bool(wanted)) as data:
            fresh = [key for key in wanted if key not in set(data["alerts"])]
            data["alerts"].extend(fresh)
        return frozenset(fresh)

    def get(self, ticket_id: str) -> Ticket:
        with self._data(write=False) as data:
            if kit.check_text(ticket_id, "ticket_id") not in data["tickets"]:
                raise NotFound("ticket", ticket_id)
            return self._ticket(data, ticket_id)

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        kit.check_after(after)
        with self._data(write=False) as data:
            if kit.check_text(ticket_id, "ticket_id") not in data["events"]:
                raise NotFound("ticket", ticket_id)
            return [kit.decode_event(self.tenant, ticket_id, n, body)
                    for n, body in enumerate(data["events"][ticket_id], 1) if n > after]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        with self._data(write=False) as data:
            found = data["dedupe"].get(kit.check_text(key, "key"))
            return None if found is None else self._ticket(data, found)

    def find(self, *, status: Status | Iterable[Status] | None = None,
             assignee: str | None = None, department: str | None = None,
             priority: Priority | None = None, due_before: dt.datetime | None = None,
             limit: int = 100, cursor: str | None = None) -> Page:
        query = kit.Query(status=status, assignee=assignee, department=department,
                          priority=priority, due_before=due_before, limit=limit, cursor=cursor)
        with self._data(write=False) as data:
            good, bad = kit.quarantined(data["tickets"], lambda i: self._ticket(data, i))
            due = data["due"]
        return query.page(((due[t.id] if query.due_before is not None
                            else kit.micros(t.received_at), t.id, t)
                           for _, t in good if query.matches(t, due.get(t.id))), bad)

    def claim_outbox(self, *, worker: str, limit: int, lease: dt.timedelta,
                     now: dt.datetime) -> list[OutboxItem]:
        start, until = kit.lease_window(limit=limit, worker=worker, lease=lease, now=now)
        with self._data(write=True) as data:
            rows = sorted([row[0], item_id, *row[1:]] for item_id, row in data["outbox"].items()
                          if row[6] <= start)
            good, bad = kit.quarantined(rows, lambda r: kit.decode_outbox(
                self.tenant, r[1], r[2], r[3], r[4], r[5], r[6] + 1))
            for _, item in good[:limit]:
                data["outbox"][item.id][5:] = [item.attempts, until]
        return Claimed((item for _, item in good[:limit]), (error.key for error in bad))

    def ack_outbox(self, ids: Iterable[str]) -> None:
        wanted = kit.check_ids(ids)
        with self._data(write=True) as data:
            [data["outbox"].pop(item_id, None) for item_id in wanted]

    def claim_due(self, *, now: dt.datetime, limit: int, worker: str,
                  lease: dt.timedelta) -> list[Ticket]:
        start, until = kit.lease_window(limit=limit, worker=worker, lease=lease, now=now)
        with self._data(write=True) as data:
            ready = sorted((due, ticket_id) for ticket_id, due in data["due"].items()
                           if due is not None and due <= start
                           and data["leases"].get(ticket_id, 0) <= start)
            good, bad = kit.quarantined(ready, lambda row: self._ticket(data, row[1]))
            for (_, ticket_id), _ in good[:limit]:
                data["leases"][ticket_id] = until
        return Claimed((ticket for _, ticket in good[:limit]), (error.key for error in bad))
