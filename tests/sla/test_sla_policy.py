"""SlaPolicy: target selection, presets, validation; alerts and explanations."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from complaintflow import (
    ComplaintDesk,
    InMemoryStore,
    ManualClock,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain.commands import Assign, Investigate, Triage
from complaintflow.domain.lifecycle import apply
from complaintflow.domain.lifecycle import open_ticket as open_
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Customer
from complaintflow.domain.vocabulary import Priority, Role
from complaintflow.sla.alerts import AlertKind, due_alerts
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.explain import explain
from complaintflow.sla.measure import measure
from complaintflow.sla.policy import Escalation, ReopenMode, SlaMatch, SlaPolicy, SlaRule
from complaintflow.sla.targets import BusinessDays, BusinessHours, Elapsed
from complaintflow.testing import AGENT, OFFICE_WEEK
from complaintflow.testing import SHANGHAI as SH

CAL = BusinessCalendar(tz=SH, week=OFFICE_WEEK, holidays=[dt.date(2024, 6, 10)])


def ticket(
    priority: str = "P3",
    *,
    tier: str = "regular",
    channel: str = "phone",
    complex: bool = False,
    kind: str = "complaint",
) -> Ticket:
    draft = TicketDraft("x", channel, pendulum.datetime(2024, 6, 11, 9, tz=SH), Customer("c", tier))
    t, _ = open_(draft, ticket_id="t", number="n", actor=AGENT)
    t, _ = apply(t, Triage(kind, None, priority, complex=complex), actor=AGENT, at=t.updated_at)
    return t


def test_default_policy_is_the_spec_table() -> None:
    policy = SlaPolicy.default()
    assert policy.target("first_response", ticket("P1")) == BusinessHours(2)
    assert policy.target("resolution", ticket("P1")) == Elapsed(hours=24)
    assert policy.target("resolution", ticket("P1", complex=True)) == Elapsed(hours=48)
    for general in ("P2", "P3", "P4"):
        assert policy.target("first_response", ticket(general)) == BusinessHours(4)
        assert policy.target("resolution", ticket(general)) == BusinessDays(3)
    assert policy.target("next_response", ticket()) is None
    assert policy.target("step:technical", ticket()) == BusinessHours(2)
    assert policy.warnings == (0.75,)
    assert [(s.role, s.after) for s in policy.escalation] == [
        (Role.SUPERVISOR, 0.0),
        (Role.DEPARTMENT_MANAGER, 0.5),
    ]


def test_first_matching_rule_wins_per_metric_in_the_given_order() -> None:
    policy = SlaPolicy(
        version="v",
        fallback=SlaRule(
            SlaMatch(),
            first_response=BusinessHours(4),
            next_response=None,
            resolution=BusinessDays(3),
        ),
        rules=(
            SlaRule(SlaMatch(tier="vip"), first_response=BusinessHours(1)),
            SlaRule(
                SlaMatch(channel=["social"]),
                first_response=BusinessHours(0.5),
                resolution=Elapsed(hours=12),
            ),
        ),
    )
    vip_social = ticket(tier="vip", channel="social")
    assert policy.target("first_response", vip_social) == BusinessHours(1)  # rule 1
    assert policy.target("resolution", vip_social) == Elapsed(hours=12)  # rule 2
    assert policy.target("resolution", ticket()) == BusinessDays(3)  # fallback


def test_industry_presets_from_seed_002() -> None:
    assert SlaPolicy.preset("ecommerce").target("first_response", ticket()) == BusinessHours(1)
    assert SlaPolicy.preset("b2b").target("first_response", ticket("P2")) == BusinessHours(24)
    assert SlaPolicy.preset("medical").target("first_response", ticket()) == BusinessHours(0.5)
    assert SlaPolicy.preset("education").version == "education-1"
    with pytest.raises(ValidationError, match="unknown industry preset"):
        SlaPolicy.preset("casino")


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: BusinessHours(0), "hours"),
        (lambda: BusinessHours(True), "hours"),
        (lambda: Elapsed(hours=-1), "duration"),
        (lambda: Elapsed(dt.timedelta(hours=1), hours=1), "duration"),
        (lambda: BusinessDays(0), "days"),
        (lambda: BusinessDays(1.5), "days"),
        (lambda: SlaMatch(priority=["P9"]), "priority"),
        (lambda: Escalation(Role.SUPERVISOR, -0.1), "after"),
        (lambda: SlaPolicy(version="", fallback=SlaPolicy.default().fallback), "version"),
        (lambda: SlaPolicy(version="v", fallback=SlaRule(SlaMatch())), "first_response"),
        (
            lambda: SlaPolicy(version="v", fallback=SlaPolicy.default().fallback, warnings=[1.5]),
            "warnings",
        ),
        (
            lambda: SlaPolicy(
                version="v",
                fallback=SlaPolicy.default().fallback,
                reopen={"resolution": "sometimes"},
            ),
            "reopen",
        ),
        (
            lambda: SlaPolicy(
                version="v", fallback=SlaPolicy.default().fallback, pauses={"lunch": ["resolved"]}
            ),
            "pauses",
        ),
    ],
)
def test_bad_policy_input_is_refused_with_the_field(build, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as refused:
        build()
    assert refused.value.field == field


def test_unknown_metric_is_refused() -> None:
    with pytest.raises(ValidationError):
        SlaPolicy.default().target("happiness", ticket())


def test_reopen_modes_by_metric() -> None:
    policy = SlaPolicy(
        version="v", fallback=SlaPolicy.default().fallback, reopen={"resolution": "reset"}
    )
    assert policy.reopen_mode("resolution") is ReopenMode.RESET
    assert policy.reopen_mode("first_response") is ReopenMode.NEW_CYCLE


def _overdue_log() -> list:  # type: ignore[type-arg]
    draft = TicketDraft("x", "phone", pendulum.datetime(2024, 6, 7, 17, tz=SH))  # Friday
    t, log = open_(draft, ticket_id="t", number="n", actor=AGENT, sla_version="default-1")
    for command in (Triage("complaint", None, "P3"), Assign("a1", "warehouse"), Investigate()):
        t, more = apply(t, command, actor=AGENT, at=t.updated_at)
        log += more
    return log


def test_alerts_have_stable_keys_and_times() -> None:
    policy = SlaPolicy.default()
    status = measure(_overdue_log(), policy, CAL, pendulum.datetime(2024, 6, 11, 16, tz=SH))
    plan = due_alerts(status, policy, CAL)
    first = {a.key: a for a in plan.due if a.metric == "first_response"}
    assert sorted(first) == [
        "t:first_response:1:breach:1",
        "t:first_response:1:escalation:1.5:department_manager",
        "t:first_response:1:escalation:1:supervisor",
        "t:first_response:1:warning:0.75",
    ]
    # 4 business hours from Fri 17:00: Fri 17-18, Tue 09-12 -> due Tue 12:00
    assert first["t:first_response:1:breach:1"].at == pendulum.datetime(2024, 6, 11, 12, tz=SH)
    assert first["t:first_response:1:warning:0.75"].at == pendulum.datetime(2024, 6, 11, 11, tz=SH)
    assert first["t:first_response:1:escalation:1.5:department_manager"].at == pendulum.datetime(
        2024, 6, 11, 15, tz=SH
    )
    assert first["t:first_response:1:escalation:1:supervisor"].kind is AlertKind.ESCALATION
    again = due_alerts(
        measure(_overdue_log(), policy, CAL, pendulum.datetime(2024, 6, 11, 16, tz=SH)), policy, CAL
    )
    assert again == plan


def test_reminders_not_emitted_outside_service_hours_when_so_configured() -> None:
    policy = SlaPolicy.default()
    night = pendulum.datetime(2024, 6, 11, 23, tz=SH)
    plan = due_alerts(measure(_overdue_log(), policy, CAL, night), policy, CAL, staff_calendar=CAL)
    assert plan.due == ()
    assert plan.held
    assert plan.release_at == pendulum.datetime(2024, 6, 12, 9, tz=SH)
    morning = due_alerts(
        measure(_overdue_log(), policy, CAL, plan.release_at), policy, CAL, staff_calendar=CAL
    )
    assert {a.key for a in plan.held} <= {a.key for a in morning.due}


def test_no_alert_before_the_first_threshold() -> None:
    policy = SlaPolicy.default()
    status = measure(_overdue_log(), policy, CAL, pendulum.datetime(2024, 6, 11, 9, tz=SH))
    assert due_alerts(status, policy, CAL).due == ()


def test_explain_names_the_holiday_the_windows_and_the_first_open_minute() -> None:
    draft = TicketDraft("x", "phone", pendulum.datetime(2024, 6, 8, 15, tz=SH))  # Saturday
    _t, log = open_(draft, ticket_id="t", number="n", actor=AGENT)
    status = measure(log, SlaPolicy.default(), CAL, pendulum.datetime(2024, 6, 8, 16, tz=SH))
    clock = status.current("first_response")
    assert clock is not None
    why = explain(clock, CAL)
    assert why.due_at == pendulum.datetime(2024, 6, 11, 14, tz=SH)
    assert why.holidays == (dt.date(2024, 6, 10),)
    assert "first open minute, Tue 2024-06-11 09:00" in why.text
    assert "Skipped 2024-06-10 (Monday), a holiday." in why.text
    assert [(a.hour, b.hour) for a, b in why.windows] == [(9, 12), (13, 14)]


def test_explain_reports_dst_offset_changes() -> None:
    ny = BusinessCalendar(
        tz="America/New_York", week={day: [("09:00", "17:00")] for day in range(5)}
    )
    draft = TicketDraft("x", "email", pendulum.datetime(2024, 3, 8, 16, tz="America/New_York"))
    _t, log = open_(draft, ticket_id="t", number="n", actor=AGENT)
    now = pendulum.datetime(2024, 3, 8, 16, 30, tz="America/New_York")
    clock = measure(log, SlaPolicy.default(), ny, now).current("first_response")
    assert clock is not None
    why = explain(clock, ny)
    assert why.due_at == pendulum.datetime(2024, 3, 11, 12, tz="America/New_York")
    assert [str(offset) for _, offset in why.offsets] == ["-1 day, 19:00:00", "-1 day, 20:00:00"]
    assert "Daylight saving time changed the offset: UTC-05:00" in why.text


def test_priority_is_an_ordered_enum_for_rules() -> None:
    assert SlaMatch(priority=[Priority.P1, "P2"]).priority == frozenset({Priority.P1, Priority.P2})


def test_presets_layer_over_the_default_and_keep_the_urgent_floor() -> None:
    """Seed 000 §2.3.2: urgent within 2 business hours; seed 002 §1: B2B may take 24 h."""
    b2b = SlaPolicy.preset("b2b")
    assert b2b.target("first_response", ticket("P1")) == BusinessHours(2)
    assert b2b.target("first_response", ticket("P3")) == BusinessHours(24)
    assert b2b.target("resolution", ticket("P1")) == SlaPolicy.default().target(
        "resolution", ticket("P1")
    )
    assert "kept by preset b2b" in b2b.target_layer("first_response", ticket("P1"))
    assert b2b.target_layer("first_response", ticket("P3")).startswith("preset b2b")
    # A faster industry target applies to urgent tickets too.
    assert SlaPolicy.preset("medical").target("first_response", ticket("P1")) == BusinessHours(0.5)
    # The host may say otherwise, explicitly.
    loose = SlaPolicy.preset("b2b", urgent_first_response=BusinessHours(8))
    assert loose.target("first_response", ticket("P1")) == BusinessHours(8)
    assert loose.target_layer("first_response", ticket("P1")).startswith("host")
    assert (
        SlaPolicy.preset("b2b", urgent_first_response=None).target("first_response", ticket("P1"))
        is None
    )


def test_explain_names_the_layer_that_set_the_target() -> None:
    calendar = BusinessCalendar(tz=SH, week=dict.fromkeys(range(5), (("09:00", "18:00"),)))
    clock = ManualClock(pendulum.datetime(2024, 6, 11, 10, tz=SH))
    desk = ComplaintDesk(InMemoryStore(), clock, sla=SlaPolicy.preset("b2b"), calendar=calendar)
    outage = desk.intake(TicketDraft("整条产线停了", "phone", clock.now(), Customer("c", "vip")))
    outage = desk.triage(outage.id, "complaint", "product.quality", "P1", actor=AGENT)
    status = desk.follow.status(outage, clock.now())
    assert status is not None
    first = status.current("first_response")
    assert first is not None
    assert first.due_at == pendulum.datetime(2024, 6, 11, 12, tz=SH)  # not Thursday 10:00
    assert (
        "(set by default: urgent (seed 000 §2.3.2) (kept by preset b2b))"
        in explain(first, calendar).text
    )
