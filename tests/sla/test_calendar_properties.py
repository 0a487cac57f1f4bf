"""The fast calendar agrees with the brute-force oracle, and deadlines behave."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.errors import CalendarError
from complaintflow.sla import BusinessCalendar
from complaintflow.testing import ReferenceCalendar, strategies


def utc(value: dt.datetime) -> dt.datetime:
    """Compare instants in UTC: Python ignores ``fold`` when comparing two
    datetimes of one zone, so two instants in the repeated hour would
    compare by wall time."""
    return value.astimezone(dt.UTC)


def agree(fast: Callable[[], object], slow: Callable[[], object]) -> None:
    """Both give the same answer, or both refuse with the same error type."""
    try:
        expected = slow()
    except CalendarError as exc:
        with pytest.raises(type(exc)):
            fast()
        return
    assert fast() == expected


def both(kwargs: dict[str, Any]) -> tuple[BusinessCalendar, ReferenceCalendar]:
    return BusinessCalendar(**kwargs), ReferenceCalendar(**kwargs)


@st.composite
def cases(
    draw: st.DrawFn, points: int = 1, *, weekly: bool = False
) -> tuple[dict[str, Any], list[dt.datetime]]:
    """A calendar and instants; ``weekly`` ones are open every week (no end)."""
    kwargs = draw(strategies.calendar_kwargs())
    if weekly and not kwargs["week"]:
        kwargs["week"][2] = [("10:00", "11:00")]
    return kwargs, [draw(strategies.instants(kwargs)) for _ in range(points)]


@given(cases())
def test_is_open_matches_oracle(case: tuple[dict[str, Any], list[dt.datetime]]) -> None:
    kwargs, (t,) = case
    fast, slow = both(kwargs)
    agree(lambda: fast.is_open(t), lambda: slow.is_open(t))


@given(cases())
def test_next_open_matches_oracle(case: tuple[dict[str, Any], list[dt.datetime]]) -> None:
    kwargs, (t,) = case
    fast, slow = both(kwargs)
    agree(lambda: utc(fast.next_open(t)), lambda: utc(slow.next_open(t)))


@given(cases(), strategies.durations())
def test_add_matches_oracle(
    case: tuple[dict[str, Any], list[dt.datetime]], d: dt.timedelta
) -> None:
    kwargs, (t,) = case
    fast, slow = both(kwargs)
    agree(lambda: utc(fast.add(t, d)), lambda: utc(slow.add(t, d)))


@given(cases(points=2))
def test_between_matches_oracle(case: tuple[dict[str, Any], list[dt.datetime]]) -> None:
    kwargs, (a, b) = case
    fast, slow = both(kwargs)
    agree(lambda: fast.between(a, b), lambda: slow.between(a, b))


@given(cases(points=2))
def test_intervals_match_oracle(case: tuple[dict[str, Any], list[dt.datetime]]) -> None:
    kwargs, (a, b) = case
    fast, slow = both(kwargs)
    agree(
        lambda: [(utc(s), utc(e)) for s, e in fast.intervals(a, b)],
        lambda: [(utc(s), utc(e)) for s, e in slow.intervals(a, b)],
    )


@given(cases(weekly=True), strategies.durations(), strategies.durations())
def test_add_composes(
    case: tuple[dict[str, Any], list[dt.datetime]], d1: dt.timedelta, d2: dt.timedelta
) -> None:
    kwargs, (t,) = case
    cal = BusinessCalendar(**kwargs)
    assert utc(cal.add(cal.add(t, d1), d2)) == utc(cal.add(t, d1 + d2))


@given(cases(weekly=True), strategies.durations())
def test_between_inverts_add(
    case: tuple[dict[str, Any], list[dt.datetime]], d: dt.timedelta
) -> None:
    kwargs, (t,) = case
    cal = BusinessCalendar(**kwargs)
    assert cal.between(t, cal.add(t, d)) == d
    assert utc(cal.add(t, d)) >= utc(t)


@given(cases(points=2, weekly=True), strategies.durations())
def test_deadline_monotonic_in_start(
    case: tuple[dict[str, Any], list[dt.datetime]], d: dt.timedelta
) -> None:
    kwargs, (a, b) = case
    cal = BusinessCalendar(**kwargs)
    early, late = sorted((a, b), key=utc)
    assert utc(cal.add(early, d)) <= utc(cal.add(late, d))
    assert cal.between(late, early) == -cal.between(early, late)


@given(cases(weekly=True), strategies.durations(), strategies.durations())
def test_deadline_monotonic_in_duration(
    case: tuple[dict[str, Any], list[dt.datetime]], d1: dt.timedelta, d2: dt.timedelta
) -> None:
    kwargs, (t,) = case
    cal = BusinessCalendar(**kwargs)
    short, long = sorted((d1, d2))
    assert utc(cal.add(t, short)) <= utc(cal.add(t, long))
