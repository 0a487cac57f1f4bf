"""Where "now" comes from, and how instants enter the library.

Nothing in the core calls ``now()``: the desk asks a :class:`Clock`, so a
host's tests move time by hand with :class:`ManualClock` and never sleep.
:func:`instant` is the one gate every public datetime passes: it refuses a
naive value and hands back an *exact* pendulum ``DateTime``.

Why "exact": Python compares and subtracts two datetimes that share a
``tzinfo`` by their wall clocks, ignoring ``fold``.  In the hour a DST change
repeats, 01:10 EST (``fold=1``) then reads as earlier than 01:20 EDT, which
it is not, and ``==`` across zones is always false there (PEP 495).  So an
instant keeps its named zone only where the zone's reading is unambiguous;
inside a repeated hour it carries the fixed UTC offset in force instead
(``01:10-05:00``), and a wall time in a DST gap becomes the real local time
it denotes.  Every value :func:`instant` returns then orders, compares and
subtracts as the instant it is, whatever zone its neighbours are in.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from typing import Protocol, cast, runtime_checkable
from zoneinfo import ZoneInfo

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
    """``value`` as an exact pendulum ``DateTime``; naive and non-datetimes are refused.

    The result is the same instant, read in ``value``'s zone when that
    reading is unambiguous and with its fixed UTC offset inside a repeated
    hour (see the module docstring for why).
    """
    if not isinstance(value, dt.datetime):
        raise ValidationError(
            f"{field} must be a timezone-aware datetime, got {type(value).__name__}",
            field=field,
        )
    tz = value.tzinfo
    if tz is None:
        raise NaiveDatetimeError(field, value)
    if type(value) is _DATETIME:  # the hot path; exact type checks (pendulum's are ABCs)
        kind = type(tz)
        if kind is _FIXED:
            return value  # no DST: exact as it is
        if kind is _ZONE and _settled(cast(ZoneInfo, tz).key, value.toordinal()):
            return value  # no offset change near this date: the reading names one instant
    offset = tz.utcoffset(value)
    if offset is None:
        raise NaiveDatetimeError(field, value)
    if (
        isinstance(value, pendulum.DateTime)
        and isinstance(tz, _ZONE | _FIXED)
        and offset == tz.utcoffset(_replace(value, fold=1 - value.fold))
    ):
        return value
    if isinstance(tz, ZoneInfo) and not isinstance(tz, pendulum.Timezone) and tz.key:
        tz = named_zone(tz.key)
    wall = dt.datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
    )
    local = tz.fromutc((wall - offset).replace(tzinfo=tz))
    if not isinstance(tz, pendulum.Timezone):
        offset = local.utcoffset()
        if offset is not None and offset == tz.utcoffset(local.replace(fold=1 - local.fold)):
            return pendulum.instance(local)  # a fixed offset, or a foreign tzinfo
    return exact_reading(local)


def exact_reading(local: dt.datetime) -> pendulum.DateTime:
    """``local`` (an aware reading made by ``fromutc``/``astimezone``) as :func:`instant` does.

    For the calendar, which makes its readings itself and needs no checks.
    """
    tz = local.tzinfo
    assert tz is not None
    offset = tz.utcoffset(local)
    assert offset is not None
    if offset != tz.utcoffset(_replace(local, fold=1 - local.fold)):
        return pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=_fixed(offset),
        )
    return pendulum.DateTime(
        local.year,
        local.month,
        local.day,
        local.hour,
        local.minute,
        local.second,
        local.microsecond,
        tzinfo=tz,
        fold=local.fold,
    )


@functools.lru_cache(maxsize=8192)
def _settled(key: str, ordinal: int) -> bool:
    """Whether no offset change falls within a day of local date ``ordinal``, so that
    every wall time of that date names one instant.  Two changes that cancel out
    within three days would be missed; the time zone database has none since 1970."""
    tz = named_zone(key)
    one = dt.timedelta(days=1)
    day = dt.datetime.fromordinal(ordinal)
    offsets = {
        tz.utcoffset((day + k * one).replace(tzinfo=tz, fold=fold))
        for k in (-1, 2)
        for fold in (0, 1)
    }
    return len(offsets) == 1


def _as_utc(value: dt.datetime) -> dt.datetime:
    """A plain stdlib UTC datetime: pendulum values lose their fold in stdlib ``astimezone``."""
    offset = value.utcoffset()
    assert offset is not None
    wall = dt.datetime(
        value.year,
        value.month,
        value.day,
        value.hour,
        value.minute,
        value.second,
        value.microsecond,
        tzinfo=dt.UTC,
    )
    return wall - offset


_replace = dt.datetime.replace
_DATETIME = pendulum.DateTime
_ZONE = pendulum.Timezone
_FIXED = pendulum.FixedTimezone


@functools.cache
def _fixed(offset: dt.timedelta) -> pendulum.FixedTimezone:
    return pendulum.FixedTimezone(int(offset.total_seconds()))


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
    would make SLA clocks and metrics meaningless.  "Backwards" is judged on
    exact instants, so 01:10 EST (``fold=1``) after 01:20 EDT is 50 minutes
    *forward*, as it is on a real clock.
    """

    def __init__(self, start: dt.datetime) -> None:
        self._now = instant(start, "start")
        # The zone it reads in, kept apart: inside a repeated hour ``now`` carries a
        # fixed offset, and advancing out of that hour should read in the zone again.
        zone = start.tzinfo
        assert zone is not None  # instant() refused a naive start
        self._zone = named_zone(zone.key) if isinstance(zone, ZoneInfo) and zone.key else zone
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
            self._now = instant(_as_utc(self._now + step).astimezone(self._zone))
            return self._now

    def set(self, to: dt.datetime) -> pendulum.DateTime:
        """Jump to an instant at or after the current one."""
        target = instant(to, "to")
        with self._lock:
            if target < self._now:
                raise ClockError(f"a ManualClock cannot go backwards from {self._now} to {target}")
            self._now = target
            return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now.isoformat()})"
