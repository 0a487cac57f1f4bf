"""The lifecycle told as the seeds tell it: one story per path (SPEC §2.3).

Each test reads like a page of the customer-service guides: who did what,
when, and what the ticket and its audit trail look like afterwards.
"""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.lifecycle import LifecycleRules, allowed_commands, apply, open_ticket
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Customer, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    Expectation,
    Kind,
    Priority,
    Role,
    SatisfactionLevel,
    Status,
)
from complaintflow.errors import InvalidTransition, PermissionDenied, SelfApprovalError

SHANGHAI = "Asia/Shanghai"
MONDAY_MORNING = pendulum.datetime(2024, 5, 20, 9, 12, tz=SHANGHAI)

RECEIVER = Actor.staff("xiao.li", Role.AGENT)
AGENT = Actor.staff("wang.fang", Role.AGENT)
OTHER_AGENT = Actor.staff("zhao.lei", Role.AGENT)
SUPERVISOR = Actor.staff("chen.jing", Role.SUPERVISOR)
MANAGER = Actor.staff("liu.yang", Role.DEPARTMENT_MANAGER)
DIRECTOR = Actor.staff("sun.hua", Role.DIRECTOR)
CUSTOMER = Actor.customer("C001")
SYSTEM = Actor.system()


class Story:
    """One ticket's life: a ticket, its log, and a hand-moved clock."""

    def __init__(self, draft: TicketDraft, *, rules: LifecycleRules | None = None) -> None:
        self.rules = rules or LifecycleRules()
        self.now = draft.received_at
        self.ticket, self.log = open_ticket(
            draft, ticket_id="T-1", number="TS20240520-0001", actor=RECEIVER
        )

    def later(self, **units: float) -> Story:
        self.now = self.now + dt.timedelta(**units)
        return self

    def do(self, command: c.Command, by: Actor) -> Ticket:
        self.ticket, events = apply(self.ticket, command, actor=by, at=self.now, rules=self.rules)
        self.log.extend(events)
        assert Ticket.replay(self.log) == self.ticket
        return self.ticket

    def refused(self, command: c.Command, by: Actor) -> Exception:
        before = self.ticket
        with pytest.raises((InvalidTransition, PermissionDenied)) as info:
            apply(self.ticket, command, actor=by, at=self.now, rules=self.rules)
        assert self.ticket is before
        return info.value

    @property
    def trail(self) -> list[tuple[str, str, str]]:
        return [(ev.type, ev.actor.id, ev.status.value) for ev in self.log]

    def payloads(self, kind: type[e.Payload]) -> list[e.Payload]:
        return [ev.payload for ev in self.log if isinstance(ev.payload, kind)]


def duplicate_charge() -> TicketDraft:
    """Seed 000 §2.1.2: online chat, order 56, paid once, charged twice."""
    return TicketDraft(
        "订单号56，支付显示失败，银行卡扣款2笔，未收到订单确认",
        Channel.CHAT,
        MONDAY_MORNING,
        Customer("C001", "vip", phone="13812345678"),
        order_ref="56",
        expectation=Expectation.REFUND,
        receiver=RECEIVER.id,
    )


def investigating(story: Story) -> Story:
    story.later(minutes=5).do(
        c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P1, department="billing"),
        RECEIVER,
    )
    story.later(minutes=3).do(c.Assign(AGENT.id, "billing"), SUPERVISOR)
    story.later(minutes=2).do(c.Investigate(), AGENT)
    return story


def resolved_complaint() -> Story:
    story = investigating(Story(duplicate_charge()))
    story.later(minutes=10).do(c.ProposeSolution("原路退回重复扣款"), AGENT)
    story.later(hours=1).do(c.CustomerAccepts(), CUSTOMER)
    story.later(hours=2).do(c.Complete("退款已到账"), AGENT)
    return story


