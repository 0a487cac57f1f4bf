"""A signed webhook: each notification POSTed as JSON, with the standard library only.

Every request carries three headers::

    X-Complaintflow-Timestamp: 1716170400          (Unix seconds, when it was signed)
    X-Complaintflow-Signature: sha256=<hex>        (HMAC-SHA256 of "<timestamp>." + body)
    X-Complaintflow-Key: <notification key>        (the same on every retry: deduplicate by it)

A receiver recomputes the HMAC over the timestamp, a dot and the raw
body bytes with the shared secret, compares in constant time and refuses
timestamps too far from its own clock (a replayed request);
:func:`verify_signature` does all three.

Inside one ``send``, connection errors, timeouts, 5xx answers and the
4xx codes that mean "later" (408, 425, 429) are retried after
``backoff``, ``2 × backoff``, ... seconds; any other 4xx answer is
permanent.  Redirects are not followed: a redirected POST would arrive
as a GET without its body, so a 3xx counts as a wrong URL (permanent).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from complaintflow.delivery.base import mask_address, staff_text
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification

__all__ = [
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "WebhookChannel",
    "sign",
    "verify_signature",
]

TIMESTAMP_HEADER = "X-Complaintflow-Timestamp"
SIGNATURE_HEADER = "X-Complaintflow-Signature"
KEY_HEADER = "X-Complaintflow-Key"
#: 4xx answers that ask to come back later rather than refuse the request.
_LATER = frozenset({408, 425, 429})


def _secret(value: str | bytes) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    if not isinstance(raw, bytes) or len(raw) < 16:
        raise ValidationError(
            "a webhook secret must be at least 16 bytes (e.g. secrets.token_hex(32)); "
            f"got {len(raw) if isinstance(raw, bytes) else type(value).__name__}",
            field="secret",
        )
    return raw


def sign(secret: str | bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value for ``body`` signed at ``timestamp``."""
    digest = hmac.new(_secret(secret), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def verify_signature(
    secret: str | bytes,
    *,
    timestamp: str,
    body: bytes,
    signature: str,
    tolerance: float = 300.0,
    now: float | None = None,
) -> bool:
    """Whether a received request was signed with ``secret`` within ``tolerance`` seconds.

    ``timestamp`` and ``signature`` are the header values, ``body`` the raw
    request bytes (before any JSON parsing).  ``now`` defaults to the clock.
    """
    try:
        signed_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - signed_at) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


def _check_url(_: object, attribute: attrs.Attribute[str], value: str) -> None:
    parts = urllib.parse.urlsplit(value if isinstance(value, str) else "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            f"a webhook url must be http(s)://host/..., got {value!r}", field="url"
        )


def _positive(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValidationError(
            f"{attribute.name} must be above zero, got {value!r}", field=attribute.name
        )


def _count(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValidationError(
            f"retries must be an integer in 0..10, got {value!r}", field="retries"
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


_OPENER = urllib.request.build_opener(_NoRedirect)


@attrs.frozen(kw_only=True)
class WebhookChannel:
    """POSTs each notification to ``url``, signed with ``secret``.

    ``timeout`` bounds each attempt (seconds); ``retries`` more attempts
    follow a transient failure.  ``sleep`` and ``clock`` are there for
    tests.  Stateless between sends, so one value serves many threads.
    """

    url: str = attrs.field(validator=_check_url)
    secret: bytes = attrs.field(converter=_secret, repr=False)
    timeout: float = attrs.field(default=5.0, validator=_positive)
    retries: int = attrs.field(default=2, validator=_count)
    backoff: float = attrs.field(default=0.5, validator=_positive)
    headers: Mapping[str, str] = attrs.field(factory=dict)
    sleep: Callable[[float], None] = attrs.field(default=time.sleep, repr=False)
    clock: Callable[[], float] = attrs.field(default=time.time, repr=False)

    @property
    def name(self) -> str:
        return "webhook"

    def payload(
        self, notification: Notification, to: Sequence[str], *, staff: bool
    ) -> dict[str, Any]:
        """The JSON document posted; staff payloads carry the contact masked."""
        subject, body = (
            staff_text(notification) if staff else (notification.subject, notification.body)
        )
        contact = notification.contact
        return {
            "key": notification.key,
            "ticket_id": notification.ticket_id,
            "kind": notification.kind.value,
            "audience": "staff" if staff else "customer",
            "recipient": notification.recipient,
            "to": list(to),
            "contact": mask_address(contact) if staff and contact else contact,
            "lang": notification.lang,
            "subject": subject,
            "body": body,
            "created_at": notification.created_at.isoformat(),
        }

    def send(self, notification: Notification, to: Sequence[str], *, staff: bool) -> None:
        body = json.dumps(
            self.payload(notification, to, staff=staff),
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            timestamp = str(int(self.clock()))
            request = urllib.request.Request(
                self.url,
                data=body,
                method="POST",
                headers={
                    **self.headers,
                    "Content-Type": "application/json; charset=utf-8",
                    "User-Agent": "complaintflow-webhook",
                    TIMESTAMP_HEADER: timestamp,
                    SIGNATURE_HEADER: sign(self.secret, timestamp, body),
                    KEY_HEADER: notification.key,
                },
            )
            try:
                with _OPENER.open(request, timeout=self.timeout) as answer:
                    answer.read()
                return
            except urllib.error.HTTPError as error:
                error.close()  # it holds the answer's socket
                transient = error.code >= 500 or error.code in _LATER
                if not transient or last:
                    raise self._failed(
                        f"HTTP {error.code} {error.reason}", not transient, attempt
                    ) from error
            except (urllib.error.URLError, OSError) as error:  # refused, reset, timed out
                if last:
                    reason = getattr(error, "reason", error)
                    raise self._failed(
                        f"{type(error).__name__}: {reason}", False, attempt
                    ) from error
            self.sleep(self.backoff * 2**attempt)

    def _failed(self, reason: str, permanent: bool, attempt: int) -> DeliveryFailed:
        parts = urllib.parse.urlsplit(self.url)
        where = f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}"
        where += parts.path  # no query string or credentials: they may hold a token
        again = "permanently" if permanent else f"after {attempt + 1} attempt(s); will retry"
        return DeliveryFailed(
            f"webhook {where} failed {again}: {reason}",
            recipients=(where,),
            permanent=permanent,
            channel=self.name,
            reasons={where: reason},
        )
