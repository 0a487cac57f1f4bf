"""Survey rounds through the desk (seed 003): sample, sent, refused, answered, valid.

Seed 003's numbers: sample at least 10 % per service type (complaints in
full), scores 1-5, a 3-minute call, refusals written 「客户拒访，建议线上渠道
跟进」, invalid data (重复回访, 随意填写, 信息明显错误) removed, and a second
follow-up (二次回访) for the unsatisfied and those who made suggestions,
in the 24-72 hour window.  Every test runs on the memory and SQLite stores.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import pytest

from complaintflow import (
    Actor,
    Channel,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    SlaPolicy,
    Status,
    SurveyResponse,
    Ticket,
    TicketDraft,
    ValidationError,
)
from complaintflow.demo.story import START
from complaintflow.domain import commands as c
from complaintflow.domain.audit import describe
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import apply
from complaintflow.domain.vocabulary import Category, Kind
from complaintflow.metrics import MonthlyReport, monthly_report
from complaintflow.satisfaction import SurveySampler, second_followups
from complaintflow.storage.sqlite import SqliteStore
from complaintflow.testing import AGENT, SUPERVISOR, office_week

CUSTOMER = Actor.customer("C9")
CALENDAR = office_week()
ROUND = "2024-05"
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ComplaintDesk]:
    store = InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "r.db")
    serial = count(1)
    yield ComplaintDesk(store, ManualClock(START), ids=lambda: f"t{next(serial):03d}")
    if isinstance(store, SqliteStore):
        store.close()


def later(desk: ComplaintDesk, minutes: float = 1) -> None:
    assert isinstance(desk.clock, ManualClock)
    desk.clock.advance(minutes * MINUTE)


def inquiry(desk: ComplaintDesk, text: str = "请问发票怎么开？") -> Ticket:
    t = desk.intake(
        TicketDraft(
            text,
            Channel.CHAT,
            desk.clock.now(),
            Customer("C9"),
            kind=Kind.INQUIRY,
            category=Category.BILLING_INVOICE,
        )
    )
    later(desk)
    return desk.resolve_now(t.id, "在订单页点击“申请发票”即可", actor=AGENT)


def complaint(desk: ComplaintDesk, text: str = "包裹破损，里面的杯子碎了") -> Ticket:
    t = desk.intake(
        TicketDraft(
            text,
            Channel.PHONE,
            desk.clock.now(),
            Customer("C9"),
            kind=Kind.COMPLAINT,
            category=Category.LOGISTICS_PACKAGE,
            priority="P3",
        )
    )
    desk.triage(t.id, Kind.COMPLAINT, Category.LOGISTICS_PACKAGE, "P3", actor=AGENT)
    desk.assign(t.id, "a1", actor=AGENT)
    desk.investigate(t.id, actor=AGENT)
    later(desk, 10)
    desk.respond(t.id, "已联系仓库，给您补发一只杯子", actor=AGENT)
    desk.propose_solution(t.id, "补发", actor=AGENT)
    later(desk, 10)
    desk.customer_accepts(t.id, actor=CUSTOMER)
    later(desk, 60)
    return desk.complete(t.id, actor=AGENT)


def may_report(logs: list[list[Event]]) -> MonthlyReport:
    return monthly_report(
        logs,
        year=2024,
        month=5,
        zone="Asia/Shanghai",
        policy=SlaPolicy.default(),
        calendar=CALENDAR,
    )


def send_round(desk: ComplaintDesk, tickets: list[Ticket]) -> list[Ticket]:
    drawn = SurveySampler(rate=0.10, seed=ROUND).draw(tickets)
    for d in drawn:
        desk.send_survey(
            d.ticket.id,
            ROUND,
            actor=AGENT,
            stratum=d.stratum,
            population=d.population,
            sample=d.sample,
        )
    return [d.ticket for d in drawn]


def test_a_round_reports_sample_participation_and_valid_rate(desk: ComplaintDesk) -> None:
    inquiries = [inquiry(desk) for _ in range(20)]
    complaints = [complaint(desk), complaint(desk)]
    later(desk, 24 * 60)  # seed 003: 24-72 hours after the service
    drawn = send_round(desk, inquiries + complaints)
    # 10 % of 20 inquiries is 2; complaints are surveyed in full.
    assert len(drawn) == 4
    assert set(complaints) <= set(drawn)
    a, b = [t for t in drawn if t.kind is Kind.INQUIRY]
    c1, c2 = complaints

    later(desk, 30)
    started = desk.clock.now() - 3 * MINUTE  # seed 003's three-minute call
    answer = SurveyResponse.from_csat(5)
    desk.answer_survey(a.id, ROUND, answer, actor=CUSTOMER, answers=(5, 4, 5), started_at=started)
    refused = desk.refuse_survey(b.id, ROUND, actor=AGENT)
    assert describe(desk.history(refused.id)[-1]) == (
        "survey refused, round 2024-05: 客户拒访，建议线上渠道跟进"
    )
    low = SurveyResponse.from_csat(2, comment="处理太慢")
    reopened = desk.answer_survey(
        c1.id, ROUND, low, actor=CUSTOMER, answers=(2, 3, 2), started_at=started, reopen_to="s1"
    )
    assert reopened.status is Status.INVESTIGATING
    assert reopened.assignee == "s1"
    *_, answer_event, told = desk.history(c1.id)  # then the supervisor is told of the reopen
    assert told.payload.type == "notification_queued"
    assert "survey_reopened" in told.payload.key
    last = answer_event.payload
    assert isinstance(last, c.rounds.SurveyAnswered)
    assert last.valid
    assert last.followup_from == last.answered_at + dt.timedelta(hours=24)
    assert last.followup_by == last.answered_at + dt.timedelta(hours=72)

    four = SurveyResponse.from_csat(4)
    quick = desk.clock.now() - dt.timedelta(seconds=5)
    desk.answer_survey(c2.id, ROUND, four, actor=CUSTOMER, answers=(4, 3, 4), started_at=quick)
    desk.answer_survey(c2.id, ROUND, four, actor=CUSTOMER, answers=(4, 4, 4, 4))
    suggests = desk.answer_survey(
        c2.id, ROUND, four, actor=CUSTOMER, answers=(4, 3, 5), suggestion="希望增加夜间在线客服"
    )
    assert suggests.survey == four  # the valid answer is the ticket's survey
    desk.answer_survey(c2.id, ROUND, four, actor=CUSTOMER, answers=(5, 3, 4))
    said = [describe(ev) for ev in desk.history(c2.id)[-4:]]
    assert [s.rsplit("invalid: ", 1)[-1] for s in (said[0], said[1], said[3])] == [
        "too_fast",
        "same_answer",
        "duplicate",
    ]
    assert "second follow-up by" in said[2]
    assert "希望增加夜间在线客服" in said[2]

    owed = second_followups([desk.history(t.id) for t in drawn], calendar=CALENDAR)
    assert [(f.ticket_id, f.reason) for f in owed] == [
        (c1.id, "unsatisfied"),
        (c2.id, "suggestion"),
    ]
    slot = owed[0].slot  # answered on a Tuesday: called back 24 hours later, in the window
    assert slot is not None
    assert slot.in_window
    assert slot.at == owed[0].answered_at + dt.timedelta(hours=24)
    later(desk, 24 * 60)
    desk.send_survey(c2.id, ROUND, actor=SUPERVISOR, stratum="complaint/logistics", followup=True)
    owed = second_followups([desk.history(t.id) for t in drawn])
    assert [f.ticket_id for f in owed] == [c1.id]

    logs = [desk.history(t.id) for t in (*inquiries, *complaints)]
    report = monthly_report(
        logs,
        year=2024,
        month=5,
        zone="Asia/Shanghai",
        policy=SlaPolicy.default(),
        calendar=CALENDAR,
    )
    (survey_round,) = report.survey_rounds
    by = {f.stratum: f for f in survey_round.strata}
    inq, comp = by["inquiry/billing"], by["complaint/logistics"]
    assert (inq.population, inq.sample, inq.sent, inq.answered, inq.refused, inq.valid) == (
        20, 2, 2, 1, 1, 1,
    )  # fmt: skip
    assert (inq.participation.value, inq.valid_rate.value) == (0.5, 0.5)
    assert (comp.population, comp.sample, comp.sent, comp.answered, comp.valid) == (2, 2, 2, 2, 2)
    assert dict(comp.invalid) == {"duplicate": 1, "same_answer": 1, "too_fast": 1}
    assert (comp.followups_due, comp.followups_done) == (2, 1)
    total = survey_round.total
    assert (total.population, total.sent, total.valid, total.refused) == (22, 4, 3, 1)
    assert report.surveys_sent == (4, 1)
    assert report.satisfaction.responses == 3  # invalid answers are not scored

    data = json.loads(json.dumps(report.to_dict()))
    assert data["survey_rounds"][0]["total"]["valid_rate"]["value"] == 0.75
    zh, en = report.to_markdown("zh"), report.to_markdown("en")
    assert [(g.category, g.count) for g in report.suggestions] == [("survey", 1)]
    for word in (
        "样本量",
        "参与率",
        "有效回收率",
        "客户拒访",
        "二次回访",
        "用时过短",
        "回访中的改进建议",
    ):
        assert word in zh
    for word in ("Sample", "Participation", "Valid-response rate", "too fast"):
        assert word in en
    assert "inquiry/billing" in report.to_html("en")
    assert "有效回收率" in report.to_html("zh")
    assert "complaint/logistics | 2 | 2 | 2 | 2 | 0 | 2 | 3 (" in en


def test_an_answer_before_the_questionnaire_went_out_is_invalid(desk: ComplaintDesk) -> None:
    (t,) = [complaint(desk)]
    later(desk, 24 * 60)
    sent_at = desk.clock.now()
    send_round(desk, [t])
    later(desk, 30)
    early = SurveyResponse.from_csat(5)
    desk.answer_survey(t.id, ROUND, early, actor=AGENT, answered_at=sent_at - MINUTE)
    payload = desk.history(t.id)[-1].payload
    assert isinstance(payload, c.rounds.SurveyAnswered)
    assert payload.invalid == "answered_before_sent"
    assert desk.get(t.id).survey is None


def test_a_lowest_score_without_a_reason_is_kept_and_flagged(desk: ComplaintDesk) -> None:
    t = inquiry(desk)
    send_round(desk, [t])
    later(desk, 30)
    desk.answer_survey(t.id, ROUND, SurveyResponse.from_csat(1), actor=CUSTOMER)
    payload = desk.history(t.id)[-2].payload  # [-1]: the supervisor told of the reopen
    assert isinstance(payload, c.rounds.SurveyAnswered)
    assert payload.valid
    assert payload.flags == ("low_score_no_reason",)
    assert payload.followup_by is not None  # unsatisfied: a second follow-up


def test_an_answer_to_a_round_never_sent_is_invalid_and_bad_input_is_refused(
    desk: ComplaintDesk,
) -> None:
    t = inquiry(desk)
    desk.answer_survey(t.id, ROUND, SurveyResponse.from_csat(5), actor=CUSTOMER)
    payload = desk.history(t.id)[-1].payload
    assert isinstance(payload, c.rounds.SurveyAnswered)
    assert payload.invalid == "not_sent"
    assert desk.get(t.id).survey is None
    before = desk.history(t.id)
    with pytest.raises(ValidationError, match=r"ComplaintDesk\.answer_survey"):
        apply(
            desk.get(t.id),
            c.AnswerSurvey(ROUND, SurveyResponse.from_csat(5)),
            actor=CUSTOMER,
            at=desk.clock.now(),
        )
    with pytest.raises(ValidationError, match="sample"):
        c.SendSurvey(ROUND, population=3, sample=4)
    with pytest.raises(ValidationError, match="answers"):
        c.AnswerSurvey(ROUND, SurveyResponse.from_csat(5), answers=(5, "5"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="answered_at"):
        desk.answer_survey(
            t.id, ROUND, SurveyResponse.from_csat(5), actor=CUSTOMER,
            answered_at=desk.clock.now() + MINUTE,
        )  # fmt: skip
    assert desk.history(t.id) == before  # nothing recorded by the refused commands


def test_an_unsatisfied_round_answer_drops_the_promise_of_the_cycle_it_reopens(
    desk: ComplaintDesk,
) -> None:
    """Like ``record_survey``: the new handling cycle makes no promise yet."""
    t = complaint(desk)
    reopened = desk.reopen(t.id, "客户来电，问题复现", actor=SUPERVISOR)
    promised = desk.clock.now() + dt.timedelta(days=2)
    desk.commit_time(t.id, promised, "配件明天到货", actor=AGENT)
    assert desk.get(reopened.id).committed_at == promised
    desk.propose_solution(t.id, "换新", actor=AGENT)
    later(desk, 10)
    desk.customer_accepts(t.id, actor=CUSTOMER)
    desk.complete(t.id, actor=AGENT)
    later(desk, 24 * 60)
    desk.send_survey(t.id, ROUND, actor=AGENT, stratum="complaint", population=1, sample=1)
    later(desk, 30)
    low = SurveyResponse.from_csat(1, comment="还是坏的")
    again = desk.answer_survey(
        t.id,
        ROUND,
        low,
        actor=CUSTOMER,
        answers=(1, 1, 2),
        started_at=desk.clock.now() - 3 * MINUTE,
    )
    assert again.status is Status.INVESTIGATING
    assert again.committed_at is None