def test_duplicate_charge_with_supervisor_approval_runs_to_closed() -> None:
    story = Story(duplicate_charge())
    assert (story.ticket.status, story.ticket.version) == (Status.RECEIVED, 1)

    investigating(story)
    story.later(minutes=4).do(c.Respond("已核实订单56重复扣款，正在为您处理"), AGENT)
    first_response = story.now
    story.later(minutes=20).do(
        c.ProposeSolution("退回重复扣款 199.00 元", amount=Money("199.00", "CNY")), AGENT
    )
    assert story.ticket.status is Status.AWAITING_APPROVAL
    assert story.ticket.solution is not None
    assert story.ticket.solution.required == (Role.SUPERVISOR,)
    assert "approve" not in allowed_commands(story.ticket, AGENT, at=story.now)
    assert "approve" in allowed_commands(story.ticket, SUPERVISOR, at=story.now)

    story.later(minutes=15).do(c.Approve("同意退款"), SUPERVISOR)
    assert story.ticket.status is Status.AWAITING_CUSTOMER
    story.later(hours=1).do(c.CustomerAccepts("好的，谢谢"), CUSTOMER)
    story.later(hours=3).do(c.Complete("退款已原路退回"), AGENT)
    resolved = story.now
    assert story.ticket.status is Status.RESOLVED

    story.later(hours=30).do(c.RecordSurvey(SurveyResponse.from_csat(5, nps=9)), CUSTOMER)
    story.later(minutes=1).do(c.Close(), AGENT)

    ticket = story.ticket
    assert ticket.status is Status.CLOSED
    assert ticket.priority is Priority.P1
    assert ticket.department == "billing"
    assert ticket.assignee == AGENT.id
    assert ticket.first_response_at == first_response
    assert ticket.resolved_at == resolved
    assert ticket.closed_at == story.now
    assert ticket.survey is not None
    assert ticket.survey.level is SatisfactionLevel.SATISFIED
    assert ticket.version == 11 == len(story.log)
    assert story.trail == [
        ("received", RECEIVER.id, "received"),
        ("triaged", RECEIVER.id, "triaged"),
        ("assigned", SUPERVISOR.id, "assigned"),
        ("investigation_started", AGENT.id, "investigating"),
        ("responded", AGENT.id, "investigating"),
        ("solution_proposed", AGENT.id, "awaiting_approval"),
        ("approved", SUPERVISOR.id, "awaiting_customer"),
        ("customer_accepted", CUSTOMER.id, "executing"),
        ("completed", AGENT.id, "resolved"),
        ("survey_recorded", CUSTOMER.id, "resolved"),
        ("closed", AGENT.id, "closed"),
    ]
    assert [ev.seq for ev in story.log] == list(range(1, 12))


def test_agent_cannot_approve_and_supervisor_cannot_approve_own_proposal() -> None:
    story = investigating(Story(duplicate_charge()))
    story.later(minutes=20).do(
        c.ProposeSolution("补偿 200 元优惠券", amount=Money("200", "CNY")), AGENT
    )
    denied = story.refused(c.Approve(), OTHER_AGENT)
    assert isinstance(denied, PermissionDenied)
    assert denied.required == "supervisor"

    story.later(minutes=1).do(c.Reject("先核实扣款流水"), SUPERVISOR)
    assert story.ticket.status is Status.INVESTIGATING
    assert story.ticket.solution is None
    story.later(minutes=1).do(
        c.ProposeSolution("补偿 200 元优惠券", amount=Money("200", "CNY")), OTHER_AGENT
    )
    own = Actor.staff(OTHER_AGENT.id, Role.SUPERVISOR)  # promoted, still the proposer
    refusal = story.refused(c.Approve(), own)
    assert isinstance(refusal, SelfApprovalError)


