"""Every error complaintflow raises, rooted at one class.

A host catches :class:`ComplaintflowError` to handle anything the library
refuses; each subclass carries its context as attributes so a UI or an API
layer can build its own message without parsing ours.  Validation errors
are also :class:`ValueError` and lookups are also :class:`LookupError`, so
code written against the built-ins keeps working.

::

    ComplaintflowError
    ├── ValidationError (ValueError)          bad input; fix the call
    │   ├── NaiveDatetimeError                a datetime without tzinfo
    │   ├── MoneyError                        float amount, bad currency code
    │   │   └── CurrencyMismatchError         two currencies mixed
    │   ├── ClockError                        a manual clock moved backwards
    │   └── CalendarError                     a business calendar that cannot be
    │       └── CalendarHorizonError          past the dates the calendar knows
    ├── InvalidTransition                     command not allowed in this state
    ├── PermissionDenied                      actor's role is too low
    │   └── SelfApprovalError                 nobody approves their own proposal
    ├── ConcurrencyError                      someone saved the ticket first
    ├── NotFound (LookupError)                no such ticket
    └── StorageError                          the backend failed; nothing was written
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CalendarError",
    "CalendarHorizonError",
    "ClockError",
    "ComplaintflowError",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "InvalidTransition",
    "MoneyError",
    "NaiveDatetimeError",
    "NotFound",
    "PermissionDenied",
    "SelfApprovalError",
    "StorageError",
    "ValidationError",
]


class ComplaintflowError(Exception):
    """Root of every error complaintflow raises on purpose."""


class ValidationError(ComplaintflowError, ValueError):
    """An argument is malformed; ``field`` names it when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone reached the public API.

    A naive datetime is ambiguous across offices and DST changes, so it is
    refused instead of being guessed as UTC or local time.
    """

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be timezone-aware, got naive {value!r}; pass e.g. "
            "datetime(..., tzinfo=ZoneInfo('Asia/Shanghai')) or pendulum.datetime(..., tz=...)",
            field=field,
        )
        self.value = value


class MoneyError(ValidationError):
    """An amount or currency that cannot be represented exactly."""


class CurrencyMismatchError(MoneyError):
    """Two amounts in different currencies met in one operation."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        super().__init__(
            f"cannot {operation} {left} and {right}: convert one currency first"
        )
        self.left = left
        self.right = right
        self.operation = operation


class ClockError(ValidationError):
    """A manual clock was asked to move backwards."""


class CalendarError(ValidationError):
    """A business calendar definition or query is invalid."""


class CalendarHorizonError(CalendarError):
    """A calendar query ran past the last date its holiday data covers."""


class InvalidTransition(ComplaintflowError):
    """A command is not allowed in the ticket's current state."""

    def __init__(
        self,
        *,
        ticket_id: str,
        state: str,
        trigger: str,
        allowed: Iterable[str],
        reason: str | None = None,
    ) -> None:
        self.ticket_id = ticket_id
        self.state = state
        self.trigger = trigger
        self.allowed = tuple(sorted(allowed))
        self.reason = reason
        why = f": {reason}" if reason else ""
        allowed_text = ", ".join(self.allowed) or "none (the ticket is final)"
        super().__init__(
            f"ticket {ticket_id} is {state}; {trigger!r} is not allowed{why}. "
            f"Allowed from {state}: {allowed_text}"
        )


class PermissionDenied(ComplaintflowError):
    """The actor's role does not allow the command."""

    def __init__(
        self,
        *,
        trigger: str,
        actor_id: str,
        actor_role: str | None,
        required: str,
        reason: str | None = None,
    ) -> None:
        self.trigger = trigger
        self.actor_id = actor_id
        self.actor_role = actor_role
        self.required = required
        self.reason = reason
        role = actor_role or "no staff role"
        why = f" ({reason})" if reason else ""
        super().__init__(
            f"{actor_id} ({role}) may not {trigger}{why}; it requires {required}"
        )


class SelfApprovalError(PermissionDenied):
    """Separation of duties: a proposer cannot approve their own proposal."""


class ConcurrencyError(ComplaintflowError):
    """The ticket was saved by someone else since it was loaded."""

    def __init__(self, *, ticket_id: str, expected: int, actual: int | None) -> None:
        self.ticket_id = ticket_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"ticket {ticket_id} is at version {actual}, expected {expected}: "
            "reload it and apply the command again (see ComplaintDesk.retrying)"
        )


class NotFound(ComplaintflowError, LookupError):
    """No ticket with that id (or number) exists in this store."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r} in this store")


class StorageError(ComplaintflowError):
    """The storage backend failed; the operation wrote nothing."""
