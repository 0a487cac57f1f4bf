"""Surveys: scheduling, sampling, scoring (SPEC §2.6; seeds 000 §2.4, 001 §4.2, 003)."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pendulum
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Customer, SurveyResponse
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    CustomerTier,
    Kind,
    Priority,
    SatisfactionLevel,
    Status,
)
from complaintflow.errors import NaiveDatetimeError, ValidationError
from complaintflow.satisfaction import (
    Blackout,
    DuplicateSurveyResponse,
    SatisfactionSummary,
    SurveyMethod,
    SurveyRules,
    SurveySampler,
    SurveySchedulingError,
    SurveySlot,
    SurveyTiming,
    ces,
    csat_percent,
    default_method,
    level_shares,
    must_survey,
    nps,
    schedule_survey,
    service_type,
    unique_responses,
)
from complaintflow.sla import BusinessCalendar
from complaintflow.testing import OFFICE_WEEK, instant, office_week
from complaintflow.testing import SHANGHAI as TZ
from complaintflow.testing.strategies import calendar_kwargs, instants

OFFICE = office_week()
H = dt.timedelta(hours=1)
SATISFIED = SurveyResponse("satisfied")


at = instant


def ticket(
    id: str = "T1",
    *,
    kind: Kind | None = Kind.COMPLAINT,
    category: Category | None = Category.PRODUCT_QUALITY,
    priority: Priority | None = Priority.P3,
    tier: CustomerTier | None = CustomerTier.REGULAR,
    resolved_at: pendulum.DateTime | None = None,
) -> Ticket:
    received = at(2026, 5, 4, 10)
    return Ticket(
        id=id,
        number=f"TS20260504-{id}",
        version=1,
        last_seq=1,
        status=Status.RESOLVED if resolved_at else Status.INVESTIGATING,
        received_at=received,
        updated_at=resolved_at or received,
        channel=Channel.CHAT,
        description="APP订单支付失败",
        customer=None if tier is None else Customer(id=f"C-{id}", tier=tier),
        kind=kind,
        category=category,
        priority=priority,
        resolved_at=resolved_at,
    )


def blacked_out(t: dt.datetime, blackouts: tuple[Blackout, ...], tz: str) -> bool:
    """An independent reading of the blackout rule: local weekday and wall time."""
    local = t.astimezone(pendulum.timezone(tz))
    clock = local.time().isoformat()
    return any(
        b.weekday == local.weekday() and b.start <= clock < (b.end if b.end != "24:00" else "99")
        for b in blackouts
    )


# -- scheduling: seed examples -------------------------------------------------


def test_friday_afternoon_resolution_is_not_surveyed_on_monday_morning() -> None:
    # Resolved Friday 15:00: the 24-48 h questionnaire window is the weekend,
    # and Monday morning is a blackout (seed 003), so: Monday 13:00, flagged.
    slot = schedule_survey(at(2026, 5, 8, 15), method="questionnaire", calendar=OFFICE)
    assert slot.at == at(2026, 5, 11, 13)
    assert slot.method is SurveyMethod.QUESTIONNAIRE
    assert (slot.window_start, slot.window_end) == (at(2026, 5, 9, 15), at(2026, 5, 10, 15))
    assert not slot.in_window
    assert "after" in slot.reason


def test_call_window_reaching_monday_afternoon_is_in_window() -> None:
    # The 24-72 h call window of a Friday 15:00 resolution ends Monday 15:00.
    slot = schedule_survey(at(2026, 5, 8, 15), method=SurveyMethod.CALL, calendar=OFFICE)
    assert slot.at == at(2026, 5, 11, 13)
    assert slot.in_window


def test_call_window_over_weekend_and_holiday_lands_on_make_up_sunday() -> None:
    # National Day 2026: Sunday 27 Sept is a make-up working day.
    cal = BusinessCalendar(
        tz=TZ,
        week=OFFICE_WEEK,
        holidays=[dt.date(2026, 10, d) for d in range(1, 8)],
        workdays={dt.date(2026, 9, 27): [("09:00", "18:00")]},
    )
    slot = schedule_survey(at(2026, 9, 25, 10), method="call", calendar=cal)
    assert slot.at == at(2026, 9, 27, 9)  # the window opened Saturday 10:00
    assert slot.in_window
    # Resolved the day before the holiday: the whole window is closed.
    late = schedule_survey(at(2026, 9, 30, 10), method="call", calendar=cal)
    assert late.at == at(2026, 10, 8, 9)
    assert not late.in_window
    assert late.window_end == at(2026, 10, 3, 10)


def test_window_crossing_a_holiday_avoids_friday_afternoon() -> None:
    cal = BusinessCalendar(tz=TZ, week=OFFICE_WEEK, holidays=[dt.date(2026, 4, 30)])
    slot = schedule_survey(at(2026, 4, 29, 17), method="questionnaire", calendar=cal)
    assert slot.at == at(2026, 5, 1, 9)  # Thursday is a holiday; Friday morning it is
    assert slot.in_window


def test_online_rating_goes_out_at_resolution() -> None:
    slot = schedule_survey(at(2026, 5, 8, 15), method="online_rating", calendar=OFFICE)
    assert slot.at == at(2026, 5, 8, 15)  # Friday afternoon: ratings are exempt
    assert slot.in_window
    assert slot.reason == "the start of the window"
    evening = schedule_survey(at(2026, 5, 6, 19), method="online_rating", calendar=OFFICE)
    assert evening.at == at(2026, 5, 7, 9)


def test_schedule_from_a_ticket_uses_its_default_method() -> None:
    vip = ticket(tier=CustomerTier.VIP, resolved_at=at(2026, 5, 5, 10))
    slot = schedule_survey(vip, calendar=OFFICE)
    assert slot.method is SurveyMethod.CALL
    assert slot.at == at(2026, 5, 6, 10)


def test_rules_are_data() -> None:
    rules = SurveyRules(
        timing={"questionnaire": SurveyTiming(2 * H, 4 * H)},
        blackouts=[Blackout(1, "09:00", "24:00")],  # no Tuesdays after 9
    )
    assert rules.timing[SurveyMethod.CALL] == SurveyTiming(24 * H, 72 * H)
    slot = schedule_survey(at(2026, 5, 4, 16), method="questionnaire", calendar=OFFICE, rules=rules)
    assert slot.at == at(2026, 5, 6, 9)
    assert not slot.in_window


def test_scheduling_is_deterministic_and_returns_calendar_local_time() -> None:
    utc = pendulum.datetime(2026, 5, 8, 7, tz="UTC")  # 15:00 in Shanghai
    first = schedule_survey(utc, method="questionnaire", calendar=OFFICE)
    assert first == schedule_survey(utc, method="questionnaire", calendar=OFFICE)
    assert first.at.timezone_name == TZ


def test_no_slot_within_the_search_limit_is_a_typed_error() -> None:
    mondays = BusinessCalendar(tz=TZ, week={0: [("09:00", "12:00")]})
    with pytest.raises(SurveySchedulingError) as caught:
        schedule_survey(at(2026, 5, 8, 15), method="call", calendar=mondays)
    assert caught.value.method is SurveyMethod.CALL
    assert caught.value.field == "rules"


def test_default_method_follows_seed_000() -> None:
    assert default_method(ticket()) is SurveyMethod.QUESTIONNAIRE
    assert default_method(ticket(kind=Kind.SUGGESTION)) is SurveyMethod.QUESTIONNAIRE
    assert default_method(ticket(priority=Priority.P1)) is SurveyMethod.CALL
    assert default_method(ticket(tier=CustomerTier.VIP)) is SurveyMethod.CALL
    assert default_method(ticket(kind=Kind.SUGGESTION, tier=CustomerTier.VIP)) is (
        SurveyMethod.CALL
    )
    assert default_method(ticket(kind=Kind.INQUIRY, tier=CustomerTier.VIP)) is (
        SurveyMethod.ONLINE_RATING
    )
    assert default_method(ticket(kind=Kind.PRAISE)) is SurveyMethod.ONLINE_RATING
    assert default_method(ticket(kind=None, tier=None)) is SurveyMethod.QUESTIONNAIRE


# -- scheduling: properties ----------------------------------------------------

blackout_st = st.builds(
    lambda day, span: Blackout(
        day, f"{span[0] // 60:02d}:{span[0] % 60:02d}", f"{span[1] // 60:02d}:{span[1] % 60:02d}"
    ),
    st.integers(0, 6),
    st.lists(st.integers(0, 48), min_size=2, max_size=2, unique=True).map(
        lambda ab: (min(ab) * 30, max(ab) * 30)
    ),
)

methods = st.sampled_from(SurveyMethod)


def check_slot(
    slot: SurveySlot, resolved: dt.datetime, cal: BusinessCalendar, rules: SurveyRules
) -> None:
    timing = rules.timing[slot.method]
    # Compare in UTC: Python never finds a fold-1 wall time equal to another zone's.
    utc = resolved.astimezone(dt.UTC)  # the windows are elapsed hours
    start, end, when = (x.astimezone(dt.UTC) for x in (slot.window_start, slot.window_end, slot.at))
    assert start == utc + timing.earliest
    assert end == utc + timing.latest
    assert cal.is_open(slot.at)
    assert when >= start
    assert slot.in_window == (when <= end)
    if timing.avoid_blackouts:
        assert not blacked_out(slot.at, rules.blackouts, cal.tz)
        # Earliest: every open span that starts before the slot started in a blackout.
        for a, _ in cal.intervals(slot.window_start, slot.at):
            assert blacked_out(a, rules.blackouts, cal.tz)
    else:
        assert when == cal.next_open(slot.window_start).astimezone(dt.UTC)


@given(
    resolved=st.datetimes(
        min_value=dt.datetime(2024, 1, 1),
        max_value=dt.datetime(2026, 12, 31),
        timezones=st.sampled_from([pendulum.timezone(TZ), dt.UTC]),
    ),
    method=methods,
)
def test_office_slot_is_open_in_window_and_never_in_a_blackout(
    resolved: dt.datetime, method: SurveyMethod
) -> None:
    rules = SurveyRules()
    slot = schedule_survey(resolved, method=method, calendar=OFFICE, rules=rules)
    check_slot(slot, resolved, OFFICE, rules)
    local = slot.at.in_timezone(TZ)
    if method is not SurveyMethod.ONLINE_RATING:
        assert not (local.weekday() == 0 and local.hour < 12)  # Monday morning
        assert not (local.weekday() == 4 and local.hour >= 12)  # Friday afternoon


@given(data=st.data(), method=methods, blackouts=st.lists(blackout_st, max_size=4))
def test_any_calendar_slot_obeys_every_rule_or_is_refused(
    data: st.DataObject, method: SurveyMethod, blackouts: list[Blackout]
) -> None:
    kwargs: dict[str, Any] = data.draw(calendar_kwargs())
    cal = BusinessCalendar(**kwargs)
    resolved = data.draw(instants(kwargs))
    rules = SurveyRules(blackouts=blackouts)
    refused: SurveySchedulingError | None
    try:
        slot = schedule_survey(resolved, method=method, calendar=cal, rules=rules)
    except SurveySchedulingError as error:
        refused = error
    else:
        refused = None
    if refused is not None:
        event("no slot within the search limit")
        timing = rules.timing[method]
        span = timing.latest - timing.earliest + rules.search_limit
        # (pendulum drops a stdlib tzinfo on addition: stay in pendulum's UTC)
        assert refused.until.in_timezone("UTC") == refused.after.in_timezone("UTC") + span
        return
    event("in window" if slot.in_window else "after the window")
    check_slot(slot, resolved, cal, rules)


# -- scheduling: bad input -----------------------------------------------------


def test_naive_resolution_time_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError):
        schedule_survey(dt.datetime(2026, 5, 8, 15), method="call", calendar=OFFICE)


def test_unresolved_ticket_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_survey(ticket(), calendar=OFFICE)
    assert caught.value.field == "resolved_at"


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_survey(at(2026, 5, 8, 15), method="carrier pigeon", calendar=OFFICE)
    assert caught.value.field == "method"


def test_instant_without_method_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        schedule_survey(at(2026, 5, 8, 15), calendar=OFFICE)
    assert caught.value.field == "method"


def test_rules_of_the_wrong_type_are_refused() -> None:
    bad: Any = {"call": 1}
    with pytest.raises(ValidationError) as caught:
        schedule_survey(at(2026, 5, 8, 15), method="call", calendar=OFFICE, rules=bad)
    assert caught.value.field == "rules"


def test_default_method_refuses_a_non_ticket() -> None:
    with pytest.raises(ValidationError) as caught:
        default_method("T1")  # type: ignore[arg-type]
    assert caught.value.field == "ticket"


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ((7, "09:00", "12:00"), "weekday"),
        ((True, "09:00", "12:00"), "weekday"),
        ((0, "9:00", "12:00"), "start"),
        ((0, "09:60", "12:00"), "start"),
        ((0, "09:00", "24:30"), "end"),
        ((0, "12:00", "12:00"), "end"),
    ],
)
def test_bad_blackout_is_refused(args: tuple[Any, str, str], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Blackout(*args)
    assert caught.value.field == field


def test_bad_timing_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyTiming(48 * H, 24 * H)
    assert caught.value.field == "latest"
    with pytest.raises(ValidationError) as caught:
        SurveyTiming(-H, H)
    assert caught.value.field == "earliest"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"timing": [SurveyTiming(H, H)]}, "timing"),
        ({"timing": {"call": (H, 2 * H)}}, "timing"),
        ({"timing": {"fax": SurveyTiming(H, H)}}, "timing"),
        ({"blackouts": "Monday morning"}, "blackouts"),
        ({"blackouts": [(0, "00:00", "12:00")]}, "blackouts"),
        ({"search_limit": dt.timedelta(0)}, "search_limit"),
    ],
)
def test_bad_rules_are_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyRules(**kwargs)
    assert caught.value.field == field


# -- sampling -----------------------------------------------------------------


def inquiries(n: int, prefix: str = "I") -> list[Ticket]:
    return [
        ticket(f"{prefix}{i:03d}", kind=Kind.INQUIRY, category=Category.BILLING_INVOICE)
        for i in range(n)
    ]


def test_every_stratum_gets_its_share_rounded_up() -> None:
    population = [
        *inquiries(30),  # 3 of 30
        *inquiries(1, "J")[:1],  # same stratum as above: 31 -> 4
        ticket("S1", kind=Kind.SUGGESTION, category=Category.LOGISTICS_COURIER),  # 1 of 1
        *[ticket(f"P{i}", kind=Kind.PRAISE, category=None) for i in range(5)],  # 1 of 5
    ]
    chosen = SurveySampler(rate=0.10, seed=7).select(population)
    per = Counter(service_type(t) for t in chosen)
    assert per == {"inquiry/billing": 4, "suggestion/logistics": 1, "praise/unknown": 1}


def test_rate_arithmetic_is_exact() -> None:
    # 0.1 * 30 == 3.0000000000000004 in floats; the quota is still 3.
    assert SurveySampler(rate=0.1).quota(30) == 3
    assert SurveySampler(rate=Decimal("0.15")).quota(20) == 3
    assert SurveySampler(rate=Fraction(1, 3)).quota(4) == 2
    assert SurveySampler().rate == Fraction(1, 10)


def test_complaints_p1_and_vip_are_all_surveyed() -> None:
    complaints = [ticket(f"C{i}") for i in range(12)]
    p1 = [ticket(f"U{i}", kind=Kind.INQUIRY, priority=Priority.P1) for i in range(3)]
    vip = [ticket(f"V{i}", kind=Kind.PRAISE, tier=CustomerTier.VIP) for i in range(3)]
    rest = inquiries(40)
    chosen = {t.id for t in SurveySampler(seed=1).select([*rest, *complaints, *p1, *vip])}
    assert {t.id for t in [*complaints, *p1, *vip]} <= chosen
    assert all(must_survey(t) for t in [*complaints, *p1, *vip])
    assert not must_survey(rest[0])


def test_different_seeds_usually_choose_differently() -> None:
    population = inquiries(100)
    samples = {tuple(t.id for t in SurveySampler(seed=s).select(population)) for s in range(20)}
    assert len(samples) >= 18
    again = SurveySampler(seed="2026-05")
    assert again.select(population) == again.select(list(reversed(population)))


tickets_st = st.lists(
    st.builds(
        lambda n, kind, category, priority, tier: ticket(
            f"T{n}", kind=kind, category=category, priority=priority, tier=tier
        ),
        st.integers(0, 10_000),
        st.none() | st.sampled_from(Kind),
        st.none()
        | st.sampled_from(
            [
                Category.PRODUCT_QUALITY,
                Category.BILLING_PAYMENT,
                Category.BILLING_PRICE,
                Category.SERVICE_ATTITUDE,
            ]
        ),
        st.none() | st.sampled_from(Priority),
        st.none() | st.sampled_from(CustomerTier),
    ),
    max_size=60,
    unique_by=lambda t: t.id,
)
rates = st.one_of(
    st.floats(min_value=0.001, max_value=1.0),
    st.fractions(min_value=Fraction(1, 1000), max_value=1),
)


@given(
    population=tickets_st,
    rate=rates,
    seed=st.integers() | st.text(max_size=8),
    shuffle=st.randoms(use_true_random=False),
)
def test_sample_meets_quotas_and_ignores_input_order(
    population: list[Ticket], rate: float | Fraction, seed: int | str, shuffle: Any
) -> None:
    sampler = SurveySampler(rate=rate, seed=seed)
    chosen = sampler.select(population)
    exact = Fraction(str(rate)) if isinstance(rate, float) else rate
    sizes = Counter(service_type(t) for t in population)
    per = Counter(service_type(t) for t in chosen)
    for stratum, n in sizes.items():
        assert per[stratum] >= math.ceil(exact * n) >= 1
    ids = {t.id for t in chosen}
    assert len(ids) == len(chosen)
    assert {t.id for t in population if must_survey(t)} <= ids
    shuffled = list(population)
    shuffle.shuffle(shuffled)
    assert sampler.select(shuffled) == chosen
    assert [t.id for t in chosen] == sorted(ids)


@pytest.mark.parametrize("rate", [0, 0.0, -0.1, 1.01, 2, "0.1", True, None, float("nan")])
def test_rate_outside_zero_one_is_refused(rate: object) -> None:
    with pytest.raises(ValidationError) as caught:
        SurveySampler(rate=rate)
    assert caught.value.field == "rate"


def test_bad_seed_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        SurveySampler(seed=1.5)  # type: ignore[arg-type]
    assert caught.value.field == "seed"


@pytest.mark.parametrize("population", [["T1"], "T1", [ticket("A"), ticket("A")], 3])
def test_bad_population_is_refused(population: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        SurveySampler().select(population)
    assert caught.value.field == "tickets"


# -- scoring ------------------------------------------------------------------


def test_scores_by_the_seed_conventions() -> None:
    responses = [
        SurveyResponse.from_csat(5, nps=10, ces=1),
        SurveyResponse.from_csat(4, nps=9, ces=2),
        SurveyResponse.from_csat(3, nps=8, ces=4),
        SurveyResponse.from_csat(1, nps=3, ces=7),
        SurveyResponse("basically_satisfied"),  # a level only, e.g. from a phone call
    ]
    assert csat_percent(responses) == 50.0  # 2 of 4 scored 4-5
    assert nps(responses) == 25.0  # 2 promoters, 1 passive, 1 detractor of 4
    assert ces(responses) == 3.5
    assert level_shares(responses) == {
        SatisfactionLevel.SATISFIED: 20.0,
        SatisfactionLevel.BASICALLY_SATISFIED: 60.0,
        SatisfactionLevel.UNSATISFIED: 20.0,
    }
    summary = SatisfactionSummary.of(responses)
    assert summary.responses == 5
    assert summary.levels[SatisfactionLevel.BASICALLY_SATISFIED] == 3
    assert (summary.promoters, summary.passives, summary.detractors) == (2, 1, 1)
    assert (summary.csat_responses, summary.nps_responses, summary.ces_responses) == (4, 4, 4)
    assert (summary.csat_percent, summary.nps, summary.ces) == (50.0, 25.0, 3.5)


def test_no_responses_means_no_scores() -> None:
    assert csat_percent([]) is None
    assert nps([]) is None
    assert ces([]) is None
    assert level_shares([]) is None
    summary = SatisfactionSummary.of([])
    assert summary.responses == 0
    assert summary.levels == dict.fromkeys(SatisfactionLevel, 0)
    assert summary.level_shares is None
    assert (summary.csat_percent, summary.nps, summary.ces) == (None, None, None)
    assert nps([SurveyResponse("satisfied")]) is None


responses_st = st.lists(
    st.builds(
        SurveyResponse.from_csat,
        st.integers(1, 5),
        nps=st.none() | st.integers(0, 10),
        ces=st.none() | st.integers(1, 7),
    ),
    max_size=40,
)


@given(responses_st)
def test_scores_stay_in_range(responses: list[SurveyResponse]) -> None:
    summary = SatisfactionSummary.of(responses)
    if responses:
        assert summary.csat_percent is not None
        assert 0 <= summary.csat_percent <= 100
        assert summary.level_shares is not None
        assert math.isclose(sum(summary.level_shares.values()), 100.0)
    if summary.nps is not None:
        assert -100 <= summary.nps <= 100
        assert summary.promoters + summary.passives + summary.detractors == summary.nps_responses
    if summary.ces is not None:
        assert 1 <= summary.ces <= 7
    assert sum(summary.levels.values()) == summary.responses == len(responses)


@pytest.mark.parametrize("score", [csat_percent, nps, ces, level_shares, SatisfactionSummary.of])
def test_scores_refuse_what_is_not_a_response(score: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        score([SurveyResponse("satisfied"), {"csat": 5}])
    assert caught.value.field == "responses"
    with pytest.raises(ValidationError):
        score("satisfied")


def test_invalid_scores_are_refused_by_the_response() -> None:
    with pytest.raises(ValidationError) as caught:
        SurveyResponse.from_csat(5, nps=11)
    assert caught.value.field == "nps"


def test_one_response_per_ticket_and_survey() -> None:
    first = SurveyResponse.from_csat(5)
    pairs = [("T1", first), ("T2", first), ("T1", SurveyResponse.from_csat(2, survey="call"))]
    assert unique_responses(pairs) == [first, first, pairs[2][1]]
    with pytest.raises(DuplicateSurveyResponse) as caught:
        unique_responses([*pairs, ("T1", SurveyResponse.from_csat(4))])
    assert (caught.value.ticket_id, caught.value.survey) == ("T1", "resolution")
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize(
    "pairs",
    [[SATISFIED], [("T1", "satisfied")], [(1, SATISFIED)], [("T1", SATISFIED, "x")], "T1"],
)
def test_unique_responses_refuses_bad_pairs(pairs: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        unique_responses(pairs)
    assert caught.value.field == "responses"
