"""Value objects refuse bad input at construction, each with its typed error."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs
import pendulum
import pytest

from complaintflow.domain.money import Money
from complaintflow.domain.values import (
    Actor,
    Attachment,
    Customer,
    Solution,
    SurveyResponse,
    TicketDraft,
    mask_email,
    mask_phone,
)
from complaintflow.domain.vocabulary import (
    ActorKind,
    Category,
    Channel,
    CustomerTier,
    Priority,
    Role,
    SatisfactionLevel,
)
from complaintflow.errors import (
    CurrencyMismatchError,
    MoneyError,
    NaiveDatetimeError,
    ValidationError,
)

RECEIVED = pendulum.datetime(2024, 5, 20, 9, 12, tz="Asia/Shanghai")
SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def draft(**changes: Any) -> TicketDraft:
    fields: dict[str, Any] = {
        "description": "APP订单支付失败，银行卡被扣了两次",
        "channel": Channel.CHAT,
        "received_at": RECEIVED,
    }
    fields.update(changes)
    return TicketDraft(**fields)


# -- TicketDraft -------------------------------------------------------------


def test_draft_keeps_the_customers_words_verbatim_and_converts_the_instant() -> None:
    text = "  订单号56，\n支付显示失败  "
    made = draft(description=text, received_at=dt.datetime(2024, 5, 20, 1, 12, tzinfo=dt.UTC))
    assert made.description == text
    assert isinstance(made.received_at, pendulum.DateTime)
    assert made.received_at == RECEIVED
    assert made.channel is Channel.CHAT


def test_draft_accepts_enum_values_as_strings() -> None:
    made = draft(channel="email", kind="complaint", category="billing.payment", priority="P1")
    assert made.channel is Channel.EMAIL
    assert made.category is Category.BILLING_PAYMENT
    assert made.priority is Priority.P1


def test_empty_description_is_refused() -> None:
    with pytest.raises(ValidationError, match="description must be a non-empty string") as info:
        draft(description="")
    assert info.value.field == "description"


def test_whitespace_description_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        draft(description=" \t\n　")
    assert info.value.field == "description"


def test_non_string_description_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        draft(description=b"bytes")
    assert info.value.field == "description"


def test_naive_received_at_is_refused() -> None:
    naive = dt.datetime(2024, 5, 20, 9, 12)
    with pytest.raises(NaiveDatetimeError) as info:
        draft(received_at=naive)
    assert info.value.field == "received_at"
    assert info.value.value == naive
    assert "timezone-aware" in str(info.value)


def test_received_at_must_be_a_datetime() -> None:
    with pytest.raises(ValidationError) as info:
        draft(received_at="2024-05-20T09:12:00+08:00")
    assert info.value.field == "received_at"
    assert not isinstance(info.value, NaiveDatetimeError)


def test_unknown_channel_is_refused_naming_the_choices() -> None:
    with pytest.raises(ValidationError) as info:
        draft(channel="wechat")
    assert info.value.field == "channel"
    message = str(info.value)
    assert "'wechat'" in message
    for choice in Channel:
        assert choice.value in message


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        draft(category="billing")
    assert info.value.field == "category"
    assert "billing.payment" in str(info.value)


def test_claimed_amount_must_be_money() -> None:
    with pytest.raises(ValidationError) as info:
        draft(claimed_amount=Decimal("199.00"))
    assert info.value.field == "claimed_amount"


def test_tags_must_be_strings_and_are_deduplicated_in_order() -> None:
    assert draft(tags=["vip", "refund", "vip"]).tags == ("vip", "refund")
    with pytest.raises(ValidationError) as info:
        draft(tags="vip")
    assert info.value.field == "tags"
    with pytest.raises(ValidationError) as info:
        draft(tags=["vip", ""])
    assert info.value.field == "tags"


def test_attachments_are_references_never_bytes() -> None:
    with pytest.raises(ValidationError) as info:
        draft(attachments=[b"\x89PNG..."])
    assert info.value.field == "attachments"
    assert "never bytes" in str(info.value)


def test_draft_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        draft().description = "changed"  # type: ignore[misc]


# -- Customer ----------------------------------------------------------------


def test_bad_tier_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Customer("C001", "gold")
    assert info.value.field == "tier"
    assert "new, regular, vip" in str(info.value)


def test_tier_defaults_to_regular_and_accepts_values() -> None:
    assert Customer("C001").tier is CustomerTier.REGULAR
    assert Customer("C001", "vip").tier is CustomerTier.VIP


def test_empty_customer_id_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Customer(" ")
    assert info.value.field == "id"


def test_phone_is_masked_in_repr_and_str() -> None:
    customer = Customer("C001", "vip", phone="13812345678")
    assert "13812345678" not in repr(customer)
    assert "13812345678" not in str(customer)
    assert "138****5678" in repr(customer)
    assert str(customer) == "C001 (vip, 138****5678)"
    assert customer.phone == "13812345678"  # the host still has the real number
    assert customer.masked_contact == "138****5678"


def test_email_is_masked_in_repr_and_str() -> None:
    customer = Customer("C002", email="user@example.com")
    assert "user@example.com" not in repr(customer)
    assert "user@example.com" not in str(customer)
    assert "u***@example.com" in repr(customer)
    assert str(customer) == "C002 (regular, u***@example.com)"


def test_both_contacts_are_masked_and_phone_is_shown_first() -> None:
    customer = Customer("C003", phone="13812345678", email="user@example.com")
    text = repr(customer) + str(customer)
    assert "13812345678" not in text
    assert "user@" not in text
    assert customer.masked_contact == "138****5678"
    assert str(Customer("C004")) == "C004 (regular)"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("+8613812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("010 8765 4321", "010****4321"),
        ("12345", "1**45"),
        ("1234", "****"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [("user@example.com", "u***@example.com"), ("@example.com", "****@example.com")],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


# -- Attachment --------------------------------------------------------------


def test_attachment_keeps_a_reference() -> None:
    attachment = Attachment("s3://evidence/bank.png", "bank.png", "image/png", SHA)
    assert attachment.sha256 == SHA


@pytest.mark.parametrize("bad", [SHA.upper(), SHA[:-1], SHA + "0", "g" * 64, 123])
def test_bad_sha256_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        Attachment("s3://evidence/bank.png", "bank.png", "image/png", bad)  # type: ignore[arg-type]
    assert info.value.field == "sha256"
    assert "64 lowercase hex digits" in str(info.value)


def test_attachment_needs_a_uri() -> None:
    with pytest.raises(ValidationError) as info:
        Attachment("", "bank.png", "image/png", SHA)
    assert info.value.field == "uri"


# -- Money -------------------------------------------------------------------


def test_money_takes_str_int_and_decimal_exactly() -> None:
    assert Money("19.90", "CNY").amount == Decimal("19.90")
    assert str(Money("19.90", "CNY").amount) == "19.90"
    assert Money(100, "cny") == Money(Decimal("100"), "CNY")
    assert Money("0.1", "CNY") + Money("0.2", "CNY") == Money("0.3", "CNY")


@pytest.mark.parametrize("amount", [0.1, 19.9, float("nan")])
def test_float_amount_is_refused(amount: float) -> None:
    with pytest.raises(MoneyError) as info:
        Money(amount, "CNY")  # type: ignore[arg-type]
    assert info.value.field == "amount"
    assert "float" in str(info.value)


def test_bool_amount_is_refused() -> None:
    with pytest.raises(MoneyError) as info:
        Money(True, "CNY")
    assert info.value.field == "amount"


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-inf", Decimal("NaN"), Decimal("sNaN")])
def test_non_finite_amount_is_refused(amount: object) -> None:
    with pytest.raises(MoneyError) as info:
        Money(amount, "CNY")  # type: ignore[arg-type]
    assert info.value.field == "amount"


def test_non_number_amount_is_refused() -> None:
    with pytest.raises(MoneyError, match="not a number") as info:
        Money("一百", "CNY")
    assert info.value.field == "amount"
    with pytest.raises(MoneyError):
        Money([1], "CNY")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["RMB", "XXX", "", "CN", 156])
def test_unknown_currency_is_refused(currency: object) -> None:
    with pytest.raises(MoneyError) as info:
        Money("1", currency)  # type: ignore[arg-type]
    assert info.value.field == "currency"
    assert "ISO-4217" in str(info.value)


def test_money_arithmetic_stays_in_one_currency() -> None:
    a, b = Money("300.00", "CNY"), Money("199.99", "CNY")
    assert a + b == Money("499.99", "CNY")
    assert a - b == Money("100.01", "CNY")
    assert -b == Money("-199.99", "CNY")
    assert b * 2 == 2 * b == Money("399.98", "CNY")
    assert b * Decimal("0.5") == Money("99.995", "CNY")
    assert (a - a).is_zero
    assert (b - a).is_negative
    assert str(a) == "300.00 CNY"


def test_money_multiplication_refuses_floats() -> None:
    with pytest.raises(TypeError):
        Money("1", "CNY") * 1.5  # type: ignore[operator]


def test_money_comparisons() -> None:
    assert Money("500.00", "CNY") < Money("500.01", "CNY")
    assert Money("500.00", "CNY") <= Money("500", "CNY")
    assert Money("500.01", "CNY") > Money("500", "CNY")
    assert Money("500", "CNY") >= Money("500.00", "CNY")
    assert Money("500", "CNY") == Money("500.00", "CNY")
    assert hash(Money("500", "CNY")) == hash(Money("500.00", "CNY"))
    assert Money("1", "CNY") != Money("1", "USD")
    assert sorted([Money("3", "CNY"), Money("1", "CNY")]) == [Money("1", "CNY"), Money("3", "CNY")]


@pytest.mark.parametrize(
    ("operation", "name"),
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "subtract"),
        (lambda a, b: a < b, "compare"),
        (lambda a, b: a >= b, "compare"),
    ],
)
def test_mixing_currencies_raises(operation: Any, name: str) -> None:
    with pytest.raises(CurrencyMismatchError) as info:
        operation(Money("1", "CNY"), Money("1", "USD"))
    assert (info.value.left, info.value.right, info.value.operation) == ("CNY", "USD", name)


def test_comparing_money_with_a_number_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        assert Money("1", "CNY") < 2  # type: ignore[operator]


# -- Actor -------------------------------------------------------------------


def test_actor_factories() -> None:
    assert Actor.staff("wang.fang", "agent") == Actor("wang.fang", Role.AGENT, ActorKind.STAFF)
    assert Actor.customer("C001").role is None
    assert Actor.system().id == "system"
    assert str(Actor.staff("chen.jing", Role.SUPERVISOR)) == "chen.jing (supervisor)"


def test_staff_needs_a_role() -> None:
    with pytest.raises(ValidationError) as info:
        Actor("wang.fang")
    assert info.value.field == "role"


def test_only_staff_have_a_role() -> None:
    with pytest.raises(ValidationError) as info:
        Actor("C001", Role.AGENT, ActorKind.CUSTOMER)
    assert info.value.field == "role"


def test_unknown_role_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        Actor.staff("x", "ceo")
    assert info.value.field == "role"


def test_roles_form_a_ladder() -> None:
    assert Role.AGENT < Role.SUPERVISOR < Role.DEPARTMENT_MANAGER < Role.DIRECTOR
    assert max(Role) is Role.DIRECTOR
    assert Priority.P1 > Priority.P2 > Priority.P4


# -- SurveyResponse ----------------------------------------------------------


@pytest.mark.parametrize(
    ("csat", "level"),
    [
        (1, "unsatisfied"),
        (2, "unsatisfied"),
        (3, "basically_satisfied"),
        (4, "basically_satisfied"),
        (5, "satisfied"),
    ],
)
def test_csat_maps_to_the_three_level_result(csat: int, level: str) -> None:
    response = SurveyResponse.from_csat(csat)
    assert response.level is SatisfactionLevel(level)
    assert response.csat == csat


@pytest.mark.parametrize("csat", [0, 6, -1, True, "5"])
def test_csat_out_of_range_is_refused(csat: Any) -> None:
    with pytest.raises(ValidationError) as info:
        SurveyResponse.from_csat(csat)
    assert info.value.field == "csat"
    assert "from 1 to 5" in str(info.value)


@pytest.mark.parametrize(
    ("field", "bad", "bounds"),
    [
        ("nps", 11, "0 to 10"),
        ("nps", -1, "0 to 10"),
        ("ces", 0, "1 to 7"),
        ("ces", 8, "1 to 7"),
        ("csat", 6, "1 to 5"),
    ],
)
def test_score_ranges(field: str, bad: int, bounds: str) -> None:
    with pytest.raises(ValidationError) as info:
        SurveyResponse(SatisfactionLevel.SATISFIED, **{field: bad})
    assert info.value.field == field
    assert bounds in str(info.value)


def test_score_bounds_are_inclusive() -> None:
    response = SurveyResponse("satisfied", csat=5, nps=0, ces=7)
    assert (response.csat, response.nps, response.ces) == (5, 0, 7)
    assert SurveyResponse("unsatisfied", nps=10, ces=1).nps == 10


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        SurveyResponse("meh")
    assert info.value.field == "level"


# -- Solution ----------------------------------------------------------------


def test_solution_tracks_its_next_approval_step() -> None:
    proposer = Actor.staff("wang.fang", Role.AGENT)
    solution = Solution(
        "退款",
        Money("800", "CNY"),
        proposer,
        RECEIVED,
        required=(Role.SUPERVISOR, Role.DEPARTMENT_MANAGER),
    )
    assert solution.next_role is Role.SUPERVISOR
    assert not solution.approved
    assert Solution("道歉", None, proposer, RECEIVED).approved
