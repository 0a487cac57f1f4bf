"""The office of the simulated month: its hours, its people and what they do.

:class:`OfficeMonth` holds the desk (on the store it is given), a
:class:`~complaintflow.ManualClock`, an agenda of timed steps and the cast:
260 customers, and the agents, supervisors, department managers and
directors of :mod:`complaintflow.demo.data`.  Each step is one
person's action on one ticket, and books the next: feedback arrives on a
weighted channel (sometimes re-sent by the chat gateway, sometimes again on
another channel, to be merged); staff assign, investigate, respond,
transfer and propose, in office time; money above an agent's authority
waits for the role :meth:`ApprovalPolicy.default` requires; an assignee
commits a new time when the proposal will come after the deadline;
customers accept, decline and withdraw at any hour.  The survey round is
:mod:`complaintflow.demo.surveys`.

:mod:`complaintflow.demo.simulation` drives it day by day; every random choice
comes from the one seeded ``random.Random``, in the order the agenda runs,
so a seed replays the same month.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from functools import partial
from itertools import count

import pendulum

from complaintflow.approval import ApprovalPolicy
from complaintflow.classify import KeywordClassifier
from complaintflow.clock import ManualClock
from complaintflow.demo.data import (
    AGENTS,
    CHANNEL_WEIGHTS,
    CHINA_HOLIDAYS,
    CHINA_MAKEUP_DAYS,
    DEPARTMENT_MANAGERS,
    DIRECTORS,
    FEEDBACK,
    REPLIES,
    SUPERVISORS,
    Feedback,
)
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Customer, TicketDraft
from complaintflow.domain.vocabulary import Kind, Role, Status
from complaintflow.routing import Router
from complaintflow.service.desk import ComplaintDesk
from complaintflow.service.notifications import Notification
from complaintflow.service.staff import PRAISED_TAG
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.holidays import StaticHolidays, china_office
from complaintflow.sla.measure import measure
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage.protocol import TicketStore

__all__ = ["MONTH", "ZONE", "CountingNotifier", "OfficeMonth", "office_calendar"]

ZONE = "Asia/Shanghai"
MONTH = (2024, 5)
_DEPARTMENTS = ("customer_service", "finance", "technical_support", "warehouse_logistics")
_APPROVALS = ApprovalPolicy.default()
_ROLE_STAFF = {
    Role.SUPERVISOR: SUPERVISORS,
    Role.DEPARTMENT_MANAGER: DEPARTMENT_MANAGERS,
    Role.DIRECTOR: DIRECTORS,
}


def office_calendar(tz: str = ZONE) -> BusinessCalendar:
    """The library's :func:`~complaintflow.sla.china_office` with China's 2024-2025 days off.

    The holidays come as a :class:`~complaintflow.sla.StaticHolidays` list, so
    the demo needs no optional package; the calendar refuses dates after 2025
    rather than guess.
    """
    return china_office(
        StaticHolidays(CHINA_HOLIDAYS, CHINA_MAKEUP_DAYS, horizon=dt.date(2025, 12, 31)), tz=tz
    )


class CountingNotifier:
    """A notifier that delivers nowhere and counts what it was given, by kind."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def send(self, notification: Notification) -> None:
        self.sent[str(notification.kind)] += 1


Step = Callable[[], None]


