"""The seed-000 story, end to end through the desk: a duplicate charge.

A customer reports in online chat that paying order 56 failed yet the bank
card was charged twice (seed 000 §2.1.2).  The story runs through triage,
assignment, first response, a refund that needs a supervisor's approval,
the customer's acceptance, the refund, a survey and closing, on a manual
clock so the timestamps are the same on every run.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from itertools import count

import pendulum

from complaintflow.clock import ManualClock
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Customer, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Expectation, Kind, Priority, Role
from complaintflow.service.desk import ComplaintDesk
from complaintflow.storage.protocol import TicketStore

__all__ = ["START", "run_story"]

START = pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai")


def run_story(
    store: TicketStore, *, clock: ManualClock | None = None, ids: Callable[[], str] | None = None
) -> Ticket:
    """Play the duplicate-charge story on ``store``; return the closed ticket."""
    clock = clock or ManualClock(START)
    serial = count(1)
    desk = ComplaintDesk(store, clock, ids=ids or (lambda: f"demo-{next(serial):04d}"))
    receiver = Actor.staff("wang.li", Role.AGENT)
    handler = Actor.staff("zhao.min", Role.AGENT)
    supervisor = Actor.staff("chen.jie", Role.SUPERVISOR)
    customer = Actor.customer("C001")

    ticket = desk.intake(
        TicketDraft(
            "APP订单支付失败，银行卡被扣了两次，未收到订单确认",
            Channel.CHAT,
            clock.now(),
            Customer("C001", "vip", phone="13812345678"),
            order_ref="56",
            expectation=Expectation.REFUND,
            receiver=receiver.id,
            dedupe_key="chat-msg-88231",
        ),
        receiver=receiver,
    )
    tid = ticket.id

    def later(minutes: float) -> None:
        clock.advance(dt.timedelta(minutes=minutes))

    later(5)
    desk.triage(
        tid,
        Kind.COMPLAINT,
        Category.BILLING_PAYMENT,
        Priority.P1,
        actor=receiver,
        department="customer_service",
    )
    later(3)
    desk.assign(tid, handler.id, actor=supervisor, department="finance")
    later(7)
    desk.investigate(tid, actor=handler)
    later(10)
    desk.respond(tid, "您好，已核实订单56重复扣款，正在为您处理退款。", actor=handler)
    later(40)
    desk.propose_solution(
        tid, "原路退回重复扣款 299.00 元", actor=handler, amount=Money("299.00", "CNY")
    )
    later(15)
    desk.approve(tid, actor=supervisor, note="核实银行流水无误")
    later(20)
    desk.customer_accepts(tid, actor=customer)
    later(60)
    desk.complete(tid, actor=handler, note="退款已提交，1-3个工作日到账")
    clock.advance(dt.timedelta(hours=26))
    desk.record_survey(tid, SurveyResponse.from_csat(5, nps=9, comment="处理很快"), actor=customer)
    later(5)
    return desk.close(tid, actor=handler)
