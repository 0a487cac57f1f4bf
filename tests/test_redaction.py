"""Contact data never leaves in clear: reports, audit tables, reprs, error messages."""

from __future__ import annotations

import re
from itertools import count

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaintflow import (
    Actor,
    Channel,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    Role,
    SurveyResponse,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain import commands as c
from complaintflow.domain.audit import describe, render_table
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.redaction import mask_phone, redact, redacted_repr
from complaintflow.domain.vocabulary import Channel as ChannelEnum
from complaintflow.domain.vocabulary import parse_enum
from complaintflow.metrics import _labels, monthly_report
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.policy import SlaPolicy
from complaintflow.testing.hostile import contact_texts

START = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")
AGENT = Actor.staff("wang.fang", Role.AGENT)
ALWAYS_OPEN = {day: [("00:00", "24:00")] for day in range(7)}
_SEPARATORS = re.compile(r"[ \-./()+\uff0d\u3000\uff0e\uff0f\uff08\uff09\uff0b]")
_NOT_DIGITS = re.compile(r"[^0-9Xx\uff10-\uff19]+")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx")


def survivors(output: str, contacts: list[str]) -> list[str]:
    """The contacts still readable in ``output``, whatever separators it put around them."""
    chunks = [_digits(chunk) for chunk in _NOT_DIGITS.split(_SEPARATORS.sub("", output))]
    left = []
    for contact in contacts:
        if "@" in contact:
            local = contact.partition("@")[0]
            if contact in output or f"{local}@" in output:
                left.append(contact)
            continue
        core = _digits(contact)
        for country in ("0086", "86"):
            if contact.lstrip("+( ").startswith(country) and len(core) > 12:
                core = core[len(country) :]
        if any(core in chunk for chunk in chunks):
            left.append(contact)
    return left


@pytest.mark.parametrize(
    "text",
    [
        "电话138.1234.5678",
        "call 138/1234/5678 now",
        "mail alice.wong@localhost",
        "+86 138 1234 5678",
        "0086-138-1234-5678",
        "138－1234－5678",
        "（010）8765　4321",
        "身份证11010519491231002X",
        "card 6222 0202 0001 2345 678",
    ],
)
def test_the_formats_the_issue_found_are_masked(text: str) -> None:
    contact = text.split(maxsplit=1)[-1] if " " in text else text
    assert survivors(redact(text), [contact.lstrip("电话身份证mail ")]) == []


def test_dates_times_ticket_numbers_and_amounts_stay() -> None:
    text = "TS20240520-0001 received 2024-05-20 10:00 (20/05/2024), refund ¥1,299.00"
    assert redact(text) == text
    assert redact("2024-05-20T10:00:00+08:00") == "2024-05-20T10:00:00+08:00"


def test_masking_keeps_enough_to_recognise() -> None:
    assert redact("电话13812345678") == "电话138****5678"
    assert redact("write to alice.wong@localhost.") == "write to a***@localhost."
    assert mask_phone("0086 138 1234 5678") == "138****5678"
    assert redacted_repr(("13812345678", None)) == "('138****5678', None)"


def test_redaction_is_linear_on_long_runs() -> None:
    redact("1" * 200_000 + "a")
    redact("a." * 100_000)


def _desk() -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(InMemoryStore(), ManualClock(START), ids=lambda: f"t{next(serial)}")


@settings(max_examples=150, deadline=None)
@given(contact_texts())
def test_no_contact_survives_any_output(drawn: tuple[str, list[str]]) -> None:
    text, contacts = drawn
    desk = _desk()
    customer = Customer("C1", name=text, phone=contacts[0], email="bob.lee@localhost")
    draft = TicketDraft(text, Channel.PHONE, START, customer, tags=(text,), order_ref=text)
    ticket = desk.intake(draft)
    desk.comment(ticket.id, text, actor=AGENT)
    desk.respond(ticket.id, text, actor=AGENT)
    history = desk.history(ticket.id)
    outputs = {
        "redact": redact(text),
        "report example": _labels.redact(text, limit=10_000),
        "audit table": render_table(history),
        "describe": "\n".join(describe(event) for event in history),
        "draft repr": repr(draft),
        "customer repr": repr(customer),
        "customer str": str(customer),
        "received event repr": repr(history[0]),
        "survey repr": repr(SurveyResponse.from_csat(4, comment=text)),
        "actor": str(Actor.customer(text)) + repr(Actor.customer(text)),
    }
    for source in (
        lambda: parse_enum(ChannelEnum, text, "channel"),
        lambda: Customer("C2", phone=int(re.sub(r"\D", "", contacts[0]) or 1)),
    ):
        try:
            source()
        except ValidationError as error:
            outputs[f"error {error.field}"] = str(error)
    for name, output in outputs.items():
        assert survivors(output, contacts) == [], (name, output)


@given(st.sampled_from(["13812345678", "alice.wong@localhost"]))
def test_a_customer_with_a_wrong_typed_contact_is_refused_without_echo(contact: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Customer("C1", phone=int(contact) if contact.isdigit() else None, email=contact.encode())  # type: ignore[arg-type]
    assert contact not in str(caught.value)
    assert "must be a non-empty string, got" in str(caught.value)


@pytest.mark.parametrize("what", ["ticket", "comment event", "outbox item"])
def test_ticket_event_and_outbox_reprs_mask_contacts(what: str) -> None:
    from complaintflow.storage.protocol import OutboxItem

    text = "客户电话138.1234.5678"
    desk = _desk()
    ticket = desk.intake(TicketDraft(text, Channel.PHONE, START))
    ticket = desk.comment(ticket.id, text, actor=AGENT)
    shown = {
        "ticket": repr(ticket),
        "comment event": repr(desk.history(ticket.id)[-1]),
        "outbox item": repr(OutboxItem("o1", ticket.id, "sms", {"to": "138 1234 5678"}, START)),
    }[what]
    assert survivors(shown, ["138.1234.5678"]) == [], shown


@settings(max_examples=40, deadline=None)
@given(st.lists(contact_texts(), min_size=1, max_size=3))
def test_no_contact_survives_the_monthly_report(drawn: list[tuple[str, list[str]]]) -> None:
    policy = SlaPolicy.default()
    logs = []
    for n, (text, _) in enumerate(drawn):
        ticket, log = open_ticket(
            TicketDraft(text, "chat", START.add(hours=n)),
            ticket_id=f"r{n}",
            number=f"TS-{n}",
            actor=AGENT,
            sla_version=policy.version,
        )
        ticket, more = apply(
            ticket,
            c.Triage("complaint", "product.quality", "P3"),
            actor=AGENT,
            at=START.add(hours=n, minutes=1),
        )
        logs.append([*log, *more])
    calendar = BusinessCalendar(tz="Asia/Shanghai", week=ALWAYS_OPEN)
    report = monthly_report(
        logs, year=2024, month=5, zone="Asia/Shanghai", policy=policy, calendar=calendar
    )
    assert report.top3[0].example  # the customer's words are in it, masked
    contacts = [contact for _, found in drawn for contact in found]
    for rendering in (str(report.to_dict()), report.to_markdown(), report.to_html("en")):
        assert survivors(rendering, contacts) == []
