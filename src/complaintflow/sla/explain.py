"""How a deadline was reached, in words and in data.

An agent who is told "due Tuesday 12:00" for a ticket received on Friday
evening deserves the reason: which opening hours were counted, which
holiday and make-up working day were crossed, which waiting-on-customer
pause was skipped, and whether a DST change moved the clock.
"""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum

from complaintflow.durations import format_duration, remaining
from complaintflow.sla.measure import MetricClock, Span
from complaintflow.sla.targets import BusinessTime

__all__ = ["Explanation", "explain"]


@attrs.frozen
class Explanation:
    """``text`` for people; the other fields for programs."""

    metric: str
    target: str
    started_at: pendulum.DateTime
    due_at: pendulum.DateTime
    windows: tuple[Span, ...]
    pauses: tuple[tuple[pendulum.DateTime, pendulum.DateTime | None], ...]
    holidays: tuple[dt.date, ...]
    workdays: tuple[dt.date, ...]
    offsets: tuple[tuple[pendulum.DateTime, dt.timedelta], ...]
    text: str


def _fmt(moment: dt.datetime, zone: str) -> str:
    return pendulum.instance(moment).in_timezone(zone).format("ddd YYYY-MM-DD HH:mm")


def _span(start: dt.datetime, end: dt.datetime, zone: str) -> str:
    """A counted span; its end shows the date too when it falls on another day.

    A wall-clock target counts whole days, so the end's time of day alone would
    read as an empty span (``17:30–17:30``).
    """
    a, b = (pendulum.instance(m).in_timezone(zone) for m in (start, end))
    return (
        f"{_fmt(a, zone)}–{b:HH:mm}"
        if a.date() == b.date()
        else f"{_fmt(a, zone)} – {_fmt(b, zone)}"
    )


def _used_windows(clock: MetricClock, calendar: BusinessTime) -> list[Span]:
    """The open spans the clock counted, from its start up to its due time."""
    spans: list[Span] = []
    pieces = [*clock.segments]
    tail = clock.stopped_at or clock.measured_at
    if clock.due_at > tail:
        pieces.append((tail, clock.due_at))
    for a, b in pieces:
        b = min(b, clock.due_at)
        if b <= a:
            continue
        for span in calendar.intervals(a, b) if clock.target.business else [(a, b)]:
            if spans and spans[-1][1] == span[0]:
                spans[-1] = (spans[-1][0], span[1])
            else:
                spans.append(span)
    return spans


def explain(clock: MetricClock, calendar: BusinessTime) -> Explanation:
    """Explain ``clock``'s deadline on ``calendar`` (the one it was measured with)."""
    zone = getattr(calendar, "tz", "UTC")
    windows = _used_windows(clock, calendar)
    first_day = clock.started_at.in_timezone(zone).date()
    last_day = clock.due_at.in_timezone(zone).date()
    holidays = tuple(
        sorted(d for d in getattr(calendar, "holidays", ()) if first_day <= d <= last_day)
    )
    workdays = tuple(
        sorted(d for d in getattr(calendar, "workdays", {}) if first_day <= d <= last_day)
    )
    offsets: list[tuple[pendulum.DateTime, dt.timedelta]] = []
    for a, _ in [(clock.started_at, None), *windows, (clock.due_at, None)]:
        local = pendulum.instance(a).in_timezone(zone)
        offset = local.utcoffset()
        if offset is not None and (not offsets or offsets[-1][1] != offset):
            offsets.append((local, offset))
    lines = [
        f"{clock.metric} (cycle {clock.cycle}): target {clock.target}"
        + (f" (set by {clock.layer})" if clock.layer else "")
        + f", started {_fmt(clock.started_at, zone)}.",
    ]
    if clock.target.business and windows and windows[0][0] > clock.started_at:
        lines.append(
            f"The clock starts counting at the first open minute, {_fmt(windows[0][0], zone)}."
        )
    if windows:
        counted = ", ".join(_span(a, b, zone) for a, b in windows[:12])
        more = f" and {len(windows) - 12} more" if len(windows) > 12 else ""
        total = format_duration(
            sum((b - a for a, b in windows), dt.timedelta(0)), days=not clock.target.business
        )
        lines.append(f"Counted: {counted}{more} ({total} in all).")
    for day in holidays:
        lines.append(f"Skipped {day:%Y-%m-%d} ({day:%A}), a holiday.")
    for day in workdays:
        lines.append(
            f"Counted {day:%Y-%m-%d} ({day:%A}) by its own hours (make-up day or override)."
        )
    for start, end in clock.pauses:
        until = _fmt(end, zone) if end is not None else "now (still paused)"
        lines.append(f"Paused from {_fmt(start, zone)} to {until}; that time is not counted.")
    if len(offsets) > 1:
        changes = ", ".join(f"UTC{_hours(o)} from {_fmt(at, zone)}" for at, o in offsets)
        lines.append(f"Daylight saving time changed the offset: {changes}.")
    lines.append(
        f"Due {_fmt(clock.due_at, zone)}; {clock.state}"
        + (f", {remaining(-clock.breached_by)}." if clock.breached_by else ".")
    )
    return Explanation(
        clock.metric,
        str(clock.target),
        clock.started_at,
        clock.due_at,
        tuple(windows),
        clock.pauses,
        holidays,
        workdays,
        tuple(offsets),
        "\n".join(lines),
    )


def _hours(offset: dt.timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
