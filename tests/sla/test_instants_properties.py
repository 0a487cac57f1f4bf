"""Every representation of an instant gives the same answers, in the hours DST repeats or skips.

An instant near a DST change is drawn once, as UTC, then given to the
calendar and the clock as: a stdlib UTC value, a pendulum UTC value, the
zone's own reading (``fold`` set as the zone needs it), the same reading as
a pendulum value, the reading in another zone, and a fixed offset.  A wall
time inside a skipped hour (either fold) stands for the instant PEP 495
gives it.  All must agree with each other and with the UTC answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.clock import ManualClock, instant
from complaintflow.errors import ClockError
from complaintflow.sla import BusinessCalendar
from complaintflow.testing import ReferenceCalendar, same_instant, strategies

DST_ZONES = ("America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago")
UTC = dt.UTC


def readings(u: dt.datetime, zone: str) -> list[dt.datetime]:
    """``u`` (a UTC instant) written every way a caller might."""
    local = u.astimezone(ZoneInfo(zone))
    return [
        u,
        pendulum.instance(u),
        local,
        pendulum.DateTime(
            local.year,
            local.month,
            local.day,
            local.hour,
            local.minute,
            local.second,
            local.microsecond,
            tzinfo=pendulum.timezone(zone),
            fold=local.fold,
        ),
        u.astimezone(ZoneInfo("Asia/Kathmandu")),
        u.astimezone(dt.timezone(local.utcoffset() or dt.timedelta(0))),
    ]


@st.composite
def near_a_change(draw: st.DrawFn) -> tuple[str, dt.datetime, list[dt.datetime]]:
    """A zone, an instant within two hours of one of its changes, and its readings.

    Half the time the instant is drawn as a wall time in the zone (either
    fold, so also inside a skipped hour) and the readings include that wall time.
    """
    zone = draw(st.sampled_from(DST_ZONES))
    jump = draw(st.sampled_from(strategies._jumps(zone)))
    u = jump + dt.timedelta(seconds=draw(st.integers(-120 * 60, 120 * 60)))
    extra: list[dt.datetime] = []
    if draw(st.booleans()):
        wall = u.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        if draw(st.booleans()):
            wall += dt.timedelta(hours=1)  # may fall in the skipped hour
        given_ = wall.replace(tzinfo=ZoneInfo(zone), fold=draw(st.integers(0, 1)))
        u = given_.astimezone(UTC)  # the instant PEP 495 gives it
        extra.append(given_)
    return zone, u, readings(u, zone) + extra


def same_answers(ask: Callable[[dt.datetime], object], values: list[dt.datetime]) -> None:
    answers = [ask(v) for v in values]
    for value, answer in zip(values, answers, strict=True):
        assert answer == answers[0], (value, answer, answers[0])


def check_calendar(
    calendar: BusinessCalendar,
    values: list[dt.datetime],
    others: list[dt.datetime],
    v: dt.datetime,
    minutes: int,
) -> None:
    same_answers(calendar.is_open, values)
    same_answers(calendar.next_open, values)
    same_answers(lambda t: calendar.add(t, dt.timedelta(minutes=minutes)), values)
    same_answers(lambda t: calendar.between(t, v), values)
    same_answers(lambda t: calendar.between(others[2], t), values)
    # t + 5 h on a local zoneinfo reading would be wall-clock arithmetic: add to instants
    same_answers(
        lambda t: tuple(calendar.intervals(t, t + dt.timedelta(hours=5))),
        [instant(x) for x in values],
    )


CALENDARS = {
    zone: [
        BusinessCalendar(zone, {d: [("00:00", "24:00")] for d in range(7)}),
        BusinessCalendar(zone, {d: [("01:30", "02:30"), ("20:00", "01:15")] for d in range(7)}),
    ]
    for zone in DST_ZONES
}


@given(near_a_change(), near_a_change(), st.integers(0, 240))
def test_calendar_and_clock_answer_alike_for_every_reading(
    first: tuple[str, dt.datetime, list[dt.datetime]],
    second: tuple[str, dt.datetime, list[dt.datetime]],
    minutes: int,
) -> None:
    zone, u, values = first
    _, v, others = second
    for value in values:
        assert instant(value) == u
        assert same_instant(value, u)
        assert instant(value) - instant(values[0]) == dt.timedelta(0)
    for calendar in CALENDARS[zone]:
        check_calendar(calendar, values, others, v, minutes)
    # The clock orders the two instants as they really are, whichever readings it is given.
    for a in values:
        for b in others:
            clock = ManualClock(a)
            if v >= u:
                assert clock.set(b) == v
            else:
                with pytest.raises(ClockError):
                    clock.set(b)
            assert ManualClock(a).advance(minutes=minutes) == u + dt.timedelta(minutes=minutes)


@given(near_a_change())
def test_the_oracle_and_the_calendar_return_equal_instants(
    case: tuple[str, dt.datetime, list[dt.datetime]],
) -> None:
    zone, u, values = case
    week = {d: [("00:00", "24:00")] for d in range(7)}
    fast, slow = BusinessCalendar(zone, week), ReferenceCalendar(zone, week)
    for t in values:
        ours, theirs = fast.add(t, dt.timedelta(minutes=30)), slow.add(t, dt.timedelta(minutes=30))
        assert ours == theirs
        assert repr(ours) == repr(theirs)  # the same type, zone or offset, and fold
        assert fast.next_open(t) == slow.next_open(t) == u
