"""Delivery failures: the retry policy, dead letters and the health numbers a host exports.

Why the policy lives here and not in the store: how often and how long a
notification is worth retrying is the host's call (a webhook may recover
in minutes, a mailbox that does not exist never will), while the store
only keeps what it is told (:mod:`complaintflow.storage.outbox`).  A
channel marks an error that no retry can fix with ``permanent = True``
(an attribute, read with ``getattr``, so any exception class can): such
an item goes to the dead letters at once instead of using up its attempts.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pendulum

from complaintflow.errors import StorageError, ValidationError
from complaintflow.storage.protocol import (
    Backlog,
    BacklogStats,
    DeadLetters,
    Failure,
    NumberLookup,
    OutboxItem,
    TicketStore,
)

__all__ = [
    "Health",
    "RetryPolicy",
    "dead_letter_store",
    "failure_of",
    "health_of",
    "number_store",
    "record_failures",
]


def _positive(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise ValidationError(
            f"{attribute.name} must be a positive timedelta, got {value!r}", field=attribute.name
        )


def _attempts(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise ValidationError(
            f"max_attempts must be an int from 1 to 1000, got {value!r}", field=attribute.name
        )


@attrs.frozen
class RetryPolicy:
    """How often a failing notification is tried: exponential backoff, capped, then dead.

    After failed attempt ``n`` the item waits ``min(cap, base * 2 ** (n - 1))``;
    the ``max_attempts``-th failure (or a permanent error) makes it a dead
    letter.  The defaults give 1, 2, 4, ... 64 minutes: eight attempts over
    about two hours.
    """

    max_attempts: int = attrs.field(default=8, validator=_attempts)
    base: dt.timedelta = attrs.field(default=dt.timedelta(minutes=1), validator=_positive)
    cap: dt.timedelta = attrs.field(default=dt.timedelta(hours=6), validator=_positive)

    def delay(self, attempts: int) -> dt.timedelta:
        """The wait after the ``attempts``-th failed attempt."""
        steps = min(max(attempts, 1) - 1, 40)  # 2**40 minutes is far past any cap
        wait: dt.timedelta = min(self.cap, self.base * 2**steps)
        return wait


def failure_of(
    item: OutboxItem, error: BaseException, now: pendulum.DateTime, policy: RetryPolicy
) -> Failure:
    """The :class:`Failure` to record for ``item``: retry later, or dead if that was the last."""
    text = f"{type(error).__name__}: {error}"
    dead = bool(getattr(error, "permanent", False)) or item.attempts >= policy.max_attempts
    retry_at = None if dead else now + policy.delay(item.attempts)
    return Failure(id=item.id, attempts=max(item.attempts, 1), error=text, retry_at=retry_at)


def record_failures(
    store: TicketStore, failures: list[Failure], now: pendulum.DateTime
) -> tuple[int, tuple[str, ...]]:
    """Record ``failures``; (items that will be retried, ids that became dead letters).

    A store without :class:`DeadLetters` records nothing: its items stay
    leased until the lease ends, as before dead letters existed.
    """
    if not failures or not isinstance(store, DeadLetters):
        return 0, ()
    stale = store.fail_outbox(failures, now=now)
    applied = [failure for failure in failures if failure.id not in stale]
    dead = tuple(failure.id for failure in applied if failure.retry_at is None)
    return len(applied) - len(dead), dead


def _missing(store: TicketStore, part: str, what: str) -> StorageError:
    return StorageError(
        f"{type(store).__name__} cannot {what}: it does not implement "
        f"complaintflow.storage.{part} (every built-in store does)"
    )


def dead_letter_store(store: TicketStore, what: str) -> DeadLetters:
    """``store`` as :class:`DeadLetters`; a clear StorageError if it is not one."""
    if not isinstance(store, DeadLetters):
        raise _missing(store, "DeadLetters", what)
    return store


def number_store(store: TicketStore) -> NumberLookup:
    """``store`` as :class:`NumberLookup`; a clear StorageError if it is not one."""
    if not isinstance(store, NumberLookup):
        raise _missing(store, "NumberLookup", "find tickets by number")
    return store


def _age(now: pendulum.DateTime, since: dt.datetime | None) -> float | None:
    return None if since is None else max(0.0, now.timestamp() - since.timestamp())


@attrs.frozen
class Health:
    """The numbers to export and alert on (docs/cli.md, ``complaintflow health``).

    ``due``: tickets whose SLA due time has come and that no sweep has
    handled yet, ``oldest_due_seconds`` how long the oldest has waited;
    ``pending``: notifications not yet delivered, ``oldest_pending_seconds``
    the age of the oldest; ``retrying``: pending ones that failed at least
    once; ``dead``: dead letters waiting for a person.  Ages are None when
    there is nothing to age.
    """

    at: pendulum.DateTime
    due: int
    oldest_due_seconds: float | None
    pending: int
    oldest_pending_seconds: float | None
    retrying: int
    dead: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe numbers (``at`` as ISO 8601 text), for an exporter or ``--json``."""
        data = attrs.asdict(self)
        data["at"] = self.at.isoformat()
        return data


def health_of(store: TicketStore, now: pendulum.DateTime) -> Health:
    """The store's :class:`Backlog` as ages at ``now``."""
    if not isinstance(store, BacklogStats):
        raise _missing(store, "BacklogStats", "report its backlog")
    numbers: Backlog = store.backlog(now=now)
    return Health(
        at=now,
        due=numbers.due,
        oldest_due_seconds=_age(now, numbers.oldest_due),
        pending=numbers.pending,
        oldest_pending_seconds=_age(now, numbers.oldest_pending),
        retrying=numbers.retrying,
        dead=numbers.dead,
    )
