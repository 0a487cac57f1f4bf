"""The SMS hook: its own short texts, the fields read back, the host's gateway's errors."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from complaintflow.delivery import SmsChannel
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification, NotificationKind, Templates

Make = Callable[..., Notification]


class Gateway:
    """The host's part: here it only remembers what it was asked to send."""

    def __init__(self, error: Exception | None = None) -> None:
        self.sent: list[tuple[str, str]] = []
        self.error = error

    def __call__(self, phone: str, text: str) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append((phone, text))


def test_a_chinese_text_with_the_number_and_the_promised_time(make_notification: Make) -> None:
    gateway = Gateway()
    sms = SmsChannel(gateway=gateway, signature="【小店客服】")
    sms.send(make_notification(contact="13812345678"), ["13812345678"], staff=False)
    assert gateway.sent == [
        (
            "13812345678",
            "【小店客服】您的反馈已受理，工单号TS20240520-0001，我们将在2024-05-21 10:00前联系您。",
        )
    ]
    assert len(gateway.sent[0][1]) <= 70


def test_an_english_text(make_notification: Make) -> None:
    note = make_notification(
        NotificationKind.IN_PROGRESS,
        lang="en",
        subject="Ticket TS20240520-0001 is in progress",
        body="Hello, ticket TS20240520-0001 is being handled by Logistics; we expect to propose "
        "a solution by 2024-05-22 18:00.",
    )
    assert SmsChannel(gateway=Gateway(), limit=160).text(note) == (
        "Ticket TS20240520-0001 is with Logistics; solution expected by 2024-05-22 18:00."
    )


def test_no_solution_text_or_amount_reaches_the_phone(make_notification: Make) -> None:
    note = make_notification(
        NotificationKind.SOLUTION_READY,
        subject="工单 TS20240520-0001 的解决方案",
        body="您好，针对工单 TS20240520-0001，我们的解决方案是：补发新品并赔偿（CNY 200.00）。"
        "请确认是否接受。",
    )
    text = SmsChannel(gateway=Gateway()).text(note)
    assert text == "工单TS20240520-0001的解决方案已发出，请查收并确认。"
    assert "200" not in text


def test_long_texts_are_cut_to_the_limit_and_host_texts_override(make_notification: Make) -> None:
    texts = {"zh-CN": {NotificationKind.ACCEPTED: "工单{number}已受理。" + "请留意后续通知。" * 10}}
    text = SmsChannel(gateway=Gateway(), texts=texts, limit=40).text(make_notification())
    assert len(text) == 40
    assert text.startswith("工单TS20240520-0001已受理。")
    assert text.endswith("…")


def test_host_templates_are_how_fields_are_read_back(make_notification: Make) -> None:
    own = Templates(
        {"zh-CN": {NotificationKind.ACCEPTED: ("受理 {number}", "单号{number}，{expected}前回复")}}
    )
    note = make_notification(subject="受理 TS9", body="单号TS9，明天前回复")
    assert SmsChannel(gateway=Gateway(), templates=own).text(note) == (
        "您的反馈已受理，工单号TS9，我们将在明天前联系您。"
    )


def test_gateway_errors_are_retried_unless_the_gateway_says_permanent(
    make_notification: Make,
) -> None:
    sms = SmsChannel(gateway=Gateway(ConnectionError("gateway down")))
    with pytest.raises(DeliveryFailed) as caught:
        sms.send(make_notification(), ["13812345678"], staff=False)
    assert (caught.value.recipients, caught.value.permanent) == (("13812345678",), False)
    assert "138****5678" in str(caught.value)
    assert "13812345678" not in str(caught.value)
    refused = SmsChannel(gateway=Gateway(DeliveryFailed("empty number", permanent=True)))
    with pytest.raises(DeliveryFailed) as caught:
        refused.send(make_notification(), ["13812345678"], staff=False)
    assert (caught.value.recipients, caught.value.permanent, caught.value.channel) == (
        ("13812345678",),
        True,
        "sms",
    )


def test_a_number_that_is_no_number_fails_permanently(make_notification: Make) -> None:
    gateway = Gateway()
    with pytest.raises(DeliveryFailed) as caught:
        SmsChannel(gateway=gateway).send(
            make_notification(), ["call me", "13812345678"], staff=True
        )
    assert (caught.value.recipients, caught.value.permanent) == (("call me",), True)
    assert [phone for phone, _ in gateway.sent] == ["13812345678"]


@pytest.mark.parametrize(
    "options",
    [
        {"gateway": "not callable"},
        {"gateway": Gateway(), "limit": 5},
        {"gateway": Gateway(), "texts": {"zh-CN": {NotificationKind.RESULT: "{solution}"}}},
    ],
)
def test_bad_configuration_is_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SmsChannel(**options)  # type: ignore[arg-type]
