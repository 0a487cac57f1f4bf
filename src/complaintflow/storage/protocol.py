"""The storage port: exactly what the library calls, and what each call must guarantee.

A host's own class conforms by shape (``typing.Protocol``), no inheritance
needed; :mod:`complaintflow.storage.kit` does the checks and encodings, and
:mod:`complaintflow.testing.storage` checks every rule below.

Why each method exists (who calls it):

- ``add`` (desk intake), ``get`` and ``save`` (every desk command),
  ``events`` (audit, replay, restamping), ``find`` (queues, the sweep's due
  pages), ``find_by_dedupe_key`` (idempotent intake), ``next_number``
  (intake), ``claim_outbox``/``ack_outbox`` (delivery), ``record_alerts``
  and ``reschedule`` (the sweep), ``claim_due`` (sweepers that split the
  due tickets between workers), :class:`BatchSaves` ``save_many`` (the
  sweep's one commit per page; optional, a store without it is saved
  ticket by ticket), and the optional parts of
  :mod:`complaintflow.storage.outbox`: :class:`DeadLetters`
  (``fail_outbox``, ``dead_letters``, ``retry_dead_letters``: delivery
  failures, backoff and dead letters), :class:`BacklogStats`
  (``backlog``, for ``desk.health()``) and :class:`NumberLookup`
  (``find_by_number``).

What every method guarantees:

- **Atomic**: a write (``add``, ``save``, ``save_many``, ``reschedule``,
  ``record_alerts``, the claims) happens entirely or not at all; a
  backend failure is a :class:`~complaintflow.errors.StorageError` (never
  a driver exception) and nothing was written.  Snapshot, events, due
  time and outbox items of one save go together.
- **Race-safe**: two callers never both win one version, one number, one
  alert key, one dedupe key, one outbox lease or one due lease.
- **Ordered**: ``events`` by ``seq``, whatever the instants (the desk's
  intake writes three events at one instant); ``find`` by ``(received_at,
  id)``, or ``(due_at, id)`` with ``due_before`` (``due_at <= due_before``,
  inclusive); the outbox oldest first by ``(created_at, id)``; instants
  compared as instants, never as local wall-clock readings.
- **Round-trip**: what comes back equals what went in, zones included: an
  instant stored in Asia/Shanghai comes back in Asia/Shanghai.
- **Tenant-bound**: a store built for one tenant never reads, writes,
  counts or deletes another tenant's tickets, events, numbers, outbox
  items, alert keys or leases; ids and keys are unique per tenant.
- **Typed refusals, the same on every store**: a bad argument is a
  ValidationError (NaiveDatetimeError for a naive datetime) and writes
  nothing; an unknown ticket is NotFound naming the first unknown id in
  the order given; a stale version is ConcurrencyError(ticket_id,
  expected, actual); a row that cannot be decoded is
  :class:`~complaintflow.errors.CorruptRecord` from ``get``/``events``,
  and is skipped and reported (``Page.corrupt``, ``Claimed.corrupt``, a
  log record) by ``find`` and the claims.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.events import Event
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ValidationError
from complaintflow.storage.outbox import (
    Backlog,
    BacklogStats,
    DeadLetter,
    DeadLetterPage,
    DeadLetters,
    Failure,
    NumberLookup,
)

__all__ = [
    "Backlog",
    "BacklogStats",
    "BatchSaves",
    "Claimed",
    "DeadLetter",
    "DeadLetterPage",
    "DeadLetters",
    "DueClaims",
    "Failure",
    "NumberLookup",
    "OutboxItem",
    "Page",
    "Reschedule",
    "SaveItem",
    "TicketStore",
    "format_ticket_number",
    "statuses",
]


def format_ticket_number(prefix: str, day: dt.date, sequence: int) -> str:
    """``TS20240520-0001``: prefix, local date, per-day sequence (4 digits or more)."""
    return f"{prefix}{day:%Y%m%d}-{sequence:04d}"


def _payload(value: Mapping[str, Any]) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError("an outbox payload is a JSON-safe dict", field="payload")
    return dict(value)


def _created_at(value: object) -> pendulum.DateTime:
    return instant(value, "created_at")


@attrs.frozen
class OutboxItem:
    """A notification waiting to be delivered, enqueued atomically with a save.

    ``payload`` must be JSON-safe (str, int, float, bool, None, lists and
    dicts with str keys): adapters store it as JSON.  ``attempts`` counts
    the claims so far; the store sets it, a new item has 0.  The host
    chooses ``id`` (e.g. a uuid4 hex); it is unique per tenant.
    """

    id: str
    ticket_id: str
    kind: str
    payload: dict[str, Any] = attrs.field(converter=_payload, hash=False, repr=redacted_repr)
    created_at: pendulum.DateTime = attrs.field(converter=_created_at)
    attempts: int = 0


def _events(value: Iterable[Event]) -> tuple[Event, ...]:
    return tuple(value)


def _items(value: Iterable[OutboxItem]) -> tuple[OutboxItem, ...]:
    return tuple(value)


@attrs.frozen
class SaveItem:
    """One ticket's :meth:`TicketStore.save`, as a value, for :meth:`BatchSaves.save_many`."""

    ticket: Ticket
    events: tuple[Event, ...] = attrs.field(converter=_events)
    expected_version: int
    due_at: dt.datetime | None = None
    outbox: tuple[OutboxItem, ...] = attrs.field(default=(), converter=_items)


