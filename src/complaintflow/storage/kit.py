"""The adapter kit: everything a storage adapter needs that is not its SQL.

An adapter written on this kit validates its arguments, encodes instants,
cursors, outbox items and ticket numbers, and decodes (or quarantines)
its rows exactly as the built-in stores do, so the conformance suite's
cross-store checks pass by construction and a host writes only its
queries and its transaction handling.  See docs/storage-adapter.md.

Instants are compared as integer microseconds since the Unix epoch (UTC),
so every backend orders and pages exactly alike and no driver ever sees a
pendulum object; the zone travels in the JSON of
:mod:`complaintflow.storage.encoding`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pendulum

from complaintflow.clock import instant
from complaintflow.domain.events import Event
from complaintflow.domain.text import unstorable
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import CorruptRecord, ValidationError
from complaintflow.storage._rows import (
    _decoded,
    _json,
    _short,
    decode_event,
    decode_outbox,
    decode_ticket,
    dumps,
    payload_json,
    quarantined,
    take_decodable,
)
from complaintflow.storage.encoding import instant_from_dict, instant_to_dict
from complaintflow.storage.outbox import Backlog, DeadLetter, Failure
from complaintflow.storage.protocol import (
    OutboxItem,
    Page,
    Reschedule,
    SaveItem,
    format_ticket_number,
)

__all__ = [
    "MAX_LIMIT",
    "MAX_SEQ",
    "Query",
    "alert_keys",
    "backlog_of",
    "check_after",
    "check_batch",
    "check_day",
    "check_failures",
    "check_ids",
    "check_limit",
    "check_outbox",
    "check_reschedules",
    "check_retry_ids",
    "check_saves",
    "check_text",
    "decode_cursor",
    "decode_dead_letter",
    "decode_event",
    "decode_outbox",
    "decode_ticket",
    "dumps",
    "duplicate_outbox",
    "encode_cursor",
    "format_ticket_number",
    "from_micros",
    "lease_micros",
    "lease_window",
    "micros",
    "outbox_row",
    "payload_json",
    "quarantined",
    "take_decodable",
]

#: The largest page ``find``, ``claim_outbox`` and ``claim_due`` hand out.
MAX_LIMIT = 10_000
#: Event sequence numbers (and ``events(after=)``) fit a 32-bit SQL integer.
MAX_SEQ = 2**31 - 1

_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)
_MIN_US = (dt.datetime.min - _EPOCH) // _US
_MAX_US = (dt.datetime.max - _EPOCH) // _US


# -- instants ---------------------------------------------------------------


def micros(value: dt.datetime, field: str = "instant") -> int:
    """Microseconds since the epoch, UTC; refuses naive datetimes (NaiveDatetimeError)."""
    utc = instant(value, field).astimezone(dt.UTC)
    naive = dt.datetime(
        utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond
    )
    return (naive - _EPOCH) // _US


def from_micros(value: int) -> pendulum.DateTime:
    """The UTC instant :func:`micros` made (the zone lives in the JSON, not here)."""
    moment = _EPOCH + value * _US
    return pendulum.instance(moment.replace(tzinfo=dt.UTC))


def lease_micros(lease: dt.timedelta) -> int:
    """A lease in microseconds: a positive timedelta of at most a year."""
    if (
        not isinstance(lease, dt.timedelta)
        or lease <= dt.timedelta(0)
        or lease > dt.timedelta(days=366)
    ):
        raise ValidationError(
            f"lease must be a positive timedelta of at most a year, got {_short(lease)}",
            field="lease",
        )
    # from the fields, not ``lease // _US``: pendulum's Duration (a timedelta) cannot divide
    return (lease.days * 86_400 + lease.seconds) * 1_000_000 + lease.microseconds


def lease_window(
    *, limit: object, worker: object, lease: dt.timedelta, now: dt.datetime
) -> tuple[int, int]:
    """A claim's checked arguments as (now, lease end) in epoch microseconds."""
    check_limit(limit)
    check_text(worker, "worker")
    start = micros(now, "now")
    return start, start + lease_micros(lease)


