"""One complaint from intake to closing, with business-hours SLAs and an audit trail.

Run it: ``python examples/quickstart.py``.

A VIP customer phones on Friday afternoon: the parcel arrived crushed and
the blender inside is broken.  The desk records the call, an agent triages
and investigates, proposes a 300 CNY refund (above an agent's 100 CNY
authority, so a supervisor approves it), the customer accepts, the refund
is paid, the customer answers the survey and the ticket is closed.

The SLA clocks run on the office calendar (Mon-Fri 09:00-12:00 and
13:00-18:00 in Shanghai, with the Dragon Boat Festival off), so the
weekend and the holiday do not count.  The clock is a ``ManualClock``:
the story takes a week and the script a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from complaintflow import (
    Actor,
    BusinessCalendar,
    Category,
    Channel,
    ComplaintDesk,
    Customer,
    Expectation,
    InMemoryStore,
    Kind,
    ManualClock,
    Money,
    Priority,
    Role,
    SlaPolicy,
    SurveyResponse,
    TicketDraft,
    explain,
    measure,
)
from complaintflow.domain.audit import render_table

SHANGHAI = ZoneInfo("Asia/Shanghai")
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]


def main() -> None:
    calendar = BusinessCalendar(
        tz="Asia/Shanghai",
        week=dict.fromkeys(range(5), OFFICE),  # Monday=0 .. Friday=4
        holidays=[dt.date(2024, 6, 10)],  # Dragon Boat Festival
    )
    policy = SlaPolicy.default()  # P1 2 h / 24 h; P2-P4 4 h / 3 days
    clock = ManualClock(dt.datetime(2024, 6, 7, 17, 0, tzinfo=SHANGHAI))  # a Friday
    desk = ComplaintDesk(InMemoryStore(), clock, sla=policy, calendar=calendar, lang="en")

    receiver = Actor.staff("li.na", Role.AGENT)
    supervisor = Actor.staff("chen.jie", Role.SUPERVISOR)
    customer = Actor.customer("C-8801")

    # 1. Intake: the customer's words verbatim, a masked contact, an idempotency key.
    ticket = desk.intake(
        TicketDraft(
            "The parcel arrived crushed and the blender inside is broken. I want a refund.",
            Channel.PHONE,
            clock.now(),
            Customer("C-8801", "vip", name="Zhang Wei", phone="13812345678"),
            order_ref="SO-20240601-77",
            expectation=Expectation.REFUND,
            dedupe_key="call-20240607-1700-0042",
        ),
        receiver=receiver,
    )
    print(f"received {ticket.number} from {ticket.customer}: {ticket.status}")

    # 2. Triage and hand the ticket to the agent who will own it.
    clock.advance(minutes=10)
    desk.triage(
        ticket.id,
        Kind.COMPLAINT,
        Category.LOGISTICS_PACKAGE,
        Priority.P2,
        actor=receiver,
        department="after-sales",
    )
    desk.assign(ticket.id, receiver.id, actor=supervisor)

    # 3. Tuesday morning (Monday is the festival): investigate, call back (first response).
    clock.set(dt.datetime(2024, 6, 11, 9, 30, tzinfo=SHANGHAI))  # Monday the 10th is off
    desk.investigate(ticket.id, actor=receiver)
    desk.respond(ticket.id, "Sorry about the blender; we are arranging a refund.", actor=receiver)

    # 4. A 300 CNY refund is above an agent's authority: it waits for a supervisor.
    clock.advance(hours=1)
    ticket = desk.propose_solution(
        ticket.id, "Full refund of the blender", actor=receiver, amount=Money("300.00", "CNY")
    )
    print(f"proposed a refund of 300.00 CNY: {ticket.status}")
    clock.advance(minutes=20)
    desk.approve(ticket.id, actor=supervisor, note="photos confirm the damage")

    # 5. The customer accepts, the refund is paid, the customer is satisfied.
    clock.advance(hours=2)
    desk.customer_accepts(ticket.id, actor=customer)
    clock.advance(hours=1)
    desk.complete(ticket.id, actor=receiver, note="refund sent to the original card")
    clock.advance(hours=26)
    desk.record_survey(ticket.id, SurveyResponse.from_csat(5, nps=9), actor=customer)
    ticket = desk.close(ticket.id, actor=receiver)
    print(f"{ticket.number} is {ticket.status} (version {ticket.version})")

    # The audit trail: every change is an event (who, when, what).
    events = desk.history(ticket.id)
    print()
    print(render_table(events, zone="Asia/Shanghai"))

    # SLA status: each clock counted in business time on the office calendar.
    print()
    status = measure(events, policy, calendar, clock.now())
    for metric in ("first_response", "resolution"):
        sla = status.current(metric)
        if sla is None:
            continue
        due = sla.due_at.in_timezone("Asia/Shanghai").format("ddd YYYY-MM-DD HH:mm")
        print(
            f"SLA {metric}: {sla.state} (target {sla.target}, due {due}, "
            f"used {sla.consumed} of {sla.budget})"
        )
    first = status.current("first_response")
    if first is not None:
        print()
        print(explain(first, calendar).text)


if __name__ == "__main__":
    main()
