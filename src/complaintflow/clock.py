"""Where "now" comes from, and how instants enter the library.

Nothing in the core calls ``now()``: the desk asks a :class:`Clock`, so a
host's tests move time by hand with :class:`ManualClock` and never sleep.
:func:`instant` is the one gate every public datetime passes: it refuses a
naive value and hands back a pendulum ``DateTime``.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from typing import Protocol, runtime_checkable

import pendulum

from complaintflow.errors import ClockError, NaiveDatetimeError, ValidationError

__all__ = ["Clock", "ManualClock", "SystemClock", "instant", "named_zone"]


@functools.cache
def named_zone(name: str) -> pendulum.Timezone | pendulum.FixedTimezone:
    """``pendulum.timezone(name)``, remembered: building one costs ~50 µs, every time.

    Loading stored instants and measuring SLA clocks ask for the same few
    zones over and over.  Only names that exist are remembered (a bad one
    raises), so the cache holds at most the IANA database.
    """
    if not isinstance(name, str):
        raise TypeError(f"a zone name is a str, got {name!r}")
    return pendulum.timezone(name)


def instant(value: object, field: str = "instant") -> pendulum.DateTime:
    """Return ``value`` as a pendulum ``DateTime``, refusing naive or non-datetimes."""
    if isinstance(value, pendulum.DateTime):
        if value.tzinfo is None:
            raise NaiveDatetimeError(field, value)
        return value
    if not isinstance(value, dt.datetime):
        raise ValidationError(
            f"{field} must be a timezone-aware datetime, got {type(value).__name__}",
            field=field,
        )
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(field, value)
    return pendulum.instance(value)


@runtime_checkable
class Clock(Protocol):
    """Anything with a ``now()`` returning an aware datetime."""

    def now(self) -> pendulum.DateTime: ...


class SystemClock:
    """The real clock, in UTC (convert at display time, not here)."""

    def now(self) -> pendulum.DateTime:
        return pendulum.now("UTC")

    def __repr__(self) -> str:
        return "SystemClock()"


class ManualClock:
    """A clock that moves only when told to; thread-safe.

    It refuses to go backwards: an event log whose timestamps decrease
    would make SLA clocks and metrics meaningless.
    """

    def __init__(self, start: dt.datetime) -> None:
        self._now = instant(start, "start")
        self._lock = threading.Lock()

    def now(self) -> pendulum.DateTime:
        with self._lock:
            return self._now

    def advance(self, by: dt.timedelta | None = None, **units: float) -> pendulum.DateTime:
        """Move forward by a ``timedelta`` or by keyword units (``hours=2``)."""
        step = by if by is not None else dt.timedelta(**units)
        if by is not None and units:
            raise ValidationError("pass either a timedelta or keyword units, not both")
        if step < dt.timedelta(0):
            raise ClockError(f"a ManualClock cannot go backwards (advance by {step})")
        with self._lock:
            self._now = self._now + step
            return self._now

    def set(self, to: dt.datetime) -> pendulum.DateTime:
        """Jump to an instant at or after the current one."""
        target = instant(to, "to")
        with self._lock:
            if target < self._now:
                raise ClockError(
                    f"a ManualClock cannot go backwards from {self._now} to {target}"
                )
            self._now = target
            return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"
