"""A slow, obviously-correct business calendar to check the fast one against.

:class:`ReferenceCalendar` takes the same arguments as
:class:`~complaintflow.sla.BusinessCalendar` and answers the same queries by
brute force: it walks local dates one by one, turns each window into a
span of real instants, merges the spans, and sums or walks them.  No week
arithmetic, no prefix sums, no caching: just SPEC §3 read literally, with
the two DST conventions spelled out in :func:`wall_to_instant`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence

import pendulum

from complaintflow.clock import instant
from complaintflow.errors import CalendarHorizonError, ValidationError
from complaintflow.sla._windows import (
    WindowSpec,
    check_neighbours,
    parse_holidays,
    parse_week,
    parse_workdays,
)
from complaintflow.sla.calendar import load_zone

__all__ = ["ReferenceCalendar", "same_instant", "wall_to_instant"]

UTC = dt.UTC
_ZERO = dt.timedelta(0)
_LAST = dt.date(9998, 12, 31)
Span = tuple[dt.datetime, dt.datetime]


def wall_to_instant(day: dt.date, minute: int, tz: dt.tzinfo) -> dt.datetime:
    """The first instant whose local clock reads ``day`` + ``minute`` or later.

    A wall time that happens once is that instant; in the repeated hour it
    is the first occurrence; in a DST gap it is the moment the clock jumps.
    """
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    candidates = []
    for fold in (0, 1):
        guess = wall.replace(tzinfo=tz, fold=fold).astimezone(UTC)
        if guess.astimezone(tz).replace(tzinfo=None) == wall:
            candidates.append(guess)
    if candidates:
        return min(candidates)
    # A gap: walk forward one second at a time from well before it.
    step = dt.timedelta(seconds=1)
    u = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)  # an instant before the jump
    u = u.replace(second=0, microsecond=0)
    while u.astimezone(tz).replace(tzinfo=None) < wall:
        u += step
    return u


def same_instant(a: dt.datetime, b: dt.datetime) -> bool:
    """Whether ``a`` and ``b`` are the same moment, whatever their zones and folds.

    ``a == b`` is not that test: Python compares two datetimes of one zone by
    wall clock, and two of different zones as unequal whenever either sits in
    a repeated hour (PEP 495), e.g. New York 2024-11-03 01:00 ``fold=1``
    against 06:00 UTC.  Values the library returns are exact (see
    :func:`complaintflow.clock.instant`) and compare fine with ``==``; use
    this for values of your own.
    """
    return instant(a, "a").astimezone(UTC) == instant(b, "b").astimezone(UTC)


class ReferenceCalendar:
    """SPEC §3 by brute force; same constructor as ``BusinessCalendar``."""

    def __init__(
        self,
        tz: str,
        week: Mapping[int, Sequence[WindowSpec]],
        *,
        holidays: Iterable[dt.date] = (),
        workdays: Mapping[dt.date, Sequence[WindowSpec]] | None = None,
        horizon: dt.date | None = None,
    ) -> None:
        self.zone = load_zone(tz)
        self.week = parse_week(week)
        self.holidays = parse_holidays(holidays)
        self.workdays = parse_workdays(workdays or {})
        check_neighbours(self.week, self.holidays, self.workdays)
        self.horizon = horizon
        if not any(self.week) and not any(self.workdays.values()):
            raise ValidationError("this calendar is never open")

    # -- the open set, date by date ------------------------------------------

    def spans_of(self, day: dt.date) -> list[Span]:
        """The windows of ``day`` as real instants (empty spans dropped)."""
        if day in self.holidays:
            windows: Sequence[tuple[int, int]] = ()
        elif day in self.workdays:
            windows = self.workdays[day]
        else:
            windows = self.week[day.weekday()]
        spans = []
        for start, end in windows:
            a = wall_to_instant(day, start, self.zone)
            b = wall_to_instant(day, end, self.zone)
            if b > a:
                spans.append((a, b))
        return spans

    def _last_day(self) -> dt.date:
        if self.horizon is not None:
            return self.horizon + dt.timedelta(days=1)
        if not any(self.week):
            return max(day for day, windows in self.workdays.items() if windows)
        return _LAST

    def merged(self, first: dt.date, last: dt.date) -> list[Span]:
        """Every open span of the dates ``first`` .. ``last``, merged, in order."""
        spans: list[Span] = []
        day = first
        while day <= last:
            spans.extend(self.spans_of(day))
            day += dt.timedelta(days=1)
        spans.sort()
        out: list[Span] = []
        for a, b in spans:
            if out and a <= out[-1][1]:
                out[-1] = (out[-1][0], max(b, out[-1][1]))
            else:
                out.append((a, b))
        return out

    def _local_date(self, t: dt.datetime) -> dt.date:
        return t.astimezone(self.zone).date()

    def _known(self, t: dt.datetime, *, strict: bool) -> None:
        if self.horizon is None:
            return
        end = wall_to_instant(self.horizon + dt.timedelta(days=1), 0, self.zone)
        if t > end or (strict and t == end):
            raise CalendarHorizonError(f"{t} is past the horizon {self.horizon}")

    def _out(self, t: dt.datetime) -> pendulum.DateTime:
        # The library's exact instant, as BusinessCalendar returns it, so results compare
        # equal (and order) by instant even inside a repeated hour.
        return instant(t.astimezone(self.zone))

    # -- the queries ---------------------------------------------------------

    def is_open(self, t: dt.datetime) -> bool:
        t = instant(t, "t")
        self._known(t, strict=True)
        day = self._local_date(t)
        around = self.merged(day - dt.timedelta(days=2), day + dt.timedelta(days=1))
        return any(a <= t < b for a, b in around)

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        a, b = instant(a, "a"), instant(b, "b")
        self._known(max(a, b), strict=False)
        if b < a:
            return -self.between(b, a)
        total = _ZERO
        for start, end in self.intervals(a, b):
            total += end - start
        return total

    def intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        a, b = instant(a, "a"), instant(b, "b")
        self._known(max(a, b), strict=False)
        first = self._local_date(a) - dt.timedelta(days=2)
        last = self._local_date(b) + dt.timedelta(days=1)
        spans = [
            (max(s, a), min(e, b)) for s, e in self.merged(first, last) if max(s, a) < min(e, b)
        ]
        return iter([(self._out(s), self._out(e)) for s, e in spans])

    def add(self, t: dt.datetime, duration: dt.timedelta) -> pendulum.DateTime:
        t = instant(t, "t")
        if duration < _ZERO:
            raise ValidationError("negative duration")
        self._known(t, strict=False)
        if duration == _ZERO:
            return self._out(t)
        left = duration
        cursor: dt.datetime = t  # everything before the cursor is counted already
        day = self._local_date(t) - dt.timedelta(days=2)
        while day <= self._last_day():
            for a, b in self.spans_of(day):
                a = max(a, cursor)
                if a >= b:
                    continue
                if b - a >= left:
                    result = a + left
                    self._known(result, strict=False)
                    return self._out(result)
                left -= b - a
                cursor = b
            day += dt.timedelta(days=1)
        raise CalendarHorizonError("the deadline falls after the last date this calendar knows")

    def close_of_business(self, day: dt.date) -> pendulum.DateTime | None:
        """The end of ``day``'s last window (the next morning if it runs overnight)."""
        spans = self.spans_of(day)
        if not spans:
            return None
        self._known(spans[-1][1], strict=False)
        return self._out(spans[-1][1])

    def business_days(self, t: dt.datetime, days: int) -> pendulum.DateTime:
        """``BusinessDays(days)`` from ``t``: the close of the ``days``-th working day
        after ``t``'s local date, a working day being a date with a window of its own."""
        day = self._local_date(instant(t, "t"))
        while day < self._last_day():
            day += dt.timedelta(days=1)
            close = self.close_of_business(day)
            if close is not None:
                days -= 1
                if days == 0:
                    return close
        raise CalendarHorizonError("no such working day before the last date this calendar knows")

    def next_open(self, t: dt.datetime) -> pendulum.DateTime:
        t = instant(t, "t")
        if self.is_open(t):
            return self._out(t)
        after = self.add(t, dt.timedelta(microseconds=1))
        return self._out(after - dt.timedelta(microseconds=1))
