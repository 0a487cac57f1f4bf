"""The signed webhook against a real local HTTP server: signature, retries, timeouts."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest

from complaintflow.delivery import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    WebhookChannel,
    sign,
    verify_signature,
)
from complaintflow.errors import DeliveryFailed, ValidationError
from complaintflow.service.notifications import Notification

from .conftest import SECRET, Hook, free_port

Make = Callable[..., Notification]


def hook_channel(url: str, **kw: Any) -> tuple[WebhookChannel, list[float]]:
    waits: list[float] = []
    return WebhookChannel(url=url, secret=SECRET, sleep=waits.append, **kw), waits


def test_the_signature_verifies_and_the_payload_is_the_notification(
    webhook_server: Hook, make_notification: Make
) -> None:
    channel, _ = hook_channel(webhook_server.url)
    note = make_notification()
    channel.send(note, ["role:supervisor"], staff=True)
    [(headers, body)] = webhook_server.requests
    assert verify_signature(
        SECRET, timestamp=headers[TIMESTAMP_HEADER], body=body, signature=headers[SIGNATURE_HEADER]
    )
    assert headers[SIGNATURE_HEADER].startswith("sha256=")
    assert headers[KEY_HEADER] == note.key
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(body)
    assert document["key"] == note.key
    assert document["to"] == ["role:supervisor"]
    assert document["audience"] == "staff"
    assert document["contact"] == "l***@example.com"  # staff see it masked
    assert "li.lei@example.com" not in body.decode()
    assert "工单号 TS20240520-0001" in document["body"]


def test_a_receiver_refuses_a_wrong_secret_a_changed_body_and_an_old_timestamp() -> None:
    body = b'{"key":"k"}'
    stamp = str(int(time.time()))
    good = sign(SECRET, stamp, body)
    assert verify_signature(SECRET, timestamp=stamp, body=body, signature=good)
    assert not verify_signature("another-secret-of-16+", timestamp=stamp, body=body, signature=good)
    assert not verify_signature(SECRET, timestamp=stamp, body=body + b" ", signature=good)
    assert not verify_signature(
        SECRET, timestamp=stamp, body=body, signature=good, now=int(stamp) + 301
    )
    assert not verify_signature(SECRET, timestamp="yesterday", body=body, signature=good)


def test_customer_payloads_keep_the_contact(webhook_server: Hook, make_notification: Make) -> None:
    channel, _ = hook_channel(webhook_server.url)
    channel.send(make_notification(), ["C-1001"], staff=False)
    document = json.loads(webhook_server.requests[0][1])
    assert (document["audience"], document["contact"]) == ("customer", "li.lei@example.com")


def test_5xx_answers_are_retried_with_backoff_until_one_succeeds(
    webhook_server: Hook, make_notification: Make
) -> None:
    webhook_server.statuses = [500, 503]
    channel, waits = hook_channel(webhook_server.url, backoff=0.25)
    channel.send(make_notification(), ["role:supervisor"], staff=True)
    assert len(webhook_server.requests) == 3
    assert waits == [0.25, 0.5]
    keys = {headers[KEY_HEADER] for headers, _ in webhook_server.requests}
    assert len(keys) == 1  # the receiver can tell a retry from a new message


def test_a_5xx_that_persists_is_transient_and_a_429_is_retried(
    webhook_server: Hook, make_notification: Make
) -> None:
    webhook_server.statuses = [502, 502, 502]
    channel, _ = hook_channel(webhook_server.url)
    with pytest.raises(DeliveryFailed) as caught:
        channel.send(make_notification(), ["x"], staff=True)
    assert caught.value.permanent is False
    assert "502" in str(caught.value)
    assert "3 attempt" in str(caught.value)
    webhook_server.statuses = [429]
    channel.send(make_notification(), ["x"], staff=True)
    assert len(webhook_server.requests) == 5


def test_a_4xx_answer_is_permanent_at_once(webhook_server: Hook, make_notification: Make) -> None:
    webhook_server.statuses = [400]
    channel, waits = hook_channel(webhook_server.url)
    with pytest.raises(DeliveryFailed) as caught:
        channel.send(make_notification(), ["x"], staff=True)
    error = caught.value
    assert error.permanent is True
    assert len(webhook_server.requests) == 1
    assert waits == []
    assert error.recipients == (webhook_server.url.split("?")[0],)  # no token in logs
    assert "token" not in str(error)


def test_a_redirect_is_not_followed(webhook_server: Hook, make_notification: Make) -> None:
    webhook_server.statuses = [302]
    channel, _ = hook_channel(webhook_server.url)
    with pytest.raises(DeliveryFailed) as caught:
        channel.send(make_notification(), ["x"], staff=True)
    assert caught.value.permanent is True
    assert len(webhook_server.requests) == 1


def test_a_slow_receiver_times_out_and_is_retried_later(
    webhook_server: Hook, make_notification: Make
) -> None:
    webhook_server.delay = 1.0
    channel, waits = hook_channel(webhook_server.url, timeout=0.2, retries=1)
    started = time.monotonic()
    with pytest.raises(DeliveryFailed) as caught:
        channel.send(make_notification(), ["x"], staff=True)
    assert time.monotonic() - started < 0.9
    assert caught.value.permanent is False
    assert len(waits) == 1


def test_nobody_listening_is_transient(make_notification: Make) -> None:
    channel, waits = hook_channel(f"http://127.0.0.1:{free_port()}/hook", retries=2)
    with pytest.raises(DeliveryFailed) as caught:
        channel.send(make_notification(), ["x"], staff=True)
    assert caught.value.permanent is False
    assert waits == [0.5, 1.0]


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"url": ""}, "url"),
        ({"url": "ftp://hooks.example/x"}, "url"),
        ({"url": "https:///no-host"}, "url"),
        ({"secret": ""}, "secret"),
        ({"secret": "short"}, "secret"),
        ({"timeout": 0}, "timeout"),
        ({"retries": -1}, "retries"),
        ({"backoff": -1}, "backoff"),
    ],
)
def test_bad_configuration_is_refused_at_construction(options: dict[str, Any], field: str) -> None:
    settings: dict[str, Any] = {"url": "https://hooks.example/complaints", "secret": SECRET}
    with pytest.raises(ValidationError) as caught:
        WebhookChannel(**{**settings, **options})
    assert caught.value.field == field
