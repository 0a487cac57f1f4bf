"""When to ask: survey methods, timing windows, blackouts and the slot search.

Seed 000 §2.4.1 sends a questionnaire 24-48 h after a complaint or a
suggestion is handled, has a supervisor call on urgent complaints and
important customers, and asks inquiries and praise for an online rating in
the channel.  Seed 003 calls back 24-72 h after the service and avoids the
customer's busy times, Monday morning and Friday afternoon.  SPEC §2.6 adds
that surveys go out inside business hours.

:func:`schedule_survey` picks the earliest instant that is open on the
calendar, in the method's window and outside every blackout that applies.
When the window holds no such instant it takes the first one after the
window and says so (``in_window=False``): a rule is never broken silently.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Protocol

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import CustomerTier, Kind, Priority, parse_enum
from complaintflow.errors import SurveySchedulingError, ValidationError
from complaintflow.sla.targets import BusinessTime

__all__ = [
    "Blackout",
    "SurveyCalendar",
    "SurveyMethod",
    "SurveyRules",
    "SurveySchedulingError",
    "SurveySlot",
    "SurveyTiming",
    "default_method",
    "schedule_survey",
]


class SurveyMethod(enum.StrEnum):
    """How the customer is asked (seed 000 §2.4.1)."""

    QUESTIONNAIRE = "questionnaire"  # 问卷回访: complaints and suggestions
    CALL = "call"  # 电话回访 by a supervisor: urgent complaints, important customers
    ONLINE_RATING = "online_rating"  # 在线评价: inquiries and praise, in the channel


class SurveyCalendar(BusinessTime, Protocol):
    """A :class:`BusinessTime` that also names its zone; blackouts are local to it."""

    @property
    def tz(self) -> str: ...


def _minute(text: object, field: str) -> int:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":":
        raise ValidationError(f"{field} must be 'HH:MM', got {text!r}", field=field)
    try:
        hours, minutes = int(text[:2]), int(text[3:])
    except ValueError:
        raise ValidationError(f"{field} must be 'HH:MM', got {text!r}", field=field) from None
    value = hours * 60 + minutes
    if minutes > 59 or value > 1440:
        raise ValidationError(f"{field} must lie in 00:00..24:00, got {text!r}", field=field)
    return value


def _weekday(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
        raise ValidationError(f"weekday must be 0 (Monday) .. 6, got {value!r}", field="weekday")


@attrs.frozen
class Blackout:
    """Local wall-clock time ``[start, end)`` on one weekday (Monday=0) when nobody is asked.

    ``end`` may be ``"24:00"``; a blackout across midnight is two blackouts.
    """

    weekday: int = attrs.field(validator=_weekday)
    start: str
    end: str

    def __attrs_post_init__(self) -> None:
        if _minute(self.start, "start") >= _minute(self.end, "end"):
            raise ValidationError(
                f"blackout start {self.start} must be before its end {self.end}", field="end"
            )

    def covers(self, local: pendulum.DateTime) -> bool:
        """Whether the local wall-clock time ``local`` falls inside this blackout."""
        if local.weekday() != self.weekday:
            return False
        second = local.hour * 3600 + local.minute * 60 + local.second + local.microsecond / 1e6
        return _minute(self.start, "start") * 60 <= second < _minute(self.end, "end") * 60

    def end_after(self, local: pendulum.DateTime) -> pendulum.DateTime:
        """The instant this blackout ends on ``local``'s date (in ``local``'s zone)."""
        end = _minute(self.end, "end")
        day = local.date() + dt.timedelta(days=end // 1440)
        return pendulum.datetime(
            day.year, day.month, day.day, end % 1440 // 60, end % 60, tz=local.tz, fold=local.fold
        )


def _duration(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise ValidationError(
            f"{attribute.name} must be a non-negative timedelta, got {value!r}",
            field=attribute.name,
        )


@attrs.frozen
class SurveyTiming:
    """The window ``[resolved + earliest, resolved + latest]`` in elapsed time for one method.

    ``avoid_blackouts=False`` exempts the method from :attr:`SurveyRules.blackouts`.
    """

    earliest: dt.timedelta = attrs.field(validator=_duration)
    latest: dt.timedelta = attrs.field(validator=_duration)
    avoid_blackouts: bool = attrs.field(default=True, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.latest < self.earliest:
            raise ValidationError(
                f"latest ({self.latest}) must not be before earliest ({self.earliest})",
                field="latest",
            )


_H = dt.timedelta(hours=1)
DEFAULT_TIMING: Mapping[SurveyMethod, SurveyTiming] = {
    SurveyMethod.QUESTIONNAIRE: SurveyTiming(24 * _H, 48 * _H),
    SurveyMethod.CALL: SurveyTiming(24 * _H, 72 * _H),
    # Shown in the channel at resolution, when the customer is there anyway.
    SurveyMethod.ONLINE_RATING: SurveyTiming(0 * _H, 24 * _H, avoid_blackouts=False),
}
DEFAULT_BLACKOUTS = (Blackout(0, "00:00", "12:00"), Blackout(4, "12:00", "24:00"))


def _to_timing(value: object) -> dict[SurveyMethod, SurveyTiming]:
    if not isinstance(value, Mapping):
        raise ValidationError("timing must map SurveyMethod to SurveyTiming", field="timing")
    merged = dict(DEFAULT_TIMING)
    for method, timing in value.items():
        if not isinstance(timing, SurveyTiming):
            raise ValidationError(
                f"timing[{method!r}] must be a SurveyTiming, got {timing!r}", field="timing"
            )
        merged[parse_enum(SurveyMethod, method, "timing")] = timing
    return merged


def _to_blackouts(value: object) -> tuple[Blackout, ...]:
    if isinstance(value, str | bytes) or not hasattr(value, "__iter__"):
        raise ValidationError("blackouts must be a sequence of Blackout", field="blackouts")
    items = tuple(value)
    if not all(isinstance(item, Blackout) for item in items):
        raise ValidationError(
            f"blackouts must hold Blackout values, got {items!r}", field="blackouts"
        )
    return items


def _positive(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise ValidationError(
            f"search_limit must be a positive timedelta, got {value!r}", field="search_limit"
        )


@attrs.frozen(kw_only=True)
class SurveyRules:
    """Timing per method, blackouts, and how far past a window to look for a slot.

    ``timing`` overrides the defaults method by method (a partial mapping is fine).
    """

    timing: Mapping[SurveyMethod, SurveyTiming] = attrs.field(
        factory=dict, converter=_to_timing, hash=False
    )
    blackouts: tuple[Blackout, ...] = attrs.field(
        default=DEFAULT_BLACKOUTS, converter=_to_blackouts
    )
    search_limit: dt.timedelta = attrs.field(default=dt.timedelta(days=30), validator=_positive)

    def blackout_at(self, t: dt.datetime, tz: str, method: SurveyMethod) -> Blackout | None:
        """The blackout covering instant ``t`` (local to ``tz``) for ``method``, if any."""
        if not self.timing[method].avoid_blackouts:
            return None
        local = instant(t, "t").in_timezone(tz)
        return next((b for b in self.blackouts if b.covers(local)), None)


@attrs.frozen
class SurveySlot:
    """When to send a survey, the window it was meant for, and why this instant.

    ``in_window`` is False when the window held no acceptable instant and
    ``at`` is the first one after it (the host may still decide to skip it).
    """

    at: pendulum.DateTime
    method: SurveyMethod
    window_start: pendulum.DateTime
    window_end: pendulum.DateTime
    in_window: bool
    reason: str


def default_method(ticket: Ticket) -> SurveyMethod:
    """Seed 000 §2.4.1: a supervisor calls on urgent (P1) complaints and on VIP
    complaints and suggestions; inquiries and praise get an online rating; every
    other ticket (unclassified ones included) gets a questionnaire."""
    if not isinstance(ticket, Ticket):
        raise ValidationError(
            f"ticket must be a Ticket, got {type(ticket).__name__}", field="ticket"
        )
    if ticket.kind in (Kind.INQUIRY, Kind.PRAISE):
        return SurveyMethod.ONLINE_RATING
    vip = ticket.customer is not None and ticket.customer.tier is CustomerTier.VIP
    if vip or (ticket.kind is Kind.COMPLAINT and ticket.priority is Priority.P1):
        return SurveyMethod.CALL
    return SurveyMethod.QUESTIONNAIRE


def schedule_survey(
    ticket_or_resolved_at: Ticket | dt.datetime,
    *,
    calendar: SurveyCalendar,
    method: SurveyMethod | str | None = None,
    rules: SurveyRules | None = None,
) -> SurveySlot:
    """The earliest acceptable instant to survey a resolved ticket; deterministic.

    ``method`` defaults to :func:`default_method` (a ticket is then required).
    Raises :class:`SurveySchedulingError` when no acceptable instant exists up to
    ``rules.search_limit`` after the window, and the calendar's own
    ``CalendarHorizonError`` when the search runs past its holiday data.
    """
    rules = SurveyRules() if rules is None else rules
    if not isinstance(rules, SurveyRules):
        raise ValidationError(f"rules must be SurveyRules, got {rules!r}", field="rules")
    if isinstance(ticket_or_resolved_at, Ticket):
        if ticket_or_resolved_at.resolved_at is None:
            raise ValidationError(
                f"ticket {ticket_or_resolved_at.id} is not resolved; survey resolved tickets",
                field="resolved_at",
            )
        resolved = instant(ticket_or_resolved_at.resolved_at, "resolved_at")
        if method is None:
            method = default_method(ticket_or_resolved_at)
    else:
        resolved = instant(ticket_or_resolved_at, "resolved_at")
        if method is None:
            raise ValidationError("pass method= when scheduling from an instant", field="method")
    chosen = parse_enum(SurveyMethod, method, "method")
    timing = rules.timing[chosen]
    tz = calendar.tz
    # Compare in UTC only: two datetimes of one zone compare by wall clock,
    # ignoring ``fold``, which misorders instants inside a DST fold.
    utc = resolved.in_timezone("UTC")  # windows are elapsed hours, across DST too
    start, end = utc + timing.earliest, utc + timing.latest
    until = end + rules.search_limit
    for a, b in calendar.intervals(start, until):
        t, stop = a.in_timezone("UTC"), b.in_timezone("UTC")
        while t < stop:
            blackout = rules.blackout_at(t, tz, chosen)
            if blackout is None:
                return _slot(t, chosen, start, end, tz)
            after = blackout.end_after(t.in_timezone(tz)).in_timezone("UTC")
            t = max(after, t + dt.timedelta(minutes=1))
    raise SurveySchedulingError(
        method=chosen, after=start.in_timezone(tz), until=until.in_timezone(tz)
    )


def _slot(
    t: pendulum.DateTime,
    method: SurveyMethod,
    start: pendulum.DateTime,
    end: pendulum.DateTime,
    tz: str,
) -> SurveySlot:
    if t > end:
        reason = "no open instant outside the blackouts in the window; the first one after it"
    elif t == start:
        reason = "the start of the window"
    else:
        reason = "the first open instant outside the blackouts in the window"
    local = [x.in_timezone(tz) for x in (t, start, end)]
    return SurveySlot(local[0], method, local[1], local[2], t <= end, reason)