# -- arguments ----------------------------------------------------------------


def check_text(value: object, field: str) -> str:
    """A non-empty str every backend can keep (ids, keys, prefixes, workers)."""
    if not isinstance(value, str) or not value or unstorable(value) is not None:
        raise ValidationError(
            f"{field} is a non-empty str every store can keep (no NUL, no "
            f"lone surrogate), got {_short(value)}",
            field=field,
        )
    return value


def _listed(items: object, field: str) -> list[Any]:
    """A batch argument as a list; a bare str or a non-iterable is refused."""
    if isinstance(items, str) or not isinstance(items, Iterable):
        raise ValidationError(f"{field} is a list, got {_short(items)}", field=field)
    return list(items)


def check_ids(ids: Iterable[str], field: str = "ids") -> list[str]:
    """A list of ids (``ack_outbox``); a bare str is refused, not split into letters,
    and so is a mapping, not reduced to its keys."""
    if isinstance(ids, str | bytes | Mapping) or not isinstance(ids, Iterable):
        raise ValidationError(f"{field} is a list of ids, got {_short(ids)}", field=field)
    return [check_text(each, field) for each in ids]


def check_limit(limit: object) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(
            f"limit must be an int from 1 to {MAX_LIMIT}, got {_short(limit)}", field="limit"
        )
    return limit


def check_after(after: object) -> int:
    """``events(after=)``: a sequence number from 0 to :data:`MAX_SEQ`."""
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after <= MAX_SEQ:
        raise ValidationError(
            f"after must be an int from 0 to {MAX_SEQ}, got {_short(after)}", field="after"
        )
    return after


def check_day(day: object) -> dt.date:
    """``next_number(day=)``: a date, never a datetime (whose date depends on a zone)."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise ValidationError(
            f"day is a date (the local date of the intake), got "
            f"{_short(day)}; pass moment.date() in the office's zone",
            field="day",
        )
    return dt.date(day.year, day.month, day.day)


def check_save(ticket: object, events: object, expected_version: object) -> None:
    """``save``'s arguments by type, before anything reads them (the log order comes later)."""
    if not isinstance(ticket, Ticket):
        raise ValidationError(f"not a Ticket: {_short(ticket)}", field="ticket")
    for event in _listed(events, "events"):
        if not isinstance(event, Event):
            raise ValidationError(f"not an Event: {_short(event)}", field="events")
    if (
        isinstance(expected_version, bool)
        or not isinstance(expected_version, int)
        or not 0 <= expected_version < 2**63
    ):
        raise ValidationError(
            f"expected_version is a version number (an int from 0), got {_short(expected_version)}",
            field="expected_version",
        )


def check_batch(ticket: Ticket, events: Sequence[Event], first_seq: int) -> None:
    """Refuse a batch that does not continue the log up to ``ticket``."""
    if not isinstance(ticket, Ticket):
        raise ValidationError(f"not a Ticket: {_short(ticket)}", field="ticket")
    if not events:
        raise ValidationError("a save needs at least one event", field="events")
    for offset, event in enumerate(events):
        if not isinstance(event, Event):
            raise ValidationError(f"not an Event: {_short(event)}", field="events")
        if event.ticket_id != ticket.id or event.seq != first_seq + offset:
            raise ValidationError(
                f"event {event.ticket_id}#{event.seq} does not continue the log of "
                f"{ticket.id} at #{first_seq + offset}",
                field="events",
            )
    if events[-1].seq != ticket.last_seq or events[-1].version != ticket.version:
        raise ValidationError("the snapshot does not match its last event", field="events")
    if ticket.last_seq > MAX_SEQ:
        raise ValidationError(f"a log holds at most {MAX_SEQ} events", field="events")