def test_inquiry_answered_at_first_contact() -> None:
    draft = TicketDraft(
        "请问会员积分什么时候到账？", Channel.PHONE, MONDAY_MORNING, kind=Kind.INQUIRY
    )
    story = Story(draft)
    story.later(minutes=3).do(c.ResolveNow("积分在订单完成后 24 小时内到账"), RECEIVER)

    ticket = story.ticket
    assert ticket.status is Status.RESOLVED
    assert ticket.resolved_at_first_contact is True
    assert ticket.resolved_at == story.now
    assert ticket.first_response_at == story.now
    # Inquiries are not surveyed by default (seed 000 §2.4.1): close at once.
    story.later(minutes=1).do(c.Close(), SYSTEM)
    assert story.ticket.status is Status.CLOSED
    assert [ev.type for ev in story.log] == ["received", "resolved_at_first_contact", "closed"]


def test_complaint_cannot_be_resolved_at_first_contact() -> None:
    story = Story(duplicate_charge())
    story.later(minutes=1).do(
        c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P1), RECEIVER
    )
    refusal = story.refused(c.ResolveNow("已退款"), RECEIVER)
    assert isinstance(refusal, InvalidTransition)
    assert refusal.reason is not None
    assert "inquiries and praise" in refusal.reason


def test_unsatisfied_survey_reopens_to_a_supervisor() -> None:
    story = resolved_complaint()
    reopened_count = story.ticket.reopen_count
    story.later(hours=26).do(
        c.RecordSurvey(SurveyResponse.from_csat(2, comment="退款太慢"), reopen_to=SUPERVISOR.id),
        CUSTOMER,
    )
    ticket = story.ticket
    assert ticket.status is Status.INVESTIGATING
    assert ticket.assignee == SUPERVISOR.id
    assert ticket.escalated_to is Role.SUPERVISOR
    assert ticket.reopen_count == reopened_count + 1
    assert ticket.resolved_at is None
    assert ticket.survey is None
    assert ticket.solution is None
    (recorded,) = story.payloads(e.SurveyRecorded)
    assert isinstance(recorded, e.SurveyRecorded)
    assert recorded.reopened is True
    assert recorded.reopened_to == SUPERVISOR.id
    assert recorded.response.level is SatisfactionLevel.UNSATISFIED

    # The supervisor takes it round again; the second survey is satisfied.
    story.later(hours=1).do(c.ProposeSolution("补发 50 元无门槛券"), SUPERVISOR)
    story.later(hours=1).do(c.CustomerAccepts(), CUSTOMER)
    story.later(hours=1).do(c.Complete(), SUPERVISOR)
    story.later(hours=25).do(c.RecordSurvey(SurveyResponse.from_csat(4)), CUSTOMER)
    story.later(minutes=5).do(c.Close(), AGENT)
    assert story.ticket.status is Status.CLOSED


def test_transfer_chain_records_from_to_and_reason_each_time() -> None:
    story = investigating(Story(duplicate_charge()))
    story.later(minutes=30).do(
        c.Transfer("payments-tech", "需要技术部门核查支付网关日志", to_assignee="tech.zhou"),
        AGENT,
    )
    story.later(hours=2).do(c.Investigate(), Actor.staff("tech.zhou", Role.AGENT))
    story.later(hours=1).do(
        c.Transfer("finance", "确认重复扣款，转财务退款", to_assignee="fin.qian"),
        Actor.staff("tech.zhou", Role.AGENT),
    )
    story.later(minutes=10).do(c.Transfer(None, "财务组内改派", to_assignee="fin.sun"), SYSTEM)

    transfers = story.payloads(e.Transferred)
    assert [
        (p.from_department, p.from_assignee, p.to_department, p.to_assignee, p.reason)
        for p in transfers
        if isinstance(p, e.Transferred)
    ] == [
        ("billing", AGENT.id, "payments-tech", "tech.zhou", "需要技术部门核查支付网关日志"),
        ("payments-tech", "tech.zhou", "finance", "fin.qian", "确认重复扣款，转财务退款"),
        ("finance", "fin.qian", "finance", "fin.sun", "财务组内改派"),
    ]
    transfer_events = [ev for ev in story.log if ev.type == "transferred"]
    assert [ev.actor.id for ev in transfer_events] == [AGENT.id, "tech.zhou", "system"]
    assert all(ev.status is Status.ASSIGNED for ev in transfer_events)
    assert (story.ticket.department, story.ticket.assignee) == ("finance", "fin.sun")