class OfficeMonth:
    """The agenda and the cast of one simulated month."""

    def __init__(self, store: TicketStore, seed: int, lang: str) -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.calendar = office_calendar()
        year, month = MONTH
        self.clock = ManualClock(pendulum.datetime(year, month, 1, tz=ZONE))
        serial = count(1)
        self.policy = SlaPolicy.default()
        self.desk = ComplaintDesk(
            store,
            self.clock,
            classifier=KeywordClassifier(),
            router=Router.default(),
            sla=self.policy,
            calendar=self.calendar,
            staff_calendar=self.calendar,
            lang="en" if lang == "en" else "zh-CN",
            zone=ZONE,
            ids=lambda: f"sim-{seed}-{next(serial):05d}",
        )
        self.notifier = CountingNotifier()
        self.agenda: list[tuple[pendulum.DateTime, int, Step]] = []
        self.order = count()
        self.customers = [self._customer(n) for n in range(260)]
        self.resolved: list[str] = []
        self.reopened: set[str] = set()
        self.declined: set[str] = set()
        self.tickets = self.repeats = self.sweeps = self.alerts = self.surveys = 0
        self.committed = 0

    # -- time -------------------------------------------------------------
    def at(self, when: pendulum.DateTime, step: Step) -> None:
        heapq.heappush(self.agenda, (when, next(self.order), step))

    def staff(self, minutes: float, step: Step) -> None:
        """``step`` after ``minutes`` of office time (staff work office hours)."""
        self.at(self.calendar.add(self.clock.now(), dt.timedelta(minutes=minutes)), step)

    def later(self, hours: float, step: Step) -> None:
        """``step`` after ``hours`` of wall time (customers answer any time)."""
        self.at(self.clock.now() + dt.timedelta(hours=hours), step)

    def run_until(self, end: pendulum.DateTime) -> None:
        while self.agenda and self.agenda[0][0] <= end:
            when, _, step = heapq.heappop(self.agenda)
            self.clock.set(max(when, self.clock.now()))
            step()

    # -- the cast ---------------------------------------------------------
    def _customer(self, n: int) -> Customer:
        tier = self.rng.choices(("new", "regular", "vip"), (25, 60, 15))[0]
        phone = f"13{self.rng.randrange(10**9):09d}"
        return Customer(f"C{10001 + n}", tier, phone=phone)

    def agent(self) -> Actor:
        return Actor.staff(self.rng.choice(AGENTS), Role.AGENT)

    def person(self, role: Role) -> Actor:
        return Actor.staff(self.rng.choice(_ROLE_STAFF.get(role, AGENTS)), role)

    def handler(self, ticket: Ticket) -> Actor:
        if ticket.assignee in SUPERVISORS:
            return Actor.staff(ticket.assignee, Role.SUPERVISOR)
        if ticket.assignee is None or ticket.assignee not in AGENTS:
            return self.agent()
        return Actor.staff(ticket.assignee, Role.AGENT)

    def reply(self, key: str, ticket: Ticket, **values: object) -> str:
        lang = "en" if ticket.description.isascii() else "zh"
        return REPLIES[key][lang].format(**values)

    # -- arrivals ---------------------------------------------------------
    def arrivals(self, day: dt.date) -> None:
        open_day = self.calendar.is_open(
            pendulum.datetime(day.year, day.month, day.day, 10, tz=ZONE)
        )
        n = max(1, round(self.rng.gauss(15 if open_day else 6, 3)))
        for _ in range(n):
            hour = self.rng.choices(
                range(7, 24), [1, 4, 8, 9, 8, 5, 7, 8, 8, 7, 6, 5, 5, 6, 6, 4, 2]
            )[0]
            when = pendulum.datetime(
                day.year, day.month, day.day, hour, self.rng.randrange(60), tz=ZONE
            )
            feedback = self.rng.choice(FEEDBACK)
            customer = self.rng.choice(self.customers)
            self.at(when, partial(self.intake, feedback, customer))

    def channel(self, feedback: Feedback) -> str:
        return self.rng.choices(feedback.channels, [CHANNEL_WEIGHTS[c] for c in feedback.channels])[
            0
        ]

    def intake(
        self, feedback: Feedback, customer: Customer, *, duplicate_of: str | None = None
    ) -> None:
        channel = self.channel(feedback)
        key = f"{channel}-{self.seed}-{next(self.order)}"
        draft = TicketDraft(
            feedback.text,
            channel,
            self.clock.now(),
            customer,
            expectation=feedback.expectation,
            dedupe_key=key,
            order_ref=f"{self.rng.randrange(10**7, 10**8)}",
            tags=(f"{PRAISED_TAG}{feedback.praised}",) if feedback.praised else (),
        )
        ticket = self.desk.intake(
            draft, receiver=self.agent() if channel in ("phone", "store") else None
        )
        self.tickets += 1
        if channel == "chat" and self.rng.random() < 0.08:  # the chat gateway re-sends
            self.later(0.01, lambda: self.resend(draft))
        if duplicate_of is not None:
            self.staff(self.rng.uniform(10, 90), lambda: self.merge(ticket.id, duplicate_of))
            return
        if self.rng.random() < 0.05:  # the customer tries another channel too
            self.later(
                self.rng.uniform(1, 8),
                lambda: self.intake(feedback, customer, duplicate_of=ticket.id),
            )
        if ticket.kind in (Kind.INQUIRY, Kind.PRAISE) and self.rng.random() < 0.85:
            self.staff(self.rng.uniform(5, 150), lambda: self.answer(ticket.id))
        elif ticket.assignee is None:
            self.staff(self.rng.uniform(5, 60), lambda: self.assign(ticket.id))
        else:
            self.staff(self.rng.uniform(5, 60), lambda: self.investigate(ticket.id))
        if self.rng.random() < 0.03:
            self.later(self.rng.uniform(2, 40), lambda: self.withdraw(ticket.id))

    def resend(self, draft: TicketDraft) -> None:
        self.desk.intake(draft)
        self.repeats += 1

    # -- staff steps ------------------------------------------------------
    def active(self, ticket_id: str, *states: Status) -> Ticket | None:
        ticket = self.desk.get(ticket_id)
        return ticket if ticket.status in states else None

    def answer(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.TRIAGED, Status.ASSIGNED)) is not None:
            key = "thanks" if t.kind is Kind.PRAISE else "answer"
            self.desk.resolve_now(ticket_id, self.reply(key, t), actor=self.agent())
            self.resolved.append(ticket_id)

    def merge(self, ticket_id: str, into: str) -> None:
        if self.active(ticket_id, Status.TRIAGED, Status.ASSIGNED) is not None:
            self.desk.merge(
                ticket_id,
                into,
                actor=self.agent(),
                reason="same customer, same problem, another channel",
            )

    def withdraw(self, ticket_id: str) -> None:
        t = self.active(
            ticket_id,
            Status.TRIAGED,
            Status.ASSIGNED,
            Status.INVESTIGATING,
            Status.AWAITING_CUSTOMER,
        )
        if t is not None and t.customer is not None:
            self.desk.withdraw(
                ticket_id,
                actor=Actor.customer(t.customer.id),
                reason="问题已自行解决" if t.description[0] > "~" else "sorted",
            )

    def assign(self, ticket_id: str) -> None:
        if self.active(ticket_id, Status.TRIAGED) is not None:
            self.desk.assign(ticket_id, self.rng.choice(AGENTS), actor=self.person(Role.SUPERVISOR))
            self.staff(self.rng.uniform(5, 90), lambda: self.investigate(ticket_id))

    def investigate(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.ASSIGNED)) is None:
            return
        self.desk.investigate(ticket_id, actor=self.handler(t))
        if self.rng.random() < 0.06:
            return  # stalls: forgotten in someone's queue, the sweep will escalate it
        quick = t.priority is not None and t.priority.value == "P1"
        self.staff(self.rng.uniform(5, 100 if quick else 240), lambda: self.respond(ticket_id))

    def respond(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.INVESTIGATING)) is None:
            return
        t = self.desk.respond(ticket_id, self.reply("respond", t), actor=self.handler(t))
        if self.rng.random() < 0.1:
            self.staff(self.rng.uniform(20, 120), lambda: self.transfer(ticket_id))
            return
        when = self.calendar.add(self.clock.now(), dt.timedelta(minutes=self.rng.uniform(30, 900)))
        self.at(when, lambda: self.propose(ticket_id))
        self.promise(t, when)

    def promise(self, ticket: Ticket, proposal: pendulum.DateTime) -> None:
        """The proposal will land after the resolution is due: commit a new time now.

        Seed 001 §4.1 asks the customer to be told in advance, with a new time;
        most assignees do it when they see the deadline slip (the others leave
        it to the sweep's in-advance notice at 90 %).
        """
        clock = measure(ticket, self.policy, self.calendar, self.clock.now()).current("resolution")
        if clock is None or clock.stopped_at is not None or clock.due_at <= self.clock.now():
            return
        if proposal > clock.due_at and self.rng.random() < 0.6:
            at = self.calendar.add(proposal, dt.timedelta(hours=2)).replace(second=0, microsecond=0)
            self.desk.commit_time(
                ticket.id, at, self.reply("commit", ticket), actor=self.handler(ticket)
            )
            self.committed += 1

    def transfer(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.INVESTIGATING)) is None:
            return
        to = self.rng.choice([d for d in _DEPARTMENTS if d != t.department])
        self.desk.transfer(
            ticket_id,
            to,
            "needs the other team's records",
            actor=self.handler(t),
            to_assignee=self.rng.choice(AGENTS),
        )
        self.staff(self.rng.uniform(10, 120), lambda: self.investigate(ticket_id))

    def propose(self, ticket_id: str, *, again: bool = False) -> None:
        if (t := self.active(ticket_id, Status.INVESTIGATING)) is None:
            return
        amount = None
        if again:
            text = self.reply("again", t)
        else:
            base = next((f.amount for f in FEEDBACK if f.text == t.description), None)
            if base is not None:
                amount = Money(Decimal(base) * Decimal(self.rng.choice((1, 1, 1, 2, 5))), "CNY")
                text = self.reply("solution_money", t, amount=amount.amount)
            else:
                text = self.reply("solution", t)
        t = self.desk.propose_solution(ticket_id, text, actor=self.handler(t), amount=amount)
        if t.status is Status.AWAITING_APPROVAL and amount is not None:
            role = _APPROVALS.required_role(amount)
            self.staff(self.rng.uniform(15, 300), lambda: self.approve(ticket_id, role))
        else:
            self.later(self.rng.uniform(0.3, 30), lambda: self.customer_replies(ticket_id))

    def approve(self, ticket_id: str, role: Role) -> None:
        if self.active(ticket_id, Status.AWAITING_APPROVAL) is None:
            return
        if self.rng.random() < 0.1:
            self.desk.reject(ticket_id, "金额超出标准，请按规定重新核算", actor=self.person(role))
            self.staff(self.rng.uniform(30, 240), lambda: self.propose(ticket_id, again=True))
            return
        self.desk.approve(ticket_id, actor=self.person(role), note="核实无误")
        self.later(self.rng.uniform(0.3, 30), lambda: self.customer_replies(ticket_id))

    def customer_replies(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.AWAITING_CUSTOMER)) is None or t.customer is None:
            return
        customer = Actor.customer(t.customer.id)
        if self.rng.random() < 0.15 and ticket_id not in self.declined:
            self.declined.add(ticket_id)
            self.desk.customer_declines(ticket_id, "方案不合理", actor=customer)
            self.staff(self.rng.uniform(30, 300), lambda: self.propose(ticket_id, again=True))
            return
        self.desk.customer_accepts(ticket_id, actor=customer)
        self.staff(self.rng.uniform(20, 900), lambda: self.complete(ticket_id))

    def complete(self, ticket_id: str) -> None:
        if (t := self.active(ticket_id, Status.EXECUTING)) is not None:
            self.desk.complete(ticket_id, actor=self.handler(t), note="已办结")
            self.resolved.append(ticket_id)

    # -- after resolution ------------------------------------------------------
    def close(self, ticket_id: str) -> None:
        if self.active(ticket_id, Status.RESOLVED) is not None:
            self.desk.close(ticket_id, actor=self.agent())

    # -- background jobs ----------------------------------------------------
    def sweep(self) -> None:
        summary = self.desk.sweep(self.clock.now())
        self.sweeps += 1
        self.alerts += summary.warnings + summary.breaches + summary.escalations
        while self.desk.deliver_pending(self.notifier, limit=500).delivered:
            pass
