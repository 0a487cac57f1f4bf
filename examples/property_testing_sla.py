"""Property-test your own SLA rules with complaintflow's strategies and reference oracle.

Run it: ``python examples/property_testing_sla.py`` (needs the ``testing`` extra:
``pip install 'complaintflow[testing]'``).  The same ``test_*`` functions run
under pytest unchanged.

A host has configured its office calendar and SLA policy and wants more
than a handful of hand-picked examples.  ``complaintflow.testing`` gives it:

* ``ReferenceCalendar``: a slow, brute-force business calendar, obviously
  correct, that takes the same arguments as ``BusinessCalendar``;
* ``strategies.instants(kwargs)``: receipt times that hit the awkward spots
  of *your* calendar (window boundaries, a minute before and after, lunch,
  holidays, make-up days and the days either side), as UTC datetimes, so
  ``==`` and ``- TICK`` on them are real time in any zone;
* ``strategies.calendar_kwargs()``: whole calendars, for rules that must hold
  whatever hours an administrator configures.

The properties check the desk's real deadlines (intake, then ``measure``)
against the oracle, so they test the wiring too, not just the calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import find, given, reject, settings
from hypothesis import strategies as st

from complaintflow import (
    BusinessCalendar,
    BusinessDays,
    BusinessHours,
    ComplaintDesk,
    InMemoryStore,
    ManualClock,
    Priority,
    SlaMatch,
    SlaPolicy,
    SlaRule,
    TicketDraft,
    measure,
)
from complaintflow.errors import CalendarHorizonError
from complaintflow.testing import ReferenceCalendar, strategies
from complaintflow.testing.plugin import CN_HOLIDAYS, CN_MAKE_UP_DAYS

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]

# Our calendar, written once as keyword arguments: the fast calendar, the
# oracle and the instants strategy all take the same dict.
OUR_CALENDAR: dict[str, Any] = {
    "tz": "Asia/Shanghai",
    "week": dict.fromkeys(range(5), OFFICE),
    "holidays": list(CN_HOLIDAYS),
    "workdays": dict.fromkeys(CN_MAKE_UP_DAYS, OFFICE),
}
CALENDAR = BusinessCalendar(**OUR_CALENDAR)
ORACLE = ReferenceCalendar(**OUR_CALENDAR)
POLICY = SlaPolicy.default()
TICK = dt.timedelta(microseconds=1)


def deadline(
    received: dt.datetime,
    priority: Priority | str,
    metric: str,
    *,
    policy: SlaPolicy = POLICY,
    calendar: BusinessCalendar = CALENDAR,
) -> dt.datetime:
    """The due time the desk gives ``metric`` of a ticket received at ``received``."""
    clock = ManualClock(received)
    desk = ComplaintDesk(InMemoryStore(), clock, sla=policy, calendar=calendar)
    ticket = desk.intake(
        TicketDraft("包裹一直没到", "phone", received, kind="complaint", priority=priority)
    )
    sla = measure(desk.history(ticket.id), policy, calendar, received).current(metric)
    assert sla is not None, f"{metric} has no SLA"
    return sla.due_at


@given(received=strategies.instants(OUR_CALENDAR))
def test_p1_first_response_is_two_business_hours_on_our_calendar(received: dt.datetime) -> None:
    due = deadline(received, Priority.P1, "first_response")
    assert ORACLE.between(received, due) == dt.timedelta(hours=2)
    assert due == ORACLE.add(received, dt.timedelta(hours=2))  # the earliest such instant


@given(received=strategies.instants(OUR_CALENDAR), priority=st.sampled_from(Priority))
def test_our_business_deadlines_never_fall_on_a_holiday(
    received: dt.datetime, priority: Priority
) -> None:
    # P1 resolution is 24 *elapsed* hours: it may well end on a holiday, by design.
    metrics = ["first_response"] + (["resolution"] if priority != Priority.P1 else [])
    for metric in metrics:
        due = deadline(received, priority, metric)
        local_day = due.astimezone(SHANGHAI).date()
        assert local_day not in CN_HOLIDAYS, (metric, due)
        assert ORACLE.is_open(due - TICK), (metric, due)  # the last counted moment was open


@given(data=st.data(), hours=st.sampled_from([0.5, 1, 2, 4]))
def test_first_response_follows_the_oracle_whatever_hours_we_configure(
    data: st.DataObject, hours: float
) -> None:
    kwargs = data.draw(strategies.calendar_kwargs(), label="calendar")  # any zone
    received = data.draw(strategies.instants(kwargs), label="received")
    target = dt.timedelta(hours=hours)
    try:
        expected = ReferenceCalendar(**kwargs).add(received, target)
    except CalendarHorizonError:
        reject()  # a calendar that never opens again after `received`
    ours = SlaPolicy(
        "ours-1",
        SlaRule(
            SlaMatch(), first_response=BusinessHours(hours), next_response=None, resolution=None
        ),
    )
    due = deadline(
        received, "P3", "first_response", policy=ours, calendar=BusinessCalendar(**kwargs)
    )
    assert due == expected


@given(data=st.data(), days=st.integers(1, 3))
def test_resolution_in_business_days_follows_the_oracle_even_with_night_shifts(
    data: st.DataObject, days: int
) -> None:
    kwargs = data.draw(strategies.calendar_kwargs(overnight=True), label="calendar")
    received = data.draw(strategies.instants(kwargs), label="received")
    try:
        expected = ReferenceCalendar(**kwargs).business_days(received, days)
    except CalendarHorizonError:
        reject()  # no such working day before the calendar runs out
    ours = SlaPolicy(
        "days-1",
        SlaRule(SlaMatch(), first_response=None, next_response=None, resolution=BusinessDays(days)),
    )
    due = deadline(received, "P3", "resolution", policy=ours, calendar=BusinessCalendar(**kwargs))
    assert due == expected  # both exact instants: == compares the moments


def naive_first_response(received: dt.datetime) -> dt.datetime:
    """What a hurried implementation might do: two hours on the wall clock."""
    return received + dt.timedelta(hours=2)


if __name__ == "__main__":
    # Run as a script: the same examples every time, and no .hypothesis/ directory.
    # Under pytest your conftest.py's profile applies instead (see the tutorial).
    settings.register_profile(
        "example", max_examples=60, deadline=None, derandomize=True, database=None
    )
    settings.load_profile("example")
    tests = [
        test_p1_first_response_is_two_business_hours_on_our_calendar,
        test_our_business_deadlines_never_fall_on_a_holiday,
        test_first_response_follows_the_oracle_whatever_hours_we_configure,
        test_resolution_in_business_days_follows_the_oracle_even_with_night_shifts,
    ]
    for test in tests:
        test()  # hypothesis runs the examples; a failure raises with the smallest one
        print(f"ok: {test.__name__.removeprefix('test_').replace('_', ' ')}")

    # The oracle also catches a wrong rule: hypothesis finds a receipt time where a
    # wall-clock "two hours" misses the business-time deadline, and shrinks it.
    counterexample = find(
        strategies.instants(OUR_CALENDAR),
        lambda t: naive_first_response(t) != ORACLE.add(t, dt.timedelta(hours=2)),
        settings=settings(database=None, derandomize=True),
    )
    local = counterexample.astimezone(SHANGHAI)
    print(
        f"a wall-clock rule is wrong: received {local:%a %Y-%m-%d %H:%M}, it says "
        f"{naive_first_response(local):%a %H:%M}, the business deadline is "
        f"{ORACLE.add(local, dt.timedelta(hours=2)):%a %Y-%m-%d %H:%M}"
    )
