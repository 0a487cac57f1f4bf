"""The ``complaintflow`` command: demo, sla, report, classify, diagram, and the one-shot
operations sweep, deliver, health, dead-letters and show (:mod:`complaintflow.cli_ops`).

Exit codes a shell user expects: 0 success; 1 a refused operation (a
:class:`ComplaintflowError`, its message on stderr, no traceback); 2 a
usage error (argparse's own, and bad values: a month, a date-time, a
missing database file).  See ``docs/cli.md``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pendulum

from complaintflow.cli_ops import Usage, add_commands
from complaintflow.errors import ComplaintflowError

if TYPE_CHECKING:
    from complaintflow.domain.events import Event
    from complaintflow.metrics import MonthlyReport
    from complaintflow.storage import SqliteStore

__all__ = ["main"]

_DEMO_DB = "complaintflow-demo.db"
_MARK = "complaintflow_demo"
_ZONE = "Asia/Shanghai"


class _Usage(Exception):
    """A bad value on the command line: exit 2 with the subcommand's usage."""


class _Refused(ComplaintflowError):
    """The command will not do what was asked (exit 1)."""


# -- argument types --------------------------------------------------------
def _month(text: str) -> tuple[int, int]:
    try:
        day = pendulum.from_format(text, "YYYY-MM")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid month {text!r}: use YYYY-MM, e.g. 2024-05"
        ) from None
    return day.year, day.month


def _zone(text: str) -> str:
    try:
        pendulum.timezone(text)
    except Exception:  # pendulum raises its own InvalidTimezone (a ValueError)
        raise argparse.ArgumentTypeError(
            f"unknown time zone {text!r}, e.g. Asia/Shanghai"
        ) from None
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _received(text: str, zone: str) -> pendulum.DateTime:
    """An ISO 8601 date-time; without an offset it is local time in ``zone``."""
    try:
        parsed = pendulum.parse(text, tz=zone, strict=False)
    except (ValueError, pendulum.parsing.exceptions.ParserError):
        raise _Usage(
            f"invalid --received {text!r}: use ISO 8601, e.g. 2024-05-20T17:30+08:00"
        ) from None
    if not isinstance(parsed, pendulum.DateTime):
        raise _Usage(f"invalid --received {text!r}: give a date and a time of day")
    return parsed


# -- demo ------------------------------------------------------------------
def _is_demo(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute(f"SELECT seed FROM {_MARK}").fetchall()
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return True


def _fresh_demo_db(path: Path, args: argparse.Namespace) -> None:
    """Replace an earlier demo database at ``path``; refuse any other file."""
    if path.is_dir():
        raise _Refused(f"{path} is a directory; give --db a file name")
    if not path.parent.is_dir():
        raise _Refused(f"directory {path.parent} does not exist")
    if path.exists():
        if not _is_demo(path):
            raise _Refused(
                f"{path} exists and is not a complaintflow demo database; "
                "refusing to overwrite it (choose another --db)"
            )
        print(f"Replacing the previous demo database {path}", file=sys.stderr)
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(f"CREATE TABLE {_MARK} (seed INTEGER, days INTEGER, lang TEXT)")
        conn.execute(f"INSERT INTO {_MARK} VALUES (?, ?, ?)", (args.seed, args.days, args.lang))
    conn.close()


def _progress(stream: TextIO) -> Callable[[int, int], None]:
    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        stream.write(f"\rSimulating [{'#' * filled}{'.' * (width - filled)}] day {done}/{total}")
        if done == total:
            stream.write("\n")
        stream.flush()

    return show


_DEMO_DEFAULTS = {"db": _DEMO_DB, "seed": 0, "days": None, "lang": "zh", "quiet": False}


def _demo(args: argparse.Namespace) -> int:
    if args.story:
        given = [f"--{name}" for name in _DEMO_DEFAULTS if getattr(args, name) is not None]
        if given:
            raise _Usage(
                f"{', '.join(given)} do{'es' if len(given) == 1 else ''} not apply "
                "to --story (it plays one ticket in memory and prints its audit trail)"
            )
        return _story()
    for name, default in _DEMO_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, default)
    from complaintflow.demo.simulation import simulate
    from complaintflow.storage import SqliteStore

    path = Path(args.db)
    _fresh_demo_db(path, args)
    started = time.monotonic()
    show = None if args.quiet or not sys.stderr.isatty() else _progress(sys.stderr)
    with SqliteStore(path, synchronous="NORMAL") as store:
        result = simulate(store, seed=args.seed, days=args.days, lang=args.lang, progress=show)
        report = _monthly(store, result.year, result.month)
    html = path.parent / "report.html"
    html.write_text(report.to_html(args.lang), encoding="utf-8")
    states = ", ".join(f"{name} {n}" for name, n in result.statuses.items())
    print(
        f"Simulated {result.started_at:%Y-%m-%d} to {result.ended_at:%Y-%m-%d} "
        f"({result.business_days} office days, seed {args.seed}) in "
        f"{time.monotonic() - started:.1f} s: {result.tickets} tickets "
        f"({result.repeats} repeated deliveries absorbed), {result.surveys} surveys, "
        f"{result.reopened} reopened, {result.sweeps} sweeps, {result.alerts} SLA alerts, "
        f"{sum(result.notifications.values())} notifications delivered."
    )
    print(f"Tickets by status: {states}.")
    print(_demo_notices(result.notifications, result.committed))
    print(f"Database: {path}\nHTML report: {html}\n")
    print(report.to_markdown(args.lang), end="")
    return 0


