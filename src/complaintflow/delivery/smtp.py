"""E-mail over SMTP with the standard library: one connection per notification.

The message is UTF-8 throughout: the subject is RFC 2047-encoded when it
is not ASCII, the body base64 (Chinese text is shorter so than as
quoted-printable, and no 7-bit relay can mangle it), and
``Content-Language`` says which language it is in.  Its ``Message-ID`` is
derived from the notification's key, so a message sent twice (delivery
is at least once) is recognisably the same message.

Failures are sorted for the delivery loop: addresses the server refuses
with a 5xx code, and 5xx answers to the message itself, are permanent;
4xx codes, timeouts, lost connections and a login the server refuses
(a configuration to fix, after which the retries go through) are not.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import smtplib
from collections.abc import Mapping, Sequence
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime
from ssl import SSLContext, create_default_context

import attrs

from complaintflow.delivery.base import combine, mask_address, staff_text
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification

__all__ = ["SmtpChannel", "is_email_address"]

_EMAIL = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+")


def is_email_address(text: str) -> bool:
    """Shaped like ``local@domain``: what the notifier sends by e-mail."""
    return _EMAIL.fullmatch(text.strip()) is not None


def _check_host(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"SMTP {attribute.name} must be a host name, got {value!r}", field=attribute.name
        )


def _check_port(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 65536:
        raise ValidationError(
            f"SMTP port must be an integer in 1..65535, got {value!r}", field="port"
        )


def _check_sender(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not is_email_address(value):
        raise ValidationError(
            f"sender must be an e-mail address such as desk@example.com, got {value!r}",
            field="sender",
        )


def _check_timeout(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(f"timeout must be seconds above zero, got {value!r}", field="timeout")


@attrs.frozen(kw_only=True)
class SmtpChannel:
    """E-mail through an SMTP server.

    ``ssl=True`` connects with implicit TLS (port 465); ``starttls=True``
    upgrades a plain connection (port 587); ``username`` and ``password``
    log in after that.  ``timeout`` bounds every socket operation, in
    seconds.  ``local_hostname`` is the name given in EHLO (by default the
    machine's FQDN, which costs a DNS lookup per connection).  Stateless
    between sends, so one value serves many threads.
    """

    host: str = attrs.field(validator=_check_host)
    port: int = attrs.field(default=25, validator=_check_port)
    sender: str = attrs.field(validator=_check_sender)
    sender_name: str | None = None
    starttls: bool = False
    ssl: bool = False
    username: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    timeout: float = attrs.field(default=10.0, validator=_check_timeout)
    ssl_context: SSLContext | None = attrs.field(default=None, repr=False)
    local_hostname: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.ssl and self.starttls:
            raise ValidationError(
                "choose ssl=True (implicit TLS, port 465) or starttls=True (port 587), not both",
                field="starttls",
            )
        if (self.username is None) != (self.password is None):
            raise ValidationError("give both username and password, or neither", field="password")

    @property
    def name(self) -> str:
        return "email"

    def message(
        self, notification: Notification, to: Sequence[str], *, staff: bool
    ) -> EmailMessage:
        """The message :meth:`send` would send: for tests, previews and archives."""
        subject, body = (
            staff_text(notification) if staff else (notification.subject, notification.body)
        )
        message = EmailMessage(policy=SMTP_POLICY)
        message["From"] = Address(self.sender_name or "", addr_spec=self.sender)
        message["To"] = ", ".join(to)
        message["Subject"] = _one_line(subject)  # a header cannot hold a line break
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        form = "staff" if staff else "customer"
        digest = hashlib.sha256(f"{notification.key}|{form}".encode()).hexdigest()[:32]
        message["Message-ID"] = f"<{digest}@{self.sender.rpartition('@')[2]}>"
        message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
        message["X-Complaintflow-Key"] = _one_line(notification.key)
        message["X-Complaintflow-Ticket"] = _one_line(notification.ticket_id)
        message.set_content(body, charset="utf-8", cte=None if body.isascii() else "base64")
        message["Content-Language"] = notification.lang  # after set_content, which clears it
        return message

    def send(self, notification: Notification, to: Sequence[str], *, staff: bool) -> None:
        recipients = tuple(dict.fromkeys(a.strip() for a in to))
        if not recipients:
            raise ValidationError("send needs at least one e-mail address", field="to")
        good = tuple(a for a in recipients if is_email_address(a))
        failures = []
        if len(good) < len(recipients):
            bad = tuple(a for a in recipients if a not in good)
            failures.append(self._failed(bad, "not an e-mail address", permanent=True))
        if good:
            refused = self._transmit(self.message(notification, good, staff=staff), good)
            if refused:
                failures.append(self._refused(refused))
        if failures:
            raise combine(failures)

    def _connect(self) -> smtplib.SMTP:
        # loading the system's CA store costs more than sending a message: only for TLS
        context = self.ssl_context or (_tls() if self.ssl or self.starttls else None)
        name = self.local_hostname
        if self.ssl:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, name, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, name, timeout=self.timeout)
        try:
            if self.starttls:
                client.starttls(context=context)
            if self.username is not None and self.password is not None:
                client.login(self.username, self.password)
        except BaseException:
            client.close()
            raise
        return client

    def _transmit(
        self, message: EmailMessage, to: tuple[str, ...]
    ) -> Mapping[str, tuple[int, bytes]]:
        try:
            client = self._connect()
            try:
                return client.send_message(message, from_addr=self.sender, to_addrs=list(to))
            finally:
                _quit(client)
        except smtplib.SMTPRecipientsRefused as error:  # every one of them
            return error.recipients
        except smtplib.SMTPResponseException as error:
            # a 5xx answer to the message itself will be the same next time; a refused
            # sender or login is the host's configuration, worth retrying once fixed
            permanent = isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500
            reason = f"{error.smtp_code} {_text(error.smtp_error)}"
            raise self._failed(to, reason, permanent=permanent) from error
        except (smtplib.SMTPException, OSError) as error:  # timeouts, refused connections
            raise self._failed(to, f"{type(error).__name__}: {error}", permanent=False) from error

    def _refused(self, refused: Mapping[str, tuple[int, bytes]]) -> DeliveryFailed:
        reasons = {a: f"{code} {_text(text)}" for a, (code, text) in refused.items()}
        shown = ", ".join(f"{mask_address(a)} ({reasons[a]})" for a in refused)
        return DeliveryFailed(
            f"the SMTP server {self.host}:{self.port} refused {shown}",
            recipients=tuple(refused),
            permanent=all(code >= 500 for code, _ in refused.values()),
            channel=self.name,
            reasons=reasons,
        )

    def _failed(self, to: Sequence[str], reason: str, *, permanent: bool) -> DeliveryFailed:
        shown = ", ".join(mask_address(a) for a in to)
        again = "permanently" if permanent else "for now; it will be retried"
        return DeliveryFailed(
            f"e-mail to {shown} via {self.host}:{self.port} failed {again}: {reason}",
            recipients=tuple(to),
            permanent=permanent,
            channel=self.name,
            reasons=dict.fromkeys(to, reason),
        )


@functools.cache
def _tls() -> SSLContext:
    """The system's trust store, loaded once: contexts are safe to share between threads."""
    return create_default_context()


def _quit(client: smtplib.SMTP) -> None:
    """Say goodbye; the message was sent already, so a rude answer to QUIT is no failure."""
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        client.close()


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