def _ticket_id(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"a ticket id is a non-empty str, got {value!r}", field=attribute.name
        )


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"version is the ticket version the due time was computed from (an int >= 1, "
            f"e.g. ticket.version), got {value!r}",
            field=attribute.name,
        )


def _due_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else instant(value, "due_at")


@attrs.frozen
class Reschedule:
    """Move one ticket's due time, for :meth:`TicketStore.reschedule`.

    ``due_at`` is the ticket's next SLA deadline as computed from its log
    at ``version`` (None: it has none, so due sweeps no longer find it).
    The version makes the move safe to race with saves: a ticket saved
    since keeps the due time that save stored.  A naive ``due_at`` is
    refused here, where it was made (NaiveDatetimeError).
    """

    ticket_id: str = attrs.field(validator=_ticket_id)
    version: int = attrs.field(validator=_version)
    due_at: pendulum.DateTime | None = attrs.field(converter=_due_at)


@attrs.frozen
class Page:
    """One page of :meth:`TicketStore.find`; pass ``cursor`` back for the next.

    ``cursor`` is None on the last page.  It is an opaque string: only the
    store that made it understands it.  ``corrupt`` names the tickets that
    matched but could not be decoded (CorruptRecord, logged): they are left
    out of ``items``, so a page may hold fewer than ``limit`` tickets.
    """

    items: tuple[Ticket, ...]
    cursor: str | None = None
    corrupt: tuple[str, ...] = ()


_T = TypeVar("_T")