def _demo_notices(delivered: dict[str, int], committed: int) -> str:
    """The staff notifications delivered, by kind, and the customers told of a delay."""
    from complaintflow.service.notifications import NotificationKind

    staff = ", ".join(
        f"{kind} {n}" for kind, n in delivered.items() if NotificationKind(kind).to_staff
    )
    return (
        f"Staff notifications: {staff}; delay notices {delivered.get('delay_notice', 0)} "
        f"({committed} with a time the assignee committed)."
    )


def _story() -> int:
    from complaintflow.demo.story import run_story
    from complaintflow.domain.audit import render_table
    from complaintflow.storage import InMemoryStore

    store = InMemoryStore()
    ticket = run_story(store)
    print(
        f"Ticket {ticket.number}: {ticket.kind} / {ticket.category} / {ticket.priority}, "
        f"{ticket.status} after {ticket.version} versions\n"
    )
    print(render_table(store.events(ticket.id), zone=_ZONE))
    return 0


# -- report ----------------------------------------------------------------
class _Received:
    """The first and last receipt dates seen while reading a database, for messages."""

    def __init__(self) -> None:
        self.first: dt.datetime | None = None
        self.last: dt.datetime | None = None

    def saw(self, at: dt.datetime) -> None:
        self.first = at if self.first is None else min(self.first, at)
        self.last = at if self.last is None else max(self.last, at)


def _logs(store: SqliteStore, seen: _Received | None = None) -> Iterator[list[Event]]:
    cursor: str | None = None
    while True:
        page = store.find(limit=500, cursor=cursor)
        for ticket in page.items:
            if seen is not None:
                seen.saw(ticket.received_at.in_timezone(_ZONE))
            yield store.events(ticket.id)
        if page.cursor is None:
            return
        cursor = page.cursor


def _monthly(
    store: SqliteStore, year: int, month: int, seen: _Received | None = None
) -> MonthlyReport:
    from complaintflow.demo.simulation import office_calendar
    from complaintflow.metrics import monthly_report
    from complaintflow.sla.policy import SlaPolicy

    return monthly_report(
        _logs(store, seen),
        year=year,
        month=month,
        zone=_ZONE,
        policy=SlaPolicy.default(),
        calendar=office_calendar(),
    )


def _empty(report: MonthlyReport) -> bool:
    """Nothing happened that month: a report of zeros would only mislead."""
    return not (
        report.received
        or report.resolved
        or report.satisfaction.responses
        or report.backlog.total
        or any(c.finished or c.overdue_open for c in report.sla)
    )


def _report(args: argparse.Namespace) -> int:
    from complaintflow.storage import SqliteStore

    path = Path(args.db)
    if not path.is_file():
        raise _Usage(f"no database file at {path} (run `complaintflow demo` to make one)")
    if not _has_tickets_table(path):
        raise _Refused(f"{path} is not a complaintflow database")
    year, month = args.month
    seen = _Received()
    with SqliteStore(path, migrate=False) as store:  # a report never changes the schema
        report = _monthly(store, year, month, seen)
    if _empty(report):
        held = (
            f"its tickets were received {seen.first:%Y-%m-%d} to {seen.last:%Y-%m-%d}"
            if seen.first and seen.last
            else "it holds no tickets"
        )
        raise _Refused(
            f"no data for {report.label} in {path}: nothing was received, resolved, "
            f"surveyed or open that month; {held}"
        )
    if args.format == "json":
        text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "html":
        text = report.to_html(args.lang)
    else:
        text = report.to_markdown(args.lang)
    if args.out is None:
        sys.stdout.write(text)
    else:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as error:
            raise _Refused(f"cannot write {args.out}: {error.strerror}") from None
        print(f"Wrote {args.out}", file=sys.stderr)
    return 0


