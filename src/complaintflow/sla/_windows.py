"""Parsing and validating opening windows ("09:00"-"18:00").

A window is kept as ``(start, end)`` minutes after the local midnight of
the date it belongs to; an overnight window (end < start) gets 1440 added
to its end, so ``end`` may reach into the next day but never past it.  A
window whose end equals its start is refused: it would silently mean 24
hours from that time, and the one documented whole day is
``("00:00", "24:00")``.
Shared by :class:`~complaintflow.sla.BusinessCalendar` and the reference
oracle, so both read a definition the same way.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TypeAlias

from complaintflow.errors import CalendarError

__all__ = [
    "DAY_MINUTES",
    "Window",
    "WindowSpec",
    "check_neighbours",
    "parse_day",
    "parse_holidays",
    "parse_week",
    "parse_workdays",
]

DAY_MINUTES = 1440
Window: TypeAlias = tuple[int, int]
WindowSpec: TypeAlias = tuple[str | dt.time, str | dt.time]

_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _minutes(value: object, *, is_end: bool, where: str) -> int:
    if isinstance(value, dt.time):
        if value.tzinfo is not None or value.second or value.microsecond:
            raise CalendarError(
                f"{where}: a window time must be a whole, naive minute, got {value!r}",
                field="week",
            )
        return value.hour * 60 + value.minute
    match = _HHMM.match(value) if isinstance(value, str) else None
    if match is None:
        raise CalendarError(
            f"{where}: {value!r} is not a wall-clock time; write 'HH:MM', e.g. '09:00'",
            field="week",
        )
    hours, minutes = int(match[1]), int(match[2])
    if hours == 24 and (minutes or not is_end):
        raise CalendarError(
            f"{where}: {value!r} is only allowed as '24:00' at the end of a window",
            field="week",
        )
    return hours * 60 + minutes


def parse_day(windows: Iterable[object], where: str) -> tuple[Window, ...]:
    """Parse one day's windows, sorted, refusing overlaps inside the day."""
    parsed: list[Window] = []
    for spec in windows:
        if not isinstance(spec, tuple | list) or len(spec) != 2:
            raise CalendarError(
                f"{where}: a window is a (start, end) pair like ('09:00', '12:00'), got {spec!r}",
                field="week",
            )
        start = _minutes(spec[0], is_end=False, where=where)
        end = _minutes(spec[1], is_end=True, where=where)
        if end == start:
            raise CalendarError(
                f"{where}: the window {spec[0]!r}-{spec[1]!r} has no length; a whole day "
                "is written ('00:00', '24:00'), an overnight window ends before it starts "
                "the next day, e.g. ('20:00', '02:00')",
                field="week",
            )
        if end < start:
            end += DAY_MINUTES  # overnight: runs into the next day
        parsed.append((start, end))
    parsed.sort()
    for (s1, e1), (s2, e2) in itertools.pairwise(parsed):
        if s2 < e1:
            raise CalendarError(
                f"{where}: windows {_show((s1, e1))} and {_show((s2, e2))} overlap; "
                "merge them into one window",
                field="week",
            )
    return tuple(parsed)


def _show(window: Window) -> str:
    def hhmm(m: int) -> str:
        m = m if m <= DAY_MINUTES else m - DAY_MINUTES
        return f"{m // 60:02d}:{m % 60:02d}"

    return f"{hhmm(window[0])}-{hhmm(window[1])}"


def parse_week(week: Mapping[int, Sequence[WindowSpec]]) -> tuple[tuple[Window, ...], ...]:
    """Seven tuples of windows, Monday first; a missing day is closed."""
    if not isinstance(week, Mapping):
        raise CalendarError("week must map weekday numbers (Monday=0) to windows", field="week")
    days: list[tuple[Window, ...]] = [() for _ in range(7)]
    for key, windows in week.items():
        if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key <= 6:
            raise CalendarError(
                f"week keys are weekday numbers 0 (Monday) .. 6 (Sunday), got {key!r}",
                field="week",
            )
        days[key] = parse_day(windows, _WEEKDAYS[key])
    for day in range(7):
        after = days[(day + 1) % 7]
        _check_spill(days[day], after, _WEEKDAYS[day], _WEEKDAYS[(day + 1) % 7])
    return tuple(days)


def _check_spill(
    before: Sequence[Window], after: Sequence[Window], name: str, next_name: str
) -> None:
    """An overnight window must end before the next day's first window starts."""
    if not before or not after:
        return
    tail = before[-1][1] - DAY_MINUTES
    if tail > after[0][0]:
        raise CalendarError(
            f"{name}'s overnight window {_show(before[-1])} overlaps {next_name}'s "
            f"window {_show(after[0])}",
            field="week",
        )


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def parse_holidays(holidays: Iterable[dt.date]) -> frozenset[dt.date]:
    out: set[dt.date] = set()
    for day in holidays:
        if not _is_date(day):
            raise CalendarError(f"holidays are dates, got {day!r}", field="holidays")
        out.add(day)
    return frozenset(out)


def parse_workdays(
    workdays: Mapping[dt.date, Sequence[WindowSpec]],
) -> dict[dt.date, tuple[Window, ...]]:
    if not isinstance(workdays, Mapping):
        raise CalendarError("workdays must map dates to windows", field="workdays")
    out: dict[dt.date, tuple[Window, ...]] = {}
    for day, windows in workdays.items():
        if not _is_date(day):
            raise CalendarError(f"workdays keys are dates, got {day!r}", field="workdays")
        out[day] = parse_day(windows, day.isoformat())
    return out


def check_neighbours(
    week: Sequence[Sequence[Window]],
    holidays: frozenset[dt.date],
    workdays: Mapping[dt.date, Sequence[Window]],
) -> None:
    """Refuse a date both holiday and workday, and overnight spills into overrides."""
    both = sorted(holidays & workdays.keys())
    if both:
        raise CalendarError(
            f"{both[0].isoformat()} is both a holiday and a workday; keep one",
            field="workdays",
        )

    def windows(day: dt.date) -> Sequence[Window]:
        if day in holidays:
            return ()
        return workdays.get(day, week[day.weekday()])

    one = dt.timedelta(days=1)
    for day in workdays:
        if day > dt.date.min:
            _check_spill(windows(day - one), windows(day), str(day - one), str(day))
        if day < dt.date.max:
            _check_spill(windows(day), windows(day + one), str(day), str(day + one))
