"""Commands validate their own arguments, so a malformed one never reaches apply."""

from __future__ import annotations

from typing import Any

import pytest

from complaintflow.domain import commands as c
from complaintflow.domain.lifecycle import COMMANDS, TRANSITIONS
from complaintflow.domain.money import Money
from complaintflow.domain.values import Attachment, SurveyResponse
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import ValidationError


def test_one_command_class_per_trigger() -> None:
    assert {row.trigger for row in TRANSITIONS} == set(COMMANDS)
    for trigger, cls in COMMANDS.items():
        assert cls.trigger == trigger
        assert cls.__name__ in c.__all__


def test_commands_are_frozen_values() -> None:
    assert c.Respond("您好") == c.Respond("您好")
    assert hash(c.Comment("x")) == hash(c.Comment("x"))


def test_triage_accepts_values_and_members() -> None:
    triage = c.Triage("complaint", "billing.payment", "P1", cc=["finance", "risk"])
    assert triage.kind is Kind.COMPLAINT
    assert triage.category is Category.BILLING_PAYMENT
    assert triage.priority is Priority.P1
    assert triage.cc == ("finance", "risk")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("rant", None, "P1"), "kind"),
        (("complaint", "billing", "P1"), "category"),
        (("complaint", None, "P5"), "priority"),
        ((None, None, "P1"), "kind"),
        (("complaint", None, None), "kind"),
    ],
)
def test_triage_refuses_bad_classification(args: tuple[Any, ...], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        c.Triage(*args)
    assert info.value.field == field


def test_triage_cc_must_be_a_sequence_of_names_not_one_string() -> None:
    with pytest.raises(ValidationError) as info:
        c.Triage(Kind.COMPLAINT, None, Priority.P1, cc="finance")
    assert info.value.field == "cc"
    with pytest.raises(ValidationError) as info:
        c.Triage(Kind.COMPLAINT, None, Priority.P1, cc=["finance", " "])
    assert info.value.field == "cc"


def test_triage_refuses_an_empty_department() -> None:
    with pytest.raises(ValidationError) as info:
        c.Triage(Kind.COMPLAINT, None, Priority.P1, department="")
    assert info.value.field == "department"


def test_override_must_change_something() -> None:
    with pytest.raises(ValidationError, match="changes nothing") as info:
        c.Override("复核")
    assert info.value.field == "kind"
    assert c.Override("复核", complex=False).complex is False


def test_override_needs_a_reason() -> None:
    with pytest.raises(ValidationError) as info:
        c.Override("", priority=Priority.P1)
    assert info.value.field == "reason"
    assert "Override.reason" in str(info.value)


def test_assign_needs_an_assignee_or_a_department() -> None:
    with pytest.raises(ValidationError) as info:
        c.Assign(None)
    assert info.value.field == "assignee"
    assert c.Assign(None, "billing").department == "billing"


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: c.Respond(""), "message"),
        (lambda: c.Respond("   "), "message"),
        (lambda: c.Comment(""), "text"),
        (lambda: c.ProposeSolution(" "), "text"),
        (lambda: c.Reject(""), "reason"),
        (lambda: c.CustomerDeclines(""), "reason"),
        (lambda: c.ResolveNow(""), "answer"),
        (lambda: c.Reopen(""), "reason"),
        (lambda: c.Merge(""), "into"),
        (lambda: c.Approve(""), "note"),
        (lambda: c.CustomerAccepts(""), "note"),
        (lambda: c.Complete(""), "note"),
        (lambda: c.Close(""), "reason"),
        (lambda: c.Withdraw(""), "reason"),
        (lambda: c.Transfer("tech", ""), "reason"),
        (lambda: c.RestampSla("", "policy update"), "version"),
        (lambda: c.RestampSla("2024.2", ""), "reason"),
    ],
)
def test_required_texts_are_non_empty(build: Any, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.field == field


def test_transfer_needs_a_destination_and_a_reason() -> None:
    with pytest.raises(ValidationError) as info:
        c.Transfer(None, "转技术部")
    assert info.value.field == "to_department"
    assert c.Transfer(None, "组内改派", to_assignee="fin.sun").to_assignee == "fin.sun"


def test_attach_needs_an_attachment_reference() -> None:
    with pytest.raises(ValidationError, match="must be of type Attachment") as info:
        c.Attach(b"\x89PNG")  # type: ignore[arg-type]
    assert info.value.field == "attachment"
    attachment = Attachment("s3://e/1.png", "1.png", "image/png", "a" * 64)
    assert c.Attach(attachment).attachment is attachment


def test_propose_solution_amount_must_be_money_and_not_negative() -> None:
    with pytest.raises(ValidationError) as info:
        c.ProposeSolution("退款", amount="199.00")  # type: ignore[arg-type]
    assert info.value.field == "amount"
    with pytest.raises(ValidationError) as info:
        c.ProposeSolution("扣款", amount=Money("-1", "CNY"))
    assert info.value.field == "amount"
    assert c.ProposeSolution("退款", amount=Money("0", "CNY")).amount == Money("0", "CNY")


def test_record_survey_needs_a_survey_response() -> None:
    with pytest.raises(ValidationError) as info:
        c.RecordSurvey(5)  # type: ignore[arg-type]
    assert info.value.field == "response"
    with pytest.raises(ValidationError) as info:
        c.RecordSurvey(SurveyResponse.from_csat(1), reopen_to="")
    assert info.value.field == "reopen_to"
