"""``ChannelNotifier``: the :class:`Notifier` that decides who is reached, and how.

Customers are reached through their own contact, as the notification
carries it: an e-mail address by e-mail, a phone number by SMS.  Staff
(an SLA alert, or any item queued with ``audience="staff"``) are reached
wherever the host's :class:`StaffDirectory` says, by e-mail, SMS and
webhooks at once, and always see the customer's contact masked.

One notification may take several legs (a role with two addresses and a
chat webhook).  If some fail, ``send`` raises one
:class:`~complaintflow.errors.DeliveryFailed` naming every failed
address, permanent only if every failure is; the delivery loop then sends
the whole notification again, so receivers deduplicate by its key (the
e-mail ``Message-ID`` and the webhook's key header are derived from it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from complaintflow.delivery.base import Channel, Route, StaffDirectory, combine, is_staff
from complaintflow.delivery.sms import is_phone_number
from complaintflow.delivery.smtp import is_email_address
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.followups import notification_from_outbox
from complaintflow.service.notifications import Notification

if TYPE_CHECKING:
    from complaintflow.storage.protocol import OutboxItem

__all__ = ["ChannelNotifier", "Leg"]

log = logging.getLogger(__name__)

#: One channel and the addresses it is to reach.
Leg = tuple[Channel, tuple[str, ...]]


def _check_webhooks(value: Mapping[str, Channel]) -> Mapping[str, Channel]:
    for label, channel in value.items():
        if not isinstance(channel, Channel):
            raise ValidationError(
                f"webhook {label!r} must be a channel (e.g. WebhookChannel), got "
                f"{type(channel).__name__}",
                field="webhooks",
            )
    return dict(value)


@attrs.frozen(kw_only=True)
class ChannelNotifier:
    """Routes each notification to its channels; a :class:`Notifier` for ``deliver_pending``.

    ``email`` and ``sms`` reach customers and the staff addresses the
    ``directory`` gives; ``webhooks`` are the channels a directory
    :class:`Route` may name.  ``copies`` are staff recipients (looked up in
    the directory like any other) who get a copy of every customer
    message, with the customer's contact masked; a copy is best effort
    (logged when it fails), so a broken archive mailbox never makes the
    customer's message go out twice.
    """

    email: Channel | None = None
    sms: Channel | None = None
    webhooks: Mapping[str, Channel] = attrs.field(factory=dict, converter=_check_webhooks)
    directory: StaffDirectory | None = None
    copies: tuple[str, ...] = attrs.field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        for label, channel in (("email", self.email), ("sms", self.sms)):
            if channel is not None and not isinstance(channel, Channel):
                raise ValidationError(
                    f"{label} must be a channel (send(notification, to, staff=...)), got "
                    f"{type(channel).__name__}",
                    field=label,
                )
        if self.email is None and self.sms is None and not self.webhooks:
            raise ValidationError("a ChannelNotifier needs at least one channel", field="email")
        if self.directory is not None and not isinstance(self.directory, StaffDirectory):
            raise ValidationError(
                "directory must have route(recipient) -> Route (e.g. StaticDirectory)",
                field="directory",
            )
        if self.copies and self.directory is None:
            raise ValidationError(
                "copies are looked up in a directory: pass directory=...", field="copies"
            )

    def send(self, notification: Notification) -> None:
        self._deliver(notification, staff=is_staff(notification))

    def send_item(self, item: OutboxItem) -> None:
        """Send an outbox item, honouring the ``audience`` it was queued with."""
        audience = item.payload.get("audience")
        notification = notification_from_outbox(item)
        self._deliver(notification, staff=is_staff(notification, audience))

    def legs(self, notification: Notification, *, staff: bool) -> list[Leg]:
        """Where ``notification`` goes; a permanent DeliveryFailed if any part is nowhere."""
        legs, failures = self._plan(notification, staff=staff)
        if failures:
            raise combine(failures)
        return legs

    def _plan(
        self, notification: Notification, *, staff: bool
    ) -> tuple[list[Leg], list[DeliveryFailed]]:
        if staff:
            return self._staff_legs(notification)
        return self._customer_legs(notification)

    def _deliver(self, notification: Notification, *, staff: bool) -> None:
        legs, failures = self._plan(notification, staff=staff)
        for channel, to in legs:
            try:
                channel.send(notification, to, staff=staff)
            except DeliveryFailed as error:
                failures.append(error)
            except Exception as error:  # a host's own channel: unknown means "later"
                failures.append(
                    DeliveryFailed(
                        f"{channel.name} failed: {type(error).__name__}: {error}",
                        recipients=to,
                        channel=channel.name,
                        reasons=dict.fromkeys(to, repr(error)),
                    )
                )
        if failures:
            raise combine(failures)
        if not staff:
            self._copy(notification)

    def _copy(self, notification: Notification) -> None:
        for recipient in self.copies:
            try:
                legs, failures = self._routed(notification, recipient)
                for channel, to in legs:
                    channel.send(notification, to, staff=True)
                if failures:
                    raise combine(failures)
            except Exception as error:
                log.warning("copy of %s to %s not sent: %s", notification.key, recipient, error)

    def _customer_legs(self, n: Notification) -> tuple[list[Leg], list[DeliveryFailed]]:
        contact = (n.contact or "").strip()
        who = (n.recipient,) if n.recipient else ()
        if is_email_address(contact):
            if self.email is not None:
                return [(self.email, (contact,))], []
            reason = "the customer has an e-mail address but no e-mail channel is configured"
        elif is_phone_number(contact):
            if self.sms is not None:
                return [(self.sms, (contact,))], []
            reason = "the customer has a phone number but no SMS channel is configured"
        elif contact:
            reason = "the customer's contact is neither an e-mail address nor a phone number"
        else:
            reason = "the customer left no contact"
        return [], [_nowhere(f"{n.key}: {reason}", who)]

    def _staff_legs(self, n: Notification) -> tuple[list[Leg], list[DeliveryFailed]]:
        if not n.recipient:
            return [], [_nowhere(f"{n.key}: a staff notification without a recipient", ())]
        return self._routed(n, n.recipient)

    def _routed(self, n: Notification, recipient: str) -> tuple[list[Leg], list[DeliveryFailed]]:
        if self.directory is None:
            return [], [_nowhere(f"{n.key}: no staff directory for {recipient!r}", (recipient,))]
        route = self.directory.route(recipient)
        if not isinstance(route, Route) or not route:
            why = f"{n.key}: the staff directory has no address for {recipient!r}"
            return [], [_nowhere(why, (recipient,))]
        legs: list[Leg] = []
        failures: list[DeliveryFailed] = []
        for channel, addresses, label in (
            (self.email, route.emails, "e-mail"),
            (self.sms, route.phones, "SMS"),
        ):
            if addresses and channel is None:
                failures.append(_nowhere(f"{n.key}: no {label} channel configured", addresses))
            elif addresses and channel is not None:
                legs.append((channel, addresses))
        for name in route.webhooks:
            hook = self.webhooks.get(name)
            if hook is None:
                known = ", ".join(sorted(self.webhooks)) or "none"
                failures.append(
                    _nowhere(f"{n.key}: no webhook named {name!r} (known: {known})", (name,))
                )
            else:
                legs.append((hook, (recipient,)))
        return legs, failures


def _nowhere(message: str, recipients: tuple[str, ...]) -> DeliveryFailed:
    """Nowhere to send: trying again cannot help until the host changes something."""
    return DeliveryFailed(message, recipients=recipients, permanent=True, channel="route")
