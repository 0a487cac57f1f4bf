"""Outbox failures, dead letters, backlog numbers and the number lookup: optional store parts.

Each is its own small protocol, like :class:`~complaintflow.storage.BatchSaves`,
so a host's adapter written before them still is a
:class:`~complaintflow.storage.TicketStore`; every built-in store has all of
them, and the conformance suite tests each one an adapter has.

Why a failure is a value the store records rather than a lease left to
expire: the worker knows what went wrong and when it is worth trying
again, and only the store can make that visible to every other worker
(``claim_outbox`` serves the item again at ``retry_at``, not before) and
to the host (:meth:`DeadLetters.dead_letters`).  The policy (how many
attempts, which backoff) stays with the caller: the store keeps what it
is told.

A failure names the ``attempts`` value of the claim it reports on.
That is the claim's token: an item whose lease expired and that another
worker claimed since (its ``attempts`` grew) or acknowledged (it is gone)
is left alone, so a slow worker's late failure never undoes a newer
worker's delivery or lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.errors import ValidationError

__all__ = [
    "MAX_ERROR",
    "Backlog",
    "BacklogStats",
    "DeadLetter",
    "DeadLetterPage",
    "DeadLetters",
    "Failure",
    "NumberLookup",
    "error_text",
]

#: Error texts are cut to this many characters (a traceback does not belong in a row).
MAX_ERROR = 2000


def error_text(value: object) -> str:
    """A failure's text as every store can keep it: no NUL, no lone surrogate, bounded."""
    text = value if isinstance(value, str) else repr(value)
    text = text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")
    text = text.strip() or "(no message)"
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 3] + "..."


def _item_id(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"an outbox item id is a non-empty str, got {value!r}", field=attribute.name
        )


def _attempts(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < 2**31:
        raise ValidationError(
            f"attempts is the claimed item's attempts (an int >= 1, e.g. item.attempts), "
            f"got {value!r}",
            field=attribute.name,
        )


def _retry_at(value: dt.datetime | None) -> pendulum.DateTime | None:
    return None if value is None else instant(value, "retry_at")


@attrs.frozen
class Failure:
    """One claimed outbox item that could not be delivered, for :meth:`DeadLetters.fail_outbox`.

    ``attempts`` is the claimed item's ``attempts`` (the claim's token);
    ``retry_at`` is when ``claim_outbox`` may serve it again, or None to
    give up on it: it becomes a dead letter, never served until a host
    retries it.
    """

    id: str = attrs.field(validator=_item_id)
    attempts: int = attrs.field(validator=_attempts)
    error: str = attrs.field(converter=error_text)
    retry_at: pendulum.DateTime | None = attrs.field(converter=_retry_at)


@attrs.frozen
class DeadLetter:
    """An outbox item the delivery gave up on, as :meth:`DeadLetters.dead_letters` lists it."""

    id: str
    ticket_id: str
    kind: str
    payload: dict[str, Any] = attrs.field(hash=False, repr=redacted_repr)
    created_at: pendulum.DateTime
    attempts: int
    error: str
    failed_at: pendulum.DateTime


@attrs.frozen
class DeadLetterPage:
    """One page of dead letters, oldest failure first; ``cursor`` None on the last page.

    ``corrupt`` names rows that could not be decoded (logged, left out).
    """

    items: tuple[DeadLetter, ...]
    cursor: str | None = None
    corrupt: tuple[str, ...] = ()


@attrs.frozen
class Backlog:
    """What a store counts for :meth:`BacklogStats.backlog`: one tenant's work waiting.

    ``due``: tickets whose due time has come (``due_at <= now``);
    ``pending``: outbox items not yet delivered and not dead (leased ones
    included); ``retrying``: pending items that failed at least once;
    ``dead``: dead letters.  ``oldest_*`` are None when there is none.
    """

    due: int
    oldest_due: pendulum.DateTime | None
    pending: int
    oldest_pending: pendulum.DateTime | None
    retrying: int
    dead: int


@runtime_checkable
class DeadLetters(Protocol):
    """Optional: failure bookkeeping for the outbox (all built-in stores have it)."""

    def fail_outbox(self, failures: Sequence[Failure], *, now: dt.datetime) -> frozenset[str]:
        """Record each failure in one transaction; return the ids left alone.

        A failure applies only while the item is still pending with the
        failure's ``attempts`` (the claim it reports on); an item
        acknowledged or claimed again since is left alone and its id
        returned.  With a ``retry_at`` the item keeps its attempts, records
        the error and ``now`` as its last failure, and is not served before
        ``retry_at``; without one it leaves the outbox for the dead
        letters.  A bad item or an item listed twice is a ValidationError
        and nothing is written.
        """
        ...

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        """This tenant's dead letters, ordered by ``(failed_at, id)``, ``limit`` at a time."""
        ...

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        """Put dead letters back in the outbox (attempts 0, served at once); return their ids.

        ``ids=None`` retries every dead letter of the tenant; unknown ids
        are ignored (the result says which were retried).
        """
        ...


@runtime_checkable
class BacklogStats(Protocol):
    """Optional: the numbers behind ``desk.health()``, from indexed counts, no ticket loaded."""

    def backlog(self, *, now: dt.datetime) -> Backlog: ...


@runtime_checkable
class NumberLookup(Protocol):
    """Optional: the ticket by the number customers quote (all built-in stores have it)."""

    def find_by_number(self, number: str) -> Ticket:
        """The ticket numbered ``number``; NotFound("ticket number", number) if none."""
        ...
