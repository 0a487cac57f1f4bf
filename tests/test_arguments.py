"""Bad arguments to values and desk calls are ComplaintflowErrors with clear messages."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from complaintflow import (
    Actor,
    Attachment,
    Channel,
    ComplaintflowError,
    Customer,
    NaiveDatetimeError,
    Role,
    SurveyResponse,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain import arguments
from complaintflow.domain import commands as c

NOW = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")


@pytest.mark.parametrize("csat", [None, "5", 5.0, True, 0, 6, 2**64])
def test_from_csat_refuses_anything_but_a_score(csat: object) -> None:
    with pytest.raises(ValidationError, match="csat must be an integer from 1 to 5") as caught:
        SurveyResponse.from_csat(csat)  # type: ignore[arg-type]
    assert caught.value.field == "csat"


def test_a_phone_as_an_int_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        Customer("C1", phone=13812345678)  # type: ignore[arg-type]
    assert str(caught.value) == "Customer.phone must be a non-empty string, got int"
    assert caught.value.field == "phone"


def test_a_dict_as_customer_is_refused_without_printing_it() -> None:
    with pytest.raises(ValidationError) as caught:
        TicketDraft("包裹破损", Channel.PHONE, NOW, {"id": "C1", "phone": "13812345678"})  # type: ignore[arg-type]
    assert str(caught.value) == "TicketDraft.customer must be a Customer or None, got dict"
    assert "1381234" not in str(caught.value)


@pytest.mark.parametrize(
    "build",
    [
        lambda: Actor(None),  # type: ignore[arg-type]
        lambda: Actor("a", kind="robot"),  # type: ignore[arg-type]
        lambda: Attachment("s3://x", "photo.jpg", "image/jpeg", 12),  # type: ignore[arg-type]
        lambda: TicketDraft("x", Channel.PHONE, NOW, tags="urgent"),
        lambda: TicketDraft("x", Channel.PHONE, NOW, tags=[1]),  # type: ignore[list-item]
        lambda: TicketDraft(b"x", Channel.PHONE, NOW),  # type: ignore[arg-type]
        lambda: TicketDraft("x", "fax", NOW),
        lambda: SurveyResponse("satisfied", comment="\x00"),
    ],
)
def test_values_refuse_bad_arguments_with_validation_error(build: object) -> None:
    with pytest.raises(ValidationError):
        build()  # type: ignore[operator]


@pytest.mark.parametrize("value", [None, "wang.fang", {"id": "wang.fang"}, 7])
def test_the_actor_check_names_the_type(value: object) -> None:
    with pytest.raises(ValidationError, match=f"got {type(value).__name__}") as caught:
        arguments.actor(value)
    assert caught.value.field == "actor"
    staff = Actor.staff("wang.fang", Role.AGENT)
    assert arguments.actor(staff) is staff


@pytest.mark.parametrize("value", ["comment", None, c.Comment, {"text": "hi"}])
def test_the_command_check_refuses_what_is_not_a_command(value: object) -> None:
    with pytest.raises(ValidationError, match="must be a command such as Comment"):
        arguments.command(value)


@pytest.mark.parametrize(
    "command",
    [
        c.Comment("a\x00b"),
        c.Respond("\ud800"),
        c.Transfer("billing", "ok", to_assignee="x\x00"),
        c.Triage("complaint", None, "P2", cc=("a\udfff",)),
    ],
)
def test_the_command_check_applies_the_text_rules(command: c.Command) -> None:
    with pytest.raises(ValidationError, match="which no store can keep"):
        arguments.command(command)


def test_a_storable_command_passes() -> None:
    comment = c.Comment("客户来电催促 13812345678")
    assert arguments.command(comment) is comment


@pytest.mark.parametrize("value", [123, "", " ", None, "a\x00"])
def test_ticket_ids_are_storable_strings(value: object) -> None:
    with pytest.raises(ValidationError):
        arguments.ticket_id(value)
    assert arguments.ticket_id("T-1") == "T-1"


@pytest.mark.parametrize("value", [0, -1, 2**63, True, 1.5, "10", None])
def test_counts_fit_a_store(value: object) -> None:
    with pytest.raises(ValidationError, match="limit must be an integer from 1 to"):
        arguments.count(value, "limit")
    assert arguments.count(2**63 - 1, "limit") == 2**63 - 1


def test_moments_are_aware() -> None:
    with pytest.raises(NaiveDatetimeError):
        arguments.moment(dt.datetime(2024, 5, 20, 9), "now")
    with pytest.raises(ComplaintflowError):
        arguments.moment("2024-05-20", "now")
    assert arguments.moment(NOW, "now") == NOW
