"""Tickets and events survive JSON exactly: instants with their zone, Decimal digits, enums."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.clock import instant
from complaintflow.domain import commands as c
from complaintflow.domain.commands.rounds import RoundContext
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import COMMANDS, allowed_commands, apply, open_ticket
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Attachment, Customer, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    CustomerTier,
    Expectation,
    Kind,
    Priority,
    Role,
)
from complaintflow.errors import ComplaintflowError, ValidationError
from complaintflow.storage.encoding import (
    event_from_dict,
    event_to_dict,
    instant_from_dict,
    instant_to_dict,
    make_converter,
    ticket_from_dict,
    ticket_to_dict,
)

ZONES = ["Asia/Shanghai", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC"]


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(data))
    return result


# -- strategies -------------------------------------------------------------------

time_zones = st.one_of(
    st.sampled_from(ZONES).map(ZoneInfo),
    st.integers(-14 * 60, 14 * 60).map(lambda m: dt.timezone(dt.timedelta(minutes=m))),
    st.just(dt.UTC),
)
instants = st.datetimes(
    min_value=dt.datetime(2000, 1, 1),
    max_value=dt.datetime(2090, 1, 1),
    timezones=time_zones,
    allow_imaginary=False,
)
# No NUL and no surrogates: values refuse what some store cannot keep (domain/text.py).
texts = st.text(
    st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), min_size=1, max_size=30
).filter(lambda s: s.strip() != "")
decimals = st.decimals(
    allow_nan=False, allow_infinity=False, min_value=-(10**9), max_value=10**9, places=4
)
currencies = st.sampled_from(["CNY", "USD", "JPY", "KWD", "EUR"])
money = st.builds(Money, decimals, currencies)
attachments = st.builds(
    Attachment,
    texts,
    texts,
    st.just("image/png"),
    st.binary(min_size=32, max_size=32).map(bytes.hex),
)
customers = st.builds(
    Customer,
    texts,
    st.sampled_from(list(CustomerTier)),
    name=st.none() | texts,
    phone=st.none() | st.from_regex(r"1[3-9]\d{9}", fullmatch=True),
    email=st.none() | st.emails(),
)
drafts = st.builds(
    TicketDraft,
    texts,
    st.sampled_from(list(Channel)),
    instants,
    st.none() | customers,
    kind=st.none() | st.sampled_from(list(Kind)),
    category=st.none() | st.sampled_from(list(Category)),
    priority=st.none() | st.sampled_from(list(Priority)),
    expectation=st.none() | st.sampled_from(list(Expectation)),
    order_ref=st.none() | texts,
    claimed_amount=st.none() | money,
    attachments=st.lists(attachments, max_size=2),
    tags=st.lists(texts, max_size=3),
    dedupe_key=st.none() | texts,
)
ACTORS = (
    Actor.staff("agent.1", Role.AGENT),
    Actor.staff("super.1", Role.SUPERVISOR),
    Actor.staff("super.2", Role.SUPERVISOR),
    Actor.staff("director.1", Role.DIRECTOR),
    Actor.customer("C001"),
    Actor.system(),
)
nonneg_money = st.builds(Money, st.decimals(min_value=0, max_value=10**6, places=3), currencies)
responses = st.builds(
    SurveyResponse,
    st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]),
    csat=st.none() | st.integers(1, 5),
    nps=st.none() | st.integers(0, 10),
    comment=st.none() | texts,
)
round_contexts = st.builds(
    RoundContext, st.datetimes(timezones=st.just(dt.UTC)).map(pendulum.instance), st.booleans()
)
COMMAND_ARGS: dict[str, st.SearchStrategy[Any]] = {
    "triage": st.builds(
        c.Triage,
        st.sampled_from(list(Kind)),
        st.none() | st.sampled_from(list(Category)),
        st.sampled_from(list(Priority)),
        complex=st.booleans(),
        department=st.none() | texts,
        cc=st.lists(texts, max_size=2),
    ),
    "override": st.builds(c.Override, texts, priority=st.sampled_from(list(Priority))),
    "assign": st.builds(c.Assign, texts, st.none() | texts),
    "investigate": st.just(c.Investigate()),
    "respond": st.builds(c.Respond, texts),
    # a committed time must lie ahead of the command: far enough that it always does
    "commit_time": st.builds(
        c.CommitTime,
        st.datetimes(dt.datetime(2090, 1, 1), dt.datetime(2099, 1, 1), timezones=st.just(dt.UTC)),
        texts,
    ),
    "transfer": st.builds(c.Transfer, texts, texts, to_assignee=st.none() | texts),
    "comment": st.builds(c.Comment, texts, internal=st.booleans()),
    "attach": st.builds(c.Attach, attachments),
    "propose_solution": st.builds(c.ProposeSolution, texts, amount=st.none() | nonneg_money),
    "approve": st.builds(c.Approve, st.none() | texts),
    "reject": st.builds(c.Reject, texts),
    "customer_accepts": st.builds(c.CustomerAccepts, st.none() | texts),
    "customer_declines": st.builds(c.CustomerDeclines, texts),
    "complete": st.builds(c.Complete, st.none() | texts),
    "resolve_now": st.builds(c.ResolveNow, texts),
    "record_survey": st.builds(c.RecordSurvey, responses, reopen_to=st.none() | texts),
    "send_survey": st.builds(
        c.SendSurvey,
        texts,
        stratum=texts,
        population=st.just(9),
        sample=st.integers(1, 9),
        method=texts,
        followup=st.booleans(),
    ),
    "refuse_survey": st.builds(c.RefuseSurvey, texts, note=texts, context=round_contexts),
    "answer_survey": st.builds(
        c.AnswerSurvey,
        texts,
        responses,
        answers=st.lists(st.integers(0, 10), max_size=4).map(tuple),
        suggestion=st.none() | texts,
        reopen_to=st.none() | texts,
        context=round_contexts,
    ),
    "reopen": st.builds(c.Reopen, texts),
    "close": st.builds(c.Close, st.none() | texts),
    "merge": st.builds(c.Merge, texts, st.none() | texts),
    "withdraw": st.builds(c.Withdraw, st.none() | texts),
    "restamp_sla": st.builds(c.RestampSla, texts, texts),
    "notify": st.builds(c.QueueNotification, texts, texts, texts),
    "alert": st.builds(
        c.RecordAlert,
        texts,
        texts,
        st.integers(1, 5),
        texts,
        st.sampled_from([0.75, 1.0, 1.5]),
        st.datetimes(timezones=st.just(dt.UTC)),
        role=st.none() | st.sampled_from(list(Role)),
        reassign=st.booleans(),
    ),
}


@st.composite
def histories(draw: st.DrawFn) -> tuple[Ticket, list[Event]]:
    """A ticket from a random draft, walked through random allowed commands."""
    draft = draw(drafts)
    ticket, log = open_ticket(
        draft,
        ticket_id="T-1",
        number="TS-0001",
        actor=ACTORS[0],
        sla_version=draw(st.none() | texts),
    )
    for _ in range(draw(st.integers(0, 15))):
        actor = draw(st.sampled_from(ACTORS))
        at = ticket.updated_at + draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=5)))
        at = at.in_timezone(draw(st.sampled_from(ZONES)))
        allowed = allowed_commands(ticket, actor, at=at)
        if not allowed:
            continue
        command = draw(COMMAND_ARGS[draw(st.sampled_from(allowed))])
        try:
            ticket, events = apply(ticket, command, actor=actor, at=at)
        except ComplaintflowError:  # e.g. a transfer to where it already is
            continue
        log.extend(events)
    return ticket, log


# -- properties ---------------------------------------------------------------------


def test_every_trigger_has_an_argument_strategy() -> None:
    assert COMMAND_ARGS.keys() == COMMANDS.keys()


@given(histories())
def test_tickets_and_events_round_trip_through_json(history: tuple[Ticket, list[Event]]) -> None:
    ticket, log = history
    back = ticket_from_dict(through_json(ticket_to_dict(ticket)))
    assert back == ticket
    assert repr(back) == repr(ticket)  # same zones, same Decimal digits, same enums
    events = [event_from_dict(through_json(event_to_dict(event))) for event in log]
    assert events == log
    assert [repr(event) for event in events] == [repr(event) for event in log]
    assert Ticket.replay(events) == ticket


@given(instants)
def test_instants_keep_their_zone_or_offset(value: dt.datetime) -> None:
    # Every instant the library stores went through clock.instant() (in a repeated hour it
    # carries its fixed offset, so it names one instant); those round-trip exactly.
    moment = instant(value)
    stored = through_json(instant_to_dict(moment))
    back = instant_from_dict(stored)
    assert back == moment
    assert back.utcoffset() == moment.utcoffset()
    assert back.isoformat() == moment.isoformat()


@given(money)
def test_decimal_amounts_keep_every_digit(amount: Money) -> None:
    data = through_json(make_converter().unstructure(amount))
    assert data == {"amount": str(amount.amount), "currency": amount.currency}
    back = make_converter().structure(data, Money)
    assert back.amount.as_tuple() == amount.amount.as_tuple()


# -- examples -------------------------------------------------------------------------


T0 = pendulum.datetime(2024, 5, 20, 9, 12, tz="Asia/Shanghai")


def test_instant_is_stored_as_utc_plus_zone_name() -> None:
    assert instant_to_dict(T0) == {"utc": "2024-05-20T01:12:00+00:00", "zone": "Asia/Shanghai"}
    assert instant_from_dict(instant_to_dict(T0)).timezone_name == "Asia/Shanghai"


def test_fixed_offset_instant_is_stored_with_its_offset() -> None:
    kathmandu = dt.datetime(2024, 5, 20, 6, 57, tzinfo=dt.timezone(dt.timedelta(hours=5.75)))
    stored = instant_to_dict(kathmandu)
    assert stored == {"utc": "2024-05-20T01:12:00+00:00", "offset": 20700}
    back = instant_from_dict(stored)
    assert back == T0
    assert back.utcoffset() == dt.timedelta(hours=5, minutes=45)


def test_fixed_offset_draft_round_trips() -> None:
    at = dt.datetime(2024, 5, 20, 9, 12, tzinfo=dt.timezone(dt.timedelta(hours=-3, minutes=-30)))
    draft = TicketDraft("the parcel arrived crushed", Channel.EMAIL, at)
    ticket, (event,) = open_ticket(draft, ticket_id="T-1", number="N-1", actor=ACTORS[0])
    back = event_from_dict(through_json(event_to_dict(event)))
    assert back == event
    assert back.at.utcoffset() == dt.timedelta(hours=-3, minutes=-30)
    assert ticket_from_dict(through_json(ticket_to_dict(ticket))).received_at.isoformat() == (
        "2024-05-20T09:12:00-03:30"
    )


def test_money_is_stored_as_an_exact_string() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0, claimed_amount=Money("199.90", "CNY"))
    ticket, (event,) = open_ticket(draft, ticket_id="T-1", number="N-1", actor=ACTORS[0])
    stored = event_to_dict(event)
    assert stored["payload"]["draft"]["claimed_amount"] == {"amount": "199.90", "currency": "CNY"}
    back = ticket_from_dict(through_json(ticket_to_dict(ticket)))
    assert back.claimed_amount is not None
    assert str(back.claimed_amount.amount) == "199.90"


def test_event_dict_shape() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    ticket, _ = open_ticket(draft, ticket_id="T-1", number="N-1", actor=ACTORS[0])
    _, (event,) = apply(
        ticket,
        c.Triage("complaint", "billing.payment", "P1"),
        actor=ACTORS[0],
        at=T0.add(minutes=1),
    )
    stored = event_to_dict(event)
    assert stored["type"] == "triaged"
    assert stored["status"] == "triaged"
    assert stored["actor"] == {"id": "agent.1", "role": "agent", "kind": "staff"}
    assert stored["payload"]["priority"] == "P1"
    assert stored["payload"]["category"] == "billing.payment"
    assert json.loads(json.dumps(stored)) == stored


def test_unknown_event_type_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        event_from_dict({"type": "teleported"})
    assert info.value.field == "type"


def test_event_missing_fields_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        event_from_dict({"type": "commented", "seq": 2})
    assert info.value.field == "event"


def test_ticket_with_a_bad_field_is_refused() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    ticket, _ = open_ticket(draft, ticket_id="T-1", number="N-1", actor=ACTORS[0])
    data = ticket_to_dict(ticket)
    del data["id"]
    with pytest.raises(ValidationError) as info:
        ticket_from_dict(data)
    assert info.value.field == "ticket"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"utc": "yesterday", "zone": "UTC"},
        {"utc": "2024-05-20T01:12:00+00:00"},
        {"utc": "2024-05-20T01:12:00+00:00", "offset": "east"},
    ],
)
def test_bad_stored_instant_is_refused(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError) as info:
        instant_from_dict(data)
    assert info.value.field == "instant"


def test_money_with_a_float_cannot_sneak_in_through_storage() -> None:
    back = make_converter().structure({"amount": 0.1, "currency": "CNY"}, Money)
    assert back.amount == Decimal("0.1")  # str(0.1) is "0.1": exact, not 0.1000000000000000055