class Claimed(list[_T]):
    """What ``claim_outbox`` and ``claim_due`` return: the claimed items, oldest first.

    A plain list of what was leased, plus ``corrupt``: the ids of rows
    that were due or ready but could not be decoded.  They were not
    leased (a lease is taken only on what decoded) and are logged; every
    claim reports them again until someone repairs or deletes them.
    """

    corrupt: tuple[str, ...]

    def __init__(self, items: Iterable[_T] = (), corrupt: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.corrupt = tuple(corrupt)


def statuses(status: Status | Iterable[Status] | None) -> frozenset[Status] | None:
    """Normalise ``find``'s ``status`` argument: one status or several."""
    if status is None:
        return None
    if isinstance(status, Status | str):
        return frozenset({Status(status)})
    result = frozenset(Status(each) for each in status)
    if not result:
        raise ValidationError("status=... needs at least one status", field="status")
    return result


@runtime_checkable
class TicketStore(Protocol):
    """Snapshots plus an append-only event log per ticket, for one tenant."""

    def add(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> Ticket:
        """Store a new ticket with its first events (and due date and outbox items).

        If ``ticket.dedupe_key`` is already taken, store nothing and return
        the ticket that holds it (idempotent intake); else return ``ticket``.
        A ticket id that exists raises ConcurrencyError (expected 0).
        """
        ...

    def get(self, ticket_id: str) -> Ticket:
        """The latest snapshot; NotFound if there is none, CorruptRecord if it does not decode.

        A ticket id is a non-empty str: anything else is a ValidationError.
        """
        ...

    def save(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        expected_version: int,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> None:
        """Append ``events``, replace the snapshot and its due date, enqueue ``outbox``.

        All of it atomically, and only if the stored version is still
        ``expected_version`` (else ConcurrencyError, nothing written).
        ``due_at`` is the ticket's next SLA deadline as of this snapshot;
        None (the default) means the ticket has none, so a caller that
        tracks deadlines passes it on every save.
        """
        ...

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        """The ticket's events with ``seq > after``, in ``seq`` order; NotFound if no ticket.

        ``after`` is an int from 0 to 2**31 - 1 (ValidationError otherwise).
        Ordered by sequence, never by instant: one command may write several
        events at the same instant.
        """
        ...

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
        """Tickets matching every given filter, ``limit`` at a time.

        Ordered by ``(received_at, id)``; with ``due_before``, only tickets
        whose ``due_at <= due_before`` (inclusive), ordered by ``(due_at, id)``.
        A ``status`` or ``priority`` that is not one, a ``limit`` outside
        1..10,000 or a cursor this store did not make is a ValidationError.
        Matching rows that do not decode are left out and named in
        ``Page.corrupt``.
        """
        ...

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        """The ticket holding the host's idempotency key, so a resent intake is not doubled."""
        ...

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        """A ticket number never handed out before for this tenant, prefix and day.

        ``day`` is a date (the intake's local date); a datetime is a
        ValidationError, since its date depends on a zone.  Numbers are
        unique, not gapless: a crash or a refused intake may skip one.
        """
        ...

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        """Up to ``limit`` items nobody holds, oldest first, leased to ``worker``.

        A claimed item is invisible to other claims until ``now + lease``;
        if it is not acknowledged by then (the worker died) it is claimed
        again, so delivery is at least once.  ``attempts`` is incremented.
        Two racing claims get disjoint items.  Returns a :class:`Claimed`
        list: rows that do not decode are not leased, their ids are in
        ``corrupt``, and the healthy items behind them are still served.
        """
        ...

    def ack_outbox(self, ids: Iterable[str]) -> None:
        """Delivered: remove this tenant's items with these ids (unknown ids are ignored)."""
        ...

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        """Record many keys in one transaction; return those recorded now for the first time.

        The sweep claims a page's alert keys with one call (one commit).
        Each key is claimed by exactly one call ever, even under races:
        callers whose keys overlap get disjoint results.  All or nothing: on a failure nothing
        is recorded.  Repeated keys count once; an empty batch writes
        nothing; a bare ``str`` is refused (ValidationError).
        """
        ...

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        """Set each ticket's due time, without an event, in one transaction.

        The due time is derived bookkeeping (when the sweep should next
        look), not something that happened to the ticket, so moving it
        writes no event and bumps no version: the sweep uses it for a
        ticket it visited and had nothing to record on, which would
        otherwise stay due and be reloaded by every sweep.  Only a ticket
        whose stored version still equals ``item.version`` is moved (and
        any :class:`DueClaims` lease on it freed, as a save frees it);
        one saved since keeps the due time its save stored, and its id is
        returned.  Every other item is applied.

        All or nothing on errors: an id this tenant does not hold raises
        NotFound, something other than a :class:`Reschedule` or a ticket
        listed twice raises ValidationError, a backend failure raises
        StorageError, and then no item is applied.  An empty batch writes
        nothing.
        """
        ...

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        """Up to ``limit`` tickets with ``due_at <= now`` nobody else holds, most overdue first.

        So several sweepers split the due tickets instead of all working
        every one.  Each is leased to ``worker`` until ``now + lease`` (or
        until the next save or :meth:`reschedule` of the ticket, which sets
        a new due time and frees it).  Two racing claims get disjoint
        tickets.  Returns a :class:`Claimed` list: rows that do not decode
        are not leased and their ids are in ``corrupt``.
        """
        ...


@runtime_checkable
class DueClaims(Protocol):
    """``claim_due`` alone (it is part of :class:`TicketStore` now; kept for old imports)."""

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]: ...


@runtime_checkable
class BatchSaves(Protocol):
    """Optional: many tickets' saves in one transaction (all built-in stores have it).

    What the SLA sweep uses to pay one commit (one fsync on SQLite) per
    page of due tickets instead of one per ticket.  A store without it is
    saved ticket by ticket.
    """

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        """Save each item as :meth:`TicketStore.save` would, all in one transaction.

        An item whose ticket is no longer at ``expected_version`` is skipped
        (nothing of it written) and its ticket id returned: the caller
        reads it again and retries, exactly as after a ConcurrencyError.
        Every other item is saved.  Any other error (ValidationError,
        NotFound, StorageError) writes nothing at all, of any item.  A
        ticket appears at most once per batch (else ValidationError).
        """
        ...
