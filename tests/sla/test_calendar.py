"""BusinessCalendar by example: the rules of SPEC §3, one scenario each."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pendulum
import pytest

from complaintflow.errors import (
    CalendarError,
    CalendarHorizonError,
    NaiveDatetimeError,
    ValidationError,
)
from complaintflow.sla import BusinessCalendar, StaticHolidays, _zone, china_office
from complaintflow.testing import OFFICE_HOURS, OFFICE_WEEK

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
H = dt.timedelta(hours=1)


def office(**kwargs: object) -> BusinessCalendar:
    return BusinessCalendar("Asia/Shanghai", OFFICE_WEEK, **kwargs)  # type: ignore[arg-type]


def always(tz: str) -> BusinessCalendar:
    return BusinessCalendar(tz, {key: [("00:00", "24:00")] for key in range(7)})


def sh(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SH)  # type: ignore[misc]


# -- construction is validated ------------------------------------------------


def test_overlapping_windows_are_refused() -> None:
    with pytest.raises(CalendarError, match="overlap"):
        BusinessCalendar("UTC", {0: [("09:00", "12:00"), ("11:00", "13:00")]})


@pytest.mark.parametrize("text", ["9:00", "25:00", "12:60", "noon", "24:30"])
def test_malformed_times_are_refused(text: str) -> None:
    with pytest.raises(CalendarError, match=r"HH:MM|24:00"):
        BusinessCalendar("UTC", {0: [("08:00", text)]})


def test_24_00_is_only_an_end() -> None:
    with pytest.raises(CalendarError, match="24:00"):
        BusinessCalendar("UTC", {0: [("24:00", "08:00")]})


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(CalendarError, match="unknown time zone"):
        BusinessCalendar("Mars/Olympus_Mons", {0: OFFICE_HOURS})


def test_a_date_both_holiday_and_workday_is_refused() -> None:
    day = dt.date(2026, 9, 27)
    with pytest.raises(CalendarError, match="both a holiday and a workday"):
        office(holidays=[day], workdays={day: OFFICE_HOURS})


def test_a_calendar_never_open_is_refused() -> None:
    with pytest.raises(CalendarError, match="never open"):
        BusinessCalendar("UTC", {}, workdays={dt.date(2026, 1, 3): []})


def test_weekday_keys_are_checked() -> None:
    with pytest.raises(CalendarError, match="weekday numbers"):
        BusinessCalendar("UTC", {7: OFFICE_HOURS})


def test_an_overnight_window_may_not_run_into_the_next_days_window() -> None:
    with pytest.raises(CalendarError, match="overnight"):
        BusinessCalendar("UTC", {0: [("20:00", "03:00")], 1: [("02:00", "06:00")]})


def test_negative_duration_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        office().add(sh(2026, 5, 20, 10), -H)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        office().is_open(dt.datetime(2026, 5, 20, 10))


def test_errors_are_typed() -> None:
    assert issubclass(CalendarHorizonError, CalendarError)
    assert issubclass(CalendarError, ValidationError)
    assert issubclass(CalendarError, ValueError)


# -- everyday office hours ----------------------------------------------------


def test_results_are_pendulum_in_the_calendar_zone() -> None:
    got = office().add(dt.datetime(2026, 5, 20, 2, tzinfo=dt.UTC), H)
    assert isinstance(got, pendulum.DateTime)
    assert got.timezone_name == "Asia/Shanghai"
    assert got == sh(2026, 5, 20, 11)


def test_a_deadline_landing_at_18_00_stays_at_18_00() -> None:
    assert office().add(sh(2026, 5, 20, 16), 2 * H) == sh(2026, 5, 20, 18)


def test_lunch_break_is_skipped() -> None:
    assert office().add(sh(2026, 5, 20, 11), 2 * H) == sh(2026, 5, 20, 14)


def test_received_on_a_weekend_counts_from_the_first_working_minute() -> None:
    cal = office()
    saturday = sh(2026, 5, 23, 10)
    assert not cal.is_open(saturday)
    assert cal.next_open(saturday) == sh(2026, 5, 25, 9)
    assert cal.add(saturday, 2 * H) == sh(2026, 5, 25, 11)


def test_add_zero_is_the_start_itself() -> None:
    saturday = sh(2026, 5, 23, 10)
    assert office().add(saturday, dt.timedelta(0)) == saturday


def test_between_is_negative_backwards() -> None:
    cal = office()
    assert cal.between(sh(2026, 5, 20, 9), sh(2026, 5, 21, 9)) == 8 * H
    assert cal.between(sh(2026, 5, 21, 9), sh(2026, 5, 20, 9)) == -8 * H


def test_holiday_closes_the_date_and_workday_opens_a_weekend() -> None:
    cal = office(
        holidays=[dt.date(2026, 10, 1)], workdays={dt.date(2026, 9, 27): [("09:00", "18:00")]}
    )
    assert cal.add(sh(2026, 9, 25, 17), 2 * H) == sh(2026, 9, 27, 10)
    assert cal.next_open(sh(2026, 9, 30, 18)) == sh(2026, 10, 2, 9)


def test_make_up_saturday_from_a_holiday_source() -> None:
    # 2026 National Day: 1-7 October off; Sunday 20 September and Saturday
    # 10 October are worked instead (调休).
    golden_week = [dt.date(2026, 10, d) for d in range(1, 8)]
    source = StaticHolidays(
        holidays=golden_week, workdays=[dt.date(2026, 9, 20), dt.date(2026, 10, 10)]
    )
    cal = china_office(source)
    assert cal.add(sh(2026, 9, 18, 17), 2 * H) == sh(2026, 9, 20, 10)
    assert cal.add(sh(2026, 9, 30, 17), 2 * H) == sh(2026, 10, 8, 10)
    assert cal.add(sh(2026, 10, 9, 17), 2 * H) == sh(2026, 10, 10, 10)
    assert cal.windows(dt.date(2026, 10, 10)) == (("09:00", "12:00"), ("13:00", "18:00"))
    assert cal.windows(dt.date(2026, 10, 1)) == ()


# -- overnight windows, 24:00, round the clock --------------------------------


def test_an_overnight_window_belongs_to_the_day_it_starts() -> None:
    cal = BusinessCalendar("UTC", {4: [("22:00", "06:00")]})  # Friday night
    saturday_3am = dt.datetime(2026, 5, 23, 3, tzinfo=dt.UTC)
    assert cal.is_open(saturday_3am)
    assert cal.add(dt.datetime(2026, 5, 22, 12, tzinfo=dt.UTC), 8 * H) == dt.datetime(
        2026, 5, 23, 6, tzinfo=dt.UTC
    )


def test_a_holiday_closes_an_overnight_window_starting_that_date() -> None:
    cal = BusinessCalendar("UTC", {4: [("22:00", "06:00")]}, holidays=[dt.date(2026, 5, 22)])
    assert not cal.is_open(dt.datetime(2026, 5, 23, 3, tzinfo=dt.UTC))


def test_an_overnight_window_still_runs_into_a_holiday() -> None:
    cal = BusinessCalendar("UTC", {4: [("22:00", "06:00")]}, holidays=[dt.date(2026, 5, 23)])
    assert cal.is_open(dt.datetime(2026, 5, 23, 3, tzinfo=dt.UTC))


def test_24_00_meets_the_next_midnight_without_a_gap() -> None:
    cal = BusinessCalendar("UTC", {0: [("18:00", "24:00")], 1: [("00:00", "02:00")]})
    monday = dt.datetime(2026, 5, 18, 12, tzinfo=dt.UTC)
    spans = list(cal.intervals(monday, monday + 24 * H))
    assert spans == [(monday + 6 * H, monday + 14 * H)]


def test_a_24_7_calendar_has_no_gap_at_midnight() -> None:
    cal = always("Asia/Shanghai")
    start = sh(2026, 5, 18, 23, 30)
    assert cal.add(start, H) == sh(2026, 5, 19, 0, 30)
    assert list(cal.intervals(start, start + 72 * H)) == [(start, start + 72 * H)]
    assert cal.between(start, start + 72 * H) == 72 * H


# -- DST ---------------------------------------------------------------------


def test_spring_forward_day_is_23_hours_long() -> None:
    cal = always("America/New_York")
    saturday_noon = dt.datetime(2024, 3, 9, 12, tzinfo=NY)
    assert cal.add(saturday_noon, 24 * H) == dt.datetime(2024, 3, 10, 13, tzinfo=NY)
    day = dt.datetime(2024, 3, 10, tzinfo=NY)
    assert cal.between(day, dt.datetime(2024, 3, 11, tzinfo=NY)) == 23 * H


def test_fall_back_day_is_25_hours_long() -> None:
    cal = always("America/New_York")
    day = dt.datetime(2024, 11, 3, tzinfo=NY)
    assert cal.between(day, dt.datetime(2024, 11, 4, tzinfo=NY)) == 25 * H


def test_a_window_boundary_in_the_gap_falls_where_the_clock_jumps() -> None:
    # 10 March 2024, New York: 02:00 EST jumps to 03:00 EDT.
    cal = BusinessCalendar("America/New_York", {6: [("01:00", "02:30")]})
    sunday = dt.datetime(2024, 3, 10, tzinfo=NY)
    [(start, end)] = cal.intervals(sunday, sunday + 24 * H)
    assert start == dt.datetime(2024, 3, 10, 1, tzinfo=NY)
    assert end == dt.datetime(2024, 3, 10, 7, tzinfo=dt.UTC)  # 03:00 EDT, the jump
    assert cal.between(sunday, sunday + 24 * H) == H


def test_an_ambiguous_boundary_is_its_first_occurrence() -> None:
    # 3 November 2024, New York: 01:00-01:59 happens twice.
    cal = BusinessCalendar("America/New_York", {6: [("00:00", "01:30")]})
    sunday = dt.datetime(2024, 11, 3, tzinfo=NY)
    [(_, end)] = cal.intervals(sunday, sunday + 24 * H)
    assert end.astimezone(dt.UTC) == dt.datetime(2024, 11, 3, 5, 30, tzinfo=dt.UTC)  # EDT
    second_pass = dt.datetime(2024, 11, 3, 1, 15, fold=1, tzinfo=NY)
    assert not cal.is_open(second_pass)


def test_lord_howe_moves_its_clock_by_half_an_hour() -> None:
    cal = always("Australia/Lord_Howe")
    lh = ZoneInfo("Australia/Lord_Howe")
    # DST starts 6 October 2024: 02:00 becomes 02:30.
    day = dt.datetime(2024, 10, 6, tzinfo=lh)
    assert cal.between(day, dt.datetime(2024, 10, 7, tzinfo=lh)) == 23.5 * H


# -- horizon and cost ---------------------------------------------------------


def test_queries_past_the_horizon_raise() -> None:
    cal = office(horizon=dt.date(2026, 12, 31))
    assert cal.add(sh(2026, 12, 31, 17), H) == sh(2026, 12, 31, 18)
    with pytest.raises(CalendarHorizonError, match="2026-12-31"):
        cal.add(sh(2026, 12, 31, 17), 2 * H)
    with pytest.raises(CalendarHorizonError):
        cal.between(sh(2026, 12, 1), sh(2027, 1, 5))
    with pytest.raises(CalendarHorizonError):
        cal.is_open(sh(2027, 1, 4, 10))


def test_a_calendar_open_only_on_listed_dates_runs_out() -> None:
    cal = BusinessCalendar("UTC", {}, workdays={dt.date(2026, 1, 3): [("09:00", "10:00")]})
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assert cal.add(start, H) == dt.datetime(2026, 1, 3, 10, tzinfo=dt.UTC)
    with pytest.raises(CalendarHorizonError):
        cal.add(start, 2 * H)


def _resolutions(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> int:
    calls = 0
    real = _zone.resolve

    def counting(zone: ZoneInfo, ordinal: int, minute: int) -> int:
        nonlocal calls
        calls += 1
        return real(zone, ordinal, minute)

    monkeypatch.setattr(_zone, "resolve", counting)
    run()
    monkeypatch.setattr(_zone, "resolve", real)
    return calls


def test_twenty_years_cost_what_two_hours_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    start = sh(2026, 5, 20, 10)
    years = 20 * 250 * 8 * H
    short = _resolutions(monkeypatch, lambda: office().add(start, 2 * H))
    long = _resolutions(monkeypatch, lambda: office().add(start, years))
    span = _resolutions(monkeypatch, lambda: office().between(start, sh(2046, 5, 20, 10)))
    assert long <= short + 4  # the landing date, resolved once
    assert span <= short + 4


def test_importing_the_calendar_pulls_in_no_optional_dependency() -> None:
    code = (
        "import sys, complaintflow.sla; "
        "bad = {'hypothesis', 'pandas', 'holidays', 'chinese_calendar'} & set(sys.modules); "
        "sys.exit(sorted(bad) or 0)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_definition_can_be_read_back() -> None:
    day = dt.date(2026, 9, 27)
    cal = office(holidays=[dt.date(2026, 10, 1)], workdays={day: [("22:00", "06:00")]})
    assert cal.tz == "Asia/Shanghai"
    assert cal.holidays == {dt.date(2026, 10, 1)}
    assert dict(cal.workdays) == {day: (("22:00", "06:00"),)}
    assert cal.windows(dt.date(2026, 9, 28)) == (("09:00", "12:00"), ("13:00", "18:00"))


@pytest.mark.parametrize(
    "window", [("09:00", "09:00"), ("00:00", "00:00"), (dt.time(9), dt.time(9))]
)
def test_a_window_of_no_length_is_refused_not_read_as_24_hours(
    window: tuple[object, object],
) -> None:
    with pytest.raises(CalendarError, match="no length") as refused:
        BusinessCalendar("Asia/Shanghai", {0: [window]})
    assert refused.value.field == "week"
    assert "('00:00', '24:00')" in str(refused.value)
    with pytest.raises(CalendarError, match="no length"):
        BusinessCalendar(
            "Asia/Shanghai", {0: [("09:00", "17:00")]}, workdays={dt.date(2024, 5, 25): [window]}
        )


def test_the_whole_day_is_written_00_00_to_24_00() -> None:
    always = BusinessCalendar("Asia/Shanghai", {0: [("00:00", "24:00")]})
    assert always.windows(dt.date(2024, 5, 20)) == (("00:00", "24:00"),)
