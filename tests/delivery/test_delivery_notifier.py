"""ChannelNotifier: who is reached through which channel, and one error for what failed."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence

import pendulum
import pytest

from complaintflow import (
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    Notifier,
    TicketDraft,
)
from complaintflow.delivery import (
    ChannelNotifier,
    Route,
    SmtpChannel,
    StaticDirectory,
    WebhookChannel,
    parse_recipient,
)
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.followups import to_outbox
from complaintflow.service.notifications import Notification, NotificationKind

from .conftest import SECRET, Hook, SmtpServer

Make = Callable[..., Notification]


class Recorder:
    """A channel that remembers each send and can be told to fail."""

    def __init__(self, name: str, error: Exception | None = None) -> None:
        self._name = name
        self.error = error
        self.sent: list[tuple[str, tuple[str, ...], bool]] = []

    @property
    def name(self) -> str:
        return self._name

    def send(self, notification: Notification, to: Sequence[str], *, staff: bool) -> None:
        if self.error is not None:
            raise self.error
        self.sent.append((notification.key, tuple(to), staff))


def alert(make: Make, recipient: str | None = "supervisor") -> Notification:
    return make(
        NotificationKind.SLA_ALERT,
        contact=None,
        recipient=recipient,
        subject="工单 TS1：resolution breach",
        body="请 supervisor 跟进。",
    )


DIRECTORY = StaticDirectory(
    {
        "supervisor": Route(emails=("lead@shop.example",), webhooks=("ops",)),
        "department:售后": Route(phones=("13900000000",)),
        "user:wang": Route(emails=("wang@shop.example",)),
    }
)


def test_a_staff_recipient_is_read_as_the_contract_says() -> None:
    assert parse_recipient("supervisor") == ("role", "supervisor")
    assert parse_recipient("role:supervisor") == ("role", "supervisor")
    assert parse_recipient("department:售后") == ("department", "售后")
    assert parse_recipient("user:wang") == ("user", "wang")
    assert parse_recipient("team:x") == ("role", "team:x")
    assert DIRECTORY.route("role:supervisor") == DIRECTORY.route("supervisor")
    assert not DIRECTORY.route("role:nobody")


def test_customers_are_reached_by_their_own_contact(make_notification: Make) -> None:
    email, sms = Recorder("email"), Recorder("sms")
    notifier = ChannelNotifier(email=email, sms=sms)
    assert isinstance(notifier, Notifier)
    notifier.send(make_notification(contact="li.lei@example.com"))
    notifier.send(make_notification(contact="+86 138 1234 5678"))
    assert email.sent == [("T1:accepted:1", ("li.lei@example.com",), False)]
    assert sms.sent == [("T1:accepted:1", ("+86 138 1234 5678",), False)]


@pytest.mark.parametrize(
    ("contact", "reason"),
    [(None, "left no contact"), ("by post", "neither"), ("13812345678", "no SMS channel")],
)
def test_a_customer_who_cannot_be_reached_fails_permanently(
    make_notification: Make, contact: str | None, reason: str
) -> None:
    notifier = ChannelNotifier(email=Recorder("email"))
    with pytest.raises(DeliveryFailed) as caught:
        notifier.send(make_notification(contact=contact))
    assert caught.value.permanent is True
    assert reason in str(caught.value)
    assert caught.value.recipients == ("C-1001",)


def test_staff_are_reached_through_the_directory(make_notification: Make) -> None:
    email, sms, ops = Recorder("email"), Recorder("sms"), Recorder("webhook")
    notifier = ChannelNotifier(email=email, sms=sms, webhooks={"ops": ops}, directory=DIRECTORY)
    notifier.send(alert(make_notification))
    notifier.send(alert(make_notification, "department:售后"))
    assert email.sent == [("T1:sla_alert:1", ("lead@shop.example",), True)]
    assert ops.sent == [("T1:sla_alert:1", ("supervisor",), True)]
    assert sms.sent == [("T1:sla_alert:1", ("13900000000",), True)]


def test_an_outbox_item_queued_for_staff_goes_to_staff(make_notification: Make) -> None:
    email = Recorder("email")
    notifier = ChannelNotifier(email=email, directory=DIRECTORY)
    note = make_notification(NotificationKind.RESULT, recipient="user:wang")
    notifier.send_item(to_outbox(note, audience="staff"))
    assert email.sent == [(note.key, ("wang@shop.example",), True)]


def test_nowhere_to_send_is_permanent_and_the_rest_still_goes(make_notification: Make) -> None:
    email = Recorder("email")
    directory = StaticDirectory(
        {"supervisor": Route(emails=("lead@shop.example",), webhooks=("chat",))}
    )
    notifier = ChannelNotifier(email=email, directory=directory)
    with pytest.raises(DeliveryFailed) as caught:
        notifier.send(alert(make_notification))
    assert caught.value.permanent is True
    assert caught.value.recipients == ("chat",)
    assert email.sent  # the e-mail leg went out
    for recipient, words in [("role:nobody", "no address"), (None, "without a recipient")]:
        with pytest.raises(DeliveryFailed, match=words):
            notifier.send(alert(make_notification, recipient))
    with pytest.raises(DeliveryFailed, match="no staff directory"):
        ChannelNotifier(email=email).send(alert(make_notification))


def test_failures_of_several_legs_become_one_error_transient_if_any_is(
    smtp_server: SmtpServer, webhook_server: Hook, make_notification: Make
) -> None:
    smtp_server.mailbox.refuse["lead@shop.example"] = "550 5.1.1 gone"
    webhook_server.statuses = [500, 500]
    notifier = ChannelNotifier(
        email=SmtpChannel(host=smtp_server.host, port=smtp_server.port, sender="desk@shop.example"),
        webhooks={
            "ops": WebhookChannel(
                url=webhook_server.url, secret=SECRET, retries=1, sleep=lambda _: None
            )
        },
        directory=DIRECTORY,
    )
    with pytest.raises(DeliveryFailed) as caught:
        notifier.send(alert(make_notification))
    error = caught.value
    assert error.recipients == ("lead@shop.example", webhook_server.url.split("?")[0])
    assert error.permanent is False  # the webhook may answer next time
    assert error.channel == "email+webhook"
    webhook_server.statuses = []
    smtp_server.mailbox.refuse.clear()
    notifier.send(alert(make_notification))
    assert len(smtp_server.mailbox.received) == 1


def test_a_host_channel_that_raises_anything_is_retried(make_notification: Make) -> None:
    notifier = ChannelNotifier(email=Recorder("email", RuntimeError("boom")))
    with pytest.raises(DeliveryFailed) as caught:
        notifier.send(make_notification())
    assert (caught.value.permanent, caught.value.recipients) == (False, ("li.lei@example.com",))


def test_copies_reach_staff_masked_and_never_fail_the_customer_message(
    smtp_server: SmtpServer, make_notification: Make, caplog: pytest.LogCaptureFixture
) -> None:
    directory = StaticDirectory(
        {
            "role:archive": Route(emails=("archive@shop.example",)),
            "role:broken": Route(webhooks=("gone",)),
        }
    )
    notifier = ChannelNotifier(
        email=SmtpChannel(host=smtp_server.host, port=smtp_server.port, sender="desk@shop.example"),
        directory=directory,
        copies=("archive", "broken"),
    )
    with caplog.at_level(logging.WARNING, logger="complaintflow.delivery.notifier"):
        notifier.send(make_notification())
    customer, copy = smtp_server.mailbox.received
    assert customer[1] == ["li.lei@example.com"]
    assert copy[1] == ["archive@shop.example"]
    assert "l***@example.com" in copy[2].get_content()
    assert b"li.lei@example.com" not in copy[2].as_bytes()
    assert "copy of T1:accepted:1 to broken not sent" in caplog.text


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least one channel"):
        ChannelNotifier()
    with pytest.raises(ValidationError, match="directory"):
        ChannelNotifier(email=Recorder("email"), copies=("archive",))
    with pytest.raises(ValidationError, match="webhook 'ops'"):
        ChannelNotifier(webhooks={"ops": "https://hooks.example"})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="Route"):
        StaticDirectory({"supervisor": ("lead@shop.example",)})  # type: ignore[dict-item]


def test_the_desk_delivers_the_accepted_message_by_smtp(smtp_server: SmtpServer) -> None:
    clock = ManualClock(pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai"))
    desk = ComplaintDesk(InMemoryStore(), clock)
    customer = Customer("C-1001", email="li.lei@example.com")
    ticket = desk.intake(TicketDraft("快递三天没到", "phone", clock.now(), customer))
    notifier = ChannelNotifier(
        email=SmtpChannel(host=smtp_server.host, port=smtp_server.port, sender="desk@shop.example")
    )
    report = desk.deliver_pending(notifier)
    assert (report.delivered, report.failed) == (1, 0)
    to, message = smtp_server.mailbox.only()
    assert to == ["li.lei@example.com"]
    assert message["Subject"] == f"您的反馈已受理（{ticket.number}）"
    assert f"工单号 {ticket.number}" in message.get_content()
    assert desk.deliver_pending(notifier).delivered == 0  # acknowledged


def test_the_desk_reports_a_refused_customer_masked(smtp_server: SmtpServer) -> None:
    smtp_server.mailbox.refuse["li.lei@example.com"] = "550 5.1.1 no such user"
    clock = ManualClock(pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai"))
    desk = ComplaintDesk(InMemoryStore(), clock)
    customer = Customer("C-1001", email="li.lei@example.com")
    desk.intake(TicketDraft("快递三天没到", "phone", clock.now(), customer))
    notifier = ChannelNotifier(
        email=SmtpChannel(host=smtp_server.host, port=smtp_server.port, sender="desk@shop.example")
    )
    report = desk.deliver_pending(notifier)
    assert (report.delivered, report.failed) == (0, 1)
    assert "DeliveryFailed" in report.errors[0]
    assert "l***@example.com" in report.errors[0]
    assert "li.lei@example.com" not in json.dumps(report.errors)


def test_delivery_failed_survives_pickling_for_worker_queues() -> None:
    import pickle

    error = DeliveryFailed(
        "e-mail to l***@example.com failed permanently: 550",
        recipients=("li.lei@example.com",),
        permanent=True,
        channel="email",
        reasons={"li.lei@example.com": "550 no such user"},
    )
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.recipients, copy.permanent, copy.channel, copy.reasons, str(copy)) == (
        error.recipients,
        True,
        "email",
        error.reasons,
        str(error),
    )
