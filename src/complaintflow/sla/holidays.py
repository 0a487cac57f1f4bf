"""Where holidays come from: a small protocol and three sources.

A :class:`HolidaySource` hands back :class:`HolidayData`: the dates that
are closed, the make-up working days (调休: a weekend date worked to pay
for a bridge day off) and, optionally, the last date the data is valid for.
The adapters for the ``holidays`` and ``chinesecalendar`` packages import
them only when they load, so ``import complaintflow`` never needs either.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

import attrs

from complaintflow.errors import CalendarError
from complaintflow.sla._windows import WindowSpec
from complaintflow.sla.calendar import BusinessCalendar

__all__ = [
    "CHINA_OFFICE_HOURS",
    "ChineseCalendarSource",
    "HolidayData",
    "HolidaySource",
    "PythonHolidaysSource",
    "StaticHolidays",
    "calendar_from_source",
    "china_office",
]


def _dates(values: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(values)


CHINA_OFFICE_HOURS: tuple[WindowSpec, ...] = (("09:00", "12:00"), ("13:00", "18:00"))


@attrs.frozen
class HolidayData:
    """Closed dates, make-up working days and the last date both are valid for."""

    holidays: frozenset[dt.date] = attrs.field(converter=_dates, factory=frozenset)
    workdays: frozenset[dt.date] = attrs.field(converter=_dates, factory=frozenset)
    horizon: dt.date | None = None


@runtime_checkable
class HolidaySource(Protocol):
    """Anything that can say which dates are holidays and which are make-up days."""

    def load(self) -> HolidayData: ...


@attrs.frozen
class StaticHolidays:
    """Holidays you declare yourself (your company's days off, a fixed list)."""

    holidays: frozenset[dt.date] = attrs.field(converter=_dates, factory=frozenset)
    workdays: frozenset[dt.date] = attrs.field(converter=_dates, factory=frozenset)
    horizon: dt.date | None = None

    def load(self) -> HolidayData:
        return HolidayData(self.holidays, self.workdays, self.horizon)


def _require(module: str, extra: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise CalendarError(
            f"this holiday source needs the {module!r} module: pip install 'complaintflow[{extra}]'"
        ) from exc


@attrs.frozen
class PythonHolidaysSource:
    """Public holidays from the ``holidays`` package, for the years you list.

    For China (``"CN"``) the package also knows the make-up working days
    (``weekend_workdays``); they come back as workdays.  The horizon is the
    31 December of the last year asked for: later dates are unknown.
    """

    country: str
    years: tuple[int, ...] = attrs.field(converter=tuple)
    subdiv: str | None = None

    def load(self) -> HolidayData:
        if not self.years:
            raise CalendarError("PythonHolidaysSource needs at least one year", field="years")
        lib = _require("holidays", "holidays")
        table = lib.country_holidays(self.country, subdiv=self.subdiv, years=list(self.years))
        closed = {day for day in table if isinstance(day, dt.date)}
        extra = set(getattr(table, "weekend_workdays", ())) - closed
        return HolidayData(closed, extra, dt.date(max(self.years), 12, 31))


@attrs.frozen
class ChineseCalendarSource:
    """Mainland China's statutory holidays and 调休 from ``chinesecalendar``.

    The horizon is the last year the installed package covers: upgrade the
    package each December, when the State Council publishes the next year.
    """

    def load(self) -> HolidayData:
        constants = _require("chinese_calendar.constants", "cn")
        closed: set[dt.date] = set(constants.holidays)
        extra: set[dt.date] = set(constants.workdays)
        make_up = {day for day in extra if day.weekday() >= 5 and day not in closed}
        last_year = max(day.year for day in closed)
        return HolidayData(closed, make_up, dt.date(last_year, 12, 31))


def calendar_from_source(
    source: HolidaySource,
    *,
    tz: str,
    week: Mapping[int, Sequence[WindowSpec]],
    workday_hours: Sequence[WindowSpec] | None = None,
    extra_holidays: Iterable[dt.date] = (),
    horizon: dt.date | None = None,
) -> BusinessCalendar:
    """A calendar whose holidays and make-up days come from ``source``.

    Make-up days get ``workday_hours`` (default: Monday's windows).  The
    source's horizon applies unless ``horizon`` is given.
    """
    data = source.load()
    hours = list(workday_hours if workday_hours is not None else week.get(0, ()))
    return BusinessCalendar(
        tz,
        week,
        holidays=set(data.holidays) | set(extra_holidays),
        workdays=dict.fromkeys(data.workdays, hours),
        horizon=horizon if horizon is not None else data.horizon,
    )


def china_office(
    source: HolidaySource | None = None, *, tz: str = "Asia/Shanghai"
) -> BusinessCalendar:
    """A mainland-China office: Mon-Fri 09:00-12:00 and 13:00-18:00, with 调休.

    ``source`` defaults to :class:`ChineseCalendarSource` (the ``cn`` extra);
    pass :class:`PythonHolidaysSource` ``("CN", years=...)`` or your own list.
    """
    week = {day: list(CHINA_OFFICE_HOURS) for day in range(5)}
    return calendar_from_source(
        source if source is not None else ChineseCalendarSource(), tz=tz, week=week
    )
