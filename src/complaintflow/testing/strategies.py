"""Hypothesis strategies for business calendars, instants and durations.

``calendar_kwargs()`` draws keyword arguments that both
:class:`~complaintflow.sla.BusinessCalendar` and
:class:`~complaintflow.testing.ReferenceCalendar` accept: several windows a
day, overnight windows, ``"24:00"`` ends, holidays, workday overrides, in
zones chosen for awkward DST (30-minute shifts, +05:45, none at all).
``instants(kw)`` draws aware instants on and off the window boundaries of
those kwargs and around the zone's DST changes.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

from complaintflow._extras import needs_extra
from complaintflow.sla import _zone

with needs_extra("testing", __name__):
    from hypothesis import strategies as st

__all__ = [
    "FIRST_DAY",
    "LAST_DAY",
    "ZONES",
    "calendar_kwargs",
    "day_windows",
    "durations",
    "instants",
    "zones",
]

ZONES = (
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Asia/Shanghai",
    "UTC",
)
FIRST_DAY = dt.date(2024, 1, 1)
LAST_DAY = dt.date(2026, 12, 31)


def zones() -> st.SearchStrategy[str]:
    return st.sampled_from(ZONES)


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


_minutes = st.one_of(
    st.integers(0, 48).map(lambda half_hours: half_hours * 30),
    st.integers(0, 1440),
)


@st.composite
def day_windows(draw: st.DrawFn, overnight: bool = True) -> list[tuple[str, str]]:
    """One day's non-overlapping windows, maybe ending with an overnight one."""
    points = sorted(draw(st.sets(_minutes, min_size=0, max_size=6)))
    if len(points) % 2:
        points = points[:-1]
    windows = [(points[i], points[i + 1]) for i in range(0, len(points), 2)]
    out = [(_hhmm(s), "24:00" if e == 1440 else _hhmm(e)) for s, e in windows]
    if overnight and windows and windows[-1][0] < 1440 and draw(st.booleans()):
        start = windows[-1][0]
        end = draw(st.integers(0, start))  # end <= start: runs into the next day
        out[-1] = (_hhmm(start), _hhmm(end))
    return out


def _first_start(windows: list[tuple[str, str]]) -> int | None:
    return min((_minute(s) for s, _ in windows), default=None)


def _minute(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:])


def _tail(windows: list[tuple[str, str]]) -> int:
    """How far into the next day the last window runs (0 when it does not)."""
    for s, e in windows:
        if _minute(e) <= _minute(s):
            return _minute(e)
    return 0


def _clip_spill(before: list[tuple[str, str]], after_start: int | None) -> None:
    """Shorten an overnight window so it ends by the next day's first start."""
    if after_start is None:
        return
    for i, (s, e) in enumerate(before):
        if _minute(e) <= _minute(s) and _minute(e) > after_start:
            before[i] = (s, _hhmm(after_start))


_dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)


@st.composite
def calendar_kwargs(draw: st.DrawFn, tz: st.SearchStrategy[str] | None = None) -> dict[str, Any]:
    """Keyword arguments for ``BusinessCalendar`` / ``ReferenceCalendar``."""
    week: dict[int, list[tuple[str, str]]] = {}
    for day in range(7):
        windows = draw(day_windows())
        if windows:
            week[day] = windows
    for day in range(7):
        if day in week:
            _clip_spill(week[day], _first_start(week.get((day + 1) % 7, [])))
    holidays = draw(st.sets(_dates, max_size=8))
    workdays: dict[dt.date, list[tuple[str, str]]] = {}
    for extra in sorted(draw(st.sets(_dates, max_size=5)) - holidays):
        workdays[extra] = draw(day_windows(overnight=False))
    if not week and not any(workdays.values()):
        week[0] = [("09:00", "17:00")]

    def windows_on(day: dt.date) -> list[tuple[str, str]]:
        if day in holidays:
            return []
        return workdays.get(day, week.get(day.weekday(), []))

    # An overnight window of the day before may run into an override.
    one = dt.timedelta(days=1)
    for extra, windows in workdays.items():
        spill = _tail(windows_on(extra - one))
        workdays[extra] = [(s, e) for s, e in windows if _minute(s) >= spill]
    if not week and not any(workdays.values()):
        week[0] = [("09:00", "17:00")]  # spills into nothing: the week was empty
    return {
        "tz": draw(tz if tz is not None else zones()),
        "week": week,
        "holidays": sorted(holidays),
        "workdays": workdays,
    }


@functools.cache
def _jumps(tz: str) -> tuple[dt.datetime, ...]:
    start = _zone.to_us(dt.datetime.combine(FIRST_DAY, dt.time(), dt.UTC))
    end = _zone.to_us(dt.datetime.combine(LAST_DAY, dt.time(), dt.UTC))
    return tuple(_zone.utc(us) for us in _zone.transitions(ZoneInfo(tz), start, end))


def _boundaries(kwargs: dict[str, Any]) -> list[int]:
    found = {0, 1440}
    for windows in [*kwargs["week"].values(), *kwargs["workdays"].values()]:
        for s, e in windows:
            found.update((_minute(s), _minute(e) % 1440))
    return sorted(found)


@st.composite
def instants(draw: st.DrawFn, kwargs: dict[str, Any]) -> dt.datetime:
    """An aware instant for the calendar drawn as ``kwargs``.

    Mixes wall times on window boundaries (either fold), instants a few
    minutes around the zone's DST changes, and arbitrary instants; returned
    in the calendar's zone or in UTC.
    """
    zone = ZoneInfo(kwargs["tz"])
    kind = draw(st.sampled_from(["boundary", "dst", "any"]))
    jumps = _jumps(kwargs["tz"])
    if kind == "dst" and bool(jumps):
        base = draw(st.sampled_from(jumps))
        value = base + dt.timedelta(minutes=draw(st.integers(-36 * 60, 36 * 60)))
        value = value.astimezone(zone)
    elif kind in ("boundary", "dst"):
        day = draw(_dates)
        if bool(jumps) and draw(st.booleans()):
            jump: dt.datetime = draw(st.sampled_from(jumps))
            day = jump.astimezone(zone).date()
            day += dt.timedelta(days=draw(st.integers(-1, 1)))
        minute = draw(st.sampled_from(_boundaries(kwargs))) + draw(st.sampled_from([0, 0, -1, 1]))
        wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
        value = wall.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))
        value = value.astimezone(dt.UTC).astimezone(zone)  # normalise gap times
    else:
        value = draw(
            st.datetimes(
                min_value=dt.datetime.combine(FIRST_DAY, dt.time()),
                max_value=dt.datetime.combine(LAST_DAY, dt.time()),
                timezones=st.just(zone),
            )
        )
        value = value.astimezone(dt.UTC).astimezone(zone)
    if draw(st.booleans()):
        return value.astimezone(dt.UTC)
    return value


def durations(max_hours: int = 120) -> st.SearchStrategy[dt.timedelta]:
    """Non-negative durations: zero, whole minutes, and odd microseconds."""
    return st.one_of(
        st.just(dt.timedelta(0)),
        st.integers(1, max_hours * 60).map(lambda m: dt.timedelta(minutes=m)),
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(hours=max_hours)),
    )
