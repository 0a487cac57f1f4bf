"""BusinessDays on calendars with overnight windows: the fast search against the oracle.

Working days are the calendar's (docs/business-time.md): a window belongs to
the date it starts on, a holiday closes its date even while the night shift
of the day before runs into it, and a day closes where its last window ends.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.clock import instant, named_zone
from complaintflow.errors import CalendarError, ValidationError
from complaintflow.sla import BusinessCalendar, targets
from complaintflow.sla.targets import BusinessDays, budget
from complaintflow.testing import ReferenceCalendar, strategies


def special_dates(kwargs: dict[str, Any], around: dt.date) -> set[dt.date]:
    one = dt.timedelta(days=1)
    dates = {around + k * one for k in range(-1, 9)}
    for day in [*kwargs["holidays"], *kwargs["workdays"]]:
        dates |= {day - one, day, day + one}
    return dates


@given(st.data())
def test_close_of_business_matches_the_oracle_date_by_date(data: st.DataObject) -> None:
    kwargs = data.draw(strategies.calendar_kwargs(overnight=True), label="calendar")
    t = data.draw(strategies.instants(kwargs), label="t")
    fast, slow = BusinessCalendar(**kwargs), ReferenceCalendar(**kwargs)
    for day in sorted(special_dates(kwargs, t.astimezone(ZoneInfo(kwargs["tz"])).date())):
        assert fast.close_of_business(day) == slow.close_of_business(day), day


@given(st.data(), st.integers(1, 5))
def test_business_days_deadline_and_budget_match_the_oracle(data: st.DataObject, days: int) -> None:
    kwargs = data.draw(strategies.calendar_kwargs(overnight=True), label="calendar")
    t = instant(data.draw(strategies.instants(kwargs), label="received"))
    fast, slow = BusinessCalendar(**kwargs), ReferenceCalendar(**kwargs)
    zone = named_zone(kwargs["tz"])
    try:
        expected = slow.business_days(t, days)
    except CalendarError:
        with pytest.raises(ValidationError):
            budget(BusinessDays(days), t, fast, zone)
        return
    assert targets._close_of_business(fast, t, days, zone) == expected
    assert budget(BusinessDays(days), t, fast, zone) == slow.between(t, expected)
    local_date = t.astimezone(ZoneInfo(kwargs["tz"])).date()
    assert expected.astimezone(fast._zone).date() > local_date  # never the start's own day


def test_the_overnight_strategy_always_draws_a_night_shift() -> None:
    @given(strategies.calendar_kwargs(overnight=True))
    def check(kwargs: dict[str, Any]) -> None:
        windows = [w for day in kwargs["week"].values() for w in day]
        assert any(end < start for start, end in windows)  # "HH:MM" sorts as time

    check()
