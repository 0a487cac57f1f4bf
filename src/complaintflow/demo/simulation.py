"""A month of customer feedback through the whole desk, deterministic for a seed.

:func:`simulate` plays May 2024 in a China office on the store it is
given: feedback arrives in Chinese and English on every channel of seed
000, day and night and on holidays; a :class:`~complaintflow.ManualClock`
moves through an agenda of timed steps; agents respond, investigate,
transfer and propose solutions (money above their authority waits for a
supervisor, manager or director, per :meth:`ApprovalPolicy.default`);
customers accept, decline or withdraw; duplicates are merged; the
month's survey round (:mod:`complaintflow.demo.surveys`) samples resolved
tickets by stratum, records refusals, invalid answers and second
follow-ups, and unsatisfied customers reopen their ticket to a supervisor.
Praise naming a colleague is forwarded to them; assignees commit new times
when a deadline will slip.  The SLA sweep and outbox delivery run every
hour.  Some tickets stall and run overdue, as they do in a real office.

This module is the driver: the days to play, each day's rhythm (arrivals,
the morning draw of the survey round, the hourly sweep) and the summary of
the month.  The office itself, its calendar, people and their steps, is
:mod:`complaintflow.demo.office`; the feedback texts and names are
:mod:`complaintflow.demo.data`.

Nothing here touches a file, the network or the real clock; the CLI
(``complaintflow demo``) wraps it with a SQLite store and a progress bar.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from functools import partial

import attrs
import pendulum

from complaintflow.demo.office import (
    MONTH,
    ZONE,
    CountingNotifier,
    OfficeMonth,
    office_calendar,
)
from complaintflow.demo.surveys import MonthlyRound
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.storage.protocol import TicketStore

__all__ = ["MONTH", "ZONE", "CountingNotifier", "SimulationResult", "office_calendar", "simulate"]


@attrs.frozen
class SimulationResult:
    """What the simulated month did; the store holds the tickets themselves."""

    year: int
    month: int
    started_at: pendulum.DateTime
    ended_at: pendulum.DateTime
    business_days: int
    tickets: int
    repeats: int
    statuses: dict[str, int]
    notifications: dict[str, int]
    sweeps: int
    alerts: int
    surveys: int
    reopened: int
    #: The month's survey round: sent, refused, answered, invalid, followups (二次回访).
    survey_round: dict[str, int]
    #: New resolution times the assignees committed to customers in advance.
    committed: int


def simulate(
    store: TicketStore,
    *,
    seed: int = 0,
    days: int | None = None,
    lang: str = "zh",
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Play May 2024 (or its first ``days`` office days) on ``store``.

    The same ``seed`` gives the same tickets, events and report.  ``lang``
    (``zh`` or ``en``) is the language of customer notifications.
    ``progress(done, total)`` is called after each simulated day.
    """
    if days is not None and days < 1:
        raise ValueError("days must be at least 1")
    sim = OfficeMonth(store, seed, lang)
    year, month = MONTH
    survey_round = MonthlyRound(sim, f"{year}-{month:02d}")
    plan = _plan(sim.calendar, days)
    for index, day in enumerate(plan):
        sim.arrivals(day)
        for hour in range(8, 24):
            sim.at(pendulum.datetime(day.year, day.month, day.day, hour, 59, tz=ZONE), sim.sweep)
        sim.at(
            pendulum.datetime(day.year, day.month, day.day, 8, 30, tz=ZONE),
            partial(survey_round.draw, day),
        )
        sim.run_until(pendulum.datetime(day.year, day.month, day.day, 23, 59, 59, tz=ZONE))
        if progress is not None:
            progress(index + 1, len(plan))
    statuses: Counter[str] = Counter()
    cursor: str | None = None
    while True:
        page = store.find(limit=500, cursor=cursor)
        statuses.update(t.status.value for t in page.items)
        if page.cursor is None:
            break
        cursor = page.cursor
    return SimulationResult(
        year,
        month,
        pendulum.datetime(year, month, 1, tz=ZONE),
        sim.clock.now(),
        sum(map(_is_workday, plan, [sim.calendar] * len(plan))),
        sim.tickets,
        sim.repeats,
        dict(sorted(statuses.items())),
        dict(sorted(sim.notifier.sent.items())),
        sim.sweeps,
        sim.alerts,
        sim.surveys,
        len(sim.reopened),
        {
            k: survey_round.figures[k]
            for k in ("sent", "refused", "answered", "invalid", "followups")
        },
        sim.committed,
    )


def _is_workday(day: dt.date, calendar: BusinessCalendar) -> bool:
    return calendar.is_open(pendulum.datetime(day.year, day.month, day.day, 10, tz=ZONE))


def _plan(calendar: BusinessCalendar, days: int | None) -> list[dt.date]:
    """The dates to play: the whole month, or up to its ``days``-th office day."""
    year, month = MONTH
    plan: list[dt.date] = []
    day, worked = dt.date(year, month, 1), 0
    while day.month == month and (days is None or worked < days):
        plan.append(day)
        worked += _is_workday(day, calendar)
        day += dt.timedelta(days=1)
    return plan
