"""Stored instants: the fast reader gives exactly what pendulum's parser gave.

Every snapshot and event a store loads reads its instants through
``instant_from_dict``; it reads ISO text with the stdlib and remembers
zones, so these tests pin it to the slow, general path it replaced.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.errors import ValidationError
from complaintflow.storage.encoding import instant_from_dict, instant_to_dict

ZONES = [
    "Asia/Shanghai",
    "America/New_York",
    "Europe/London",
    "UTC",
    "Asia/Kathmandu",
    "Australia/Lord_Howe",
    "America/St_Johns",
]


def slow(data: dict[str, Any]) -> pendulum.DateTime:
    """What instant_from_dict did before it was made fast."""
    moment = pendulum.parse(data["utc"])
    assert isinstance(moment, pendulum.DateTime)
    if "zone" in data:
        return moment.in_timezone(data["zone"])
    return moment.in_timezone(pendulum.FixedTimezone(int(data["offset"])))


def same(a: pendulum.DateTime, b: pendulum.DateTime) -> bool:
    return (
        type(a) is type(b)
        and a == b
        and repr(a) == repr(b)
        and a.fold == b.fold
        and a.isoformat() == b.isoformat()
    )


utc_instants = st.datetimes(
    min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC)
)


@given(utc_instants, st.sampled_from(ZONES))
def test_zoned_instants_read_back_as_before(moment: dt.datetime, zone: str) -> None:
    data = instant_to_dict(pendulum.instance(moment).in_timezone(zone))
    assert same(instant_from_dict(data), slow(data))


@given(utc_instants, st.integers(-14 * 3600, 14 * 3600))
def test_fixed_offset_instants_read_back_as_before(moment: dt.datetime, offset: int) -> None:
    data = instant_to_dict(moment.astimezone(dt.timezone(dt.timedelta(seconds=offset))))
    assert same(instant_from_dict(data), slow(data))


def test_both_sides_of_a_dst_fold_load_as_the_exact_instant() -> None:
    """Inside the repeated hour a reading carries its fixed offset (clock.instant's rule),
    so one stored by zone name before that rule loads as the exact instant; outside it
    nothing changed."""
    start = pendulum.datetime(2024, 11, 3, 5, 0, tz="UTC")  # 01:00 EDT, then 01:00 EST
    for minutes in range(0, 180, 15):
        data = instant_to_dict(start.add(minutes=minutes).in_timezone("America/New_York"))
        loaded, before = instant_from_dict(data), slow(data)
        # (an aware datetime in a repeated hour never equals one in another zone: PEP 495)
        assert loaded.timestamp() == before.timestamp()
        assert loaded.isoformat() == before.isoformat()
        repeated = 5 * 60 <= minutes + 5 * 60 < 7 * 60  # 01:00-02:00 local, twice
        if repeated:
            assert isinstance(loaded.tzinfo, pendulum.FixedTimezone)
            assert instant_from_dict(instant_to_dict(loaded)) == loaded
        else:
            assert same(loaded, before)


@pytest.mark.parametrize(
    "text",
    [
        "2024-05-20T01:12:00Z",  # ISO, with Z
        "2024-05-20T01:12:00",  # no offset: read as UTC
        "2024-05-20 09:12:00+08:00",  # another offset, a space
        "20240520T011200Z",  # basic format
        "2024-05-20",  # a date: its midnight, UTC
    ],
)
def test_other_iso_text_reads_as_pendulum_read_it(text: str) -> None:
    for data in ({"utc": text, "zone": "Asia/Shanghai"}, {"utc": text, "offset": 3600}):
        assert same(instant_from_dict(data), slow(data))


@pytest.mark.parametrize(
    "data",
    [
        {"utc": 1716167520, "zone": "UTC"},
        {"utc": "2024-05-20T01:12:00+00:00", "zone": "Mars/Olympus_Mons"},
        {"utc": "2024-05-20T01:12:00+00:00", "zone": ["UTC"]},
        {"utc": "2024-05-20T01:12:00+00:00", "offset": None},
    ],
)
def test_what_is_not_a_stored_instant_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as refused:
        instant_from_dict(data)
    assert refused.value.field == "instant"


def test_stdlib_zones_are_stored_by_name() -> None:
    from zoneinfo import ZoneInfo

    moment = dt.datetime(2024, 5, 20, 9, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    data = instant_to_dict(moment)
    assert data == {"utc": "2024-05-20T01:12:00+00:00", "zone": "Asia/Shanghai"}
    assert instant_from_dict(data).timezone_name == "Asia/Shanghai"