def _has_tickets_table(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tickets'"
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return row is not None


# -- sla -------------------------------------------------------------------
def _sla(args: argparse.Namespace) -> int:
    from complaintflow.demo.simulation import office_calendar
    from complaintflow.domain.commands import Triage
    from complaintflow.domain.lifecycle import apply, open_ticket
    from complaintflow.domain.values import Actor, Customer, TicketDraft
    from complaintflow.durations import format_duration
    from complaintflow.sla.explain import explain
    from complaintflow.sla.measure import measure
    from complaintflow.sla.policy import SlaPolicy

    received = _received(args.received, args.tz)
    policy, calendar = SlaPolicy.default(), office_calendar(args.tz)
    begins = _holidays_begin()
    if received.in_timezone(args.tz).date() < begins:
        raise _Refused(
            f"the holiday data of the office calendar begins on {begins} and "
            f"--received is {received.in_timezone(args.tz):%Y-%m-%d}: holidays "
            "and make-up days before it are unknown, so no deadline is given"
        )
    who = Actor.system("cli")
    customer = Customer("cli", args.tier) if args.tier else None
    draft = TicketDraft("(sla calculation)", args.channel, received, customer)
    ticket, events = open_ticket(
        draft, ticket_id="sla", number="SLA", actor=who, at=received, sla_version=policy.version
    )
    ticket, more = apply(
        ticket, Triage(args.kind, None, args.priority, complex=args.complex), actor=who, at=received
    )
    status = measure([*events, *more], policy, calendar, received)
    local = received.in_timezone(args.tz)
    print(
        f"{args.priority} {args.kind}{' (complex)' if args.complex else ''}"
        f"{f', {args.tier} customer' if args.tier else ''}, received "
        f"{local:%a %Y-%m-%d %H:%M} ({args.tz}); SLA policy {policy.version}"
    )
    for metric in ("first_response", "resolution"):
        clock = status.current(metric)
        if clock is None:
            print(f"{metric.replace('_', ' '):<15} no target")
            continue
        due = clock.due_at.in_timezone(args.tz)
        after = format_duration(clock.due_at - received)
        print(
            f"{metric.replace('_', ' '):<15} due {due:%a %Y-%m-%d %H:%M}  ({clock.target}, "
            f"{after} after receipt)"
        )
        if args.explain:
            print("  " + explain(clock, calendar).text.replace("\n", "\n  "))
    return 0


def _holidays_begin() -> dt.date:
    """1 January of the first year the office calendar's holiday list covers."""
    from complaintflow.demo.data import CHINA_HOLIDAYS

    return dt.date(min(CHINA_HOLIDAYS).year, 1, 1)


# -- classify --------------------------------------------------------------
def _classify(args: argparse.Namespace) -> int:
    from complaintflow.classify import command

    if args.train is not None or args.cross_validate is not None:
        if args.text is not None or args.evaluate is not None:
            raise _Usage("--train does not take TEXT or --evaluate")
        if args.train is None or not Path(args.train).is_file():
            raise _Usage(
                f"no samples file at {args.train}"
                if args.train
                else "--cross-validate needs --train FILE"
            )
        if args.cross_validate is not None:
            if args.cross_validate < 2:
                raise _Usage("--cross-validate K needs K >= 2")
            print(command.cross_validate_file(args.train, args.cross_validate))
        if args.out is not None:
            print(command.train_file(args.train, args.out))
        elif args.cross_validate is None:
            raise _Usage("--train FILE needs --out MODEL.json (or --cross-validate K)")
        return 0
    if args.model is not None and not Path(args.model).is_file():
        raise _Usage(f"no model file at {args.model}")
    classifier = command.classifier_for(args.classifier, args.model, args.min_confidence)
    if args.evaluate is not None:
        if args.text is not None:
            raise _Usage("give either TEXT or --evaluate FILE, not both")
        if not Path(args.evaluate).is_file():
            raise _Usage(f"no samples file at {args.evaluate}")
        print(command.evaluate_file(args.evaluate, classifier, max_misses=args.max_misses))
        return 0
    if args.text is None:
        raise _Usage("give the TEXT to classify, or --evaluate FILE")
    from complaintflow.clock import SystemClock
    from complaintflow.domain.values import TicketDraft

    draft = TicketDraft(args.text, args.channel, SystemClock().now())
    found = classifier.classify(draft)
    print(
        f"{found.kind} / {found.category or 'unknown category'} / {found.priority}"
        + ("  (needs a human look)" if found.needs_human else "")
    )
    print(found.explain())
    return 0


def _diagram(args: argparse.Namespace) -> int:
    from complaintflow.domain.diagram import mermaid

    print(mermaid(), end="")
    return 0


# -- the parser ------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    from complaintflow import __version__
    from complaintflow.domain.vocabulary import Channel, CustomerTier, Kind, Priority

    parser = argparse.ArgumentParser(
        prog="complaintflow",
        description="Customer complaints and feedback, from intake to closing.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="simulate a month of feedback on SQLite, print the report")
    demo.add_argument(
        "--db",
        default=None,
        help=f"demo database file (default ./{_DEMO_DB}; only a previous "
        "demo database is replaced)",
    )
    demo.add_argument("--seed", type=int, default=None, help="random seed (default 0)")
    demo.add_argument(
        "--days",
        type=_positive,
        default=None,
        help="stop after this many office days (default: the whole month)",
    )
    demo.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="report and notification language (default zh)",
    )
    demo.add_argument("--quiet", action="store_true", default=None, help="no progress bar")
    demo.add_argument(
        "--story",
        action="store_true",
        help="instead, play the one duplicate-charge story and print its audit trail",
    )
    demo.set_defaults(run=_demo, parser=demo)

    sla = sub.add_parser("sla", help="first-response and resolution deadlines of a ticket")
    sla.add_argument("--priority", required=True, choices=[p.value for p in Priority])
    sla.add_argument(
        "--received",
        required=True,
        help="ISO 8601, e.g. 2024-05-20T17:30+08:00 (no offset: --tz local time)",
    )
    sla.add_argument("--kind", choices=[k.value for k in Kind], default="complaint")
    sla.add_argument("--tier", choices=[t.value for t in CustomerTier], default=None)
    sla.add_argument("--channel", choices=[c.value for c in Channel], default="phone")
    sla.add_argument("--complex", action="store_true", help="P1 flagged complex (48 h)")
    sla.add_argument("--explain", action="store_true", help="say how each deadline was reached")
    sla.add_argument("--tz", type=_zone, default=_ZONE, help=f"office time zone (default {_ZONE})")
    sla.set_defaults(run=_sla, parser=sla)

    report = sub.add_parser("report", help="the monthly report of a SQLite database")
    report.add_argument("--db", required=True, help="SQLite database file")
    report.add_argument("--month", required=True, type=_month, help="YYYY-MM")
    report.add_argument("--format", choices=("md", "json", "html"), default="md")
    report.add_argument("--out", default=None, help="write to this file instead of stdout")
    report.add_argument("--lang", choices=("zh", "en"), default="zh")
    report.set_defaults(run=_report, parser=report)

    classify = sub.add_parser(
        "classify", help="classify a text, evaluate labelled samples, or train a model"
    )
    classify.add_argument("text", nargs="?", default=None, help="the customer's words")
    classify.add_argument("--channel", choices=[c.value for c in Channel], default="chat")
    classify.add_argument(
        "--evaluate",
        metavar="FILE",
        default=None,
        help="JSON lines of labelled samples: print the evaluation report",
    )
    classify.add_argument("--classifier", default="keyword", help="registered classifier name")
    classify.add_argument(
        "--max-misses", type=int, default=30, help="misclassified samples to list with --evaluate"
    )
    classify.add_argument(
        "--model",
        metavar="MODEL.json",
        default=None,
        help="a trained model: chained before the keyword classifier",
    )
    classify.add_argument(
        "--min-confidence",
        type=float,
        default=0.9,
        help="the model's probability needed to decide a field (0-1)",
    )
    classify.add_argument(
        "--train",
        metavar="FILE",
        default=None,
        help="labelled samples to train a model on (needs the ml extra)",
    )
    classify.add_argument(
        "--out", metavar="MODEL.json", default=None, help="where --train writes the model"
    )
    classify.add_argument(
        "--cross-validate",
        metavar="K",
        type=int,
        default=None,
        help="with --train: K-fold accuracy of the model and the chain",
    )
    classify.set_defaults(run=_classify, parser=classify)

    diagram = sub.add_parser("diagram", help="print the ticket lifecycle as Mermaid text")
    diagram.set_defaults(run=_diagram, parser=diagram)
    add_commands(sub)  # sweep, deliver, health, dead-letters, show (complaintflow.cli_ops)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except (_Usage, Usage) as error:
        args.parser.error(str(error))  # exits with 2
    except ComplaintflowError as error:
        print(f"complaintflow: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `complaintflow diagram | head`
        return 0
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
