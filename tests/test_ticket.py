"""The ticket value: flat to read and to build, two shared records inside."""

from __future__ import annotations

import attrs
import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.ticket import FLAT_FIELDS, Handling, Intake, Ticket
from complaintflow.domain.values import Actor, Customer, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, Role, Status
from complaintflow.storage.encoding import ticket_from_dict, ticket_to_dict

T0 = pendulum.datetime(2024, 5, 20, 9, tz="Asia/Shanghai")
AGENT = Actor.staff("wang.fang", Role.AGENT)


def received() -> Ticket:
    draft = TicketDraft("订单56被重复扣款", Channel.CHAT, T0, Customer("C001", "vip"),
                        order_ref="56")
    ticket, _ = open_ticket(draft, ticket_id="T-1", number="TS20240520-0001", actor=AGENT)
    return ticket


def test_flat_constructor_builds_the_records() -> None:
    ticket = Ticket(id="T-1", number="TS20240520-0001", version=1, last_seq=1,
                    status="received", received_at=T0, updated_at=T0, channel=Channel.CHAT,
                    description="扣款两次", priority=Priority.P1, order_ref="56")
    assert ticket.status is Status.RECEIVED
    assert ticket.intake == Intake(number="TS20240520-0001", received_at=T0,
                                   channel=Channel.CHAT, description="扣款两次",
                                   order_ref="56")
    assert ticket.handling == Handling(priority=Priority.P1)
    assert (ticket.number, ticket.priority, ticket.order_ref) == ("TS20240520-0001",
                                                                  Priority.P1, "56")


def test_every_flat_field_reads_through() -> None:
    ticket = received()
    for name in FLAT_FIELDS:
        record = ("" if name in ("id", "version", "last_seq", "status", "updated_at")
                  else "intake" if hasattr(ticket.intake, name) else "handling")
        expected = getattr(getattr(ticket, record), name) if record else getattr(ticket, name)
        assert getattr(ticket, name) == expected


def test_attrs_evolve_changes_one_flat_field() -> None:
    ticket = received()
    raised = attrs.evolve(ticket, priority=Priority.P1, region="east")
    assert (raised.priority, raised.region) == (Priority.P1, "east")
    assert raised.handling == attrs.evolve(ticket.handling, priority=Priority.P1)
    assert attrs.evolve(raised, priority=None, region=None) == ticket


def test_unknown_or_missing_fields_are_refused_like_any_constructor() -> None:
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        Ticket(id="T-1", version=1, last_seq=1, status="received", updated_at=T0,
               number="N", received_at=T0, channel=Channel.CHAT, description="d",
               colour="red")  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="missing keyword arguments: number, description"):
        Ticket(id="T-1", version=1, last_seq=1, status="received",  # type: ignore[call-arg]
               updated_at=T0, received_at=T0, channel=Channel.CHAT)


def test_a_new_version_shares_what_the_command_did_not_change() -> None:
    ticket = received()
    commented, _ = apply(ticket, c.Comment("客户来电"), actor=AGENT, at=T0.add(minutes=1))
    assert commented.intake is ticket.intake
    assert commented.handling is ticket.handling
    triaged, _ = apply(commented, c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT,
                                           Priority.P1), actor=AGENT, at=T0.add(minutes=2))
    assert triaged.intake is ticket.intake
    assert triaged.handling.priority is Priority.P1
    assert commented.handling.priority is None  # the earlier version is untouched


def test_the_stored_form_stays_flat() -> None:
    ticket = received()
    data = ticket_to_dict(ticket)
    assert tuple(data) == FLAT_FIELDS
    assert ticket_from_dict(data) == ticket
