"""Helpers every built-in adapter shares: argument checks, time keys, cursors.

Instants are compared as integer microseconds since the Unix epoch (UTC),
so every backend orders and pages exactly alike, and no driver ever sees a
pendulum object.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

import pendulum

from complaintflow.clock import instant
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ValidationError
from complaintflow.storage.protocol import OutboxItem, Reschedule, SaveItem, statuses

_EPOCH = dt.datetime(1970, 1, 1)
_US = dt.timedelta(microseconds=1)


def micros(value: dt.datetime, field: str = "instant") -> int:
    """Microseconds since the epoch, UTC; refuses naive datetimes."""
    utc = instant(value, field).astimezone(dt.UTC)
    naive = dt.datetime(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second,
                        utc.microsecond)
    return (naive - _EPOCH) // _US


def from_micros(value: int) -> pendulum.DateTime:
    moment = _EPOCH + value * _US
    return pendulum.instance(moment.replace(tzinfo=dt.UTC))


def lease_micros(lease: dt.timedelta) -> int:
    if not isinstance(lease, dt.timedelta) or lease <= dt.timedelta(0):
        raise ValidationError("lease must be a positive timedelta", field="lease")
    return lease // _US


def check_limit(limit: int) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ValidationError(f"limit must be a positive int, got {limit!r}", field="limit")
    return limit


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


def check_outbox(items: Sequence[OutboxItem]) -> list[OutboxItem]:
    """Refuse what is not an OutboxItem, duplicate ids and non-JSON payloads."""
    result = list(items)
    for item in result:
        if not isinstance(item, OutboxItem):
            raise ValidationError(f"not an OutboxItem: {item!r}", field="outbox")
        payload_json(item.payload)
    if len({item.id for item in result}) != len(result):
        raise ValidationError("outbox item ids repeat within one save", field="outbox")
    return result


def alert_keys(keys: Iterable[str]) -> list[str]:
    """``record_alerts``' argument as distinct keys, first occurrence first.

    A bare string is refused: it is iterable too, and claiming its single
    characters would be a silent disaster.
    """
    if isinstance(keys, str):
        raise ValidationError("record_alerts takes a list of keys, not one string; "
                              "for one key use record_alert(key)", field="keys")
    result = list(dict.fromkeys(keys))
    for key in result:
        if not isinstance(key, str):
            raise ValidationError(f"an alert key is a str, got {key!r}", field="keys")
    return result


def check_saves(items: Sequence[SaveItem]) -> list[SaveItem]:
    """``save_many``'s items: SaveItems, one per ticket, in the order given."""
    result = list(items)
    for item in result:
        if not isinstance(item, SaveItem):
            raise ValidationError(f"not a SaveItem: {item!r}", field="items")
    ids = [item.ticket.id for item in result]
    if len(set(ids)) != len(ids):
        raise ValidationError("a ticket is saved twice in one batch", field="items")
    return result


def check_reschedules(items: Sequence[Reschedule]) -> list[tuple[Reschedule, int | None]]:
    """``reschedule``'s items, each with its due time in epoch microseconds (None: none).

    Checked before any write, so a bad item writes nothing of the batch.
    """
    result = []
    for item in items:
        if not isinstance(item, Reschedule):
            raise ValidationError(f"not a Reschedule: {item!r}", field="items")
        result.append((item, None if item.due_at is None else micros(item.due_at, "due_at")))
    if len({item.ticket_id for item, _ in result}) != len(result):
        raise ValidationError("a ticket is rescheduled twice in one batch; send one "
                              "Reschedule per ticket", field="items")
    return result


def duplicate_outbox(item_id: str) -> ValidationError:
    return ValidationError(f"outbox item {item_id!r} was enqueued before", field="outbox")


def payload_json(payload: dict[str, Any]) -> str:
    try:
        return json.dumps(payload, ensure_ascii=False, allow_nan=False, sort_keys=True)
    except (TypeError, ValueError) as error:
        raise ValidationError(f"outbox payload is not JSON-safe: {error}",
                              field="payload") from None


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Query:
    """``find``'s arguments, checked once; ``matches`` for stores that filter in Python."""

    __slots__ = ("after", "assignee", "department", "due_before", "limit", "priority",
                 "statuses")

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
        self.statuses = statuses(status)
        self.assignee = assignee
        self.department = department
        self.priority = None if priority is None else Priority(priority)
        self.due_before = None if due_before is None else micros(due_before, "due_before")
        self.limit = check_limit(limit)
        self.after = None if cursor is None else decode_cursor(cursor)

    def matches(self, ticket: Ticket, due: int | None) -> bool:
        return (
            (self.statuses is None or ticket.status in self.statuses)
            and (self.assignee is None or ticket.assignee == self.assignee)
            and (self.department is None or ticket.department == self.department)
            and (self.priority is None or ticket.priority == self.priority)
            and (self.due_before is None or (due is not None and due <= self.due_before))
        )


def encode_cursor(key: int, ticket_id: str) -> str:
    return f"{key}:{ticket_id}"


def decode_cursor(cursor: str) -> tuple[int, str]:
    key, sep, ticket_id = str(cursor).partition(":")
    try:
        if not sep:
            raise ValueError(cursor)
        return int(key), ticket_id
    except ValueError:
        raise ValidationError(f"not a cursor this store made: {cursor!r}",
                              field="cursor") from None
