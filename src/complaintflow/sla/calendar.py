"""Business time: when a team is open, and deadlines counted in open time.

How it stays fast.  Every local date has a list of open intervals (its own
windows, resolved to real instants).  ``S(n)``, the business time of all
dates before date ``n``, is a whole number of normal weeks plus a partial
week plus the sum of the *deltas* of "special" dates before ``n`` (a
holiday, a workday override, or a date whose windows a DST change makes
shorter or longer), read from a prefix-sum array with :func:`bisect`.  So
``between`` and ``add`` cost the same over two hours and over twenty
years; only the one or two dates at each end are resolved in full.
Special DST dates are found by scanning the zone's offset changes, lazily,
for the years queries actually touch.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pendulum

from complaintflow.clock import exact_reading, instant
from complaintflow.errors import CalendarError, CalendarHorizonError, ValidationError
from complaintflow.sla import _zone
from complaintflow.sla._windows import (
    Window,
    WindowSpec,
    check_neighbours,
    parse_holidays,
    parse_week,
    parse_workdays,
)

__all__ = ["BusinessCalendar"]

Span = tuple[int, int]
_MIN_ORD = dt.date(2, 1, 1).toordinal()
_MAX_ORD = dt.date(9998, 12, 31).toordinal()
_US = dt.timedelta(microseconds=1)


def load_zone(tz: object) -> ZoneInfo:
    """An IANA zone from a name or a ZoneInfo, as a typed error when unknown."""
    if isinstance(tz, ZoneInfo):
        return ZoneInfo(tz.key)
    if not isinstance(tz, str):
        raise CalendarError(
            f"tz must be an IANA zone name like 'Asia/Shanghai', got {tz!r}", field="tz"
        )
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CalendarError(
            f"unknown time zone {tz!r}; use an IANA name like 'Asia/Shanghai'", field="tz"
        ) from exc


class _Table:
    """Special dates (sorted ordinals), prefix sums of their deltas, and the
    cumulative business time through each one; valid for DST in [lo, hi]."""

    __slots__ = ("cum", "hi", "lo", "ords", "through")

    def __init__(
        self, lo: int, hi: int, ords: list[int], cum: list[int], through: list[int]
    ) -> None:
        self.lo, self.hi, self.ords, self.cum, self.through = lo, hi, ords, cum, through


class BusinessCalendar:
    """Opening hours of a team in one time zone, with holidays and overrides.

    ``week`` maps weekday numbers (Monday=0) to ``("HH:MM", "HH:MM")``
    windows; ``holidays`` close whole dates; ``workdays`` replace a date's
    windows (a make-up working day, a short day); ``horizon`` is the last
    date the holiday data is valid for.  All results are pendulum
    ``DateTime`` values in the calendar's zone.
    """

    def __init__(
        self,
        tz: str | ZoneInfo,
        week: Mapping[int, Sequence[WindowSpec]],
        *,
        holidays: Iterable[dt.date] = (),
        workdays: Mapping[dt.date, Sequence[WindowSpec]] | None = None,
        horizon: dt.date | None = None,
    ) -> None:
        self._zone = load_zone(tz)
        self._ptz = pendulum.timezone(self._zone.key)
        self._week = parse_week(week)
        closed = parse_holidays(holidays)
        overrides = parse_workdays(workdays or {})
        check_neighbours(self._week, closed, overrides)
        if horizon is not None and (
            not isinstance(horizon, dt.date) or isinstance(horizon, dt.datetime)
        ):
            raise CalendarError(f"horizon must be a date, got {horizon!r}", field="horizon")
        self.horizon = horizon
        self._holidays = closed
        self._workdays = overrides
        self._override: dict[int, tuple[Window, ...]] = {d.toordinal(): () for d in closed}
        self._override.update({d.toordinal(): w for d, w in overrides.items()})
        self._normal = [sum(e - s for s, e in day) * _zone.MINUTE_US for day in self._week]
        self._pw = [0]
        for length in self._normal:
            self._pw.append(self._pw[-1] + length)
        self._w = self._pw[7]
        if self._w == 0 and not any(overrides.values()):
            raise CalendarError(
                "this calendar is never open: give week at least one window, or add workdays",
                field="week",
            )
        self._horizon_end = (
            None if horizon is None else _zone.resolve(self._zone, horizon.toordinal() + 1, 0)
        )
        self._day = functools.lru_cache(maxsize=4096)(self._resolve_day)
        self._explicit = {o: self._length(o) - self._normal[(o + 6) % 7] for o in self._override}
        self._dst: dict[int, int] = {}
        self._lock = threading.Lock()
        self._table = self._build(0, -1)

    # -- definition ------------------------------------------------------

    @property
    def tz(self) -> str:
        return self._zone.key

    @property
    def holidays(self) -> frozenset[dt.date]:
        """The closed dates."""
        return self._holidays

    @property
    def workdays(self) -> Mapping[dt.date, tuple[tuple[str, str], ...]]:
        """The dates whose windows are replaced, with their windows."""
        return MappingProxyType({day: self.windows(day) for day in self._workdays})

    def __repr__(self) -> str:
        return (
            f"BusinessCalendar(tz={self.tz!r}, holidays={len(self._holidays)}, "
            f"workdays={len(self._workdays)}, horizon={self.horizon!r})"
        )

    def windows(self, day: dt.date) -> tuple[tuple[str, str], ...]:
        """The windows that apply on ``day`` as ``("HH:MM", "HH:MM")`` pairs."""
        out = []
        for s, e in self._windows_of(day.toordinal()):
            end = e % 1440 if e != 1440 else 1440
            out.append((f"{s // 60:02d}:{s % 60:02d}", f"{end // 60:02d}:{end % 60:02d}"))
        return tuple(out)

    def close_of_business(self, day: dt.date) -> pendulum.DateTime | None:
        """When working day ``day`` closes; None when ``day`` is not a working day.

        A working day is a date with open time of its own: a window belongs
        to the day it starts on, so a holiday is closed even while the day
        before's overnight shift runs into it, and the close of a day whose
        last window runs overnight is that window's end, the next morning.
        ``BusinessDays(n)`` ends at the close of the ``n``-th working day.
        """
        if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
            raise ValidationError(f"day must be a date, got {day!r}", field="day")
        ordinal = day.toordinal()
        if not _MIN_ORD + 2 <= ordinal <= _MAX_ORD:
            raise CalendarError(f"day={day} is outside the years 0002-9998", field="day")
        spans = self._day(ordinal)
        if not spans:
            return None
        self._before_horizon(spans[-1][1], strict=False)
        return self._out(spans[-1][1])

    # -- public queries --------------------------------------------------

    def is_open(self, t: dt.datetime) -> bool:
        """Whether instant ``t`` lies in an open window."""
        x, day = self._point(t, "t")
        self._before_horizon(x, strict=True)
        return any(a <= x < b for d in (day - 1, day) for a, b in self._day(d))

    def next_open(self, t: dt.datetime) -> pendulum.DateTime:
        """``t`` itself when open, else the start of the next open window."""
        if self.is_open(t):
            return self._out(_zone.to_us(t))
        return self._out(self._add(*self._point(t, "t"), 1) - 1)

    def add(self, t: dt.datetime, duration: dt.timedelta) -> pendulum.DateTime:
        """The earliest instant ``u >= t`` with ``between(t, u) == duration``."""
        if not isinstance(duration, dt.timedelta):
            raise ValidationError(
                f"duration must be a timedelta, got {type(duration).__name__}", field="duration"
            )
        if duration < dt.timedelta(0):
            raise ValidationError(
                f"duration must not be negative, got {duration}; a deadline is never "
                "before its start",
                field="duration",
            )
        x, day = self._point(t, "t")
        self._before_horizon(x, strict=False)
        if not duration:
            return self._out(x)
        return self._out(self._add(x, day, duration // _US))

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        """Business time in ``[a, b)``; negative when ``b`` is before ``a``."""
        xa, da = self._point(a, "a")
        xb, db = self._point(b, "b")
        self._before_horizon(max(xa, xb), strict=False)
        table = self._cover(min(da, db) - 2, max(da, db) + 1)
        return (self._cum(table, xb, db) - self._cum(table, xa, da)) * _US

    def intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        """The open spans inside ``[a, b)``, in order, adjacent spans merged."""
        xa, da = self._point(a, "a")
        xb, db = self._point(b, "b")
        self._before_horizon(max(xa, xb), strict=False)
        return self._intervals(xa, da, xb, db)

    # -- internals ---------------------------------------------------------

    def _intervals(
        self, xa: int, da: int, xb: int, db: int
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        current: Span | None = None
        for day in range(da - 1, db + 1):
            for a, b in self._day(day):
                a, b = max(a, xa), min(b, xb)
                if a >= b:
                    continue
                if current is not None and a <= current[1]:
                    current = (current[0], max(b, current[1]))
                    continue
                if current is not None:
                    yield self._out(current[0]), self._out(current[1])
                current = (a, b)
        if current is not None:
            yield self._out(current[0]), self._out(current[1])

    def _point(self, value: dt.datetime, field: str) -> tuple[int, int]:
        """An instant as (microseconds since the epoch, local date ordinal)."""
        if not (
            isinstance(value, dt.datetime)
            and value.tzinfo is not None
            and value.utcoffset() is not None
        ):
            # The library's one gate for instants: it raises the typed error
            # (NaiveDatetimeError, ...).  Aware values skip it only to save
            # building a pendulum object the arithmetic does not need.
            value = instant(value, field)
        x = _zone.to_us(value)
        day = value.astimezone(self._zone).toordinal()
        if not _MIN_ORD + 2 <= day <= _MAX_ORD:
            raise CalendarError(f"{field}={value} is outside the years 0002-9998", field=field)
        return x, day

    def _before_horizon(self, x: int, *, strict: bool) -> None:
        end = self._horizon_end
        if end is not None and (x >= end if strict else x > end):
            raise CalendarHorizonError(
                f"the holiday data of this calendar ends on {self.horizon}; refresh the "
                "holiday source (or pass a later horizon) to ask about later dates",
                field="horizon",
            )

    def _out(self, us: int) -> pendulum.DateTime:
        # Exact, as every instant the library hands out (complaintflow.clock.instant).
        return exact_reading(_zone.utc(us).astimezone(self._ptz))

    def _windows_of(self, ordinal: int) -> tuple[Window, ...]:
        found = self._override.get(ordinal)
        return self._week[(ordinal + 6) % 7] if found is None else found

    def _resolve_day(self, ordinal: int) -> tuple[Span, ...]:
        zone = self._zone
        spans = []
        for s, e in self._windows_of(ordinal):
            a, b = _zone.resolve(zone, ordinal, s), _zone.resolve(zone, ordinal, e)
            if b > a:
                spans.append((a, b))
        return tuple(spans)

    def _length(self, ordinal: int) -> int:
        return sum(b - a for a, b in self._day(ordinal))

    def _build(self, lo: int, hi: int) -> _Table:
        specials = dict(self._dst)
        specials.update(self._explicit)
        ords = sorted(specials)
        cum = [0]
        for o in ords:
            cum.append(cum[-1] + specials[o])
        through = [self._s_normal(o + 1) + cum[i + 1] for i, o in enumerate(ords)]
        return _Table(lo, hi, ords, cum, through)

    def _cover(self, lo: int, hi: int) -> _Table:
        """A table whose DST special dates are known for every date in [lo, hi]."""
        table = self._table
        if table.lo <= lo and hi <= table.hi:
            return table
        with self._lock:
            table = self._table
            lo = min(lo, table.lo) if table.lo <= table.hi else lo
            hi = max(hi, table.hi)
            lo = dt.date(dt.date.fromordinal(max(lo, _MIN_ORD)).year, 1, 1).toordinal()
            hi = dt.date(dt.date.fromordinal(min(hi, _MAX_ORD)).year, 12, 31).toordinal()
            parts = [(lo, hi)] if table.lo > table.hi else [(lo, table.lo - 1), (table.hi + 1, hi)]
            for first, last in parts:
                if first <= last:
                    self._scan(first, last)
            self._table = self._build(lo, hi)
            return self._table

    def _scan(self, first: int, last: int) -> None:
        start = (first - 2 - _zone.EPOCH_ORD) * _zone.DAY_US
        end = (last + 3 - _zone.EPOCH_ORD) * _zone.DAY_US
        for jump in _zone.transitions(self._zone, start, end):
            before = _zone.local_ordinal(self._zone, jump - 1)
            after = _zone.local_ordinal(self._zone, jump)
            for day in range(min(before, after) - 1, max(before, after) + 1):
                if day not in self._override:
                    delta = self._length(day) - self._normal[(day + 6) % 7]
                    if delta:
                        self._dst[day] = delta

    def _s_normal(self, n: int) -> int:
        q, r = divmod(n - 1, 7)
        return q * self._w + self._pw[r]

    def _s(self, table: _Table, n: int) -> int:
        """Business time of every date before date ``n`` (from a fixed origin)."""
        return self._s_normal(n) + table.cum[bisect_left(table.ords, n)]

    def _cum(self, table: _Table, x: int, day: int) -> int:
        """Business time before instant ``x`` (whose local date is ``day``)."""
        total = self._s(table, day - 1)
        for d in (day - 1, day):
            for a, b in self._day(d):
                if a < x:
                    total += min(b, x) - a
        return total

    def _locate(self, table: _Table, y: int) -> int:
        """The first date ``n`` whose end brings the business time to ``y``."""
        i = bisect_left(table.through, y)
        ords = table.ords
        if i == len(ords) and self._w == 0:
            raise CalendarHorizonError(
                "this calendar has no open time after its last workday "
                f"{dt.date.fromordinal(ords[-1]) if ords else '-'}",
                field="workdays",
            )
        if self._w == 0:
            return ords[i]
        rest = y - table.cum[i]
        q = (rest - 1) // self._w
        n = 7 * q + bisect_left(self._pw, rest - q * self._w)
        if i and n <= ords[i - 1]:
            n = ords[i - 1] + 1
        if i < len(ords) and n > ords[i]:
            n = ords[i]
        return n

    def _add(self, x: int, day: int, duration: int) -> int:
        table = self._cover(day - 2, day + 1)
        while True:
            y = self._cum(table, x, day) + duration
            n = self._locate(table, y)
            if n > _MAX_ORD or (self.horizon is not None and n > self.horizon.toordinal() + 1):
                self._before_horizon(_zone.resolve(self._zone, min(n, _MAX_ORD), 0), strict=False)
                raise CalendarHorizonError(
                    "the deadline falls after the year 9998", field="duration"
                )
            if n + 1 <= table.hi:
                break
            table = self._cover(day - 2, n + 1)
        rest = y - self._s(table, n)
        for a, b in self._day(n):
            if rest <= b - a:
                u = a + rest
                self._before_horizon(u, strict=False)
                return u
            rest -= b - a
        raise AssertionError("business calendar tables out of step")  # pragma: no cover
