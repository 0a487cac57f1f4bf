"""Delivery channels: e-mail over SMTP, a signed webhook, SMS through the host's gateway.

:class:`ChannelNotifier` is a :class:`~complaintflow.service.notifications.Notifier`,
so ``desk.deliver_pending(ChannelNotifier(...))`` sends the outbox through
real channels: customers by their own contact, staff wherever the host's
:class:`StaffDirectory` says.  Every channel raises
:class:`~complaintflow.errors.DeliveryFailed` naming the recipients that
failed and whether trying again can help (see docs/delivery.md).
"""

from __future__ import annotations

from complaintflow.delivery.base import (
    Channel,
    Route,
    StaffDirectory,
    StaticDirectory,
    is_staff,
    parse_recipient,
    staff_text,
)
from complaintflow.delivery.notifier import ChannelNotifier
from complaintflow.delivery.sms import SMS_TEMPLATES, SmsChannel, is_phone_number
from complaintflow.delivery.smtp import SmtpChannel, is_email_address
from complaintflow.delivery.webhook import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookChannel,
    sign,
    verify_signature,
)
from complaintflow.errors import DeliveryFailed

__all__ = [
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "SMS_TEMPLATES",
    "TIMESTAMP_HEADER",
    "Channel",
    "ChannelNotifier",
    "DeliveryFailed",
    "Route",
    "SmsChannel",
    "SmtpChannel",
    "StaffDirectory",
    "StaticDirectory",
    "WebhookChannel",
    "is_email_address",
    "is_phone_number",
    "is_staff",
    "parse_recipient",
    "sign",
    "staff_text",
    "verify_signature",
]
