"""Hypothesis strategies for business calendars, instants and durations.

``calendar_kwargs()`` draws keyword arguments that both
:class:`~complaintflow.sla.BusinessCalendar` and
:class:`~complaintflow.testing.ReferenceCalendar` accept: several windows a
day, overnight windows, ``"24:00"`` ends, holidays, workday overrides, in
zones chosen for awkward DST (30-minute shifts, +05:45, none at all).  The
zone is drawn first, so each zone is about equally likely (drawn last, the
zone took whatever bits were left and one zone came up three times in four).

``instants(kw)`` draws instants as UTC datetimes (``b - TICK`` is real time,
``==`` compares instants) aimed at the corners of
the calendar it is given: its holidays and make-up days and the eve and
morning after each, its window boundaries a minute either side, and the
zone's DST changes.  tests/sla/test_strategies_aim.py measures the shares.
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
    if overnight and windows and 0 < windows[-1][0] < 1440 and draw(st.booleans()):
        start = windows[-1][0]
        end = draw(st.integers(0, start - 1))  # end < start: runs into the next day
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
def calendar_kwargs(
    draw: st.DrawFn, tz: st.SearchStrategy[str] | None = None, *, overnight: bool = False
) -> dict[str, Any]:
    """Keyword arguments for ``BusinessCalendar`` / ``ReferenceCalendar``.

    ``overnight=True`` gives every calendar at least one overnight window
    (a night shift), the shape where working days and dates part ways.
    """
    zone = draw(tz if tz is not None else zones())
    week: dict[int, list[tuple[str, str]]] = {}
    if overnight:
        night = draw(st.integers(0, 6))
        start = draw(st.integers(1, 47)) * 30
        week[night] = [(_hhmm(start), _hhmm(draw(st.integers(0, start // 30 - 1)) * 30))]
    for day in range(7):
        if day in week:
            continue
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
        "tz": zone,
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


_KINDS = ("holiday", "workday", "boundary", "dst", "any")


@st.composite
def instants(draw: st.DrawFn, kwargs: dict[str, Any]) -> dt.datetime:
    """An instant for the calendar drawn as ``kwargs``, as a stdlib UTC ``datetime``.

    One kind of corner is chosen uniformly: a holiday, a make-up day (or
    any workday override), each with its eve and the morning after; a
    window boundary of an ordinary date, a minute either side; a few hours
    around one of the zone's DST changes; anywhere in 2024-2026.  On the
    special dates the time is a window boundary or any minute.

    UTC because UTC has no repeated or skipped hour: ``==``, ``<``, ``-`` and
    ``+ TICK`` on the value are the instant's, in any zone's property, and
    it compares equal to the library's results for the same moment.  (A
    local zoneinfo value would compare by wall clock in the repeated hour,
    and ``b - TICK`` in a DST gap would land an hour off.)  Convert with
    ``.astimezone(ZoneInfo(kwargs["tz"]))`` for local dates and display.
    """
    zone = ZoneInfo(kwargs["tz"])
    kind = draw(st.sampled_from(_KINDS))
    special = {
        "holiday": sorted(kwargs.get("holidays", ())),
        "workday": sorted(kwargs.get("workdays", {})),
    }.get(kind)
    jumps = _jumps(kwargs["tz"])
    if special:
        shift = draw(st.sampled_from([0, 0, -1, 1]))  # the date, its eve, the day after
        day = draw(st.sampled_from(special)) + dt.timedelta(days=shift)
        value = _on(draw, day, zone, kwargs, anywhere=True)
    elif kind == "dst" and jumps:
        base = draw(st.sampled_from(jumps))
        value = base + dt.timedelta(minutes=draw(st.integers(-36 * 60, 36 * 60)))
    elif kind in ("boundary", "dst", "holiday", "workday"):
        day = draw(_dates)
        if bool(jumps) and draw(st.booleans()):
            jump: dt.datetime = draw(st.sampled_from(jumps))
            day = jump.astimezone(zone).date() + dt.timedelta(days=draw(st.integers(-1, 1)))
        value = _on(draw, day, zone, kwargs, anywhere=False)
    else:
        value = draw(
            st.datetimes(
                min_value=dt.datetime.combine(FIRST_DAY, dt.time()),
                max_value=dt.datetime.combine(LAST_DAY, dt.time()),
                timezones=st.just(zone),
            )
        )
    return value.astimezone(dt.UTC)  # stdlib: honours fold, and a gap time's offset


def _on(
    draw: st.DrawFn, day: dt.date, zone: ZoneInfo, kwargs: dict[str, Any], *, anywhere: bool
) -> dt.datetime:
    """A wall time on ``day``: a window boundary (a minute either side), or any minute."""
    if anywhere and draw(st.booleans()):
        minute = draw(st.integers(0, 1439))
    else:
        minute = draw(st.sampled_from(_boundaries(kwargs))) + draw(st.sampled_from([0, 0, -1, 1]))
    wall = dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minute)
    return wall.replace(tzinfo=zone, fold=draw(st.integers(0, 1)))


def durations(max_hours: int = 120) -> st.SearchStrategy[dt.timedelta]:
    """Non-negative durations: zero, whole minutes, and odd microseconds."""
    return st.one_of(
        st.just(dt.timedelta(0)),
        st.integers(1, max_hours * 60).map(lambda m: dt.timedelta(minutes=m)),
        st.timedeltas(min_value=dt.timedelta(0), max_value=dt.timedelta(hours=max_hours)),
    )
