"""What one ticket's log says, as of a cut-off instant: the raw material of every KPI.

Every metric reads a ticket through :func:`facts`, which replays only the
events strictly before the cut-off.  A report for May therefore says what
was known at the end of May, and does not change when a May ticket is
reclassified or reopened in June.

One instant is not an event's: the customer's contact, ``received_at``,
decides which period a ticket is intake of, and it can precede the desk's
recording of it (feedback left at 23:50 on 31 May, typed in at 00:10 on
1 June).  Cutting such a ticket by event time alone would drop it from May
(not known by the cut-off) and from June (not received in June).  So a
ticket received before the cut-off but recorded at or after it is still
known, as a *late entry*: its ticket is the intake record (the events
written at the instant it was recorded: the draft and its triage), and it
has no events before the cut-off, so no response, resolution, survey or
SLA clock of it falls before the cut-off either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from itertools import takewhile

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain import events as e
from complaintflow.domain.fold import replay
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import SurveyResponse
from complaintflow.domain.vocabulary import Status
from complaintflow.errors import ValidationError

__all__ = ["Period", "Resolution", "TicketFacts", "collect", "facts"]

_DONE = (Status.RESOLVED, Status.CLOSED)


def _instant(value: object) -> pendulum.DateTime:
    return instant(value, "period")


@attrs.frozen
class Period:
    """A half-open span of time ``[start, end)``; both ends timezone-aware.

    :meth:`month` builds a calendar month in a zone; :meth:`weeks` and
    :meth:`months` cut a period into Monday-aligned weeks or calendar
    months (the first and last piece clipped to the period).
    """

    start: pendulum.DateTime = attrs.field(converter=_instant)
    end: pendulum.DateTime = attrs.field(converter=_instant)

    def __attrs_post_init__(self) -> None:
        if self.end <= self.start:
            raise ValidationError(
                f"a period needs start < end, got [{self.start}, {self.end})", field="period"
            )

    @classmethod
    def month(cls, year: int, month: int, zone: str) -> Period:
        """The calendar month ``year-month`` in ``zone`` (e.g. ``"Asia/Shanghai"``)."""
        if not 1 <= month <= 12:
            raise ValidationError(f"month must be 1..12, got {month!r}", field="month")
        start = pendulum.datetime(year, month, 1, tz=zone)
        return cls(start, start.add(months=1))

    def __contains__(self, moment: object) -> bool:
        return isinstance(moment, dt.datetime) and self.start <= moment < self.end

    def weeks(self) -> tuple[Period, ...]:
        """Monday-to-Monday weeks in the start's timezone, clipped to the period."""
        cut = self.start.start_of("day").subtract(days=self.start.weekday()).add(weeks=1)
        return self._pieces(cut, lambda t: t.add(weeks=1))

    def months(self) -> tuple[Period, ...]:
        """Calendar months in the start's timezone, clipped to the period."""
        cut = self.start.start_of("month").add(months=1)
        return self._pieces(cut, lambda t: t.add(months=1))

    def _pieces(
        self, cut: pendulum.DateTime, step: Callable[[pendulum.DateTime], pendulum.DateTime]
    ) -> tuple[Period, ...]:
        pieces: list[Period] = []
        start = self.start
        while start < self.end:
            end = min(cut, self.end)
            pieces.append(Period(start, end))
            start, cut = end, step(cut)
        return tuple(pieces)


@attrs.frozen
class Resolution:
    """One entry into ``resolved``, and what happened to the ticket before it."""

    at: pendulum.DateTime
    at_first_contact: bool
    transfers: int
    reopens: int


@attrs.frozen
class TicketFacts:
    """A ticket as known at the cut-off, with the moments metrics need."""

    ticket: Ticket
    events: tuple[e.Event, ...]
    resolutions: tuple[Resolution, ...]
    reopens: tuple[pendulum.DateTime, ...]
    surveys: tuple[tuple[pendulum.DateTime, SurveyResponse], ...]

    @property
    def received_at(self) -> pendulum.DateTime:
        return self.ticket.received_at

    @property
    def recorded(self) -> bool:
        """False for a late entry: received before the cut-off, recorded after it."""
        return bool(self.events)

    @property
    def status(self) -> Status:
        """The status at the cut-off; a late entry had been received and nothing more."""
        return self.ticket.status if self.recorded else Status.RECEIVED

    @property
    def first_response_at(self) -> pendulum.DateTime | None:
        """The first contact before the cut-off (never, for a late entry)."""
        return self.ticket.first_response_at if self.recorded else None

    @property
    def counted(self) -> bool:
        """Merged duplicates are not counted as feedback of their own."""
        return self.ticket.status is not Status.MERGED

    def last_resolution_in(self, period: Period) -> Resolution | None:
        found = [r for r in self.resolutions if r.at in period]
        return found[-1] if found else None


def facts(log: Sequence[e.Event], cutoff: dt.datetime) -> TicketFacts | None:
    """The facts of one ticket from the events before ``cutoff`` (None: not known yet)."""
    if not log:
        raise ValidationError("a ticket's event log cannot be empty", field="logs")
    limit = instant(cutoff, "cutoff")
    known = tuple(event for event in log if event.at < limit)
    if not known:
        return _late_entry(log, limit)
    resolutions: list[Resolution] = []
    reopens: list[pendulum.DateTime] = []
    surveys: list[tuple[pendulum.DateTime, SurveyResponse]] = []
    transfers = 0
    was: Status | None = None
    for event in known:
        payload, now = event.payload, event.status
        if isinstance(payload, e.Transferred):
            transfers += 1
        if isinstance(payload, e.SurveyRecorded) or (
            isinstance(payload, e.SurveyAnswered) and payload.valid
        ):
            surveys.append((event.at, payload.response))
        if was in _DONE and now not in _DONE and not now.final:
            reopens.append(event.at)
        if now is Status.RESOLVED and was not in _DONE:
            first = isinstance(payload, e.ResolvedAtFirstContact) and not reopens
            resolutions.append(Resolution(event.at, first, transfers, len(reopens)))
        was = now
    return TicketFacts(replay(known), known, tuple(resolutions), tuple(reopens), tuple(surveys))


def _late_entry(log: Sequence[e.Event], limit: pendulum.DateTime) -> TicketFacts | None:
    """The intake record of a ticket received before ``limit`` and recorded after it."""
    first = log[0]
    if isinstance(first.payload, e.Received) and first.payload.draft.received_at >= limit:
        return None  # the common case, a ticket of a later period: skip the replay
    ticket = replay(tuple(takewhile(lambda event: event.at == first.at, log)))
    if ticket.received_at >= limit:
        return None
    return TicketFacts(ticket, (), (), (), ())


def collect(logs: Iterable[Sequence[e.Event]], cutoff: dt.datetime) -> list[TicketFacts]:
    """Facts of every ticket known before ``cutoff``; a ticket given twice is refused."""
    found: list[TicketFacts] = []
    seen: set[str] = set()
    for log in logs:
        item = facts(log, cutoff)
        if item is None:
            continue
        if item.ticket.id in seen:
            raise ValidationError(
                f"ticket {item.ticket.id} appears twice in the logs; pass each log once",
                field="logs",
            )
        seen.add(item.ticket.id)
        found.append(item)
    return found
