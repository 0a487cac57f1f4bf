"""The ticket value: one flat frozen attrs class, SLA clocks included."""

from __future__ import annotations

import json

import attrs
import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, Status
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage.encoding import ticket_from_dict, ticket_to_dict
from complaintflow.testing import AGENT

T0 = pendulum.datetime(2024, 5, 20, 9, tz="Asia/Shanghai")
POLICY = SlaPolicy.default()


def received(*, sla: bool = False) -> Ticket:
    draft = TicketDraft(
        "订单56被重复扣款", Channel.CHAT, T0, Customer("C001", "vip"), order_ref="56"
    )
    ticket, _ = open_ticket(
        draft,
        ticket_id="T-1",
        number="TS20240520-0001",
        actor=AGENT,
        sla_version=POLICY.version if sla else None,
        sla_rules=POLICY.clock_rules() if sla else None,
    )
    return ticket


def test_the_constructor_takes_every_field_by_keyword() -> None:
    ticket = Ticket(
        id="T-1",
        number="TS20240520-0001",
        version=1,
        last_seq=1,
        status="received",
        received_at=T0,
        updated_at=T0,
        channel=Channel.CHAT,
        description="扣款两次",
        priority=Priority.P1,
        order_ref="56",
    )
    assert ticket.status is Status.RECEIVED
    assert (ticket.number, ticket.priority, ticket.order_ref) == (
        "TS20240520-0001",
        Priority.P1,
        "56",
    )
    assert attrs.has(Ticket)


def test_attrs_evolve_changes_one_field() -> None:
    ticket = received()
    raised = attrs.evolve(ticket, priority=Priority.P1, region="east")
    assert (raised.priority, raised.region) == (Priority.P1, "east")
    assert attrs.evolve(raised, priority=None, region=None) == ticket


def test_unknown_or_missing_fields_are_refused_like_any_constructor() -> None:
    with pytest.raises(TypeError, match="colour"):
        Ticket(
            id="T-1",
            version=1,
            last_seq=1,
            status="received",
            updated_at=T0,
            number="N",
            received_at=T0,
            channel=Channel.CHAT,
            description="d",
            colour="red",
        )  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="description"):
        Ticket(
            id="T-1",
            version=1,
            last_seq=1,
            status="received",  # type: ignore[call-arg]
            number="N",
            updated_at=T0,
            received_at=T0,
            channel=Channel.CHAT,
        )


def test_a_new_version_leaves_the_earlier_one_untouched() -> None:
    ticket = received()
    triaged, _ = apply(
        ticket,
        c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P1),
        actor=AGENT,
        at=T0.add(minutes=2),
    )
    assert triaged.priority is Priority.P1
    assert ticket.priority is None
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        triaged.priority = Priority.P2  # type: ignore[misc]


def test_the_stored_form_is_flat_json_and_round_trips_with_its_clocks() -> None:
    ticket = received(sla=True)
    assert ticket.sla is not None
    assert [cycle.metric for cycle in ticket.sla.cycles] == ["first_response", "resolution"]
    data = json.loads(json.dumps(ticket_to_dict(ticket)))
    assert {"id", "number", "priority", "sla"} <= set(data)
    assert ticket_from_dict(data) == ticket


def test_a_ticket_stored_before_clocks_lived_in_the_snapshot_still_loads() -> None:
    data = ticket_to_dict(received())
    del data["sla"]
    assert ticket_from_dict(data).sla is None
