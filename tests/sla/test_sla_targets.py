"""Business-days budgets: the close of business is remembered per calendar, and only there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pendulum
import pytest

from complaintflow.errors import ValidationError
from complaintflow.sla import targets
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.targets import BusinessDays, budget

SH = "Asia/Shanghai"
ZONE = pendulum.timezone(SH)
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]
FRIDAY = pendulum.datetime(2024, 6, 7, 17, tz=SH)


def office(*holidays: dt.date) -> BusinessCalendar:
    return BusinessCalendar(tz=SH, week=dict.fromkeys(range(5), OFFICE), holidays=holidays)


class Counting:
    """A BusinessTime that counts the days it resolves and cannot be weakly referenced."""

    __slots__ = ("calendar", "days")

    def __init__(self, calendar: BusinessCalendar) -> None:
        self.calendar = calendar
        self.days = 0

    def is_open(self, t: dt.datetime) -> bool:
        return self.calendar.is_open(t)

    def next_open(self, t: dt.datetime) -> pendulum.DateTime:
        return self.calendar.next_open(t)

    def add(self, t: dt.datetime, duration: dt.timedelta) -> pendulum.DateTime:
        return self.calendar.add(t, duration)

    def between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        return self.calendar.between(a, b)

    def intervals(self, a: dt.datetime, b: dt.datetime
                  ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        self.days += 1
        return self.calendar.intervals(a, b)


def test_three_business_days_end_at_the_third_close_of_business() -> None:
    # Friday 17:00 -> Tue, Wed, Thu (Monday is a holiday): 1 h Friday + 3 x 8 h
    assert budget(BusinessDays(3), FRIDAY, office(dt.date(2024, 6, 10)), ZONE) == \
        dt.timedelta(hours=25)


def test_the_answer_is_remembered_per_calendar_and_date() -> None:
    calendar = office(dt.date(2024, 6, 10))
    first = budget(BusinessDays(3), FRIDAY, calendar, ZONE)
    assert targets._CLOSE[calendar]                  # remembered ...
    later_that_day = FRIDAY.add(minutes=30)          # ... for the start's local date
    assert budget(BusinessDays(3), later_that_day, calendar, ZONE) == \
        first - dt.timedelta(minutes=30)
    # another calendar, mornings only: its own answer, not the first one's
    mornings = BusinessCalendar(tz=SH, week={day: [("09:00", "12:00")] for day in range(5)})
    assert budget(BusinessDays(3), FRIDAY, mornings, ZONE) == dt.timedelta(hours=9)


def test_a_calendar_that_cannot_be_a_key_is_searched_every_time() -> None:
    counting = Counting(office(dt.date(2024, 6, 10)))
    assert budget(BusinessDays(3), FRIDAY, counting, ZONE) == dt.timedelta(hours=25)
    searched = counting.days
    assert budget(BusinessDays(3), FRIDAY, counting, ZONE) == dt.timedelta(hours=25)
    assert counting.days == 2 * searched


def test_a_calendar_never_open_is_still_refused() -> None:
    never = BusinessCalendar(tz=SH, week={0: OFFICE},
                             holidays=[dt.date(2024, 6, 10) + dt.timedelta(weeks=w)
                                       for w in range(600)])
    for _ in range(2):  # failures are not remembered
        with pytest.raises(ValidationError):
            budget(BusinessDays(1), FRIDAY, never, ZONE)