def test_duplicate_ticket_is_merged_and_keeps_its_events() -> None:
    story = Story(duplicate_charge())
    story.later(minutes=2).do(c.Comment("同一客户 10 分钟前已通过电话反馈"), RECEIVER)
    story.later(minutes=1).do(c.Merge("T-0", "与 TS20240520-0000 重复"), RECEIVER)

    assert story.ticket.status is Status.MERGED
    assert story.ticket.merged_into == "T-0"
    assert [ev.type for ev in story.log] == ["received", "commented", "merged"]
    for actor in (RECEIVER, SUPERVISOR, CUSTOMER, SYSTEM):
        assert allowed_commands(story.ticket, actor, at=story.now) == ()
    refusal = story.refused(c.Comment("还在吗"), RECEIVER)
    assert isinstance(refusal, InvalidTransition)
    assert refusal.allowed == ()


def test_customer_withdraws_the_complaint() -> None:
    story = investigating(Story(duplicate_charge()))
    story.later(hours=1).do(c.Withdraw("银行已自行冲正"), CUSTOMER)
    assert story.ticket.status is Status.WITHDRAWN
    (withdrawn,) = story.payloads(e.Withdrawn)
    assert withdrawn == e.Withdrawn("银行已自行冲正")
    refusal = story.refused(c.Reopen("客户又来电"), SUPERVISOR)
    assert isinstance(refusal, InvalidTransition)
    assert refusal.state == "withdrawn"


class Ladder:
    """Seed 001 §3.2 as a ladder: every role above the proposer up to the one required."""

    limits = (
        (Money("100", "CNY"), Role.AGENT),
        (Money("500", "CNY"), Role.SUPERVISOR),
        (Money("5000", "CNY"), Role.DEPARTMENT_MANAGER),
    )

    def required(self, amount: Money) -> Role:
        for limit, role in self.limits:
            if amount <= limit:
                return role
        return Role.DIRECTOR

    def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]:
        if amount is None:
            return ()
        required = self.required(amount)
        return tuple(role for role in Role if proposer < role <= required)


def test_ladder_approval_climbs_every_rung_in_order() -> None:
    story = investigating(Story(duplicate_charge(), rules=LifecycleRules(approvals=Ladder())))
    story.later(minutes=30).do(
        c.ProposeSolution("赔偿 8000 元", amount=Money("8000.00", "CNY")), AGENT
    )
    solution = story.ticket.solution
    assert solution is not None
    assert solution.required == (Role.SUPERVISOR, Role.DEPARTMENT_MANAGER, Role.DIRECTOR)

    # Each rung is signed in order, each by a different person.
    story.later(minutes=5).do(c.Approve(), SUPERVISOR)
    assert story.ticket.status is Status.AWAITING_APPROVAL
    again = story.refused(c.Approve(), SUPERVISOR)
    assert isinstance(again, PermissionDenied)
    too_low = story.refused(c.Approve(), Actor.staff("chen.two", Role.SUPERVISOR))
    assert isinstance(too_low, PermissionDenied)
    assert too_low.required == "department_manager"

    story.later(minutes=5).do(c.Approve(), MANAGER)
    assert story.ticket.status is Status.AWAITING_APPROVAL
    story.later(minutes=5).do(c.Approve("特批"), DIRECTOR)
    assert story.ticket.status is Status.AWAITING_CUSTOMER

    solution = story.ticket.solution
    assert solution is not None
    assert solution.approved
    assert [(a.by, a.role) for a in solution.approvals] == [
        (SUPERVISOR.id, Role.SUPERVISOR),
        (MANAGER.id, Role.DEPARTMENT_MANAGER),
        (DIRECTOR.id, Role.DIRECTOR),
    ]