def check_outbox(items: Iterable[OutboxItem]) -> list[OutboxItem]:
    """Refuse what is not an OutboxItem, duplicate ids and non-JSON payloads."""
    result = _listed(items, "outbox")
    for item in result:
        if not isinstance(item, OutboxItem):
            raise ValidationError(f"not an OutboxItem: {_short(item)}", field="outbox")
        payload_json(item.payload)
    if len({item.id for item in result}) != len(result):
        raise ValidationError("outbox item ids repeat within one save", field="outbox")
    return result


def duplicate_outbox(item_id: str) -> ValidationError:
    return ValidationError(f"outbox item {item_id!r} was enqueued before", field="outbox")


def alert_keys(keys: Iterable[str]) -> list[str]:
    """``record_alerts``' argument as distinct keys, first occurrence first.

    A bare string is refused: it is iterable too, and claiming its single
    characters would be a silent disaster.
    """
    return list(dict.fromkeys(check_text(key, "keys") for key in _listed(keys, "keys")))


def check_saves(items: Iterable[SaveItem]) -> list[SaveItem]:
    """``save_many``'s items: SaveItems, one per ticket, in the order given."""
    result = _listed(items, "items")
    for item in result:
        if not isinstance(item, SaveItem):
            raise ValidationError(f"not a SaveItem: {_short(item)}", field="items")
    ids = [item.ticket.id for item in result]
    if len(set(ids)) != len(ids):
        raise ValidationError("a ticket is saved twice in one batch", field="items")
    return result


def check_reschedules(items: Iterable[Reschedule]) -> list[tuple[Reschedule, int | None]]:
    """``reschedule``'s items, each with its due time in epoch microseconds (None: none)."""
    result = []
    for item in _listed(items, "items"):
        if not isinstance(item, Reschedule):
            raise ValidationError(f"not a Reschedule: {_short(item)}", field="items")
        result.append((item, None if item.due_at is None else micros(item.due_at, "due_at")))
    if len({item.ticket_id for item, _ in result}) != len(result):
        raise ValidationError(
            "a ticket is rescheduled twice in one batch; send one Reschedule per ticket",
            field="items",
        )
    return result


def outbox_row(item: OutboxItem) -> tuple[str, str, int]:
    """An item's stored columns: payload JSON, created_at JSON (with zone), created_at µs."""
    return (
        payload_json(item.payload),
        dumps(instant_to_dict(item.created_at)),
        micros(item.created_at, "created_at"),
    )


# -- cursors and queries ---------------------------------------------------------


def encode_cursor(key: int, ticket_id: str) -> str:
    """``find``'s next-page cursor: the last row's order key and id."""
    return f"{key}:{ticket_id}"


def decode_cursor(cursor: object) -> tuple[int, str]:
    """The (key, id) a cursor holds; ValidationError for anything this kit did not make."""
    if isinstance(cursor, str):
        key, sep, ticket_id = cursor.partition(":")
        if sep and ticket_id and key.lstrip("-").isdigit() and len(key) <= 20:
            value = int(key)
            if _MIN_US <= value <= _MAX_US:
                return value, ticket_id
    raise ValidationError(f"not a cursor this store made: {_short(cursor)}", field="cursor")


def _enum(kind: type[Status] | type[Priority], value: Any, field: str) -> Any:
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(
            f"{field} must be one of {[m.value for m in kind]}, got {_short(value)}", field=field
        ) from None


