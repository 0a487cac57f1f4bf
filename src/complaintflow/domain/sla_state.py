"""The SLA clocks a ticket carries in its snapshot, advanced event by event.

A command or a sweep needs to know where each SLA clock stands; reading
the whole event log for that made every command cost more the longer a
ticket lived.  So the fold keeps, for each metric, its *latest cycle*
(when it started, its pauses, whether it stopped, the alerts recorded on
it) in the ticket itself.  Measuring a ticket then costs O(its open
cycles), whatever its history.

Which statuses pause a metric and what a reopening does come from the SLA
policy the ticket was stamped with: :class:`ClockRules` is that part of
the policy, carried by the ``sla_stamped`` event, so the log alone
rebuilds the same clocks (``Ticket.replay(events) == snapshot``).  Targets,
budgets and deadlines need the policy's targets and a calendar; they are
computed when the clocks are measured (:mod:`complaintflow.sla.measure`),
never stored.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

import attrs
import pendulum

from complaintflow.domain.vocabulary import Status

__all__ = ["REOPENABLE", "ClockRules", "Cycle", "ReopenMode", "ResolutionEnd", "SlaClocks"]

_DONE = frozenset({Status.RESOLVED, Status.CLOSED})
_FINAL = frozenset({Status.MERGED, Status.WITHDRAWN})
#: The metrics a reopening restarts (a reply clock starts on a customer message instead).
REOPENABLE = ("first_response", "resolution")


class ReopenMode(enum.StrEnum):
    """What a metric's clock does when a resolved or closed ticket reopens.

    ``continue``: the same cycle goes on; the time spent resolved counts as
    a pause.  ``new_cycle``: a fresh clock with the full target starts at
    the reopening; the earlier cycle keeps its outcome.  ``reset``: like a
    new cycle, but earlier cycles are forgotten (they are no longer reported).
    """

    CONTINUE = "continue"
    NEW_CYCLE = "new_cycle"
    RESET = "reset"


class ResolutionEnd(enum.StrEnum):
    """Where the resolution clock stops.

    ``solution_given``: seed 000 §2.3.2's 办结时限（给出解决方案）: when the
    solution reaches the customer (the ticket enters ``awaiting_customer``);
    a declined solution sends the ticket back and the same cycle goes on,
    the time with the customer counting as a pause.  The execution after
    it is reported as its own step (the monthly report's execution time).
    ``resolved``: when the solution has been carried out (``complete``) or
    the ticket was resolved at first contact.
    """

    SOLUTION_GIVEN = "solution_given"
    RESOLVED = "resolved"


Pause = tuple[pendulum.DateTime, pendulum.DateTime | None]


@attrs.frozen
class ClockRules:
    """The part of an SLA policy that shapes the clocks (not their targets).

    ``pauses``: per metric, the statuses in which its clock stands still.
    ``reopen``: per metric of :data:`REOPENABLE`, what a reopening does.
    ``steps``: departments with a per-step target (``step:<department>``).
    ``resolution_end``: where the resolution clock stops; ``resolved`` when
    absent, as in logs stamped before it existed (new policies default to
    ``solution_given``, seed 000's 办结).
    """

    pauses: tuple[tuple[str, tuple[Status, ...]], ...] = ()
    reopen: tuple[tuple[str, ReopenMode], ...] = ()
    steps: tuple[str, ...] = ()
    resolution_end: ResolutionEnd = ResolutionEnd.RESOLVED

    def pauses_in(self, metric: str) -> tuple[Status, ...]:
        for name, statuses in self.pauses:
            if name == metric:
                return statuses
        return ()

    def reopen_mode(self, metric: str) -> ReopenMode:
        for name, mode in self.reopen:
            if name == metric:
                return mode
        return ReopenMode.NEW_CYCLE


@attrs.frozen
class Cycle:
    """One cycle of one metric: started, maybe paused, maybe stopped or cancelled.

    ``alerts`` are the keys of the SLA alerts recorded on this cycle, so a
    sweep never records one twice and never needs the log to know.
    """

    metric: str
    number: int
    started_at: pendulum.DateTime
    stopped_at: pendulum.DateTime | None = None
    cancelled: bool = False
    pauses: tuple[Pause, ...] = ()
    alerts: tuple[str, ...] = ()
    #: Started by a reopening in ``reset`` mode: earlier cycles are no longer reported.
    reset: bool = False

    @property
    def running(self) -> bool:
        """Not stopped; it may still be paused."""
        return self.stopped_at is None

    @property
    def paused(self) -> bool:
        return self.stopped_at is None and bool(self.pauses) and self.pauses[-1][1] is None

    def pause(self, at: pendulum.DateTime) -> Cycle:
        if self.stopped_at is not None or self.paused:
            return self
        return attrs.evolve(self, pauses=(*self.pauses, (at, None)))

    def resume(self, at: pendulum.DateTime) -> Cycle:
        if not self.paused:
            return self
        return attrs.evolve(self, pauses=(*self.pauses[:-1], (self.pauses[-1][0], at)))

    def stop(self, at: pendulum.DateTime, *, cancelled: bool = False) -> Cycle:
        if self.stopped_at is not None:
            return self
        return attrs.evolve(self.resume(at), stopped_at=at, cancelled=cancelled)


@attrs.frozen
class SlaClocks:
    """Every metric's latest cycle, under the stamped policy ``version`` and its ``rules``."""

    version: str
    rules: ClockRules
    cycles: tuple[Cycle, ...] = ()

    def cycle(self, metric: str) -> Cycle | None:
        for cycle in self.cycles:
            if cycle.metric == metric:
                return cycle
        return None

    @property
    def alerts(self) -> frozenset[str]:
        """Keys of the alerts recorded on the current cycles."""
        return frozenset(key for cycle in self.cycles for key in cycle.alerts)


class ClockChange:
    """The clocks while one event is folded in: a small mutable work area, then frozen."""

    def __init__(self, clocks: SlaClocks) -> None:
        self.rules = clocks.rules
        self.by_metric = {cycle.metric: cycle for cycle in clocks.cycles}

    def start(self, metric: str, at: pendulum.DateTime) -> None:
        last = self.by_metric.get(metric)
        if last is None or not last.running:
            number = last.number + 1 if last is not None else 1
            self.by_metric.pop(metric, None)  # a new cycle goes to the end (start order)
            self.by_metric[metric] = Cycle(metric, number, at)

    def stop(self, metric: str, at: pendulum.DateTime, *, cancelled: bool = False) -> None:
        last = self.by_metric.get(metric)
        if last is not None and last.running:
            self.by_metric[metric] = last.stop(at, cancelled=cancelled)

    def stop_all(self, at: pendulum.DateTime, *, cancelled: bool = False) -> None:
        for metric in list(self.by_metric):
            self.stop(metric, at, cancelled=cancelled)

    def reopen(self, metric: str, at: pendulum.DateTime) -> None:
        last = self.by_metric.get(metric)
        mode = self.rules.reopen_mode(metric)
        if mode is ReopenMode.CONTINUE:
            if last is not None and last.stopped_at is not None and not last.cancelled:
                self.by_metric[metric] = attrs.evolve(
                    last, stopped_at=None, pauses=(*last.pauses, (last.stopped_at, at))
                )
            elif last is None:
                self.start(metric, at)
            return
        self.start(metric, at)
        if mode is ReopenMode.RESET and metric in self.by_metric:
            self.by_metric[metric] = attrs.evolve(self.by_metric[metric], reset=True)

    def carry_on(self, metric: str, at: pendulum.DateTime) -> None:
        """A stopped cycle runs again; the time it stood stopped counts as a pause."""
        last = self.by_metric.get(metric)
        if last is not None and last.stopped_at is not None and not last.cancelled:
            self.by_metric[metric] = attrs.evolve(
                last, stopped_at=None, pauses=(*last.pauses, (last.stopped_at, at))
            )

    def settle(self, status: Status, at: pendulum.DateTime) -> None:
        """Pause or resume every running cycle for the status the ticket is now in."""
        for metric, cycle in self.by_metric.items():
            if cycle.running:
                paused = status in self.rules.pauses_in(metric)
                self.by_metric[metric] = cycle.pause(at) if paused else cycle.resume(at)

    def record_alert(self, metric: str, number: int, key: str) -> None:
        last = self.by_metric.get(metric)
        if last is not None and last.number == number and key not in last.alerts:
            self.by_metric[metric] = attrs.evolve(last, alerts=(*last.alerts, key))

    def frozen(self, clocks: SlaClocks) -> SlaClocks:
        return attrs.evolve(clocks, cycles=tuple(self.by_metric.values()))


def rules_from(
    pauses: Iterable[tuple[str, Iterable[Status]]],
    reopen: Iterable[tuple[str, ReopenMode]],
    steps: Iterable[str],
    resolution_end: ResolutionEnd = ResolutionEnd.RESOLVED,
) -> ClockRules:
    """:class:`ClockRules` in a canonical order, so equal policies give equal rules."""
    return ClockRules(
        pauses=tuple(sorted((metric, tuple(sorted(states))) for metric, states in pauses)),
        reopen=tuple(sorted(reopen)),
        steps=tuple(sorted(steps)),
        resolution_end=resolution_end,
    )


def is_done(status: Status) -> bool:
    return status in _DONE


def is_final(status: Status) -> bool:
    return status in _FINAL
