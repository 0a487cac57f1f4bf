"""The simulated month behind ``complaintflow demo``: driver and office, one seed, one month."""

from __future__ import annotations

import pytest

from complaintflow.demo import office as simulation_office
from complaintflow.demo import simulation
from complaintflow.demo.simulation import (
    MONTH,
    ZONE,
    CountingNotifier,
    SimulationResult,
    office_calendar,
    simulate,
)
from complaintflow.domain import events as e
from complaintflow.domain.commands.promise import TimeCommitted
from complaintflow.service.notifications import NotificationKind
from complaintflow.storage.memory import InMemoryStore


def test_the_driver_keeps_offering_the_office_names_it_always_had() -> None:
    """cli.py and benchmarks/desk.py import these from ``complaintflow.demo.simulation``."""
    assert set(simulation.__all__) == {
        "MONTH",
        "ZONE",
        "CountingNotifier",
        "SimulationResult",
        "office_calendar",
        "simulate",
    }
    assert (MONTH, ZONE) == ((2024, 5), "Asia/Shanghai")
    assert CountingNotifier is simulation_office.CountingNotifier
    assert office_calendar is simulation_office.office_calendar


def _events(store: InMemoryStore) -> list[str]:
    page = store.find(limit=10_000)
    return [repr(store.events(t.id)) for t in page.items]


def test_two_office_days_on_memory_are_the_same_for_a_seed() -> None:
    days: list[tuple[int, int]] = []
    first, again = InMemoryStore(), InMemoryStore()
    result = simulate(
        first, seed=5, days=2, progress=lambda done, total: days.append((done, total))
    )
    assert isinstance(result, SimulationResult)
    assert result.business_days == 2
    assert days == [(n, len(days)) for n in range(1, len(days) + 1)]  # one call a day
    assert result.tickets > 0
    assert simulate(again, seed=5, days=2) == result
    assert _events(again) == _events(first)


def test_a_month_needs_at_least_one_day() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        simulate(InMemoryStore(), days=0)


def test_a_week_exercises_the_survey_round_and_the_staff_notifications() -> None:
    """Issue 13: sends by stratum, refusals, invalid answers, call-backs, praise, new times."""
    store = InMemoryStore()
    result = simulate(store, seed=0, days=6)
    staff_kinds = {str(kind) for kind in NotificationKind if kind.to_staff}
    assert staff_kinds <= set(result.notifications)  # every staff kind was delivered
    assert result.notifications["delay_notice"] >= result.committed > 0
    figures = result.survey_round
    assert figures["sent"] > figures["answered"] > 0
    assert min(figures["refused"], figures["invalid"], figures["followups"]) > 0
    payloads = [
        event.payload for t in store.find(limit=10_000).items for event in store.events(t.id)
    ]
    sent = [p for p in payloads if isinstance(p, e.SurveySent) and not p.followup]
    assert len(sent) == figures["sent"]
    assert {p.round for p in sent} == {"2024-05"}
    assert all(p.sample <= p.population for p in sent)
    assert {p.stratum.split("/")[0] for p in sent} <= {"complaint", "suggestion"}
    answered = [p for p in payloads if isinstance(p, e.SurveyAnswered)]
    assert sum(not p.valid for p in answered) == figures["invalid"]
    assert sum(p.valid for p in answered) == result.surveys
    assert any(isinstance(p, TimeCommitted) for p in payloads)
