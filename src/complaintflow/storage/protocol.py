"""The storage contract: what the desk needs from a database, and nothing more.

A host's own class conforms by shape (``typing.Protocol``), no inheritance
needed.  The hard rules, checked by :mod:`complaintflow.testing.storage`:

- :meth:`TicketStore.save` writes the snapshot, the new events, the due
  date and the outbox items together or not at all, and only if the stored
  version is still ``expected_version``; otherwise it raises
  :class:`~complaintflow.errors.ConcurrencyError` and writes nothing.
- A store is bound to one tenant when it is built (``tenant="default"``)
  and never reads or writes another tenant's tickets, events, numbers,
  outbox items or alert keys.  Ticket ids, dedupe keys and alert keys are
  unique per tenant.
- A backend failure is raised as :class:`~complaintflow.errors.StorageError`
  (never a driver exception), and nothing was written.
- An alert key is recorded once per tenant, ever: :meth:`TicketStore.record_alert`
  and :meth:`TicketStore.record_alerts` report each key as new to exactly one
  caller, however many race for it.
- A due time is bookkeeping derived from the log, not a fact of the ticket's
  life: :meth:`TicketStore.reschedule` moves it without an event, and only
  on a ticket still at the version it was computed from.

Ordering is part of the contract, so pages are stable: :meth:`TicketStore.find`
returns tickets by ``(received_at, id)``, or by ``(due_at, id)`` (most
overdue first) when ``due_before`` is given; the outbox is claimed oldest
first by ``(created_at, id)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ValidationError

__all__ = [
    "BatchSaves",
    "DueClaims",
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
    payload: dict[str, Any] = attrs.field(converter=_payload, hash=False)
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
        raise ValidationError(f"a ticket id is a non-empty str, got {value!r}",
                              field=attribute.name)


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"version is the ticket version the due time was computed from (an int >= 1, "
            f"e.g. ticket.version), got {value!r}", field=attribute.name)


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
    store that made it understands it.
    """

    items: tuple[Ticket, ...]
    cursor: str | None = None


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
        """The latest snapshot; NotFound if there is none."""
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
        """The ticket's events with ``seq > after``, oldest first; NotFound if no ticket."""
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
        whose ``due_at <= due_before``, ordered by ``(due_at, id)``.
        """
        ...

    def find_by_dedupe_key(self, key: str) -> Ticket | None: ...

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        """A ticket number never handed out before for this prefix and day."""
        ...

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        """Up to ``limit`` items nobody holds, oldest first, leased to ``worker``.

        A claimed item is invisible to other claims until ``now + lease``;
        if it is not acknowledged by then (the worker died) it is claimed
        again, so delivery is at least once.  ``attempts`` is incremented.
        """
        ...

    def ack_outbox(self, ids: Iterable[str]) -> None:
        """Delivered: remove these items for good (unknown ids are ignored)."""
        ...

    def record_alert(self, key: str) -> bool:
        """True the first time ``key`` is recorded, False ever after, even under races."""
        ...

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        """Record many keys in one transaction; return those recorded now for the first time.

        The batch form of :meth:`record_alert`, so a sweep pays one commit
        per page instead of one per alert.  Each key is claimed by exactly
        one call ever (either form), even under races: callers whose keys
        overlap get disjoint results.  All or nothing: on a failure nothing
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


@runtime_checkable
class DueClaims(Protocol):
    """Optional: split SLA sweeps between workers (all built-in stores have it)."""

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        """Up to ``limit`` tickets with ``due_at <= now`` nobody else holds, most overdue first.

        Each is leased to ``worker`` until ``now + lease`` (or until the next
        save or :meth:`~TicketStore.reschedule` of the ticket, which sets a
        new due date and frees it).
        """
        ...


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
