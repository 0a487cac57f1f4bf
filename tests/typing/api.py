"""Code as a host application would write it, only to be type-checked.

``tests/test_typing.py`` runs ``mypy --strict`` on this file: if the public
API's annotations regress (an ``Any`` leaking out, a return type lost, a
keyword-only argument made positional), this file stops checking.  It is
never imported by the test suite.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import attrs
import pendulum

import complaintflow
from complaintflow import (
    Actor,
    Category,
    Channel,
    ComplaintflowError,
    Customer,
    Event,
    InvalidTransition,
    Kind,
    LifecycleRules,
    ManualClock,
    Money,
    PermissionDenied,
    Priority,
    Role,
    Status,
    SurveyResponse,
    Ticket,
    TicketDraft,
)
from complaintflow.domain.commands import Approve, Comment, CustomerAccepts, ProposeSolution, Triage
from complaintflow.domain.lifecycle import allowed_commands, apply, open_ticket
from complaintflow.storage.encoding import event_from_dict, event_to_dict, ticket_to_dict

version: str = complaintflow.__version__

clock = ManualClock(dt.datetime(2024, 5, 20, 9, 12, tzinfo=ZoneInfo("Asia/Shanghai")))
now: pendulum.DateTime = clock.now()
later: pendulum.DateTime = clock.advance(minutes=5)

draft = TicketDraft(
    "APP订单支付失败，银行卡被扣了两次",
    Channel.CHAT,
    now,
    Customer("C001", "vip", phone="13812345678"),
    order_ref="56",
    claimed_amount=Money("199.00", "CNY"),
)
agent = Actor.staff("wang.fang", Role.AGENT)
supervisor = Actor.staff("chen.jing", "supervisor")
customer = Actor.customer("C001")

ticket: Ticket
events: list[Event]
ticket, events = open_ticket(draft, ticket_id="T-1", number="TS20240520-0001", actor=agent)
ticket, more = apply(
    ticket,
    Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P1),
    actor=agent,
    at=later,
)
events += more

rules = LifecycleRules(survey_window=dt.timedelta(hours=48))
buttons: tuple[str, ...] = allowed_commands(ticket, supervisor, at=later, rules=rules)
status: Status = ticket.status
is_open: bool = status.open
refund: Money = Money(Decimal("199.00"), "CNY") + Money(1, "CNY")
over_limit: bool = refund > Money("100", "CNY")
csat = SurveyResponse.from_csat(5, nps=9)


def try_command(current: Ticket, by: Actor, at: dt.datetime) -> Ticket:
    """What a desk handler does: apply, or turn a refusal into a message."""
    try:
        updated, _ = apply(current, Comment("客户来电催促", internal=False), actor=by, at=at)
    except InvalidTransition as error:
        allowed: tuple[str, ...] = error.allowed
        state: str = error.state
        print(state, allowed)
        return current
    except PermissionDenied as error:
        required: str = error.required
        print(required)
        return current
    except ComplaintflowError:
        return current
    return updated


def approve_flow(current: Ticket) -> list[Event]:
    proposed, log = apply(
        current, ProposeSolution("退款", amount=Money("199", "CNY")), actor=agent, at=later
    )
    approved, step = apply(proposed, Approve("ok"), actor=supervisor, at=later)
    accepted, last = apply(approved, CustomerAccepts(), actor=customer, at=later)
    assert accepted.version == current.version + 3
    return [*log, *step, *last]


stored: dict[str, object] = ticket_to_dict(ticket)
copies: list[Event] = [event_from_dict(event_to_dict(event)) for event in events]
rebuilt: Ticket = Ticket.replay(copies)

# The flat reading of a ticket stays typed although it is kept in two records.
priority: Priority | None = ticket.priority
number: str = ticket.number
received: dt.datetime = ticket.received_at
raised: Ticket = attrs.evolve(ticket, priority=Priority.P2)
