"""SLA state from events: a pure function of the log, the policy, the calendar and now.

:func:`measure` reads a ticket's events once and follows each metric's
clock through *cycles*: a cycle starts (receipt, a customer message, a
reopening, a hand-over to a department), may pause (while the ticket waits
on the customer, per policy), and stops (first response, resolution, the
step finished) or is cancelled (merged, withdrawn).  Each cycle's time is
counted on the target's own clock, so pauses and breaches are in business
time for business targets and wall time for elapsed ones.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence

import attrs
import pendulum

from complaintflow.clock import instant, named_zone
from complaintflow.domain import events as e
from complaintflow.domain.fold import evolve
from complaintflow.domain.values import Ticket
from complaintflow.domain.vocabulary import ActorKind, Status
from complaintflow.errors import ValidationError
from complaintflow.sla.policy import METRICS, ReopenMode, SlaPolicy
from complaintflow.sla.targets import BusinessTime, Target, budget

__all__ = ["ClockState", "MetricClock", "SlaPolicyMismatch", "SlaStatus", "measure"]

_ZERO = dt.timedelta(0)
_DONE = (Status.RESOLVED, Status.CLOSED)
_FINAL = (Status.MERGED, Status.WITHDRAWN)


class SlaPolicyMismatch(ValidationError):
    """The ticket was stamped with a policy version the caller did not supply."""

    def __init__(self, ticket_id: str, stamped: str, known: Sequence[str]) -> None:
        super().__init__(
            f"ticket {ticket_id} is measured under SLA policy {stamped!r}, but only "
            f"{', '.join(map(repr, known)) or 'none'} was given; keep old policy versions "
            "available, or restamp the ticket explicitly",
            field="policy",
        )
        self.ticket_id = ticket_id
        self.stamped = stamped
        self.known = tuple(known)


class ClockState(enum.StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    MET = "met"
    BREACHED = "breached"
    CANCELLED = "cancelled"


Span = tuple[pendulum.DateTime, pendulum.DateTime]


@attrs.frozen
class MetricClock:
    """One cycle of one metric, measured at ``now``.

    ``budget``, ``consumed``, ``paused`` and ``breached_by`` are on the
    target's clock (business time unless the target is ``Elapsed``).
    ``due_at`` is projected while the clock runs or is paused (as if it
    resumed now), and hypothetical once it stopped.
    """

    metric: str
    cycle: int
    target: Target
    started_at: pendulum.DateTime
    stopped_at: pendulum.DateTime | None
    due_at: pendulum.DateTime
    state: ClockState
    budget: dt.timedelta
    consumed: dt.timedelta
    paused: dt.timedelta
    pauses: tuple[tuple[pendulum.DateTime, pendulum.DateTime | None], ...]
    segments: tuple[Span, ...]
    measured_at: pendulum.DateTime

    @property
    def breached_by(self) -> dt.timedelta:
        return max(_ZERO, self.consumed - self.budget)

    @property
    def remaining(self) -> dt.timedelta:
        return max(_ZERO, self.budget - self.consumed)

    @property
    def fraction(self) -> float:
        """Share of the target used so far (above 1 when breached)."""
        return self.consumed / self.budget

    @property
    def live(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.PAUSED) or (
            self.state is ClockState.BREACHED and self.stopped_at is None
        )


@attrs.frozen
class SlaStatus:
    """Every metric clock of one ticket at ``now``."""

    ticket_id: str
    policy_version: str
    now: pendulum.DateTime
    clocks: tuple[MetricClock, ...]

    def current(self, metric: str) -> MetricClock | None:
        """The latest cycle of ``metric``, or None if it never started."""
        found = [clock for clock in self.clocks if clock.metric == metric]
        return found[-1] if found else None


@attrs.define
class _Cycle:
    metric: str
    number: int
    start: pendulum.DateTime
    stop: pendulum.DateTime | None = None
    cancelled: bool = False
    pauses: list[list[pendulum.DateTime | None]] = attrs.Factory(list)

    def pause(self, at: pendulum.DateTime) -> None:
        if self.stop is None and not (self.pauses and self.pauses[-1][1] is None):
            self.pauses.append([at, None])

    def resume(self, at: pendulum.DateTime) -> None:
        if self.pauses and self.pauses[-1][1] is None:
            self.pauses[-1][1] = at

    def end(self, at: pendulum.DateTime, *, cancelled: bool = False) -> None:
        if self.stop is None:
            self.resume(at)
            self.stop, self.cancelled = at, cancelled


class _Tracker:
    """Follows the cycles of every metric through the event log."""

    def __init__(self, policy: SlaPolicy) -> None:
        self.policy = policy
        self.cycles: dict[str, list[_Cycle]] = {}

    def running(self, metric: str) -> _Cycle | None:
        cycles = self.cycles.get(metric)
        return cycles[-1] if cycles and cycles[-1].stop is None else None

    def start(self, metric: str, at: pendulum.DateTime) -> None:
        if self.running(metric) is None:
            cycles = self.cycles.setdefault(metric, [])
            number = cycles[-1].number + 1 if cycles else 1
            cycles.append(_Cycle(metric, number, at))

    def stop(self, metric: str, at: pendulum.DateTime, *, cancelled: bool = False) -> None:
        cycle = self.running(metric)
        if cycle is not None:
            cycle.end(at, cancelled=cancelled)

    def reopen(self, metric: str, at: pendulum.DateTime) -> None:
        mode = self.policy.reopen_mode(metric)
        cycles = self.cycles.get(metric, [])
        if mode is ReopenMode.CONTINUE:
            if cycles and cycles[-1].stop is not None and metric == "resolution":
                last = cycles[-1]
                last.pauses.append([last.stop, at])
                last.stop = None
            return
        if mode is ReopenMode.RESET:
            number = cycles[-1].number if cycles else 0
            self.cycles[metric] = [_Cycle(metric, number + 1, at)]
            return
        self.start(metric, at)

    def observe(self, before: Ticket | None, after: Ticket, event: e.Event) -> None:
        at, payload, status = event.at, event.payload, event.status
        if isinstance(payload, e.Received):
            self.start("first_response", payload.draft.received_at)
            self.start("resolution", payload.draft.received_at)
        was = before.status if before is not None else None
        if was in _DONE and status not in (*_DONE, *_FINAL):
            for metric in ("first_response", "resolution"):
                self.reopen(metric, at)
        by_customer = event.actor.kind is ActorKind.CUSTOMER
        if isinstance(payload, e.Commented) and by_customer and not payload.internal:
            self.start("next_response", at)
        replied = isinstance(payload, e.Responded | e.ResolvedAtFirstContact) or (
            isinstance(payload, e.Commented) and not by_customer and not payload.internal)
        if replied:
            self.stop("first_response", at)
            self.stop("next_response", at)
        self._steps(before, after, event)
        if status in _DONE and was not in _DONE:
            for metric in list(self.cycles):
                self.stop(metric, at)
        if status in _FINAL:
            for metric in list(self.cycles):
                self.stop(metric, at, cancelled=True)
        for metric, cycles in self.cycles.items():
            cycle = cycles[-1]
            if cycle.stop is None:
                if status in self.policy.pauses_in(metric):
                    cycle.pause(at)
                else:
                    cycle.resume(at)

    def _steps(self, before: Ticket | None, after: Ticket, event: e.Event) -> None:
        old = before.department if before is not None else None
        new = after.department
        if old != new and old is not None and old in self.policy.steps:
            self.stop(f"step:{old}", event.at)
        if isinstance(event.payload, e.SolutionProposed) and new is not None:
            self.stop(f"step:{new}", event.at)
        if old != new and new is not None and new in self.policy.steps:
            self.start(f"step:{new}", event.at)


def _span(target: Target, calendar: BusinessTime, a: dt.datetime, b: dt.datetime
          ) -> dt.timedelta:
    return calendar.between(a, b) if target.business else b - a


def _advance(target: Target, calendar: BusinessTime, a: pendulum.DateTime,
             by: dt.timedelta) -> pendulum.DateTime:
    return calendar.add(a, by) if target.business else a + by


def reach(clock: MetricClock, amount: dt.timedelta, calendar: BusinessTime
          ) -> pendulum.DateTime:
    """When the clock had used ``amount`` (projected from when it was measured if not yet)."""
    used = _ZERO
    for a, b in clock.segments:
        length = _span(clock.target, calendar, a, b)
        if used + length >= amount:
            return _advance(clock.target, calendar, a, amount - used)
        used += length
    tail = clock.stopped_at or clock.measured_at
    return _advance(clock.target, calendar, tail, amount - used)


def _measure_cycle(cycle: _Cycle, target: Target, calendar: BusinessTime,
                   now: pendulum.DateTime) -> MetricClock:
    end = cycle.stop or now
    segments: list[Span] = []
    cursor = cycle.start
    paused = _ZERO
    for p_start, p_end in cycle.pauses:
        assert p_start is not None
        stop = min(p_end or end, end)
        if p_start > cursor:
            segments.append((cursor, min(p_start, end)))
        if stop > p_start:
            paused += _span(target, calendar, max(p_start, cycle.start), stop)
        cursor = max(cursor, stop)
    if end > cursor:
        segments.append((cursor, end))
    zone = named_zone(getattr(calendar, "tz", "UTC"))
    allowed = budget(target, cycle.start, calendar, zone)
    consumed = sum((_span(target, calendar, a, b) for a, b in segments), _ZERO)
    ongoing_pause = bool(cycle.pauses) and cycle.pauses[-1][1] is None and cycle.stop is None
    if cycle.cancelled:
        state = ClockState.CANCELLED
    elif consumed > allowed:
        state = ClockState.BREACHED
    elif cycle.stop is not None:
        state = ClockState.MET
    else:
        state = ClockState.PAUSED if ongoing_pause else ClockState.RUNNING
    clock = MetricClock(
        metric=cycle.metric, cycle=cycle.number, target=target, started_at=cycle.start,
        stopped_at=cycle.stop, due_at=cycle.start, state=state, budget=allowed,
        consumed=consumed, paused=paused,
        pauses=tuple((a, b) for a, b in cycle.pauses if a is not None), segments=tuple(segments),
        measured_at=now,
    )
    return attrs.evolve(clock, due_at=reach(clock, allowed, calendar))


def stamped_version(events: Sequence[e.Event]) -> str | None:
    """The SLA policy version the ticket is measured under (last stamp wins)."""
    found = None
    for event in events:
        if isinstance(event.payload, e.SlaStamped):
            found = event.payload.version
    return found


def measure(events: Sequence[e.Event], policy: SlaPolicy | Mapping[str, SlaPolicy],
            calendar: BusinessTime, now: dt.datetime) -> SlaStatus:
    """The state of every SLA clock of the ticket whose log is ``events``, at ``now``.

    ``policy`` is one policy or a mapping of versions to policies; a ticket
    stamped with a version not supplied raises :class:`SlaPolicyMismatch`.
    """
    at = instant(now, "now")
    if not events:
        raise ValidationError("measure needs the ticket's events", field="events")
    book = {policy.version: policy} if isinstance(policy, SlaPolicy) else dict(policy)
    version = stamped_version(events)
    if version is None:
        if len(book) != 1:
            raise ValidationError("an unstamped ticket needs exactly one policy", field="policy")
        version = next(iter(book))
    if version not in book:
        raise SlaPolicyMismatch(events[0].ticket_id, version, sorted(book))
    chosen = book[version]
    tracker = _Tracker(chosen)
    ticket: Ticket | None = None
    for event in events:
        if event.at > at:
            break
        after = evolve(ticket, event) if ticket is not None else Ticket.replay([event])
        tracker.observe(ticket, after, event)
        ticket = after
    assert ticket is not None
    clocks: list[MetricClock] = []
    for metric, cycles in tracker.cycles.items():
        target = chosen.target(metric, ticket)
        if target is None:
            continue
        clocks.extend(_measure_cycle(cycle, target, calendar, at) for cycle in cycles)
    order = {name: index for index, name in enumerate(METRICS)}
    clocks.sort(key=lambda c: (order.get(c.metric, len(order)), c.metric, c.cycle))
    return SlaStatus(ticket.id, version, at, tuple(clocks))
