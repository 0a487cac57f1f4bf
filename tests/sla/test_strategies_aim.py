"""The SLA testing kit draws what it promises: each zone alike, and the corners of a calendar.

Shares are measured over a fixed, derandomized run so they do not flake.
Base rates for comparison: in 2024-2026 a date is one of mainland China's
holidays 5.1 % of the time and a make-up day 0.9 %.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from complaintflow.testing import (
    CN_HOLIDAYS,
    CN_MAKE_UP_DAYS,
    OFFICE_HOURS,
    OFFICE_WEEK,
    strategies,
)

T = TypeVar("T")
CHINA: dict[str, Any] = {
    "tz": "Asia/Shanghai",
    "week": OFFICE_WEEK,
    "holidays": sorted(CN_HOLIDAYS),
    "workdays": dict.fromkeys(CN_MAKE_UP_DAYS, OFFICE_HOURS),
}
NEW_YORK: dict[str, Any] = {**CHINA, "tz": "America/New_York"}
BOUNDARIES = {9 * 60, 12 * 60, 13 * 60, 18 * 60, 0}


def shares(
    strategy: st.SearchStrategy[T], classify: Callable[[T], list[str]], runs: int = 300
) -> dict[str, float]:
    """The share of ``runs`` draws that ``classify`` files under each label."""
    seen: collections.Counter[str] = collections.Counter()

    @settings(
        max_examples=runs,
        database=None,
        derandomize=True,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(value: T) -> None:
        seen.update(classify(value))

    collect()
    return {label: count / runs for label, count in seen.items()}


def corners(kwargs: dict[str, Any]) -> Callable[[dt.datetime], list[str]]:
    zone = ZoneInfo(kwargs["tz"])
    holidays, workdays = set(kwargs["holidays"]), set(kwargs["workdays"])
    one = dt.timedelta(days=1)

    def classify(value: dt.datetime) -> list[str]:
        local = value.astimezone(zone)
        day, minute = local.date(), local.hour * 60 + local.minute
        labels = ["utc" if value.utcoffset() == dt.timedelta(0) else "local"]
        labels += [
            name
            for name, hit in [
                ("holiday", day in holidays),
                ("holiday eve", day + one in holidays),
                ("after a holiday", day - one in holidays),
                ("make-up day", day in workdays),
                ("make-up eve", day + one in workdays),
                ("boundary", any(abs(minute - b) <= 1 for b in BOUNDARIES)),
            ]
            if hit
        ]
        return labels

    return classify


def test_calendar_kwargs_draws_each_zone_about_equally() -> None:
    found = shares(strategies.calendar_kwargs(), lambda kw: [kw["tz"]])
    assert set(found) == set(strategies.ZONES)
    even = 1 / len(strategies.ZONES)
    for zone, share in found.items():
        assert even / 2 <= share <= even * 1.6, (zone, share)


def test_instants_aim_at_holidays_make_up_days_their_eves_and_boundaries() -> None:
    found = shares(strategies.instants(CHINA), corners(CHINA))
    assert found.get("holiday", 0) >= 0.12  # base rate 5.1 %
    assert found.get("holiday eve", 0) >= 0.06
    assert found.get("after a holiday", 0) >= 0.06
    assert found.get("make-up day", 0) >= 0.08  # base rate 0.9 %
    assert found.get("make-up eve", 0) >= 0.03
    assert found.get("boundary", 0) >= 0.35
    assert found.get("utc") == 1.0  # exact instants, never local readings


def test_instants_aim_at_dst_changes_in_a_zone_that_has_them() -> None:
    jumps = [jump.astimezone(dt.UTC) for jump in strategies._jumps("America/New_York")]

    def near_a_change(value: dt.datetime) -> list[str]:
        return ["near"] if any(abs(value - j) <= dt.timedelta(hours=36) for j in jumps) else []

    assert shares(strategies.instants(NEW_YORK), near_a_change).get("near", 0) >= 0.2


@given(st.data())
def test_instants_do_real_time_arithmetic_in_every_zone(data: st.DataObject) -> None:
    kwargs = data.draw(strategies.calendar_kwargs())
    value = data.draw(strategies.instants(kwargs))
    tick = dt.timedelta(microseconds=1)
    assert value.utcoffset() == dt.timedelta(0)
    assert (value - tick) < value
    assert value - (value - tick) == tick
    assert (value - tick).astimezone(ZoneInfo(kwargs["tz"])) < value
