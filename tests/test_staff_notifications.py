"""Staff notifications, the in-advance notice and the per-kind replies (issue 13, items 1, 5, 7).

Driven through ``ComplaintDesk`` on the memory and SQLite stores with the
seeds' own numbers and wording: seed 001 §2.2 (P1 product quality -> the
quality director, by e-mail and system message), the 75 % warning, a
breach and its escalation, seed 000 §2.4.2 (unsatisfied -> reopened, the
supervisor leads), seed 001 §3.2 (over 500 yuan -> the department
manager approves), seed 001 §4.1 (told in advance, with a new time),
seed 000 §2.3.1 (praise forwarded) and §2.3.3 (a reply per kind).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pendulum
import pytest

from complaintflow import (
    Actor,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    KeywordClassifier,
    Kind,
    ManualClock,
    Money,
    Role,
    Router,
    SlaPolicy,
    SqliteStore,
    Status,
    SurveyResponse,
    Templates,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain.events import NotificationQueued, SlaAlerted, TimeCommitted
from complaintflow.domain.recipients import Recipient, RecipientKind
from complaintflow.service.notifications import NotificationKind
from complaintflow.storage.protocol import OutboxItem, TicketStore
from complaintflow.testing import instants, office_week

CAL = office_week()
AGENT = Actor.staff("wang.li", Role.AGENT)
SUPERVISOR = Actor.staff("zhao.min", Role.SUPERVISOR)
MANAGER = Actor.staff("sun.qiang", Role.DEPARTMENT_MANAGER)
CUSTOMER = Actor.customer("VIP20240520001")
PHONE = "13812345678"


at = instants(2024, 5)  # Monday the 20th


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TicketStore]:
    if request.param == "memory":
        yield InMemoryStore()
        return
    sqlite = SqliteStore(tmp_path / "desk.db")
    yield sqlite
    sqlite.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(20, 10))


def make_desk(store: TicketStore, clock: ManualClock, **kw: Any) -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(
        store, clock, sla=SlaPolicy.default(), calendar=CAL, ids=lambda: f"t{next(serial)}", **kw
    )


def draft(text: str, when: pendulum.DateTime, **kw: Any) -> TicketDraft:
    customer = Customer("VIP20240520001", "vip", phone=PHONE)
    return TicketDraft(text, "phone", when, customer, **kw)


def drain(store: TicketStore, now: pendulum.DateTime) -> list[OutboxItem]:
    """Everything queued and not yet delivered, delivered now (so the next call sees news)."""
    items = list(store.claim_outbox(worker="t", limit=1000, lease=dt.timedelta(hours=1), now=now))
    store.ack_outbox([item.id for item in items])
    return items


def staff(items: list[OutboxItem]) -> dict[tuple[str, str], OutboxItem]:
    found = {}
    for item in items:
        if item.payload["audience"] == "staff":
            found[(item.kind, item.payload["recipient"])] = item
    return found


def no_raw_contact(items: list[OutboxItem]) -> None:
    for item in items:
        if item.payload["audience"] == "staff":
            assert item.payload["contact"] is None
            assert PHONE not in item.payload["subject"] + item.payload["body"]


def queued_keys(desk: ComplaintDesk, ticket_id: str) -> list[str]:
    return [
        ev.payload.key
        for ev in desk.history(ticket_id)
        if isinstance(ev.payload, NotificationQueued)
    ]


# -- seed 001 §2.2: P1 product quality -> the quality director, told by message -------


def test_p1_product_quality_notifies_the_quality_director_supervisor_and_department(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, classifier=KeywordClassifier(), router=Router.default())
    text = f"手表充电时冒烟了，太危险了，请联系我 {PHONE}"
    ticket = desk.intake(
        draft(text, clock.now(), category="product.quality", priority="P1", dedupe_key="call-1")
    )
    assert (ticket.department, ticket.assignee) == ("quality", "quality_director")
    items = drain(store, clock.now())
    told = staff(items)
    assert set(told) == {
        ("routed", "role:quality_director"),  # 「同时通过邮件和系统消息通知他」
        ("routed", "role:supervisor"),  # seed 000 §2.3.1: 客服主管牵头
        ("routed", "department:quality"),  # seed 000 §2.2.2: 紧急问题同步相关部门
    }
    director = told[("routed", "role:quality_director")]
    assert director.id == f"{ticket.id}:routed:role:quality_director"
    assert ticket.number in director.payload["subject"]
    assert "P1" in director.payload["body"]
    assert "138****5678" in director.payload["body"]
    no_raw_contact(items)
    # in the audit trail, each once; the customer's acceptance beside them
    keys = queued_keys(desk, ticket.id)
    assert {item.id for item in items} == set(keys)
    assert len(keys) == len(set(keys)) == 4
    # the intake retried (same dedupe key) queues nothing new
    assert desk.intake(draft(text, clock.now(), dedupe_key="call-1")).id == ticket.id
    assert drain(store, clock.now()) == []


def test_the_recipient_form_is_the_delivery_contract() -> None:
    assert str(Recipient.role(Role.SUPERVISOR)) == "role:supervisor"
    assert Recipient.parse("department:quality") == Recipient.department("quality")
    assert Recipient.parse("user:wang.li").kind is RecipientKind.USER
    assert Recipient.parse("quality_director") == Recipient.role("quality_director")
    for bad in ("team:x", "user:", "role: x", 7):
        with pytest.raises(ValidationError):
            Recipient.parse(bad)


# -- the 75 % warning, the breach and the escalation ladder ---------------------------


def test_warning_breach_and_escalations_each_tell_staff_once(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ticket = desk.intake(draft("快递一周还没到，物流信息不更新", clock.now()))
    desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=AGENT)
    desk.assign(ticket.id, "wang.li", actor=SUPERVISOR)
    drain(store, clock.now())
    # first response: 4 business hours from Mon 10:00 -> Mon 15:00; 75 % at 14:00
    clock.set(at(20, 14))
    assert desk.sweep().warnings == 1
    warned = drain(store, clock.now())
    assert set(staff(warned)) == {("sla_alert", "user:wang.li")}
    assert "warning" in warned[0].payload["body"]
    assert desk.sweep().alerts == ()
    assert drain(store, clock.now()) == []
    clock.set(at(20, 15))
    swept = desk.sweep()
    assert (swept.breaches, swept.escalations) == (1, 1)  # the supervisor at +0 %
    late = drain(store, clock.now())
    assert set(staff(late)) == {("sla_alert", "user:wang.li"), ("sla_alert", "role:supervisor")}
    apology = [item for item in late if item.kind == "overdue_apology"]
    assert len(apology) == 1
    assert apology[0].payload["contact"] == PHONE
    no_raw_contact(late)
    assert desk.sweep().alerts == ()
    assert drain(store, clock.now()) == []
    alerted = [ev for ev in desk.history(ticket.id) if isinstance(ev.payload, SlaAlerted)]
    assert len(alerted) == 3  # the audit trail's record of each staff alert


# -- seed 000 §2.4.2: unsatisfied -> reopened, the supervisor leads --------------------


def resolved(desk: ComplaintDesk, clock: ManualClock, amount: Money | None = None) -> str:
    ticket = desk.intake(draft("产品质量问题，要求退货", clock.now()))
    desk.triage(ticket.id, "complaint", "product.quality", "P3", actor=AGENT)
    desk.assign(ticket.id, "wang.li", actor=SUPERVISOR)
    desk.investigate(ticket.id, actor=AGENT)
    desk.propose_solution(ticket.id, "为您办理全额退款", actor=AGENT, amount=amount)
    return ticket.id


def test_an_unsatisfied_customer_reopens_to_an_owner_and_the_supervisor_is_told(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ticket_id = resolved(desk, clock)
    desk.commit_time(ticket_id, at(22, 18), "退款需财务复核", actor=AGENT)
    desk.customer_accepts(ticket_id, actor=CUSTOMER)
    desk.complete(ticket_id, actor=AGENT)
    drain(store, clock.now())
    answer = SurveyResponse.from_csat(1, comment=f"还是不行，打 {PHONE}")
    reopened = desk.record_survey(ticket_id, answer, actor=CUSTOMER)  # no reopen_to
    assert reopened.status is Status.INVESTIGATING
    assert reopened.assignee == "wang.li"  # not an empty assignee
    assert reopened.escalated_to is Role.SUPERVISOR
    assert reopened.committed_at is None  # a new cycle: the old promise no longer stands
    items = drain(store, clock.now())
    told = staff(items)
    assert set(told) == {("survey_reopened", "role:supervisor")}
    body = told[("survey_reopened", "role:supervisor")].payload["body"]
    assert "客服主管牵头" in body
    assert "（不满意，CSAT 1，“还是不行，打 138****5678”）" in body
    no_raw_contact(items)
    assert any(key.endswith(":role:supervisor") for key in queued_keys(desk, ticket_id))


def test_an_unsatisfied_survey_round_answer_tells_the_supervisor_too(
    store: TicketStore, clock: ManualClock
) -> None:
    """A round's answer reopens as record_survey does, so the supervisor is told the same way."""
    desk = make_desk(store, clock)
    ticket_id = resolved(desk, clock)
    desk.customer_accepts(ticket_id, actor=CUSTOMER)
    desk.complete(ticket_id, actor=AGENT)
    desk.send_survey(ticket_id, "2024-05", actor=AGENT)
    drain(store, clock.now())
    answer = SurveyResponse.from_csat(1, comment=f"还是不行，打 {PHONE}")
    reopened = desk.answer_survey(ticket_id, "2024-05", answer, actor=CUSTOMER)
    assert reopened.status is Status.INVESTIGATING
    items = drain(store, clock.now())
    told = staff(items)
    assert set(told) == {("survey_reopened", "role:supervisor")}
    body = told[("survey_reopened", "role:supervisor")].payload["body"]
    assert "（不满意，CSAT 1，“还是不行，打 138****5678”）" in body
    no_raw_contact(items)


