"""SLA targets: how long a clock may run, and on which clock.

Every target turns, for a given start, into a *budget* measured on one of
two clocks: business time (a :class:`BusinessTime` calendar) or wall time.
Pauses and breaches are then counted on that same clock, so a pause during
a business-hours target extends it by the business time paused, never by
the nights and weekends in between (an anchor bug of help desks).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterator
from typing import Any, Protocol

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.errors import ValidationError

__all__ = [
    "BusinessDays",
    "BusinessHours",
    "BusinessTime",
    "Elapsed",
    "Target",
    "WorkingDays",
    "budget",
]


class BusinessTime(Protocol):
    """The part of :class:`~complaintflow.BusinessCalendar` the SLA engine uses."""

    def is_open(self, t: dt.datetime) -> bool: ...
    def next_open(self, t: dt.datetime) -> pendulum.DateTime: ...
    def add(self, t: dt.datetime, duration: dt.timedelta) -> pendulum.DateTime: ...
    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta: ...
    def intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]: ...


def _positive_number(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a positive number, got {value!r}",
            field=attribute.name,
        )


def _positive_int(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be a whole number >= 1, "
            f"got {value!r}",
            field=attribute.name,
        )


@attrs.frozen
class BusinessHours:
    """``n`` hours of open time on the calendar (``BusinessHours(0.5)`` is 30 minutes)."""

    hours: float = attrs.field(validator=_positive_number)

    @property
    def business(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"{self.hours:g} business hours"


@attrs.frozen(init=False)
class Elapsed:
    """Wall-clock time, nights and holidays included: ``Elapsed(hours=24)``."""

    duration: dt.timedelta

    def __init__(self, duration: dt.timedelta | None = None, **units: float) -> None:
        value = duration if duration is not None else dt.timedelta(**units)
        if duration is not None and units:
            raise ValidationError("give Elapsed a timedelta or units, not both", field="duration")
        if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
            raise ValidationError(
                f"Elapsed needs a positive duration, got {value!r}", field="duration"
            )
        self.__attrs_init__(value)

    @property
    def business(self) -> bool:
        return False

    def __str__(self) -> str:
        return f"{self.duration.total_seconds() / 3600:g} elapsed hours"


@attrs.frozen
class BusinessDays:
    """Close of business of the ``n``-th working day after the start's local date.

    Working days are the calendar's: a date with a window that starts on it
    (a holiday is not one, even while the shift of the day before runs into
    it), and a day with an overnight window closes at that window's end.
    """

    days: int = attrs.field(validator=_positive_int)

    @property
    def business(self) -> bool:
        return True

    def __str__(self) -> str:
        return f"{self.days} business day{'s' if self.days != 1 else ''}"


Target = BusinessHours | Elapsed | BusinessDays

#: How far a business-days target looks for working days before giving up.
_DAY_SEARCH_LIMIT = 3660


#: Close of business already found, per calendar, by (local start date, days, zone).  The
#: search resolves a day's windows for each date it steps over, and every measure of every
#: ticket asks again (a sweep of 2,000 tickets asked 1,700 times for a handful of dates);
#: the answer depends on nothing else, since a calendar's hours and holidays are fixed once
#: it is built.  Weak keys: a calendar dropped by the host takes its entries along.
_Closes = dict[tuple[dt.date, int, dt.tzinfo], pendulum.DateTime]
_CLOSE: weakref.WeakKeyDictionary[Any, _Closes] = weakref.WeakKeyDictionary()
#: Entries kept per calendar (a few years of start dates for a few targets); then it restarts.
_CLOSE_LIMIT = 4096


def _close_of_business(
    calendar: BusinessTime, start: pendulum.DateTime, days: int, zone: dt.tzinfo
) -> pendulum.DateTime:
    day = start.astimezone(zone).date()
    key = (day, days, zone)
    try:
        hash(key)
        known = _CLOSE.get(calendar)
        found = None if known is None else known.get(key)
    except TypeError:  # a calendar or zone that cannot be a key: search every time
        return _search_close(calendar, day, days, zone)
    if found is None:
        found = _search_close(calendar, day, days, zone)
        if known is None:
            known = _CLOSE.setdefault(calendar, {})
        if len(known) >= _CLOSE_LIMIT:
            known.clear()
        known[key] = found
    return found


class WorkingDays(Protocol):
    """A calendar that says which dates are working days and when each closes."""

    def close_of_business(self, day: dt.date) -> dt.datetime | None: ...


def _search_close(
    calendar: BusinessTime, day: dt.date, days: int, zone: dt.tzinfo
) -> pendulum.DateTime:
    """The close of the ``days``-th working day after ``day``.

    A :class:`~complaintflow.BusinessCalendar` answers for each date itself
    (:meth:`~complaintflow.BusinessCalendar.close_of_business`).  Any other
    ``BusinessTime`` is read through ``intervals`` with the same rules: a
    date is a working day when an open span *starts* on it, and it closes
    where that span ends, past midnight for an overnight shift.
    """
    close_of = getattr(calendar, "close_of_business", None)
    found = 0
    for _ in range(_DAY_SEARCH_LIMIT):
        day += dt.timedelta(days=1)
        close = close_of(day) if close_of is not None else _close_from_spans(calendar, day, zone)
        if close is not None:
            found += 1
            if found == days:
                return instant(close, "close_of_business")
    raise ValidationError(
        f"no {days} working days found within {_DAY_SEARCH_LIMIT} days after {day}",
        field="target",
    )


def _close_from_spans(
    calendar: BusinessTime, day: dt.date, zone: dt.tzinfo
) -> pendulum.DateTime | None:
    begin = _midnight(day, zone)
    end = _midnight(day + dt.timedelta(days=1), zone)
    # From the midnight before, so a span that began the day before is seen to (and not
    # cut at this midnight); to the midnight after next, so an overnight span is whole.
    close = None
    for a, b in calendar.intervals(
        _midnight(day - dt.timedelta(days=1), zone), _midnight(day + dt.timedelta(days=2), zone)
    ):
        if begin <= a < end:
            close = b
    return close


def _midnight(day: dt.date, zone: dt.tzinfo) -> pendulum.DateTime:
    return instant(pendulum.datetime(day.year, day.month, day.day, tz=zone), "day")


def budget(
    target: Target, start: pendulum.DateTime, calendar: BusinessTime, zone: dt.tzinfo
) -> dt.timedelta:
    """The time the target allows from ``start``, on the target's own clock.

    ``zone`` is the office zone whose local date a business-days target
    counts from.
    """
    if isinstance(target, BusinessHours):
        return dt.timedelta(hours=target.hours)
    if isinstance(target, Elapsed):
        return target.duration
    due = _close_of_business(calendar, start, target.days, zone)
    return calendar.between(start, due)
