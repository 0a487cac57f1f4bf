"""Business-time speed and agreement: complaintflow vs pandas vs businesstimedelta.

Run:  python benchmarks/sla.py   (needs: pip install pandas businesstimedelta)

One calendar for everyone: Monday-Friday 09:00-12:00 + 13:00-18:00 in
Asia/Shanghai with ten holidays a year.  Each peer's offset / rules are
built once, outside the timed loop.  Prints the median microseconds per
call, the ratios, and how often each peer disagrees with the reference
oracle on the inputs it can express.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import pandas as pd
import pytz

from complaintflow.sla import BusinessCalendar
from complaintflow.testing import ReferenceCalendar

TZ = "Asia/Shanghai"
ZONE = ZoneInfo(TZ)
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]
YEARS = range(2026, 2049)
HOLIDAYS = sorted(
    dt.date(y, m, d)
    for y in YEARS
    for m, d in [
        (1, 1),
        (2, 16),
        (2, 17),
        (2, 18),
        (4, 5),
        (5, 1),
        (5, 4),
        (6, 19),
        (10, 1),
        (10, 2),
    ]
)
ADD_HOURS = [2, 24, 200, 2000]
SPANS = {
    "1 day": dt.timedelta(days=1),
    "1 month": dt.timedelta(days=30),
    "1 year": dt.timedelta(days=365),
    "5 years": dt.timedelta(days=5 * 365),
    "20 years": dt.timedelta(days=20 * 365),
}
BUDGET_S = 0.3  # time per (peer, case); at least 3 calls each

ours = BusinessCalendar(TZ, dict.fromkeys(range(5), OFFICE), holidays=HOLIDAYS)
oracle = ReferenceCalendar(TZ, dict.fromkeys(range(5), OFFICE), holidays=HOLIDAYS)


def pandas_offset(hours: int) -> pd.offsets.CustomBusinessHour:
    return pd.offsets.CustomBusinessHour(
        n=hours,
        start=["09:00", "13:00"],
        end=["12:00", "18:00"],
        weekmask="Mon Tue Wed Thu Fri",
        holidays=HOLIDAYS,
    )


btd_zone = pytz.timezone(TZ)
btd_rules = btd.Rules(
    [
        btd.WorkDayRule(
            start_time=dt.time(9), end_time=dt.time(18), working_days=[0, 1, 2, 3, 4], tz=btd_zone
        ),
        btd.LunchTimeRule(
            start_time=dt.time(12), end_time=dt.time(13), working_days=[0, 1, 2, 3, 4], tz=btd_zone
        ),
        btd.HolidayRule(HOLIDAYS, tz=btd_zone),
    ]
)


def starts(n: int, seed: int = 7) -> list[dt.datetime]:
    """Start instants in 2026, half on whole minutes inside office hours."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        day = dt.date(2026, 1, 5) + dt.timedelta(days=rng.randrange(300))
        minute = rng.choice([rng.randrange(9 * 60, 18 * 60), rng.randrange(24 * 60)])
        out.append(dt.datetime.combine(day, dt.time(minute // 60, minute % 60), ZONE))
    return out


def median_us(call: Callable[[dt.datetime], object], inputs: list[dt.datetime]) -> float:
    samples: list[float] = []
    deadline = time.perf_counter() + BUDGET_S
    i = 0
    while (time.perf_counter() < deadline or len(samples) < 3) and len(samples) < 2000:
        t = inputs[i % len(inputs)]
        i += 1
        t0 = time.perf_counter_ns()
        call(t)
        samples.append((time.perf_counter_ns() - t0) / 1000)
    return statistics.median(samples)


def table(title: str, rows: list[tuple[str, float, float, float]]) -> None:
    print(f"\n{title}")
    print(
        f"{'case':>10} | {'ours µs':>9} | {'pandas µs':>10} | {'btd µs':>11} |"
        f" {'pandas/ours':>11} | {'btd/ours':>9}"
    )
    print("-" * 76)
    for case, a, b, c in rows:
        print(f"{case:>10} | {a:9.1f} | {b:10.1f} | {c:11.1f} | {b / a:11.1f} | {c / a:9.0f}")


def bench() -> None:
    inputs = starts(200)
    pd_inputs = {t: pd.Timestamp(t) for t in inputs}
    rows = []
    for hours in ADD_HOURS:
        d = dt.timedelta(hours=hours)
        offset = pandas_offset(hours)
        delta = btd.BusinessTimeDelta(btd_rules, hours=hours)
        ours.add(inputs[0], d)  # let the calendar scan the years it needs once
        rows.append(
            (
                f"add {hours}h",
                median_us(lambda t, d=d: ours.add(t, d), inputs),
                median_us(lambda t, o=offset: pd_inputs[t] + o, inputs),
                median_us(lambda t, x=delta: t + x, inputs[:20]),
            )
        )
    table("add(t, d): median µs per call", rows)

    rows = []
    one_hour = pandas_offset(1)
    for name, span in SPANS.items():
        ours.between(inputs[0], inputs[0] + span)
        rows.append(
            (
                name,
                median_us(lambda t, s=span: ours.between(t, t + s), inputs),
                median_us(
                    lambda t, s=span, o=one_hour: len(
                        pd.date_range(pd_inputs[t], pd_inputs[t] + s, freq=o)
                    ),
                    inputs[:20],
                ),
                median_us(lambda t, s=span: btd_rules.difference(t, t + s), inputs[:3]),
            )
        )
    table("between(a, b): median µs per call (pandas: len(date_range(freq=CBH)), hour ticks)", rows)
    add2 = next(r[1] for r in rows if r[0] == "1 day")
    print(f"\ncost of between over 20 years / over 1 day: {rows[-1][1] / add2:.2f}x")


def agreement(n: int = 60) -> None:
    inputs = starts(n, seed=11)
    print(f"\ndisagreements with the oracle over {n} start instants:")
    for hours in ADD_HOURS:
        d = dt.timedelta(hours=hours)
        offset, delta = pandas_offset(hours), btd.BusinessTimeDelta(btd_rules, hours=hours)
        want = [oracle.add(t, d) for t in inputs]
        ours_bad = sum(ours.add(t, d) != w for t, w in zip(inputs, want, strict=True))
        got = [(pd.Timestamp(t) + offset).to_pydatetime() for t in inputs]
        pandas_bad = [(g, w) for g, w in zip(got, want, strict=True) if g != w]
        # pandas moves a deadline that lands exactly at closing time to the
        # next opening; count the disagreements that convention explains.
        convention = sum(not ours.is_open(w) and g == ours.next_open(w) for g, w in pandas_bad)
        btd_bad = sum(t + delta != w for t, w in zip(inputs, want, strict=True))
        print(
            f"  add {hours:>4}h: ours {ours_bad:>2}, pandas {len(pandas_bad):>2} "
            f"({convention} of them: closing time moved to next opening), "
            f"businesstimedelta {btd_bad:>2}"
        )
    for name in ("1 day", "1 month", "1 year"):
        span = SPANS[name]
        want_b = [oracle.between(t, t + span) for t in inputs]
        ours_bad = sum(ours.between(t, t + span) != w for t, w in zip(inputs, want_b, strict=True))
        btd_bad = sum(
            btd_rules.difference(t, t + span).timedelta != w
            for t, w in zip(inputs, want_b, strict=True)
        )
        print(
            f"  between {name:>7}: ours {ours_bad:>2}, businesstimedelta {btd_bad:>2}"
            " (pandas has no business-time difference)"
        )
    t = dt.datetime(2026, 5, 20, 16, tzinfo=ZONE)
    print(
        "  example, Wed 16:00 + 2h: ours",
        ours.add(t, dt.timedelta(hours=2)),
        "| pandas",
        pd.Timestamp(t) + pandas_offset(2),
        "| businesstimedelta",
        t + btd.BusinessTimeDelta(btd_rules, hours=2),
    )


if __name__ == "__main__":
    bench()
    agreement()
