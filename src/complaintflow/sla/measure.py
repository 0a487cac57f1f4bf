"""Where each SLA clock stands at an instant: cycles, plus targets and a calendar.

The ticket's snapshot carries each metric's latest *cycle* (started,
paused, stopped; :mod:`complaintflow.domain.sla_state`); :func:`measure`
adds what the snapshot cannot know: the target the stamped policy sets for
this ticket, and the calendar that turns it into a budget and a deadline.
Each cycle's time is counted on the target's own clock, so pauses and
breaches are in business time for business targets and wall time for
elapsed ones.  Given the event log instead, it reports every cycle the
ticket went through (the audit view).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence

import attrs
import pendulum

from complaintflow.clock import instant, named_zone
from complaintflow.domain import events as e
from complaintflow.domain.fold import advance_clocks, evolve
from complaintflow.domain.sla_state import ClockRules, Cycle, SlaClocks
from complaintflow.domain.ticket import Ticket
from complaintflow.errors import SlaPolicyMismatch, ValidationError
from complaintflow.sla.policy import METRICS, SlaPolicy
from complaintflow.sla.targets import BusinessTime, Target, budget

__all__ = ["ClockState", "MetricClock", "SlaPolicyMismatch", "SlaStatus", "measure"]

_ZERO = dt.timedelta(0)


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
    #: Keys of the alerts already recorded on this cycle (from the snapshot).
    alerts: tuple[str, ...] = ()
    #: Which layer of the policy set the target (``SlaRule.layer``), for ``explain()``.
    layer: str | None = None

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
    def ticking(self) -> bool:
        """Using its budget right now: not stopped and not paused."""
        return self.stopped_at is None and not (self.pauses and self.pauses[-1][1] is None)


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


def _span(target: Target, calendar: BusinessTime, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    return calendar.between(a, b) if target.business else b - a


def _advance(
    target: Target, calendar: BusinessTime, a: pendulum.DateTime, by: dt.timedelta
) -> pendulum.DateTime:
    # Wall-time arithmetic can land in a repeated hour: instant() makes it exact again.
    return calendar.add(a, by) if target.business else instant(a + by)


def reach(clock: MetricClock, amount: dt.timedelta, calendar: BusinessTime) -> pendulum.DateTime:
    """When the clock had used ``amount`` (projected from when it was measured if not yet)."""
    used = _ZERO
    for a, b in clock.segments:
        length = _span(clock.target, calendar, a, b)
        if used + length >= amount:
            return _advance(clock.target, calendar, a, amount - used)
        used += length
    tail = clock.stopped_at or clock.measured_at
    return _advance(clock.target, calendar, tail, amount - used)


def _measure_cycle(
    cycle: Cycle,
    target: Target,
    calendar: BusinessTime,
    now: pendulum.DateTime,
    layer: str | None = None,
) -> MetricClock:
    end = cycle.stopped_at or now
    segments: list[Span] = []
    cursor = cycle.started_at
    paused = _ZERO
    for p_start, p_end in cycle.pauses:
        stop = min(p_end or end, end)
        if p_start > cursor:
            segments.append((cursor, min(p_start, end)))
        if stop > p_start:
            paused += _span(target, calendar, max(p_start, cycle.started_at), stop)
        cursor = max(cursor, stop)
    if end > cursor:
        segments.append((cursor, end))
    zone = named_zone(getattr(calendar, "tz", "UTC"))
    allowed = budget(target, cycle.started_at, calendar, zone)
    consumed = sum((_span(target, calendar, a, b) for a, b in segments), _ZERO)
    # A running clock that has used its whole budget is breached, even while the calendar
    # is closed and no more business time passes: ``due_alerts`` lists the breach from
    # the same instant, and an agent must not read "running, 0 left" on a late ticket.
    if cycle.cancelled:
        state = ClockState.CANCELLED
    elif consumed > allowed or (cycle.stopped_at is None and consumed >= allowed):
        state = ClockState.BREACHED
    elif cycle.stopped_at is not None:
        state = ClockState.MET
    else:
        state = ClockState.PAUSED if cycle.paused else ClockState.RUNNING
    clock = MetricClock(
        metric=cycle.metric,
        cycle=cycle.number,
        target=target,
        started_at=cycle.started_at,
        stopped_at=cycle.stopped_at,
        due_at=cycle.started_at,
        state=state,
        budget=allowed,
        consumed=consumed,
        paused=paused,
        pauses=cycle.pauses,
        segments=tuple(segments),
        measured_at=now,
        alerts=cycle.alerts,
        layer=layer,
    )
    return attrs.evolve(clock, due_at=reach(clock, allowed, calendar))


def stamped_version(events: Sequence[e.Event]) -> str | None:
    """The SLA policy version the ticket is measured under (last stamp wins)."""
    found = None
    for event in events:
        if isinstance(event.payload, e.SlaStamped):
            found = event.payload.version
    return found


def cycle_history(
    events: Sequence[e.Event], version: str, rules: ClockRules
) -> tuple[Ticket, list[Cycle]]:
    """Every cycle the log went through under ``rules`` (the audit view), and the ticket.

    The snapshot keeps only each metric's latest cycle; this folds the log
    and keeps the others too, except those a ``reset`` reopening forgot.
    """
    clocks = SlaClocks(version, rules)
    seen: dict[tuple[str, int], Cycle] = {}
    ticket: Ticket | None = None
    for event in events:
        after = Ticket.replay([event]) if ticket is None else evolve(ticket, event)
        clocks = advance_clocks(clocks, ticket, after, event)
        for cycle in clocks.cycles:
            if cycle.reset and (cycle.metric, cycle.number) not in seen:
                seen = {key: old for key, old in seen.items() if key[0] != cycle.metric}
            seen[cycle.metric, cycle.number] = cycle
        ticket = after
    assert ticket is not None
    return ticket, list(seen.values())


def _book(policy: SlaPolicy | Mapping[str, SlaPolicy]) -> dict[str, SlaPolicy]:
    return {policy.version: policy} if isinstance(policy, SlaPolicy) else dict(policy)


def _chosen(book: dict[str, SlaPolicy], ticket_id: str, version: str | None) -> SlaPolicy:
    if version is None:
        if len(book) != 1:
            raise ValidationError("an unstamped ticket needs exactly one policy", field="policy")
        version = next(iter(book))
    if version not in book:
        raise SlaPolicyMismatch(ticket_id, version, sorted(book))
    return book[version]


def measure(
    subject: Ticket | Sequence[e.Event],
    policy: SlaPolicy | Mapping[str, SlaPolicy],
    calendar: BusinessTime,
    now: dt.datetime,
) -> SlaStatus:
    """The state of every SLA clock of a ticket at ``now``.

    Given the ticket (its snapshot), this reads the clocks it carries: each
    metric's latest cycle, at a cost that does not grow with its history;
    ``now`` must not be before its last change.  Given its event log, it
    folds the log up to ``now`` and reports every cycle (the audit view).
    ``policy`` is one policy or a mapping of versions to policies; a ticket
    stamped with a version not supplied raises :class:`SlaPolicyMismatch`.
    """
    at = instant(now, "now")
    book = _book(policy)
    if isinstance(subject, Ticket):
        ticket = subject
        if ticket.sla is None:
            raise ValidationError(
                f"ticket {ticket.id} carries no SLA clocks (it was never stamped, or was "
                "stored before clocks lived in the snapshot): measure its events instead, "
                "or let the desk complete it",
                field="ticket",
            )
        if at < ticket.updated_at:
            raise ValidationError(
                f"now={at} is before the ticket's last change ({ticket.updated_at}); "
                "measure its events to look into the past",
                field="now",
            )
        chosen = _chosen(book, ticket.id, ticket.sla.version)
        cycles = list(ticket.sla.cycles)
    else:
        events = [event for event in subject if event.at <= at]
        if not events:
            raise ValidationError("measure needs the ticket's events", field="events")
        chosen = _chosen(book, events[0].ticket_id, stamped_version(events))
        ticket, cycles = cycle_history(events, chosen.version, chosen.clock_rules())
    clocks: list[MetricClock] = []
    for cycle in cycles:
        target = chosen.target(cycle.metric, ticket)
        if target is not None:
            clocks.append(
                _measure_cycle(
                    cycle, target, calendar, at, chosen.target_layer(cycle.metric, ticket)
                )
            )
    order = {name: index for index, name in enumerate(METRICS)}
    clocks.sort(key=lambda c: (order.get(c.metric, len(order)), c.metric, c.cycle))
    return SlaStatus(ticket.id, chosen.version, at, tuple(clocks))
