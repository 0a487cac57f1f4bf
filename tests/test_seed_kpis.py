"""Seed 001's FCR and AHT, seed 000's 办结 / execution split and monthly suggestions.

Through `ComplaintDesk` on the memory and SQLite stores:

- seed 001 FAQ 2 「一次性解决率：在第一次与客户沟通时就成功解决其问题的投诉所占的比例」,
  beside the older `resolve_now` measure;
- seed 001 FAQ 2 「平均处理时间 (AHT)：从投诉工单创建到最终关闭所花费的平均时间」,
  beside the older receipt → resolution;
- seed 000 §2.3.2 「办结时限（给出解决方案）」 and the execution after it;
- seed 000 §2.3.1 「建议类：客服专员收集整理，每月汇总至产品/运营部」.
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
    SurveyResponse,
    Ticket,
    TicketDraft,
)
from complaintflow.demo.story import START
from complaintflow.domain.events import Event
from complaintflow.domain.vocabulary import Category, Kind
from complaintflow.metrics import MonthlyReport, monthly_report
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.storage.sqlite import SqliteStore
from complaintflow.testing import AGENT

CUSTOMER = Actor.customer("C9")
CALENDAR = BusinessCalendar(tz="Asia/Shanghai", week=dict.fromkeys(range(7), (("00:00", "24:00"),)))
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(params=["memory", "sqlite"])
def desk(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ComplaintDesk]:
    store = InMemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "k.db")
    serial = count(1)
    yield ComplaintDesk(store, ManualClock(START), ids=lambda: f"t{next(serial):03d}")
    if isinstance(store, SqliteStore):
        store.close()


def later(desk: ComplaintDesk, minutes: float) -> None:
    assert isinstance(desk.clock, ManualClock)
    desk.clock.advance(minutes * MINUTE)


def opened(desk: ComplaintDesk, kind: Kind, category: Category, text: str) -> Ticket:
    draft = TicketDraft(
        text, Channel.PHONE, desk.clock.now(), Customer("C9"), kind=kind, category=category
    )
    t = desk.intake(draft)
    if kind is Kind.COMPLAINT:
        desk.triage(t.id, kind, category, "P3", actor=AGENT)
        desk.assign(t.id, "a1", actor=AGENT)
        desk.investigate(t.id, actor=AGENT)
    return t


def solve(desk: ComplaintDesk, t: Ticket, *, contacts: int = 1, declined: bool = False) -> Ticket:
    """``contacts`` replies, a solution (declined once if told), accepted and carried out."""
    for n in range(contacts):
        later(desk, 10)
        desk.respond(t.id, f"第{n + 1}次联系：已核实", actor=AGENT)
    if declined:
        desk.propose_solution(t.id, "补偿 5 元优惠券", actor=AGENT)
        desk.customer_declines(t.id, "太少了", actor=CUSTOMER)
    desk.propose_solution(t.id, "补发一只杯子", actor=AGENT)  # 办结: the solution is given
    later(desk, 30)
    desk.customer_accepts(t.id, actor=CUSTOMER)
    later(desk, 90)
    return desk.complete(t.id, actor=AGENT)  # executed


def may(desk: ComplaintDesk, tickets: list[Ticket]) -> MonthlyReport:
    logs: list[list[Event]] = [desk.history(t.id) for t in tickets]
    return monthly_report(
        logs,
        year=2024,
        month=5,
        zone="Asia/Shanghai",
        policy=SlaPolicy.default(),
        calendar=CALENDAR,
    )


def package(desk: ComplaintDesk) -> Ticket:
    return opened(desk, Kind.COMPLAINT, Category.LOGISTICS_PACKAGE, "包裹破损，里面的杯子碎了")


def test_fcr_counts_complaints_solved_at_first_contact(desk: ComplaintDesk) -> None:
    first = solve(desk, package(desk))
    twice = solve(desk, package(desk), contacts=2)
    declined = solve(desk, package(desk), declined=True)
    moved = package(desk)
    desk.transfer(moved.id, "warehouse", "需仓库核实", actor=AGENT)
    desk.investigate(moved.id, actor=AGENT)
    moved = solve(desk, moved)
    asked = opened(desk, Kind.INQUIRY, Category.BILLING_INVOICE, "请问发票怎么开？")
    asked = desk.resolve_now(asked.id, "在订单页申请", actor=AGENT)

    report = may(desk, [first, twice, declined, moved, asked])
    assert (report.complaint_fcr.numerator, report.complaint_fcr.denominator) == (1, 4)
    # The older measure: resolve_now, which only inquiries and praise may use.
    rate = report.first_contact_resolution
    assert (rate.numerator, rate.denominator) == (1, 5)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["complaint_first_contact_resolution"]["value"] == 0.25
    zh, en = report.to_markdown("zh"), report.to_markdown("en")
    assert "一次性解决率（投诉，种子 001） | 25.0%（1/本月解决投诉 4 件）" in zh
    assert "当场解决率（咨询、表扬 resolve_now） | 20.0%（1/本月解决 5 件）" in zh
    assert "First contact resolution (complaints) | 25.0% (1 of 4 complaints resolved)" in en
    assert "Resolved on the spot (resolve_now)" in report.to_html("en")


def test_aht_from_creation_to_close_beside_receipt_to_resolution(desk: ComplaintDesk) -> None:
    t = solve(desk, package(desk))  # created 10:00, resolved 12:10
    later(desk, 60)
    desk.record_survey(t.id, SurveyResponse.from_csat(5), actor=CUSTOMER)
    later(desk, 110)
    closed = desk.close(t.id, actor=AGENT)  # 15:00
    still_open = package(desk)

    report = may(desk, [closed, still_open])
    assert report.handle_time.wall.mean == dt.timedelta(hours=2, minutes=10)
    assert report.handle_time_closed is not None
    assert report.handle_time_closed.wall.mean == dt.timedelta(hours=5)
    assert report.handle_time_closed.pending == 1
    en = report.to_markdown("en")
    assert "| AHT (created → closed) | 5h 00m | 5h 00m |" in en
    assert "平均处理时间 AHT（创建→关闭）" in report.to_markdown("zh")


def test_solution_given_and_its_execution_are_timed_apart(desk: ComplaintDesk) -> None:
    t = solve(desk, package(desk))  # 10:00 received, 10:10 solution given, 12:10 done
    report = may(desk, [t])
    times = report.solution_times
    assert times is not None
    assert times.to_solution.wall.mean == dt.timedelta(minutes=10)
    assert times.execution.wall.mean == dt.timedelta(hours=2)
    data = report.to_dict()
    assert data["execution"]["wall"]["mean_seconds"] == 7200
    assert "办结（受理→给出解决方案）" in report.to_markdown("zh")
    assert "Execution (solution given → done)" in report.to_html("en")


def test_the_months_suggestions_go_to_the_product_team_by_category(desk: ComplaintDesk) -> None:
    # Seed 000 §2.2.1's own examples of 建议类 feedback.
    tracking = opened(
        desk,
        Kind.SUGGESTION,
        Category.PRODUCT_DESIGN,
        "建议增加订单实时物流追踪功能，方便的话请回电 13812345678",
    )
    again = opened(desk, Kind.SUGGESTION, Category.PRODUCT_DESIGN, "希望订单页能看到快递员位置")
    longer = opened(desk, Kind.SUGGESTION, Category.POLICY_REFUND_RULES, "希望延长售后退换货时间")
    broken = package(desk)

    report = may(desk, [tracking, again, longer, broken])
    groups = [(g.category, g.count) for g in report.suggestions]
    assert groups == [("product.design", 2), ("policy.refund_rules", 1)]
    examples = report.suggestions[0].examples
    assert examples[0][0] == tracking.number
    assert "13812345678" not in examples[0][1]
    zh = report.to_markdown("zh")
    assert "本月建议汇总（供产品/运营部）" in zh
    assert "**政策-退款规则** — 1" in zh
    assert "13812345678" not in report.to_html("en")
