"""Text messages through the host's SMS gateway: a short text of its own per node.

An SMS is not the e-mail cut short: it has its own templates, a length
limit (70 characters is one segment of Chinese text) and the signature
Chinese carriers require (``【某某客服】``).  Its fields are the ones the
e-mail was filled with (ticket number, expected time, department, ...),
read back out of the notification's subject and body with the templates
that wrote them, so nothing but the number and the times reaches the
phone: never a solution's text or an amount.

The gateway is the host's: any ``(phone, text) -> None`` callable.  It
raises :class:`~complaintflow.errors.DeliveryFailed` with
``permanent=True`` for a number the carrier refuses; any other exception
is taken as "try again later".
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Mapping, Sequence

import attrs

from complaintflow.delivery.base import combine, mask_address
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification, NotificationKind, Templates

__all__ = ["SMS_TEMPLATES", "SmsChannel", "is_phone_number"]

K = NotificationKind
#: Built-in texts by language and kind; ``str.format`` fields as in the e-mail templates.
SMS_TEMPLATES: Mapping[str, Mapping[NotificationKind, str]] = {
    "zh-CN": {
        K.ACCEPTED: "您的反馈已受理，工单号{number}，我们将在{expected}前联系您。",
        K.IN_PROGRESS: "工单{number}正由{department}处理，预计{expected}前给出方案。",
        K.SOLUTION_READY: "工单{number}的解决方案已发出，请查收并确认。",
        K.OVERDUE_APOLOGY: "抱歉，工单{number}处理延迟，新的预计完成时间为{expected}。",
        K.RESULT: "工单{number}已办结，感谢您的耐心。",
        K.SLA_ALERT: "工单{number} {metric} {alert}，请{role}跟进。",
    },
    "en": {
        K.ACCEPTED: "Feedback received as ticket {number}; we will contact you by {expected}.",
        K.IN_PROGRESS: "Ticket {number} is with {department}; solution expected by {expected}.",
        K.SOLUTION_READY: "We have sent a solution for ticket {number}; please confirm it.",
        K.OVERDUE_APOLOGY: "Sorry, ticket {number} is late; we now expect {expected}.",
        K.RESULT: "Ticket {number} is resolved. Thank you for your patience.",
        K.SLA_ALERT: "Ticket {number}: {metric} {alert}; {role}, please follow up.",
    },
}
_FIELDS = ("number", "department", "expected", "remaining", "metric", "alert", "role")
_SEPARATORS = re.compile(r"[\s\-().+]")


def is_phone_number(text: str) -> bool:
    """Digits, optionally with ``+``, spaces, dashes or parentheses: at least five digits."""
    digits = _SEPARATORS.sub("", text)
    return digits.isdigit() and len(digits) >= 5


def _check_texts(
    value: Mapping[str, Mapping[NotificationKind, str]],
) -> Mapping[str, Mapping[NotificationKind, str]]:
    for lang, kinds in value.items():
        for kind, text in kinds.items():
            NotificationKind(kind)
            names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
            if names - set(_FIELDS):
                raise ValidationError(
                    f"SMS template {lang}/{kind} uses {sorted(names - set(_FIELDS))}; "
                    f"an SMS may use {', '.join(_FIELDS)}",
                    field="texts",
                )
    return value


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching what ``template`` renders to, one group per field."""
    parts, seen = [], set()
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
            seen.add(name)
    return re.compile("".join(parts), re.S)


def _limit(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 20:
        raise ValidationError(
            f"limit must be an integer of 20 or more, got {value!r}", field="limit"
        )


@attrs.frozen(kw_only=True)
class SmsChannel:
    """Short texts through ``gateway(phone, text)``.

    ``templates`` are the desk's notification templates (pass the desk's
    own if it has overrides: they are how the fields are read back);
    ``texts`` override :data:`SMS_TEMPLATES` kind by kind; ``signature``
    is put in front of every text; ``limit`` caps the whole text, longer
    ones are cut with an ellipsis.
    """

    gateway: Callable[[str, str], None]
    templates: Templates = attrs.field(factory=Templates)
    texts: Mapping[str, Mapping[NotificationKind, str]] = attrs.field(
        factory=dict, converter=_check_texts
    )
    signature: str = ""
    limit: int = attrs.field(default=70, validator=_limit)

    def __attrs_post_init__(self) -> None:
        if not callable(self.gateway):
            raise ValidationError(
                "gateway must be a callable (phone, text) -> None", field="gateway"
            )

    @property
    def name(self) -> str:
        return "sms"

    def fields(self, notification: Notification) -> dict[str, str]:
        """The template fields the notification was written with, read back from it."""
        found = dict.fromkeys(_FIELDS, "")
        try:
            subject_t, body_t = self.templates.get(notification.lang, notification.kind)
        except ValidationError:
            subject_t, body_t = "", ""
        for template, text in ((subject_t, notification.subject), (body_t, notification.body)):
            match = _pattern(template).fullmatch(text) if template else None
            if match is not None:
                found.update({k: v.strip() for k, v in match.groupdict().items() if k in found})
        found["number"] = found["number"] or notification.ticket_id
        return found

    def text(self, notification: Notification) -> str:
        """The SMS for ``notification``: its own template, signed, within the limit."""
        lang = notification.lang
        kind = notification.kind
        own = self.texts.get(lang, {}).get(kind)
        fallback = SMS_TEMPLATES.get(lang) or SMS_TEMPLATES["zh-CN" if lang[:2] == "zh" else "en"]
        text = self.signature + (own or fallback[kind]).format(**self.fields(notification))
        return text if len(text) <= self.limit else text[: self.limit - 1] + "…"

    def send(self, notification: Notification, to: Sequence[str], *, staff: bool) -> None:
        text = self.text(notification)
        failures = []
        for phone in dict.fromkeys(p.strip() for p in to):
            if not is_phone_number(phone):
                failures.append(self._failed(phone, "not a phone number", permanent=True))
                continue
            try:
                self.gateway(phone, text)
            except DeliveryFailed as error:
                failures.append(
                    DeliveryFailed(
                        str(error),
                        recipients=error.recipients or (phone,),
                        permanent=error.permanent,
                        channel=error.channel or self.name,
                        reasons=error.reasons or {phone: str(error)},
                    )
                )
            except Exception as error:  # the host's gateway: anything else is "later"
                failures.append(
                    self._failed(phone, f"{type(error).__name__}: {error}", permanent=False)
                )
        if failures:
            raise combine(failures)

    def _failed(self, phone: str, reason: str, *, permanent: bool) -> DeliveryFailed:
        again = "permanently" if permanent else "for now; it will be retried"
        return DeliveryFailed(
            f"SMS to {mask_address(phone)} failed {again}: {reason}",
            recipients=(phone,),
            permanent=permanent,
            channel=self.name,
            reasons={phone: reason},
        )
