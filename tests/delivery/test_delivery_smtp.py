"""E-mail against a real aiosmtpd server: encoding, masking, refusals, timeouts, login."""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from complaintflow.delivery import SmtpChannel
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification, NotificationKind

from .conftest import Mailbox, SmtpServer, free_port

Make = Callable[..., Notification]


def channel(server: SmtpServer, **kw: Any) -> SmtpChannel:
    return SmtpChannel(
        host=server.host, port=server.port, sender="desk@shop.example", timeout=5, **kw
    )


def test_a_chinese_message_arrives_with_its_subject_and_body_decoded(
    smtp_server: SmtpServer, make_notification: Make
) -> None:
    note = make_notification()
    channel(smtp_server, sender_name="客服中心").send(note, ["li.lei@example.com"], staff=False)
    to, message = smtp_server.mailbox.only()
    assert to == ["li.lei@example.com"]
    assert message["Subject"] == "您的反馈已受理（TS20240520-0001）"
    assert message.get_content().replace("\r\n", "\n") == note.body + "\n"  # CRLF: RFC 2046
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "base64"
    assert message["Content-Language"] == "zh-CN"
    assert message["From"].addresses[0].display_name == "客服中心"
    assert message["X-Complaintflow-Key"] == note.key
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"].endswith("@shop.example>")
    assert message.as_bytes().isascii()  # 7-bit clean on the wire


def test_an_english_message_and_a_stable_message_id(
    smtp_server: SmtpServer, make_notification: Make
) -> None:
    note = make_notification(
        lang="en",
        subject="We have received your feedback (TS20240520-0001)",
        body="Hello, we have recorded your feedback as ticket TS20240520-0001.",
    )
    smtp = channel(smtp_server)
    smtp.send(note, ["tom@example.com"], staff=False)
    smtp.send(note, ["tom@example.com"], staff=False)  # delivered twice: at least once
    first, second = (message for _, _, message in smtp_server.mailbox.received)
    assert first["Subject"] == "We have received your feedback (TS20240520-0001)"
    assert first.get_content().strip() == note.body
    assert first["Content-Language"] == "en"
    assert first["Message-ID"] == second["Message-ID"]  # the receiver can drop the copy


@pytest.mark.parametrize(
    ("contact", "masked"),
    [("li.lei@example.com", "l***@example.com"), ("13812345678", "138****5678")],
)
def test_staff_copies_show_the_contact_masked(
    smtp_server: SmtpServer, make_notification: Make, contact: str, masked: str
) -> None:
    note = make_notification(contact=contact)
    channel(smtp_server).send(note, ["duty@shop.example", "lead@shop.example"], staff=True)
    to, message = smtp_server.mailbox.only()
    assert to == ["duty@shop.example", "lead@shop.example"]
    body = message.get_content()
    assert f"客户联系方式: {masked}" in body
    assert message["Subject"].startswith("[副本] ")
    assert contact not in body
    assert contact.encode() not in message.as_bytes()
    staff_id = message["Message-ID"]
    channel(smtp_server).send(note, ["li.lei@example.com"], staff=False)
    assert smtp_server.mailbox.received[1][2]["Message-ID"] != staff_id


def test_a_refused_recipient_is_named_and_the_rest_still_get_the_message(
    smtp_server: SmtpServer, make_notification: Make
) -> None:
    smtp_server.mailbox.refuse["gone@shop.example"] = "550 5.1.1 No such user"
    with pytest.raises(DeliveryFailed) as caught:
        channel(smtp_server).send(
            make_notification(), ["duty@shop.example", "gone@shop.example"], staff=True
        )
    error = caught.value
    assert error.recipients == ("gone@shop.example",)
    assert error.permanent is True
    assert error.channel == "email"
    assert error.reasons["gone@shop.example"].startswith("550")
    assert "g***@shop.example" in str(error)
    assert "gone@" not in str(error)
    to, _ = smtp_server.mailbox.only()
    assert to == ["duty@shop.example"]


def test_every_recipient_refused_and_a_temporary_refusal_is_retried(
    smtp_server: SmtpServer, make_notification: Make
) -> None:
    smtp_server.mailbox.refuse.update(
        {"a@shop.example": "550 no", "b@shop.example": "450 4.2.1 mailbox busy"}
    )
    with pytest.raises(DeliveryFailed) as caught:
        channel(smtp_server).send(
            make_notification(), ["a@shop.example", "b@shop.example"], staff=True
        )
    assert set(caught.value.recipients) == {"a@shop.example", "b@shop.example"}
    assert caught.value.permanent is False  # 450 may go through later
    assert smtp_server.mailbox.received == []


