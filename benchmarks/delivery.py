"""Delivery benchmark: notifications/s through SMTP and through the signed webhook,
with 1 and 4 worker threads, from a real outbox.

    python benchmarks/delivery.py [--items 400] [--batch 20] [--workers 1 4]

Each round intakes ``--items`` tickets on a fresh SQLite file (WAL,
synchronous=FULL: the store hosts are told to run), which queues one
"accepted" notification per ticket in the outbox; that is not timed.  Then
N worker threads share one desk and each loops
``desk.deliver_pending(notifier, worker=..., limit=--batch)`` until the
outbox is empty: claim a leased batch, send each item, acknowledge the
sent ones.  Timed: that loop, from the first claim to the last
acknowledgement.

* **SMTP**: ``ChannelNotifier(email=SmtpChannel(...))`` to an ``aiosmtpd``
  server on loopback (one connection per message, as the channel does; both
  sides name themselves, so no FQDN lookup is timed).
* **Webhook**: each item POSTed through ``WebhookChannel`` (HMAC-signed
  JSON) to a threaded ``http.server`` on loopback that answers 204.

Both servers run in a child process, so the workers do not share a GIL with
them; the machine's cores are still shared, so 4 workers on 2 cores gain
only as far as the servers and the store leave room.  Every run checks
that the servers received exactly one message per item.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import socket
import tempfile
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import Any

import pendulum

from complaintflow import ComplaintDesk, Customer, ManualClock, SqliteStore, TicketDraft
from complaintflow.delivery import ChannelNotifier, SmtpChannel, WebhookChannel
from complaintflow.service.notifications import Notification

SECRET = "benchmark-secret-0123456789abcdef"
START = pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _serve(
    smtp_port: int, http_port: int, mails: Synchronized[int], posts: Synchronized[int], ready: Any
) -> None:
    """The child process: an aiosmtpd server and an HTTP server, counting what arrives."""
    from aiosmtpd.controller import Controller

    class Inbox:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
            with mails.get_lock():
                mails.value += 1
            return "250 OK"

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            with posts.get_lock():
                posts.value += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    controller = Controller(Inbox(), hostname="127.0.0.1", port=smtp_port, server_hostname="bench")
    controller.start()
    server = ThreadingHTTPServer(("127.0.0.1", http_port), Hook)
    server.daemon_threads = True
    ready.set()
    server.serve_forever()


class Posting:
    """A notifier that POSTs every item through the webhook channel."""

    def __init__(self, channel: WebhookChannel) -> None:
        self.channel = channel

    def send(self, notification: Notification) -> None:
        self.channel.send(notification, [notification.recipient or "anonymous"], staff=False)


def _fill(path: Path, items: int) -> ComplaintDesk:
    store = SqliteStore(path)
    clock = ManualClock(START)
    desk = ComplaintDesk(store, clock)
    for n in range(items):
        customer = Customer(f"C{n}", email=f"customer{n}@example.com")
        desk.intake(TicketDraft(f"第{n}个包裹没到", "email", START, customer))
    return desk


def _round(desk: ComplaintDesk, notifier: Any, workers: int, batch: int) -> tuple[float, int, int]:
    totals = [[0, 0] for _ in range(workers)]

    def work(i: int) -> None:
        while True:
            report = desk.deliver_pending(notifier, worker=f"w{i}", limit=batch)
            totals[i][0] += report.delivered
            totals[i][1] += report.failed
            if report.delivered == 0 and report.failed == 0:
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return wall, sum(t[0] for t in totals), sum(t[1] for t in totals)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=400)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args(argv)

    smtp_port, http_port = _free_port(), _free_port()
    mails, posts = mp.Value("i", 0), mp.Value("i", 0)
    ready = mp.Event()
    child = mp.get_context("fork").Process(
        target=_serve, args=(smtp_port, http_port, mails, posts, ready), daemon=True
    )
    child.start()
    if not ready.wait(20):
        raise SystemExit("the benchmark servers did not start")
    channels: dict[str, tuple[Any, Synchronized[int]]] = {
        "SMTP": (
            ChannelNotifier(
                email=SmtpChannel(
                    host="127.0.0.1",
                    port=smtp_port,
                    sender="desk@shop.example",
                    local_hostname="desk.shop.example",
                )
            ),
            mails,
        ),
        "webhook": (
            Posting(WebhookChannel(url=f"http://127.0.0.1:{http_port}/hook", secret=SECRET)),
            posts,
        ),
    }
    print(f"delivery benchmark: {args.items} items per run, batches of {args.batch}")
    print("mode: outbox (workers claim through desk.deliver_pending on one SQLite file)")
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name, (notifier, counter) in channels.items():
                for workers in args.workers:
                    desk = _fill(Path(folder) / f"{name}-{workers}.db", args.items)
                    before = counter.value
                    wall, sent, failed = _round(desk, notifier, workers, args.batch)
                    arrived = counter.value - before
                    check = "ok" if arrived == sent == args.items and not failed else "MISMATCH"
                    print(
                        f"  {name:<8} {workers} worker(s): {sent / wall:8.1f} items/s "
                        f"({sent} sent, {failed} failed, {arrived} received, {wall:.2f} s) "
                        f"{check}"
                    )
    finally:
        child.terminate()
        child.join()


if __name__ == "__main__":
    main()
