"""The one-shot operations of ``complaintflow``: sweep, deliver, health, dead-letters, show.

For hosts that run the background jobs from cron or a systemd timer rather
than a worker: each command opens the database, does one round and exits
(docs/cli.md).  ``--db`` takes a SQLite file (or ``sqlite:///path``), a
``postgresql://`` URL (:class:`~complaintflow.storage.postgres.PostgresStore`)
or any other SQLAlchemy URL such as ``mysql+pymysql://...``
(:class:`~complaintflow.storage.sqlalchemy.SqlAlchemyStore`).  The desk the
sweep runs is the host's own when ``--desk module:factory`` names it (its
SLA policies and calendar decide the alerts); ``deliver`` sends through
``--notifier module:factory`` or prints each notification's staff line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from complaintflow.errors import ComplaintflowError, NotFound

if TYPE_CHECKING:
    from complaintflow.service.desk import ComplaintDesk
    from complaintflow.service.notifications import Notification
    from complaintflow.storage.protocol import TicketStore

__all__ = ["LogNotifier", "add_commands", "find_ticket", "open_store"]


class Usage(Exception):
    """A bad value on the command line (exit 2); cli.main shows the subcommand's usage."""


class Refused(ComplaintflowError):
    """The command will not do what was asked (exit 1), e.g. a host factory that failed."""


