"""Clocks: time is injected, aware, and a manual clock never runs backwards."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest

from complaintflow.clock import Clock, ManualClock, SystemClock, instant, named_zone
from complaintflow.errors import ClockError, NaiveDatetimeError, ValidationError

START = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")


def test_manual_clock_starts_where_told_and_returns_pendulum() -> None:
    clock = ManualClock(dt.datetime(2024, 5, 20, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert isinstance(clock.now(), pendulum.DateTime)
    assert clock.now() == START
    assert clock.now().timezone_name == "Asia/Shanghai"
    assert isinstance(clock, Clock)


def test_advance_by_timedelta_and_by_units() -> None:
    clock = ManualClock(START)
    assert clock.advance(dt.timedelta(hours=2)) == START.add(hours=2)
    assert clock.advance(minutes=30) == START.add(hours=2, minutes=30)
    assert clock.advance(days=1, seconds=1) == START.add(days=1, hours=2, minutes=30, seconds=1)
    assert clock.now() == START.add(days=1, hours=2, minutes=30, seconds=1)


def test_advance_by_nothing_stays_put() -> None:
    clock = ManualClock(START)
    assert clock.advance() == START
    assert clock.advance(dt.timedelta(0)) == START


def test_advance_backwards_is_refused_and_changes_nothing() -> None:
    clock = ManualClock(START)
    with pytest.raises(ClockError, match="cannot go backwards"):
        clock.advance(dt.timedelta(seconds=-1))
    with pytest.raises(ClockError):
        clock.advance(hours=-1)
    assert clock.now() == START


def test_advance_refuses_both_a_timedelta_and_units() -> None:
    clock = ManualClock(START)
    with pytest.raises(ValidationError, match="either a timedelta or keyword units"):
        clock.advance(dt.timedelta(hours=1), minutes=1)
    assert clock.now() == START


def test_set_moves_forward_or_stays() -> None:
    clock = ManualClock(START)
    assert clock.set(START) == START
    target = dt.datetime(2024, 5, 21, 1, 0, tzinfo=dt.UTC)
    assert clock.set(target) == START.add(hours=24)
    assert isinstance(clock.now(), pendulum.DateTime)


def test_set_backwards_is_refused_and_changes_nothing() -> None:
    clock = ManualClock(START)
    with pytest.raises(ClockError, match="cannot go backwards") as info:
        clock.set(START.subtract(microseconds=1))
    assert isinstance(info.value, ValueError)
    assert clock.now() == START


def test_set_refuses_naive() -> None:
    clock = ManualClock(START)
    with pytest.raises(NaiveDatetimeError) as info:
        clock.set(dt.datetime(2024, 5, 21, 9, 0))
    assert info.value.field == "to"
    assert clock.now() == START


def test_start_refuses_naive() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        ManualClock(dt.datetime(2024, 5, 20, 9, 0))
    assert info.value.field == "start"


def test_start_refuses_a_non_datetime() -> None:
    with pytest.raises(ValidationError) as info:
        ManualClock(dt.date(2024, 5, 20))  # type: ignore[arg-type]
    assert info.value.field == "start"
    assert not isinstance(info.value, NaiveDatetimeError)


def test_manual_clock_repr_shows_the_instant() -> None:
    assert repr(ManualClock(START)) == "ManualClock(2024-05-20T09:00:00+08:00)"


def test_system_clock_is_aware_utc_pendulum() -> None:
    now = SystemClock().now()
    assert isinstance(now, pendulum.DateTime)
    assert now.utcoffset() == dt.timedelta(0)
    assert now.tzinfo is not None
    assert isinstance(SystemClock(), Clock)
    assert repr(SystemClock()) == "SystemClock()"


def test_instant_accepts_stdlib_and_pendulum_values() -> None:
    stdlib = dt.datetime(2024, 5, 20, 1, 0, tzinfo=dt.UTC)
    assert instant(stdlib) == START
    assert isinstance(instant(stdlib), pendulum.DateTime)
    assert instant(START) is START
    fixed = dt.datetime(2024, 5, 20, 6, 30, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
    assert instant(fixed) == START
    assert instant(fixed).utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_instant_refuses_naive_with_the_field_name() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        instant(dt.datetime(2024, 5, 20), "due_at")
    assert info.value.field == "due_at"
    with pytest.raises(NaiveDatetimeError):
        instant(pendulum.naive(2024, 5, 20))


def test_named_zone_is_built_once_per_name_and_refuses_bad_names() -> None:
    shanghai = named_zone("Asia/Shanghai")
    assert named_zone("Asia/Shanghai") is shanghai
    assert pendulum.datetime(2024, 5, 20, 9, tz=shanghai) == pendulum.datetime(
        2024, 5, 20, 1, tz="UTC"
    )
    with pytest.raises(ValueError, match="Mars/Base"):
        named_zone("Mars/Base")
    with pytest.raises(TypeError, match="zone name is a str"):
        named_zone(8)


def test_instant_gives_a_pendulum_zone_so_arithmetic_stays_aware() -> None:
    # pendulum drops a stdlib tzinfo when adding (the sum comes back naive)
    stdlib_tz = START.astimezone(dt.UTC)
    moment = instant(stdlib_tz)
    assert moment == START
    assert (moment + dt.timedelta(hours=1)).tzinfo is not None


def test_instant_in_a_repeated_hour_carries_the_offset_and_elsewhere_the_zone() -> None:
    ny = ZoneInfo("America/New_York")
    first = instant(dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny))
    second = instant(dt.datetime(2024, 11, 3, 1, 30, tzinfo=ny, fold=1))
    assert (first.utcoffset(), second.utcoffset()) == (
        dt.timedelta(hours=-4),
        dt.timedelta(hours=-5),
    )
    assert first < second
    assert second - first == dt.timedelta(hours=1)
    assert instant(dt.datetime(2024, 11, 3, 2, 30, tzinfo=ny)).timezone_name == ("America/New_York")
    pendulum_fold = pendulum.datetime(2024, 11, 3, 1, 30, tz="America/New_York")  # fold=1
    assert instant(pendulum_fold) == second


def test_manual_clock_keeps_reading_in_its_zone() -> None:
    clock = ManualClock(dt.datetime(2024, 11, 3, 1, 30, tzinfo=ZoneInfo("America/New_York")))
    assert clock.now().utcoffset() == dt.timedelta(hours=-4)
    assert clock.advance(hours=2).timezone_name == "America/New_York"
    assert clock.now() == dt.datetime(2024, 11, 3, 7, 30, tzinfo=dt.UTC)
