"""Real local servers for the channel tests: aiosmtpd for e-mail, http.server for webhooks.

Both bind 127.0.0.1 on a free port and stop at the end of the test.  The
SMTP handler refuses the addresses a test puts in ``refuse`` (with the
code given), and the HTTP handler answers from a script a test sets:
status codes to return in order, or a delay to make the client time out.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pendulum
import pytest
from aiosmtpd.controller import Controller

from complaintflow.service.notifications import Notification, NotificationKind

SECRET = "0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@attrs.define
class Mailbox:
    """What the SMTP server received, and which recipients it refuses."""

    refuse: dict[str, str] = attrs.field(factory=dict)
    received: list[tuple[str, list[str], EmailMessage]] = attrs.field(factory=list)

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"

    def only(self) -> tuple[list[str], EmailMessage]:
        assert len(self.received) == 1, self.received
        _, to, message = self.received[0]
        return to, message


@attrs.define
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, mailbox)
    finally:
        controller.stop()


@attrs.define
class Hook:
    """The webhook receiver's script and log."""

    statuses: list[int] = attrs.field(factory=list)  # answered in order, then 204
    delay: float = 0.0
    requests: list[tuple[dict[str, str], bytes]] = attrs.field(factory=list)
    url: str = ""


@pytest.fixture
def webhook_server() -> Iterator[Hook]:
    hook = Hook()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            hook.requests.append((dict(self.headers.items()), body))
            if hook.delay:
                time.sleep(hook.delay)
            status = hook.statuses.pop(0) if hook.statuses else 204
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    hook.url = f"http://127.0.0.1:{server.server_port}/hooks/complaints?token=abc"
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()


def _notification(
    kind: NotificationKind = NotificationKind.ACCEPTED,
    *,
    contact: str | None = "li.lei@example.com",
    recipient: str | None = "C-1001",
    lang: str = "zh-CN",
    subject: str = "您的反馈已受理（TS20240520-0001）",
    body: str = (
        "您好，您的反馈已受理，工单号 TS20240520-0001。"
        "我们将在 2024-05-21 10:00 前与您联系，感谢您的反馈！"
    ),
) -> Notification:
    return Notification(
        f"T1:{kind}:1",
        "T1",
        kind,
        recipient,
        contact,
        lang,
        subject,
        body,
        pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai"),
    )


@pytest.fixture(scope="session")
def make_notification() -> Callable[..., Notification]:
    """A notification as the desk composes it (zh-CN ACCEPTED unless told otherwise)."""
    return _notification