def _count(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 10_000:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 10000, got {text!r}")
    return int(text)


def _made(factory: Callable[..., Any], spec: str, what: str, *args: Any) -> Any:
    """Call a host factory; its own failure becomes a one-line refusal, not a traceback."""
    try:
        return factory(*args)
    except ComplaintflowError:
        raise
    except Exception as error:
        raise Refused(f"--{what} {spec} failed: {type(error).__name__}: {error}") from error


@contextmanager
def open_store(url: str, *, tenant: str = "default") -> Iterator[TicketStore]:
    """The store ``url`` names, closed afterwards; a missing SQLite file is a usage error."""
    if "://" not in url or url.startswith("sqlite:///"):
        from complaintflow.storage import SqliteStore

        path = Path(url.removeprefix("sqlite:///"))
        if not path.is_file():
            raise Usage(f"no database file at {path} (give --db an existing SQLite file or a URL)")
        store: Any = SqliteStore(path, tenant=tenant)
    elif url.split("://", 1)[0] in ("postgresql", "postgres"):
        from complaintflow.storage.postgres import PostgresStore

        store = PostgresStore.connect(url, tenant=tenant)
    else:
        from complaintflow.storage.sqlalchemy import SqlAlchemyStore

        store = SqlAlchemyStore.from_url(url, tenant=tenant)
    try:
        yield store
    finally:
        store.close()


def _load(spec: str, what: str) -> Callable[..., Any]:
    """``module:attribute`` as a callable; a clear usage error for anything else."""
    module_name, _, name = spec.partition(":")
    if not module_name or not name:
        raise Usage(f"{what} is module:factory, e.g. myapp.ops:make_{what}, got {spec!r}")
    try:
        factory = getattr(importlib.import_module(module_name), name)
    except ImportError as error:
        raise Usage(f"cannot import {module_name!r} for --{what}: {error}") from None
    except AttributeError:
        raise Usage(f"{module_name!r} has no {name!r} (--{what} {spec})") from None
    if not callable(factory):
        raise Usage(f"--{what} {spec} is not callable")
    return factory  # type: ignore[no-any-return]


def _desk(store: TicketStore, args: argparse.Namespace, *, sla: bool = True) -> ComplaintDesk:
    """The host's desk (``--desk``), or one with the default SLA policy and China office."""
    from complaintflow.clock import SystemClock
    from complaintflow.service.desk import ComplaintDesk

    if args.desk is not None:
        desk = _made(_load(args.desk, "desk"), args.desk, "desk", store)
        if not isinstance(desk, ComplaintDesk):
            raise Usage(f"--desk {args.desk} returned {type(desk).__name__}, not a ComplaintDesk")
        return desk
    if not sla:  # delivery needs no policy: the outbox items carry their text
        return ComplaintDesk(store, SystemClock())
    from complaintflow.sla.holidays import china_office
    from complaintflow.sla.policy import SlaPolicy

    calendar = china_office()
    return ComplaintDesk(store, SystemClock(), sla=SlaPolicy.default(), calendar=calendar)


class LogNotifier:
    """The default ``deliver`` channel: one staff line per notification on stdout.

    The contact is masked (``staff_view``); a host that really sends passes
    ``--notifier``.
    """

    def __init__(self, stream: Any = None) -> None:
        self._stream = stream

    def send(self, notification: Notification) -> None:
        print(notification.staff_view(), file=self._stream or sys.stdout, flush=True)


def find_ticket(store: TicketStore, key: str) -> Any:
    """A ticket by id, or else by the number customers quote (``TS20240520-0001``)."""
    from complaintflow.storage.protocol import NumberLookup

    try:
        return store.get(key)
    except NotFound:
        if not isinstance(store, NumberLookup):
            raise
    try:
        return store.find_by_number(key)
    except NotFound:
        raise NotFound("ticket (by id or number)", key) from None


# -- the commands ---------------------------------------------------------------------


def _sweep(args: argparse.Namespace) -> int:
    with open_store(args.db, tenant=args.tenant) as store:
        summary = _desk(store, args).sweep()
    print(
        f"swept {summary.checked} due tickets: {summary.warnings} warnings, "
        f"{summary.breaches} breaches, {summary.escalations} escalations, "
        f"{summary.held} held, {summary.conflicts} left to the next sweep"
    )
    for key in summary.corrupt:
        print(f"corrupt ticket skipped: {key}", file=sys.stderr)
    return 0


def _deliver(args: argparse.Namespace) -> int:
    from complaintflow.service.outbox import RetryPolicy

    notifier = (
        LogNotifier()
        if args.notifier is None
        else _made(_load(args.notifier, "notifier"), args.notifier, "notifier")
    )
    if not callable(getattr(notifier, "send", None)):
        raise Usage(f"--notifier {args.notifier} made {type(notifier).__name__}, with no send()")
    retry = RetryPolicy(max_attempts=args.max_attempts)
    with open_store(args.db, tenant=args.tenant) as store:
        desk = _desk(store, args, sla=False)
        total = [0, 0, 0, 0]
        while True:  # one round per batch until the outbox has nothing ready
            report = desk.deliver_pending(notifier, limit=args.batch, retry=retry)
            for n, value in enumerate(
                (report.delivered, report.failed, report.retrying, len(report.dead))
            ):
                total[n] += value
            for line in report.errors:
                print(f"failed: {line}", file=sys.stderr)
            if report.delivered + report.failed < args.batch or args.once:
                break
    print(f"delivered {total[0]}, failed {total[1]} ({total[2]} to retry, {total[3]} dead letters)")
    return 0


def _health(args: argparse.Namespace) -> int:
    with open_store(args.db, tenant=args.tenant) as store:
        from complaintflow.service.outbox import health_of

        health = health_of(store, _now())
    if args.json:
        print(json.dumps(health.as_dict(), indent=2))
        return 0

    def age(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds:.0f} s"

    rows = [
        ("due tickets", str(health.due)),
        ("oldest due for", age(health.oldest_due_seconds)),
        ("outbox pending", str(health.pending)),
        ("oldest pending for", age(health.oldest_pending_seconds)),
        ("retrying", str(health.retrying)),
        ("dead letters", str(health.dead)),
    ]
    for label, value in rows:
        print(f"{label:<20}{value}")
    return 0


def _now() -> Any:
    import pendulum

    return pendulum.now("UTC")


def _dead_letters(args: argparse.Namespace) -> int:
    from complaintflow.service.outbox import dead_letter_store

    with open_store(args.db, tenant=args.tenant) as store:
        dead = dead_letter_store(store, "keep dead letters")
        if args.retry_all or args.retry:
            wanted = None if args.retry_all else args.retry
            moved = dead.retry_dead_letters(wanted)
            unknown = [] if wanted is None else [i for i in wanted if i not in moved]
            print(f"queued {len(moved)} dead letters again")
            if unknown:
                raise NotFound("dead letter", ", ".join(unknown))
            return 0
        page = dead.dead_letters(limit=args.limit, cursor=args.cursor)
    for letter in page.items:
        print(
            f"{letter.id}  ticket {letter.ticket_id}  {letter.kind}  "
            f"attempts {letter.attempts}  failed {letter.failed_at.isoformat()}  "
            f"{letter.error}"
        )
    more = f"; next page: --cursor {page.cursor}" if page.cursor else ""
    print(f"{len(page.items)} dead letters{more}")
    return 0


def _show(args: argparse.Namespace) -> int:
    with open_store(args.db, tenant=args.tenant) as store:
        ticket = find_ticket(store, args.ticket)
        events = store.events(ticket.id)
    print(f"{ticket.number}  id {ticket.id}  {ticket.status.value}  v{ticket.version}")
    for event in events:
        print(f"  #{event.seq} {event.at.isoformat()} {event.type} by {event.actor.id}")
    return 0


def add_commands(sub: Any) -> None:
    """Add the one-shot commands to ``complaintflow``'s subcommand parsers."""

    def common(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--db", required=True, help="SQLite file, postgresql:// URL or SQLAlchemy URL"
        )
        parser.add_argument("--tenant", default="default", help="tenant (default: default)")

    def desk_option(parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--desk",
            metavar="MODULE:FACTORY",
            default=None,
            help="factory(store) -> ComplaintDesk with your SLA policies and calendar "
            "(default: the default policy and a China office calendar)",
        )

    sweep = sub.add_parser("sweep", help="record every SLA alert due now, once (one round)")
    common(sweep)
    desk_option(sweep)
    sweep.set_defaults(run=_sweep, parser=sweep)

    deliver = sub.add_parser("deliver", help="send the queued notifications (one round)")
    common(deliver)
    desk_option(deliver)
    deliver.add_argument(
        "--notifier",
        metavar="MODULE:FACTORY",
        default=None,
        help="factory() -> notifier with send(notification) (default: print staff lines)",
    )
    deliver.add_argument("--batch", type=_count, default=100, help="items per claim (default 100)")
    deliver.add_argument(
        "--max-attempts", type=_count, default=8, help="attempts before a dead letter (default 8)"
    )
    deliver.add_argument("--once", action="store_true", help="one batch only")
    deliver.set_defaults(run=_deliver, parser=deliver)

    health = sub.add_parser("health", help="due backlog, outbox age, retries, dead letters")
    common(health)
    health.add_argument("--json", action="store_true", help="print JSON")
    health.set_defaults(run=_health, parser=health)

    dead = sub.add_parser("dead-letters", help="list dead letters, or queue them again")
    common(dead)
    what = dead.add_mutually_exclusive_group()
    what.add_argument("--retry", nargs="+", metavar="ID", default=None, help="queue these again")
    what.add_argument("--retry-all", action="store_true", help="queue every dead letter again")
    dead.add_argument(
        "--limit", type=_count, default=100, help="dead letters to list (default 100)"
    )
    dead.add_argument("--cursor", default=None, help="the next page, as the last page said")
    dead.set_defaults(run=_dead_letters, parser=dead)

    show = sub.add_parser("show", help="a ticket and its audit trail, by id or number")
    common(show)
    show.add_argument("ticket", help="ticket id, or the number customers quote (TS20240520-0001)")
    show.set_defaults(run=_show, parser=show)