# -- seed 001 §3.2: 超过500元的方案则需要自动流转至部门经理 ------------------------------


def test_a_solution_over_500_yuan_tells_the_department_manager_it_waits(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ticket_id = resolved(desk, clock, Money("800.00", "CNY"))
    assert desk.get(ticket_id).status is Status.AWAITING_APPROVAL
    items = drain(store, clock.now())
    told = staff(items)
    assert set(told) == {("approval_waiting", "role:department_manager")}
    assert "800.00" in told[("approval_waiting", "role:department_manager")].payload["body"]
    desk.approve(ticket_id, actor=MANAGER)
    assert staff(drain(store, clock.now())) == {}  # approved: nobody waits any more


# -- seed 001 §4.1: 必须提前主动告知客户 ---------------------------------------------------


def p1(desk: ComplaintDesk, clock: ManualClock) -> str:
    """A P1 complaint received Mon 10:00, answered: resolution due Tue 10:00 (24 h)."""
    ticket = desk.intake(draft("重复扣款两次", clock.now()))
    desk.triage(ticket.id, "complaint", "billing.payment", "P1", actor=AGENT)
    desk.assign(ticket.id, "wang.li", actor=SUPERVISOR)
    desk.respond(ticket.id, "您好，正在核实扣款", actor=AGENT)
    return ticket.id


def test_at_90_percent_the_customer_is_told_in_advance_then_apologised_to_at_breach(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    p1(desk, clock)
    drain(store, clock.now())
    clock.set(at(21, 7, 35))  # 90 % of 24 h is Tue 07:36
    assert desk.sweep().notices == 0
    drain(store, clock.now())
    clock.set(at(21, 7, 36))
    assert desk.sweep().notices == 1
    (notice,) = [item for item in drain(store, clock.now()) if item.kind == "delay_notice"]
    body = notice.payload["body"]
    assert "2024-05-21 10:00" in body  # the promise that slips
    assert "2024-05-21 15:00" in body  # the policy's new time: 4 business hours after it
    assert notice.payload["contact"] == PHONE
    assert desk.sweep().alerts == ()
    assert drain(store, clock.now()) == []
    clock.set(at(21, 10))
    assert desk.sweep().breaches == 1
    kinds = sorted(item.kind for item in drain(store, clock.now()))
    assert kinds == ["overdue_apology", "sla_alert", "sla_alert"]  # breach + supervisor
    assert desk.sweep().alerts == ()
    assert drain(store, clock.now()) == []


def test_the_assignee_commits_a_new_time_and_the_sweep_does_not_repeat_it(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ticket_id = p1(desk, clock)
    clock.set(at(20, 16))
    ticket = desk.commit_time(ticket_id, at(21, 16), "银行回单需一个工作日", actor=AGENT)
    assert ticket.committed_at == at(21, 16)
    (told,) = [item for item in drain(store, clock.now()) if item.kind == "delay_notice"]
    assert "2024-05-21 16:00" in told.payload["body"]
    assert "银行回单需一个工作日。" in told.payload["body"]
    clock.set(at(21, 8))
    assert desk.sweep().notices == 1  # recorded, but the customer already knows
    told_staff = staff(drain(store, clock.now()))
    assert set(told_staff) == {("sla_alert", "user:wang.li")}  # only the 75 % warning
    clock.set(at(21, 10))
    desk.sweep()
    (apology,) = [item for item in drain(store, clock.now()) if item.kind == "overdue_apology"]
    assert "2024-05-21 16:00" in apology.payload["body"]  # the committed time, still ahead
    committed = [ev for ev in desk.history(ticket_id) if isinstance(ev.payload, TimeCommitted)]
    assert len(committed) == 1
    with pytest.raises(ValidationError):
        desk.commit_time(ticket_id, at(21, 9), "已经过去的时间", actor=AGENT)


def test_a_sweep_that_comes_too_late_only_apologises(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    p1(desk, clock)
    clock.set(at(21, 11))  # past the breach: too late to tell in advance
    swept = desk.sweep()
    assert (swept.notices, swept.breaches) == (0, 1)
    kinds = [item.kind for item in drain(store, clock.now())]
    assert "delay_notice" not in kinds
    assert kinds.count("overdue_apology") == 1


def test_the_notice_share_is_configurable_and_can_be_off(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, notice=None)
    p1(desk, clock)
    clock.set(at(21, 9))
    assert desk.sweep().notices == 0
    with pytest.raises(ValidationError, match="share"):
        make_desk(store, clock, notice=1.5)


# -- seed 000 §2.3.1 praise forwarded, §2.3.3 a reply per kind --------------------------


def test_praise_is_forwarded_to_the_colleague_it_names(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, classifier=KeywordClassifier())
    text = f"客服小王耐心解答，问题快速解决，非常感谢！我的电话 {PHONE}"
    ticket = desk.intake(draft(text, clock.now(), kind="praise", tags=("praised:wang.li",)))
    items = drain(store, clock.now())
    told = staff(items)
    assert set(told) == {("praise_forwarded", "user:wang.li")}
    assert "138****5678" in told[("praise_forwarded", "user:wang.li")].payload["body"]
    no_raw_contact(items)
    (accepted,) = [item for item in items if item.kind == "accepted"]
    assert "感谢您的认可与表扬" in accepted.payload["body"]
    desk.resolve_now(ticket.id, "已转达", actor=AGENT)
    assert staff(drain(store, clock.now())) == {}  # forwarded once


@pytest.mark.parametrize(
    ("kind", "accepted"),
    [
        ("complaint", "给您带来不便，我们已记录您的问题"),
        ("suggestion", "感谢您的宝贵建议"),
        ("inquiry", "您的问题已知晓"),
        ("praise", "感谢您的认可与表扬"),
    ],
)
def test_each_kind_of_feedback_gets_its_own_script(
    store: TicketStore, clock: ManualClock, kind: str, accepted: str
) -> None:
    desk = make_desk(store, clock, classifier=KeywordClassifier())
    ticket = desk.intake(draft("会员积分如何兑换礼品？", clock.now(), kind=kind))
    (item,) = [item for item in drain(store, clock.now()) if item.kind == "accepted"]
    assert accepted in item.payload["body"]
    assert ticket.number in item.payload["body"]


def test_an_inquiry_answered_at_once_quotes_the_answer_in_the_seed_script(
    store: TicketStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, classifier=KeywordClassifier(), lang="en")
    ticket = desk.intake(draft("How do I redeem member points?", clock.now(), kind="inquiry"))
    desk.resolve_now(ticket.id, "in the app under Me > Points", actor=AGENT)
    (result,) = [item for item in drain(store, clock.now()) if item.kind == "result"]
    assert result.payload["body"].startswith(
        "Here is the answer to your question: in the app under Me > Points."
    )


def test_a_host_wording_wins_over_the_built_in_per_kind_script() -> None:
    accepted = NotificationKind.ACCEPTED
    own = Templates({"zh-CN": {accepted: ("已收到 {number}", "已收到 {number}")}})
    assert own.get("zh-CN", accepted, Kind.COMPLAINT) == ("已收到 {number}", "已收到 {number}")
    pair = Templates({"en": {(accepted, Kind.PRAISE): ("Thanks", "Thanks {number}")}})
    assert pair.get("en", accepted, Kind.PRAISE)[0] == "Thanks"
    assert pair.get("en", accepted, Kind.COMPLAINT)[0].startswith("We have recorded")
    with pytest.raises(ValidationError, match="neither"):
        Templates({"en": {(accepted, "rumour"): ("a", "b")}})  # type: ignore[dict-item]
