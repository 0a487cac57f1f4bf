"""One rule for instants: the same moment in any zone, either fold, gives the same answer.

New York repeats 01:00-02:00 on 2024-11-03 (EDT, then EST) and skips
02:00-03:00 on 2024-03-10.  Python compares two datetimes of one zone by
their wall clocks, so without the rule 01:10 EST (``fold=1``) would read as
earlier than 01:20 EDT, which it is not.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pendulum
import pytest

from complaintflow import TicketDraft
from complaintflow.clock import ManualClock, instant
from complaintflow.domain.lifecycle import open_ticket
from complaintflow.errors import ClockError
from complaintflow.sla.alerts import AlertKind, due_alerts
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.explain import explain
from complaintflow.sla.measure import ClockState, measure
from complaintflow.sla.policy import SlaMatch, SlaPolicy, SlaRule
from complaintflow.sla.targets import BusinessHours
from complaintflow.testing import AGENT

NY = ZoneInfo("America/New_York")
ALWAYS = BusinessCalendar(
    tz="America/New_York", week={day: [("00:00", "24:00")] for day in range(7)}
)
EDT_0120 = dt.datetime(2024, 11, 3, 1, 20, tzinfo=NY)  # 05:20Z
EST_0110 = dt.datetime(2024, 11, 3, 1, 10, tzinfo=NY, fold=1)  # 06:10Z, 50 minutes later
UTC = dt.UTC


def policy(hours: float) -> SlaPolicy:
    return SlaPolicy(
        version="one",
        fallback=SlaRule(
            SlaMatch(), first_response=BusinessHours(hours), next_response=None, resolution=None
        ),
    )


def received(at: dt.datetime) -> list:  # type: ignore[type-arg]
    _, log = open_ticket(
        TicketDraft("no heating since Friday", "phone", at),
        ticket_id="t",
        number="n",
        actor=AGENT,
        sla_version="one",
    )
    return log


def test_instant_orders_the_repeated_hour_by_the_real_clock() -> None:
    first, second = instant(EDT_0120), instant(EST_0110)
    assert first < second
    assert second - first == dt.timedelta(minutes=50)
    assert second == dt.datetime(2024, 11, 3, 6, 10, tzinfo=UTC)
    assert first.isoformat() == "2024-11-03T01:20:00-04:00"  # still the local reading
    assert second.isoformat() == "2024-11-03T01:10:00-05:00"


def test_instant_reads_a_skipped_wall_time_as_the_instant_it_denotes() -> None:
    gap = instant(dt.datetime(2024, 3, 10, 2, 30, tzinfo=NY))  # fold=0: EST offset
    assert gap == dt.datetime(2024, 3, 10, 7, 30, tzinfo=UTC)
    assert gap.isoformat() == "2024-03-10T03:30:00-04:00"
    assert gap.timezone_name == "America/New_York"


def test_manual_clock_set_to_the_second_0110_after_the_first_0120_moves_forward() -> None:
    clock = ManualClock(EDT_0120)
    assert clock.set(EST_0110) == dt.datetime(2024, 11, 3, 6, 10, tzinfo=UTC)
    with pytest.raises(ClockError, match="cannot go backwards"):
        clock.set(EDT_0120)  # 50 minutes earlier


def test_manual_clock_advances_through_the_repeated_hour_in_real_time() -> None:
    clock = ManualClock(dt.datetime(2024, 11, 3, 0, 50, tzinfo=NY))
    stops = [clock.advance(minutes=30) for _ in range(5)]
    assert [s.astimezone(UTC).strftime("%H:%M") for s in stops] == [
        "05:20",
        "05:50",
        "06:20",
        "06:50",
        "07:20",
    ]
    assert [s.strftime("%H:%M%z") for s in stops] == [
        "01:20-0400",
        "01:50-0400",
        "01:20-0500",
        "01:50-0500",
        "02:20-0500",
    ]
    assert stops[-1].timezone_name == "America/New_York"  # the zone again
    clock.set(stops[-1])  # not backwards


@pytest.mark.parametrize(
    "now",
    [
        EST_0110,  # fold=1, New York
        dt.datetime(2024, 11, 3, 6, 10, tzinfo=UTC),
        pendulum.datetime(2024, 11, 3, 15, 10, tz="Asia/Tokyo"),
        pendulum.DateTime(2024, 11, 3, 1, 10, tzinfo=pendulum.timezone("America/New_York"), fold=1),
    ],
    ids=["new-york-fold-1", "utc", "tokyo", "pendulum-fold-1"],
)
def test_one_business_hour_received_0120_edt_measured_at_0110_est(now: dt.datetime) -> None:
    clock = measure(received(EDT_0120), policy(1), ALWAYS, now).current("first_response")
    assert clock is not None
    assert clock.consumed == dt.timedelta(minutes=50)
    assert clock.remaining == dt.timedelta(minutes=10)
    assert clock.due_at == dt.datetime(2024, 11, 3, 6, 20, tzinfo=UTC)
    assert clock.state is ClockState.RUNNING
    plan = due_alerts(measure(received(EDT_0120), policy(1), ALWAYS, now), policy(1), ALWAYS)
    assert [alert.kind for alert in plan.due] == [AlertKind.WARNING]  # 0.83 of the target


@pytest.mark.parametrize(
    "start",
    [
        dt.datetime(2024, 11, 3, 1, 59, tzinfo=NY),
        dt.datetime(2024, 11, 3, 5, 59, tzinfo=UTC),
    ],
    ids=["new-york", "utc"],
)
def test_explain_lists_the_window_counted_across_the_repeated_hour(start: dt.datetime) -> None:
    clock = measure(
        received(start), policy(0.5), ALWAYS, dt.datetime(2024, 11, 3, 6, 30, tzinfo=UTC)
    ).current("first_response")
    assert clock is not None
    assert clock.due_at == dt.datetime(2024, 11, 3, 6, 29, tzinfo=UTC)
    assert clock.state is ClockState.BREACHED
    windows = explain(clock, ALWAYS).windows
    assert windows == (
        (dt.datetime(2024, 11, 3, 5, 59, tzinfo=UTC), dt.datetime(2024, 11, 3, 6, 29, tzinfo=UTC)),
    )
