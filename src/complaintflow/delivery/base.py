"""What every channel shares: the protocol, staff routing and the staff view of a message.

A channel knows one way of reaching people (SMTP, a webhook, an SMS
gateway) and nothing about who should be reached; :class:`ChannelNotifier`
decides that.  Customers are reached through their own contact, staff
through a host's :class:`StaffDirectory`, which turns the notification's
``recipient`` (``"role:NAME"``, ``"department:NAME"``, ``"user:NAME"``, or a
bare name, which counts as a role) into a :class:`Route`.

Staff never see a customer's contact in full: everything a channel builds
for staff goes through :func:`staff_text`, which masks the contact and
redacts contacts that may hide in the message text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

import attrs

from complaintflow.domain.redaction import mask_email, mask_phone, redact
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification

__all__ = [
    "RECIPIENT_KINDS",
    "Channel",
    "Route",
    "StaffDirectory",
    "StaticDirectory",
    "combine",
    "is_staff",
    "mask_address",
    "parse_recipient",
    "staff_text",
]

#: The prefixes a staff ``recipient`` may carry; a bare name is a role.
RECIPIENT_KINDS = ("role", "department", "user")


@runtime_checkable
class Channel(Protocol):
    """One way of reaching people.

    ``send`` delivers ``notification`` to every address in ``to`` (e-mail
    addresses, phone numbers, or for a webhook the labels it posts along)
    and returns only once all of them were accepted.  Otherwise it raises
    :class:`~complaintflow.errors.DeliveryFailed` naming the addresses that
    failed and whether trying again can help.  ``staff`` asks for the staff
    form: the customer's contact masked, never shown in full.
    """

    @property
    def name(self) -> str: ...

    def send(self, notification: Notification, to: Sequence[str], *, staff: bool) -> None: ...


def _addresses(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):
        value = (value,)
    out = tuple(value)
    for address in out:
        if not isinstance(address, str) or not address.strip():
            raise ValidationError(
                f"a route address must be a non-empty string, got {address!r}", field="route"
            )
    return out


@attrs.frozen
class Route:
    """Where one staff recipient is reached: e-mail, phone, and named webhook channels.

    ``webhooks`` names channels given to the notifier (``webhooks={"ops": ...}``),
    so that secrets stay in the notifier's configuration, not in the directory.
    """

    emails: tuple[str, ...] = attrs.field(default=(), converter=_addresses)
    phones: tuple[str, ...] = attrs.field(default=(), converter=_addresses)
    webhooks: tuple[str, ...] = attrs.field(default=(), converter=_addresses)

    def __bool__(self) -> bool:
        return bool(self.emails or self.phones or self.webhooks)


@runtime_checkable
class StaffDirectory(Protocol):
    """The host's answer to "where do I reach this staff recipient?".

    ``recipient`` is the notification's recipient exactly as queued; use
    :func:`parse_recipient` to read it.  An empty :class:`Route` means
    nobody: the notification fails permanently (a dead letter to look at).
    """

    def route(self, recipient: str) -> Route: ...


def parse_recipient(recipient: str) -> tuple[str, str]:
    """``"department:售后"`` -> ``("department", "售后")``; a bare name is a role.

    Today's SLA alerts name a bare role (``"supervisor"``), so a string
    without one of :data:`RECIPIENT_KINDS` as prefix is read as a role name.
    """
    kind, colon, name = recipient.partition(":")
    if colon and kind in RECIPIENT_KINDS and name.strip():
        return kind, name.strip()
    return "role", recipient.strip()


@attrs.frozen
class StaticDirectory:
    """A directory from a mapping, for hosts whose staff addresses fit in configuration.

    Keys are recipients as :func:`parse_recipient` reads them, so
    ``"supervisor"`` and ``"role:supervisor"`` are the same entry.
    """

    entries: Mapping[str, Route] = attrs.field(factory=dict)
    _index: Mapping[tuple[str, str], Route] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[tuple[str, str], Route] = {}
        for key, route in self.entries.items():
            if not isinstance(route, Route):
                raise ValidationError(
                    f"directory entry {key!r} must be a Route, got {type(route).__name__}",
                    field="entries",
                )
            parsed = parse_recipient(key)
            if parsed in index:
                raise ValidationError(f"directory names {key!r} twice", field="entries")
            index[parsed] = route
        object.__setattr__(self, "_index", index)

    def route(self, recipient: str) -> Route:
        return self._index.get(parse_recipient(recipient), Route())


def is_staff(notification: Notification, audience: str | None = None) -> bool:
    """Staff messages: a staff kind, or an outbox item queued with ``audience="staff"``."""
    queued = audience if audience is not None else getattr(notification, "audience", None)
    return notification.kind.to_staff or queued == "staff"


def mask_address(address: str) -> str:
    """An e-mail address or phone number as logs and error messages may show it."""
    return mask_email(address) if "@" in address else mask_phone(address)


def staff_text(notification: Notification) -> tuple[str, str]:
    """Subject and body as staff receive them, in the notification's language.

    A customer message seen by staff (a copy) is marked as one; the
    customer's contact appears masked, and contacts inside the text are
    redacted, since staff mailboxes and chat rooms are read by many.
    """
    zh = notification.lang.startswith("zh")
    subject = redact(notification.subject)
    if not notification.kind.to_staff:
        subject = ("[副本] " if zh else "[Copy] ") + subject
    contact = mask_address(notification.contact) if notification.contact else None
    labels = ("工单", "客户联系方式", "通知") if zh else ("Ticket", "Customer contact", "Notice")
    lines = [f"{labels[0]}: {notification.ticket_id}"]
    if contact:
        lines.append(f"{labels[1]}: {contact}")
    lines.append(f"{labels[2]}: {notification.kind.value} ({notification.key})")
    return subject, redact(notification.body) + "\n\n-- \n" + "\n".join(lines) + "\n"


def combine(failures: Sequence[DeliveryFailed]) -> DeliveryFailed:
    """One error for a notification some of whose legs failed.

    Permanent only when every failure is: if any leg may succeed later,
    the notification is worth retrying (receivers deduplicate by its key).
    """
    if len(failures) == 1:
        return failures[0]
    recipients = tuple(dict.fromkeys(r for f in failures for r in f.recipients))
    reasons = {k: v for f in failures for k, v in f.reasons.items()}
    permanent = all(f.permanent for f in failures)
    return DeliveryFailed(
        "; ".join(str(f) for f in failures),
        recipients=recipients,
        permanent=permanent,
        channel="+".join(dict.fromkeys(f.channel for f in failures)),
        reasons=reasons,
    )
