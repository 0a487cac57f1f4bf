"""The report's staff notifications section (issue 13: "the report shows them").

A month of tickets driven through ``ComplaintDesk`` on the memory store
triggers every kind of staff notification and both customer notices of
seed 001 §4.1; the report, read from the logs only, must count what the
outbox received, by cause, by SLA alert kind and by kind of recipient, in
the month it was queued.  A property drives random stories and recounts
the outbox the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from itertools import count
from typing import Any

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow import (
    Actor,
    BusinessCalendar,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    KeywordClassifier,
    ManualClock,
    Money,
    Role,
    Router,
    SlaPolicy,
    SurveyResponse,
    TicketDraft,
)
from complaintflow.errors import ComplaintflowError
from complaintflow.metrics import MonthlyReport, monthly_report
from complaintflow.metrics._facts import Period, collect
from complaintflow.metrics._staff import StaffNotices, staff_notices_of

SH = "Asia/Shanghai"
CAL = BusinessCalendar(
    tz=SH, week=dict.fromkeys(range(5), (("09:00", "12:00"), ("13:00", "18:00")))
)
AGENT = Actor.staff("wang.li", Role.AGENT)
SUPERVISOR = Actor.staff("zhao.min", Role.SUPERVISOR)
CUSTOMER = Actor.customer("VIP20240520001")
PHONE = "13812345678"
CLASSIFIER = KeywordClassifier()  # built once: its matcher takes a tenth of a second


def at(day: int, hour: int, minute: int = 0, month: int = 5) -> pendulum.DateTime:
    return pendulum.datetime(2024, month, day, hour, minute, tz=SH)


class Office:
    """A desk whose outbox is emptied after every step, each item noted with its month."""

    def __init__(self, **kw: Any) -> None:
        serial = count(1)
        self.store = InMemoryStore()
        self.clock = ManualClock(at(20, 10))
        self.desk, self.classifying = (
            ComplaintDesk(
                self.store,
                self.clock,
                sla=SlaPolicy.default(),
                calendar=CAL,
                ids=lambda: f"t{next(serial)}",
                **more,
            )
            for more in (kw, {"classifier": CLASSIFIER, **kw})
        )
        self.ids: list[str] = []
        self.sent: list[tuple[int, str, dict[str, Any]]] = []  # (month, id, payload)

    def drain(self) -> None:
        now = self.clock.now()
        items = self.store.claim_outbox(
            worker="t", limit=1000, lease=dt.timedelta(hours=1), now=now
        )
        self.sent += [(now.in_timezone(SH).month, item.id, item.payload) for item in items]
        self.store.ack_outbox([item.id for item in items])

    def intake(self, text: str, *, classify: bool = False, **kw: Any) -> str:
        """``classify``: intake triages and routes (routing's ``notify``) at once."""
        customer = Customer("VIP20240520001", "vip", phone=PHONE)
        desk = self.classifying if classify else self.desk
        ticket = desk.intake(TicketDraft(text, "phone", self.clock.now(), customer, **kw))
        self.ids.append(ticket.id)
        self.drain()
        return ticket.id

    def do(self, name: str, *args: Any, **kw: Any) -> None:
        getattr(self.desk, name)(*args, **kw)
        self.drain()

    def sweep(self, when: pendulum.DateTime) -> None:
        self.clock.set(when)
        self.desk.sweep()
        self.drain()

    def report(self, month: int) -> MonthlyReport:
        return monthly_report(
            [self.desk.history(tid) for tid in self.ids],
            year=2024,
            month=month,
            zone=SH,
            policy=SlaPolicy.default(),
            calendar=CAL,
        )

    def recount(self, month: int) -> StaffNotices:
        """The section as the outbox saw it: what a brute-force reader of deliveries counts."""
        mine = [(key, p) for m, key, p in self.sent if m == month]
        staff = [p for _, p in mine if p["audience"] == "staff"]
        # TICKET:METRIC:CYCLE:KIND:THRESHOLD[:ROLE]:staff
        alerts = Counter(key.split(":")[3] for key, p in mine if p["kind"] == "sla_alert")
        notices = [(key, p) for key, p in mine if p["kind"] == "delay_notice"]
        noticed: set[str] = set()
        breached: set[str] = set()
        for m, key, p in self.sent:  # in the order they were queued, up to the month's end
            ticket = key.partition(":")[0]
            if m == month and p["kind"] == "delay_notice":
                noticed.add(ticket)
            elif ticket in noticed and m <= month and ":resolution:" in key and ":breach:" in key:
                breached.add(ticket)
        return StaffNotices(
            {kind: sum(p["kind"] == kind for p in staff) for kind in StaffNotices.empty().by_kind},
            {kind: alerts[kind] for kind in ("warning", "breach", "escalation")},
            {
                kind: sum(p["recipient"].startswith(f"{kind}:") for p in staff)
                for kind in ("role", "department", "user")
            },
            len(notices),
            sum(not key.endswith(":notice") for key, _ in notices),
            len(breached),
            sum(p["kind"] == "overdue_apology" for _, p in mine),
        )


def month_of_stories() -> Office:
    office = Office(router=Router.default())
    # seed 001 §2.2: P1 product quality -> the quality director, the supervisor, the department
    office.intake(
        f"手表充电时冒烟了，请回电 {PHONE}",
        classify=True,
        category="product.quality",
        priority="P1",
    )
    # an SLA ladder on a P3 owned by wang.li: warning Mon 14:00, breach + escalation 15:00
    ladder = office.intake("快递一周还没到，物流信息不更新")
    office.do("triage", ladder, "complaint", "logistics.timeliness", "P3", actor=AGENT)
    office.do("assign", ladder, "wang.li", actor=SUPERVISOR)
    # seed 000 §2.4.2: unsatisfied -> reopened, the supervisor leads
    unhappy = office.intake("产品质量问题，要求退货")
    office.do("triage", unhappy, "complaint", "product.quality", "P3", actor=AGENT)
    office.do("assign", unhappy, "wang.li", actor=SUPERVISOR)
    office.do("investigate", unhappy, actor=AGENT)
    office.do("propose_solution", unhappy, "为您办理全额退款", actor=AGENT)
    office.do("customer_accepts", unhappy, actor=CUSTOMER)
    office.do("complete", unhappy, actor=AGENT)
    office.do("record_survey", unhappy, SurveyResponse.from_csat(1), actor=CUSTOMER)
    # seed 001 §3.2: over 500 yuan waits for the department manager
    costly = office.intake("产品质量问题，要求赔偿")
    office.do("triage", costly, "complaint", "product.quality", "P3", actor=AGENT)
    office.do("assign", costly, "wang.li", actor=SUPERVISOR)
    office.do("investigate", costly, actor=AGENT)
    office.do("propose_solution", costly, "赔偿", actor=AGENT, amount=Money("800.00", "CNY"))
    # seed 000 §2.3.1: praise forwarded to the colleague it names
    office.intake(
        "客服小王耐心解答，非常感谢！", classify=True, kind="praise", tags=("praised:wang.li",)
    )
    # seed 001 §4.1: a P1 told in advance by the sweep, then breached anyway ...
    late = office.intake("重复扣款两次")
    office.do("triage", late, "complaint", "billing.payment", "P1", actor=AGENT)
    office.do("assign", late, "wang.li", actor=SUPERVISOR)
    office.do("respond", late, "您好，正在核实扣款", actor=AGENT)
    # ... and one whose assignee commits a new time, then gives the solution in time
    kept = office.intake("退款一直没到账")
    office.do("triage", kept, "complaint", "billing.payment", "P1", actor=AGENT)
    office.do("assign", kept, "wang.li", actor=SUPERVISOR)
    office.do("respond", kept, "您好，正在核实", actor=AGENT)
    office.sweep(at(20, 14))
    office.sweep(at(20, 15))
    office.clock.set(at(20, 16))
    office.do("commit_time", kept, at(21, 9), "银行回单需一个工作日", actor=AGENT)
    office.sweep(at(21, 7, 36))
    office.do("investigate", kept, actor=AGENT)
    office.do("propose_solution", kept, "已退款", actor=AGENT)
    office.sweep(at(21, 10))
    office.sweep(at(3, 10, month=6))  # June's alerts are June's
    return office


@pytest.fixture(scope="module")
def office() -> Office:
    return month_of_stories()


def test_the_month_counts_what_the_outbox_received(office: Office) -> None:
    may, june = office.report(5).staff_notices, office.report(6).staff_notices
    assert may == office.recount(5)
    assert june == office.recount(6)
    assert june.total > 0  # the June sweep's alerts are not May's


def test_each_cause_of_the_seeds_is_counted(office: Office) -> None:
    s = office.report(5).staff_notices
    assert all(s.by_kind[kind] >= 1 for kind in s.by_kind), s.by_kind
    assert s.by_kind["routed"] == 3  # the director, the supervisor, the quality department
    assert s.by_kind["survey_reopened"] == 1
    assert s.by_kind["approval_waiting"] == 1
    assert s.by_kind["praise_forwarded"] == 1
    assert s.by_kind["sla_alert"] == sum(s.alerts.values())
    assert all(s.alerts[kind] >= 1 for kind in s.alerts), s.alerts
    assert sum(s.by_recipient.values()) == s.total
    assert all(s.by_recipient[kind] >= 1 for kind in s.by_recipient), s.by_recipient
    # seed 001 §4.1: the sweep told both P1s left to run (the smoking watch, the double
    # charge) and both breached; the assignee's own notice kept its ticket in time
    assert (s.delay_notices, s.committed, s.breached_after_notice) == (3, 1, 2)
    assert s.apologies >= 3  # the P3's and the two late P1s'


def test_the_section_renders_in_both_languages_and_as_data(office: Office) -> None:
    report = office.report(5)
    s = report.staff_notices
    data = json.loads(json.dumps(report.to_dict()))["staff_notifications"]
    assert data["total"] == s.total
    assert data["by_kind"] == dict(s.by_kind)
    assert data["sla_alerts"] == dict(s.alerts)
    assert data["by_recipient"] == dict(s.by_recipient)
    assert data["delay_notices"] == {"sent": 3, "committed_time": 1, "breached_after": 2}
    assert data["overdue_apologies"] == s.apologies
    warn, breach, up = (s.alerts[k] for k in ("warning", "breach", "escalation"))
    zh, en = report.to_markdown("zh"), report.to_markdown("en")
    assert "## 员工通知" in zh
    assert f"| 分派通知（路由指定的人员） | {s.by_kind['routed']} |  |" in zh
    assert f"| SLA 告警 | {s.by_kind['sla_alert']} | 预警 {warn}，超时 {breach}，升级 {up} |" in zh
    assert f"| 合计 | {s.total} |  |" in zh
    assert "- 提前告知客户延期: 3 次，其中 1 次为负责人承诺的新时间；告知后仍超时的工单 2 件" in zh
    assert "## Staff notifications" in en
    assert f"| Praise forwarded to the colleague | {s.by_kind['praise_forwarded']} |  |" in en
    assert f"| Named colleague | {s.by_recipient['user']} |" in en
    assert f"| SLA alerts | {s.by_kind['sla_alert']} | warnings {warn}, breaches {breach}, " in en
    assert (
        "3; with a time the assignee committed: 1; tickets still breached after a notice: 2" in en
    )
    assert f"- Overdue apologies: {s.apologies}" in en
    for lang, title in (("zh", "员工通知"), ("en", "Staff notifications")):
        page = report.to_html(lang)
        assert f'<section id="staff"><h2>{title}</h2>' in page
        assert f'<td class="n">{s.total}</td>' in page


def test_an_empty_month_shows_zeros() -> None:
    s = Office().report(4).staff_notices
    assert s == StaffNotices.empty()
    assert s.total == 0


# -- property: random stories, recounted from the outbox ------------------------------

STEPS = st.sampled_from(["triage", "assign", "respond", "solve", "commit", "survey", "sweep"])


@pytest.mark.slow
@given(st.lists(st.tuples(st.integers(0, 2), STEPS, st.integers(1, 30)), max_size=14))
def test_the_section_agrees_with_an_outbox_recount(
    story: list[tuple[int, str, int]],
) -> None:
    """Three tickets across May's end, random steps at random gaps (hours)."""
    office = Office(router=Router.default())
    office.clock.set(at(29, 10))
    tickets = [office.intake(f"第{n}张：产品质量问题，请回电 {PHONE}") for n in range(3)]
    for which, step, hours in story:
        office.clock.set(office.clock.now().add(hours=hours))
        tid = tickets[which]
        try:
            if step == "triage":
                office.do("triage", tid, "complaint", "product.quality", "P1", actor=AGENT)
            elif step == "assign":
                office.do("assign", tid, "wang.li", actor=SUPERVISOR)
            elif step == "respond":
                office.do("respond", tid, "您好", actor=AGENT)
            elif step == "solve":
                office.do("investigate", tid, actor=AGENT)
                office.do("propose_solution", tid, "退款", actor=AGENT)
                office.do("customer_accepts", tid, actor=CUSTOMER)
                office.do("complete", tid, actor=AGENT)
            elif step == "commit":
                later = office.clock.now().add(hours=hours)
                office.do("commit_time", tid, later, "需要复核", actor=AGENT)
            elif step == "survey":
                office.do("record_survey", tid, SurveyResponse.from_csat(1), actor=CUSTOMER)
            else:
                office.sweep(office.clock.now())
        except ComplaintflowError:
            office.drain()  # refused in this state: nothing was queued
    logs = [office.desk.history(tid) for tid in office.ids]
    for month in (5, 6):
        period = Period.month(2024, month, SH)
        assert staff_notices_of(collect(logs, period.end), period) == office.recount(month)