def test_an_address_that_is_no_address_fails_permanently_without_a_connection(
    make_notification: Make,
) -> None:
    smtp = SmtpChannel(host="127.0.0.1", port=free_port(), sender="desk@shop.example")
    with pytest.raises(DeliveryFailed) as caught:
        smtp.send(make_notification(), ["not-an-address"], staff=False)
    assert (caught.value.recipients, caught.value.permanent) == (("not-an-address",), True)


def test_a_silent_server_times_out_and_a_closed_port_is_refused(make_notification: Make) -> None:
    with socket.socket() as silent:  # accepts connections, never greets
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        smtp = SmtpChannel(
            host="127.0.0.1", port=silent.getsockname()[1], sender="desk@shop.example", timeout=0.3
        )
        with pytest.raises(DeliveryFailed) as caught:
            smtp.send(make_notification(), ["li.lei@example.com"], staff=False)
    assert caught.value.permanent is False
    assert caught.value.recipients == ("li.lei@example.com",)
    closed = SmtpChannel(host="127.0.0.1", port=free_port(), sender="desk@shop.example")
    with pytest.raises(DeliveryFailed) as caught:
        closed.send(make_notification(), ["li.lei@example.com"], staff=False)
    assert caught.value.permanent is False
    assert "l***@example.com" in str(caught.value)


def test_login_is_used_and_a_refused_login_is_retried_later(make_notification: Make) -> None:
    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, data: Any
    ) -> AuthResult:
        ok = (data.login, data.password) == (b"desk", b"s3cret")
        return AuthResult(success=ok, handled=False)

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(
        mailbox, hostname="127.0.0.1", port=port, authenticator=authenticate, auth_require_tls=False
    )
    controller.start()
    try:
        base = {"host": "127.0.0.1", "port": port, "sender": "desk@shop.example"}
        SmtpChannel(**base, username="desk", password="s3cret").send(
            make_notification(), ["li.lei@example.com"], staff=False
        )
        assert len(mailbox.received) == 1
        with pytest.raises(DeliveryFailed) as caught:
            SmtpChannel(**base, username="desk", password="wrong").send(
                make_notification(), ["li.lei@example.com"], staff=False
            )
        assert caught.value.permanent is False  # fix the password; the retries go through
        assert "535" in str(caught.value)
    finally:
        controller.stop()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"port": 0}, "port"),
        ({"port": 70000}, "port"),
        ({"port": "25"}, "port"),
        ({"host": ""}, "host"),
        ({"sender": "desk"}, "sender"),
        ({"ssl": True, "starttls": True}, "starttls"),
        ({"username": "desk"}, "password"),
        ({"timeout": 0}, "timeout"),
    ],
)
def test_bad_configuration_is_refused_at_construction(options: dict[str, Any], field: str) -> None:
    settings: dict[str, Any] = {"host": "mail.example", "sender": "desk@shop.example"}
    with pytest.raises(ValidationError) as caught:
        SmtpChannel(**{**settings, **options})
    assert caught.value.field == field


def test_staff_alerts_are_not_marked_as_copies(make_notification: Make) -> None:
    alert = make_notification(
        NotificationKind.SLA_ALERT,
        contact=None,
        recipient="supervisor",
        subject="工单 TS1：resolution breach",
        body="请 supervisor 跟进。",
    )
    smtp = SmtpChannel(host="mail.example", sender="desk@shop.example")
    message = smtp.message(alert, ["lead@shop.example"], staff=True)
    assert message["Subject"] == "工单 TS1：resolution breach"
    assert "客户联系方式" not in message.get_content()


def test_a_line_break_in_a_subject_cannot_inject_a_header(make_notification: Make) -> None:
    note = make_notification(subject="工单 TS1\r\nBcc: everyone@example.com")
    message = SmtpChannel(host="mail.example", sender="desk@shop.example").message(
        note, ["li.lei@example.com"], staff=False
    )
    assert message["Subject"] == "工单 TS1 Bcc: everyone@example.com"
    assert message["Bcc"] is None