def test_small_amount_within_frontline_authority_skips_approval() -> None:
    story = investigating(Story(duplicate_charge(), rules=LifecycleRules(approvals=Ladder())))
    story.later(minutes=30).do(c.ProposeSolution("补偿 20 元", amount=Money("20", "CNY")), AGENT)
    assert story.ticket.status is Status.AWAITING_CUSTOMER


def test_staff_reopens_a_closed_ticket_within_the_window_but_not_after() -> None:
    rules = LifecycleRules(reopen_window=dt.timedelta(days=7))
    story = resolved_complaint()
    story.rules = rules
    story.later(hours=24).do(c.RecordSurvey(SurveyResponse.from_csat(4)), CUSTOMER)
    story.later(hours=1).do(c.Close(), AGENT)
    closed_at = story.now

    story.now = closed_at + dt.timedelta(days=7)  # the last instant of the window
    assert "reopen" in allowed_commands(story.ticket, SUPERVISOR, at=story.now)
    reopened = apply(
        story.ticket, c.Reopen("客户反映仍被扣款"), actor=SUPERVISOR, at=story.now, rules=rules
    )[0]
    assert reopened.status is Status.INVESTIGATING
    assert reopened.closed_at is None
    assert reopened.reopen_count == story.ticket.reopen_count + 1

    story.later(seconds=1)
    # Past the window only a survey round (seed 003) may still reach the closed ticket.
    rounds = ("answer_survey", "refuse_survey", "send_survey")
    assert allowed_commands(story.ticket, SUPERVISOR, at=story.now) == rounds
    refusal = story.refused(c.Reopen("客户反映仍被扣款"), SUPERVISOR)
    assert isinstance(refusal, InvalidTransition)
    assert refusal.reason is not None
    assert "reopen window" in refusal.reason
    refusal = story.refused(c.Reopen("我还要投诉"), CUSTOMER)
    assert isinstance(refusal, PermissionDenied)


def test_close_waits_for_the_survey_then_for_the_survey_window() -> None:
    rules = LifecycleRules(survey_window=dt.timedelta(hours=72))
    story = resolved_complaint()
    story.rules = rules
    resolved_at = story.now

    refusal = story.refused(c.Close(), AGENT)
    assert isinstance(refusal, InvalidTransition)
    assert refusal.reason is not None
    assert "survey" in refusal.reason
    assert "close" not in refusal.allowed
    assert "record_survey" in refusal.allowed

    story.now = resolved_at + dt.timedelta(hours=72) - dt.timedelta(seconds=1)
    assert "close" not in allowed_commands(story.ticket, SYSTEM, at=story.now)
    story.now = resolved_at + dt.timedelta(hours=72)
    assert "close" in allowed_commands(story.ticket, SYSTEM, at=story.now)
    story.do(c.Close("调查期满未回复"), SYSTEM)
    assert story.ticket.status is Status.CLOSED
    assert story.ticket.survey is None


def test_supervisor_overrides_classification_and_the_override_is_an_event() -> None:
    story = Story(duplicate_charge())
    story.later(minutes=1).do(
        c.Triage(Kind.INQUIRY, Category.BILLING_PAYMENT, Priority.P3), RECEIVER
    )
    refusal = story.refused(c.Override("重复扣款属于重大损失", priority=Priority.P1), AGENT)
    assert isinstance(refusal, PermissionDenied)
    assert refusal.required == "supervisor"
    story.later(minutes=1).do(
        c.Override("重复扣款属于重大损失", kind=Kind.COMPLAINT, priority=Priority.P1), SUPERVISOR
    )
    assert (story.ticket.kind, story.ticket.priority) == (Kind.COMPLAINT, Priority.P1)
    assert story.ticket.category is Category.BILLING_PAYMENT
    assert story.log[-1].type == "overridden"
