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
from complaintflow.testing import OFFICE_HOURS, OFFICE_WEEK
from complaintflow.testing import SHANGHAI as SH

ZONE = pendulum.timezone(SH)
FRIDAY = pendulum.datetime(2024, 6, 7, 17, tz=SH)


def office(*holidays: dt.date) -> BusinessCalendar:
    return BusinessCalendar(tz=SH, week=OFFICE_WEEK, holidays=holidays)


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

    def intervals(
        self, a: dt.datetime, b: dt.datetime
    ) -> Iterator[tuple[pendulum.DateTime, pendulum.DateTime]]:
        self.days += 1
        return self.calendar.intervals(a, b)


def test_three_business_days_end_at_the_third_close_of_business() -> None:
    # Friday 17:00 -> Tue, Wed, Thu (Monday is a holiday): 1 h Friday + 3 x 8 h
    assert budget(BusinessDays(3), FRIDAY, office(dt.date(2024, 6, 10)), ZONE) == dt.timedelta(
        hours=25
    )


def test_the_answer_is_remembered_per_calendar_and_date() -> None:
    calendar = office(dt.date(2024, 6, 10))
    first = budget(BusinessDays(3), FRIDAY, calendar, ZONE)
    assert targets._CLOSE[calendar]  # remembered ...
    later_that_day = FRIDAY.add(minutes=30)  # ... for the start's local date
    assert budget(BusinessDays(3), later_that_day, calendar, ZONE) == first - dt.timedelta(
        minutes=30
    )
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
    never = BusinessCalendar(
        tz=SH,
        week={0: OFFICE_HOURS},
        holidays=[dt.date(2024, 6, 10) + dt.timedelta(weeks=w) for w in range(600)],
    )
    for _ in range(2):  # failures are not remembered
        with pytest.raises(ValidationError):
            budget(BusinessDays(1), FRIDAY, never, ZONE)


# -- working days as the calendar defines them: overnight shifts -------------------------

NIGHTS = BusinessCalendar(
    tz=SH, week={day: [("20:00", "02:00")] for day in range(5)}, holidays=[dt.date(2024, 5, 22)]
)  # Wednesday
MONDAY_21 = pendulum.datetime(2024, 5, 20, 21, tz=SH)
LORD_HOWE = "Australia/Lord_Howe"
SATURDAY_SHIFT = BusinessCalendar(tz=LORD_HOWE, week={5: [("22:00", "03:00")]})
FRIDAY_18 = pendulum.datetime(2024, 5, 17, 18, tz=LORD_HOWE)


def due(
    target: BusinessDays, start: pendulum.DateTime, calendar: BusinessCalendar
) -> pendulum.DateTime:
    return targets._close_of_business(calendar, start, target.days, pendulum.timezone(calendar.tz))


def test_a_night_shift_day_closes_when_its_shift_ends_the_next_morning() -> None:
    # Tuesday's shift (Tue 20:00 - Wed 02:00) is working day 1, although it ends on a holiday
    assert due(BusinessDays(1), MONDAY_21, NIGHTS) == pendulum.datetime(2024, 5, 22, 2, tz=SH)
    assert budget(BusinessDays(1), MONDAY_21, NIGHTS, ZONE) == dt.timedelta(hours=11)


def test_a_holiday_is_no_working_day_even_while_the_night_before_runs_into_it() -> None:
    # Wednesday is a holiday: working day 2 is Thursday, whose shift ends Friday 02:00
    assert due(BusinessDays(2), MONDAY_21, NIGHTS) == pendulum.datetime(2024, 5, 24, 2, tz=SH)
    assert budget(BusinessDays(2), MONDAY_21, NIGHTS, ZONE) == dt.timedelta(hours=17)


def test_lord_howe_saturday_shift_closes_sunday_0300() -> None:
    assert FRIDAY_18.format("dddd") == "Friday"
    assert due(BusinessDays(1), FRIDAY_18, SATURDAY_SHIFT) == pendulum.datetime(
        2024, 5, 19, 3, tz=LORD_HOWE
    )
    assert budget(
        BusinessDays(1), FRIDAY_18, SATURDAY_SHIFT, pendulum.timezone(LORD_HOWE)
    ) == dt.timedelta(hours=5)


def test_the_calendar_names_each_working_day_and_its_close() -> None:
    close = NIGHTS.close_of_business
    assert close(dt.date(2024, 5, 21)) == pendulum.datetime(2024, 5, 22, 2, tz=SH)
    assert close(dt.date(2024, 5, 22)) is None  # the holiday
    assert close(dt.date(2024, 5, 25)) is None  # Saturday
    assert office().close_of_business(dt.date(2024, 6, 7)) == pendulum.datetime(
        2024, 6, 7, 18, tz=SH
    )
    with pytest.raises(ValidationError, match="must be a date"):
        close(MONDAY_21)  # type: ignore[arg-type]


def test_a_calendar_of_its_own_is_read_by_where_its_open_spans_start() -> None:
    """A BusinessTime without close_of_business: the same answers from intervals."""
    for start, calendar, days, expected in [
        (MONDAY_21, NIGHTS, 1, pendulum.datetime(2024, 5, 22, 2, tz=SH)),
        (MONDAY_21, NIGHTS, 2, pendulum.datetime(2024, 5, 24, 2, tz=SH)),
        (FRIDAY_18, SATURDAY_SHIFT, 1, pendulum.datetime(2024, 5, 19, 3, tz=LORD_HOWE)),
        (FRIDAY, office(dt.date(2024, 6, 10)), 3, pendulum.datetime(2024, 6, 13, 18, tz=SH)),
    ]:
        counting = Counting(calendar)
        assert (
            targets._search_close(counting, start.date(), days, pendulum.timezone(calendar.tz))
            == expected
        )


def test_measure_gives_the_night_shift_deadlines() -> None:
    from complaintflow import Actor, TicketDraft
    from complaintflow.domain.lifecycle import open_ticket
    from complaintflow.sla.measure import measure
    from complaintflow.sla.policy import SlaMatch, SlaPolicy, SlaRule

    _, log = open_ticket(
        TicketDraft("夜班工单", "phone", MONDAY_21),
        ticket_id="t",
        number="n",
        actor=Actor.staff("a1", "agent"),
        sla_version="nights-1",
    )
    for days, expected in [
        (1, pendulum.datetime(2024, 5, 22, 2, tz=SH)),
        (2, pendulum.datetime(2024, 5, 24, 2, tz=SH)),
    ]:
        policy = SlaPolicy(
            "nights-1",
            SlaRule(
                SlaMatch(), first_response=None, next_response=None, resolution=BusinessDays(days)
            ),
        )
        clock = measure(log, policy, NIGHTS, MONDAY_21).current("resolution")
        assert clock is not None
        assert clock.due_at == expected
