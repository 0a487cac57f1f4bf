"""Wall-clock times to instants, as integer microseconds since the Unix epoch.

The calendar's hot path works on plain integers; pendulum appears only at
the public boundary.  Conventions (documented in docs/business-time.md):

* a wall time inside a DST gap resolves to the instant the clock jumps;
* an ambiguous wall time (the repeated hour) resolves to its first
  occurrence (``fold=0``).

Both follow from one rule: a wall time ``w`` is the first instant whose
local clock reads ``w`` or later.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

__all__ = [
    "DAY_US",
    "EPOCH",
    "EPOCH_ORD",
    "MINUTE_US",
    "local_ordinal",
    "resolve",
    "to_us",
    "transitions",
]

SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
DAY_US = 86_400 * SECOND_US
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
EPOCH_ORD = EPOCH.toordinal()
_sub = dt.datetime.__sub__  # stdlib subtraction, also for pendulum values
_add = dt.datetime.__add__


def to_us(value: dt.datetime) -> int:
    """An aware datetime as microseconds since the epoch (exact)."""
    delta: dt.timedelta = _sub(value, EPOCH)
    return (delta.days * 86_400 + delta.seconds) * SECOND_US + delta.microseconds


def utc(us: int) -> dt.datetime:
    seconds, micro = divmod(us, SECOND_US)
    result: dt.datetime = _add(EPOCH, dt.timedelta(seconds=seconds, microseconds=micro))
    return result


def local_ordinal(tz: ZoneInfo, us: int) -> int:
    """The proleptic ordinal of the local date at instant ``us``."""
    return utc(us).astimezone(tz).toordinal()


def _offset_us(tz: ZoneInfo, seconds: int) -> int:
    local = _add(EPOCH, dt.timedelta(seconds=seconds)).astimezone(tz)
    offset = local.utcoffset()
    assert offset is not None
    return (offset.days * 86_400 + offset.seconds) * SECOND_US + offset.microseconds


def resolve(tz: ZoneInfo, ordinal: int, minute: int) -> int:
    """The instant of wall time ``minute`` minutes after local midnight of ``ordinal``."""
    days, minute = divmod(minute, 1440)
    day = dt.date.fromordinal(ordinal + days)
    local = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=tz)
    first = local.utcoffset()
    second = local.replace(fold=1).utcoffset()
    assert first is not None
    assert second is not None
    wall = (ordinal + days - EPOCH_ORD) * DAY_US + minute * MINUTE_US
    before = wall - (first.days * 86_400 + first.seconds) * SECOND_US
    if first >= second:  # unique, or the first of two occurrences
        return before
    # In a gap: fold=0 read it with the offset before the jump (an instant
    # after the jump), fold=1 with the offset after (an instant before it).
    # The jump itself is the first whole second whose offset is the new one.
    after = wall - (second.days * 86_400 + second.seconds) * SECOND_US
    old = (first.days * 86_400 + first.seconds) * SECOND_US
    lo, hi = after // SECOND_US, before // SECOND_US
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_us(tz, mid) == old:
            lo = mid
        else:
            hi = mid
    return hi * SECOND_US


def transitions(tz: ZoneInfo, start_us: int, end_us: int) -> list[int]:
    """Every offset change in ``[start_us, end_us)``, probing daily then bisecting.

    Two changes less than a day apart that cancel out would be missed; the
    time zone database has none since 1970.
    """
    found: list[int] = []
    step = 86_400
    lo_s, end_s = start_us // SECOND_US, end_us // SECOND_US + 1
    previous = _offset_us(tz, lo_s)
    while lo_s < end_s:
        hi_s = min(lo_s + step, end_s)
        current = _offset_us(tz, hi_s)
        if current != previous:
            a, b = lo_s, hi_s
            while b - a > 1:
                mid = (a + b) // 2
                if _offset_us(tz, mid) == previous:
                    a = mid
                else:
                    b = mid
            found.append(b * SECOND_US)
            previous = _offset_us(tz, b)
            lo_s = b
            continue
        lo_s = hi_s
    return found