class Query:
    """``find``'s arguments, checked once; ``matches`` for stores that filter in Python."""

    __slots__ = ("after", "assignee", "department", "due_before", "limit", "priority", "statuses")

    def __init__(
        self,
        *,
        status: Status | Iterable[Status] | None,
        assignee: str | None,
        department: str | None,
        priority: Priority | None,
        due_before: dt.datetime | None,
        limit: int,
        cursor: str | None,
    ) -> None:
        self.statuses = self._statuses(status)
        self.assignee = None if assignee is None else check_text(assignee, "assignee")
        self.department = None if department is None else check_text(department, "department")
        self.priority = None if priority is None else _enum(Priority, priority, "priority")
        self.due_before = None if due_before is None else micros(due_before, "due_before")
        self.limit = check_limit(limit)
        self.after = None if cursor is None else decode_cursor(cursor)

    @staticmethod
    def _statuses(status: object) -> frozenset[Status] | None:
        if status is None:
            return None
        if isinstance(status, str):
            return frozenset({_enum(Status, status, "status")})
        if not isinstance(status, Iterable):
            raise ValidationError(
                f"status is a Status or several, got {_short(status)}", field="status"
            )
        result = frozenset(_enum(Status, each, "status") for each in status)
        if not result:
            raise ValidationError("status=... needs at least one status", field="status")
        return result

    @property
    def order(self) -> str:
        """Which key pages are ordered by: ``"due"`` or ``"received"``."""
        return "received" if self.due_before is None else "due"

    def page(
        self, rows: Iterable[tuple[int, str, Ticket]], corrupt: Iterable[CorruptRecord] = ()
    ) -> Page:
        """The page for stores that filter in Python: ``(key, id, ticket)`` rows, any order."""
        ordered = sorted(
            (row for row in rows if self.after is None or row[:2] > self.after),
            key=lambda row: row[:2],
        )
        page = ordered[: self.limit]
        cursor = encode_cursor(*page[-1][:2]) if len(ordered) > self.limit else None
        return Page(tuple(row[2] for row in page), cursor, tuple(e.key for e in corrupt))

    def matches(self, ticket: Ticket, due: int | None) -> bool:
        return (
            (self.statuses is None or ticket.status in self.statuses)
            and (self.assignee is None or ticket.assignee == self.assignee)
            and (self.department is None or ticket.department == self.department)
            and (self.priority is None or ticket.priority == self.priority)
            and (self.due_before is None or (due is not None and due <= self.due_before))
        )


# -- outbox failures, dead letters, backlog ------------------------------------


def check_failures(failures: Iterable[Failure]) -> list[tuple[Failure, int | None]]:
    """``fail_outbox``'s items, each with its retry time in epoch µs (None: dead letter).

    Sorted by id, so two batches that share items lock them in one order.
    """
    result = []
    for failure in _listed(failures, "failures"):
        if not isinstance(failure, Failure):
            raise ValidationError(f"not a Failure: {_short(failure)}", field="failures")
        retry = None if failure.retry_at is None else micros(failure.retry_at, "retry_at")
        result.append((failure, retry))
    if len({failure.id for failure, _ in result}) != len(result):
        raise ValidationError("an outbox item fails twice in one batch", field="failures")
    return sorted(result, key=lambda entry: entry[0].id)


def check_retry_ids(ids: Iterable[str] | None) -> list[str] | None:
    """``retry_dead_letters``' ids (None: all of them), distinct, in the order given."""
    return None if ids is None else list(dict.fromkeys(check_ids(ids)))


def decode_dead_letter(
    tenant: str,
    item_id: str,
    ticket_id: str,
    kind: str,
    payload: Any,
    created: Any,
    attempts: int,
    error: str,
    failed_us: int,
) -> DeadLetter:
    """A dead-letter row as the value it stores; CorruptRecord if it is not one."""
    return _decoded(
        tenant,
        "dead_letters",
        item_id,
        lambda: DeadLetter(
            id=item_id,
            ticket_id=ticket_id,
            kind=kind,
            payload=dict(_json(payload)),
            created_at=instant_from_dict(_json(created)),
            attempts=int(attempts),
            error=str(error),
            failed_at=from_micros(int(failed_us)),
        ),
    )


def backlog_of(
    due: int,
    oldest_due_us: int | None,
    pending: int,
    oldest_pending_us: int | None,
    retrying: int,
    dead: int,
) -> Backlog:
    """The :class:`Backlog` from a store's counts and its oldest instants in epoch µs."""
    return Backlog(
        due=int(due),
        oldest_due=None if oldest_due_us is None else from_micros(int(oldest_due_us)),
        pending=int(pending),
        oldest_pending=None if oldest_pending_us is None else from_micros(int(oldest_pending_us)),
        retrying=int(retrying),
        dead=int(dead),
    )
