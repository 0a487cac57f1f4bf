"""Holiday sources: a static list, the ``holidays`` and ``chinesecalendar`` packages."""

from __future__ import annotations

import datetime as dt
import sys

import pytest

from complaintflow.errors import CalendarError
from complaintflow.sla import (
    ChineseCalendarSource,
    HolidayData,
    HolidaySource,
    PythonHolidaysSource,
    StaticHolidays,
    calendar_from_source,
    china_office,
)
from complaintflow.testing import OFFICE_HOURS


def test_static_source_is_a_holiday_source() -> None:
    source = StaticHolidays(holidays=[dt.date(2026, 5, 1)], horizon=dt.date(2026, 12, 31))
    assert isinstance(source, HolidaySource)
    assert source.load() == HolidayData({dt.date(2026, 5, 1)}, set(), dt.date(2026, 12, 31))


def test_calendar_from_source_gives_make_up_days_the_given_hours() -> None:
    source = StaticHolidays(workdays=[dt.date(2026, 5, 9)])
    cal = calendar_from_source(
        source, tz="Asia/Shanghai", week={0: OFFICE_HOURS}, workday_hours=[("10:00", "16:00")]
    )
    assert cal.windows(dt.date(2026, 5, 9)) == (("10:00", "16:00"),)
    assert cal.horizon is None


def test_python_holidays_china_includes_make_up_working_days() -> None:
    pytest.importorskip("holidays")
    data = PythonHolidaysSource("CN", years=[2026]).load()
    assert dt.date(2026, 10, 1) in data.holidays
    assert {dt.date(2026, 9, 20), dt.date(2026, 10, 10)} <= data.workdays
    assert data.horizon == dt.date(2026, 12, 31)
    cal = china_office(PythonHolidaysSource("CN", years=[2026]))
    assert cal.is_open(dt.datetime(2026, 10, 10, 10, tzinfo=dt.timezone(dt.timedelta(hours=8))))


def test_chinesecalendar_sets_the_horizon_to_its_last_year() -> None:
    constants = pytest.importorskip("chinese_calendar.constants")
    data = ChineseCalendarSource().load()
    last = max(constants.holidays).year
    assert data.horizon == dt.date(last, 12, 31)
    assert all(day.weekday() >= 5 for day in data.workdays)
    assert not data.holidays & data.workdays


def test_a_missing_package_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "holidays", None)
    with pytest.raises(CalendarError, match=r"complaintflow\[holidays\]"):
        PythonHolidaysSource("CN", years=[2026]).load()
