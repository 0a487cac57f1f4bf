"""The storage contract: what the desk needs from a database, and nothing more.

A host's own class conforms by shape (``typing.Protocol``), no inheritance
needed.  The one hard rule: :meth:`TicketStore.save` writes the snapshot
and the new events together or not at all, and only if the stored version
is still ``expected_version``; otherwise it raises
:class:`~complaintflow.errors.ConcurrencyError` and writes nothing.  Check
an adapter with :mod:`complaintflow.testing`'s conformance suite.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from complaintflow.events import Event
from complaintflow.model import Ticket

__all__ = ["TicketStore", "format_ticket_number"]


def format_ticket_number(prefix: str, day: dt.date, sequence: int) -> str:
    """``TS20240520-0001``: prefix, local date, per-day sequence (4 digits or more)."""
    return f"{prefix}{day:%Y%m%d}-{sequence:04d}"


@runtime_checkable
class TicketStore(Protocol):
    """Snapshots plus an append-only event log per ticket."""

    def add(self, ticket: Ticket, events: Sequence[Event]) -> Ticket:
        """Store a new ticket with its first events.

        If ``ticket.dedupe_key`` is already taken, store nothing and return
        the ticket that holds it (idempotent intake); else return ``ticket``.
        A ticket id that exists raises ConcurrencyError (expected 0).
        """
        ...

    def get(self, ticket_id: str) -> Ticket:
        """The latest snapshot; NotFound if there is none."""
        ...

    def save(self, ticket: Ticket, events: Sequence[Event], *, expected_version: int) -> None:
        """Append ``events`` and replace the snapshot, atomically, if unchanged since loaded."""
        ...

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        """The ticket's events with ``seq > after``, oldest first; NotFound if no ticket."""
        ...

    def find_by_dedupe_key(self, key: str) -> Ticket | None: ...

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        """A ticket number never handed out before for this prefix and day."""
        ...
