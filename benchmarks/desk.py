"""Desk benchmark: tickets/s through the lifecycle, the SLA sweep over 100,000 open tickets,
peak memory of the demo.

    python benchmarks/desk.py [--tickets 100000] [--due-share 0.02] [--lifecycle 300]
                              [--synchronous FULL|NORMAL] [--no-demo] [--profile]

(``--lifecycle 0 --no-demo`` times the sweep alone; ``--history`` adds how a
command and the sweep grow with a ticket's history, from ``history.py``.)

1. **Lifecycle.**  ``--lifecycle`` tickets go from intake to close through a
   :class:`ComplaintDesk` (keyword classifier, default router, default SLA
   policy, default approval policy) on a SQLite file with the recommended
   settings (WAL, ``synchronous=FULL``): triage by the classifier, assign,
   investigate, respond, propose (money above an agent's authority waits
   for the approver the policy names), accept, complete, survey, close;
   inquiries and praise are resolved at first contact.  The clock moves two
   minutes per command; the sweep and outbox delivery run every 20 tickets.
2. **Sweep.**  ``--tickets`` open tickets are written straight through
   ``SqliteStore.add`` in one host transaction (snapshots, events and the
   due dates the desk itself computed), cloned from templates that went
   through a real intake, so that ``--due-share`` of them have just passed
   their first-response warning when the sweep runs.  Timed: the sweep at
   that instant (recording every due warning and breach), the same sweep
   again (nothing left due: the cost of finding nothing), and the cost per
   due ticket.  Target: < 2 s for the first sweep.
3. **Demo memory.**  In a fresh process: the peak RSS of
   :func:`complaintflow.demo.simulation.simulate` (a month of feedback on a
   SQLite file), and its growth over the process after imports; without
   the simulation module, a 1,000-ticket lifecycle run instead.

Only the sweep has a target (issue 6); the other rows are for information.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import pstats
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any, Literal

import attrs
import pendulum

from complaintflow import (
    Actor,
    ApprovalPolicy,
    BusinessCalendar,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    KeywordClassifier,
    ManualClock,
    Money,
    Role,
    Router,
    SlaPolicy,
    SqliteStore,
    Status,
    SurveyResponse,
    TicketDraft,
)
from complaintflow.demo.data import FEEDBACK
from complaintflow.domain.events import Event, Received
from complaintflow.domain.lifecycle import LifecycleRules
from complaintflow.domain.ticket import Ticket
from complaintflow.service.notifications import Notification

SH = "Asia/Shanghai"
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]
CALENDAR = BusinessCalendar(
    tz=SH,
    week=dict.fromkeys(range(5), OFFICE),
    holidays=[
        dt.date(2024, 6, 10),
        dt.date(2024, 9, 16),
        dt.date(2024, 9, 17),
        *(dt.date(2024, 10, day) for day in range(1, 8)),
    ],
)
POLICY = SlaPolicy.default()
RULES = LifecycleRules(approvals=ApprovalPolicy.default())
CLASSIFIER = KeywordClassifier()
ROUTER = Router.default()
#: The sweep instant: Wednesday 12 June 2024, 17:00 in Shanghai.
SWEEP_AT = pendulum.datetime(2024, 6, 12, 17, 0, tz=SH)
SWEEP_TARGET = 2.0

AGENT = Actor.staff("wang.li", Role.AGENT)
APPROVERS = {
    Role.SUPERVISOR: Actor.staff("chen.jie", Role.SUPERVISOR),
    Role.DEPARTMENT_MANAGER: Actor.staff("he.qiang", Role.DEPARTMENT_MANAGER),
    Role.DIRECTOR: Actor.staff("ma.lan", Role.DIRECTOR),
}
CUSTOMER = Actor.customer("C001")

Sync = Literal["FULL", "NORMAL"]


class Quiet:
    """A notifier that delivers nowhere."""

    def __init__(self) -> None:
        self.sent = 0

    def send(self, notification: Notification) -> None:
        self.sent += 1


def make_desk(
    store: Any, clock: ManualClock, *, notify: bool = True, ids: Callable[[], str] | None = None
) -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(
        store,
        clock,
        classifier=CLASSIFIER,
        router=ROUTER,
        rules=RULES,
        sla=POLICY,
        calendar=CALENDAR,
        notify=notify,
        ids=ids or (lambda: f"T{next(serial):07d}"),
    )


@contextmanager
def scratch() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="cf-bench-desk-"))
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


# -- 1. the whole lifecycle ------------------------------------------------------------------


def one_ticket(desk: ComplaintDesk, clock: ManualClock, n: int) -> int:
    """Take one ticket from intake to closed; return the number of commands it took."""
    feedback = FEEDBACK[n % len(FEEDBACK)]

    def step() -> None:
        clock.advance(dt.timedelta(minutes=2))

    draft = TicketDraft(
        feedback.text,
        feedback.channels[n % len(feedback.channels)],
        clock.now(),
        Customer(f"C{n % 500:04d}", ("new", "regular", "vip")[n % 3], phone="13812345678"),
    )
    ticket = desk.intake(draft, receiver=AGENT)
    tid, commands = ticket.id, 1
    step()
    if ticket.status is Status.TRIAGED:
        ticket = desk.assign(tid, AGENT.id, actor=AGENT)
        commands += 1
        step()
    if ticket.kind is not None and ticket.kind.value in ("inquiry", "praise"):
        desk.resolve_now(tid, "已为您解答 / answered", actor=AGENT)
        step()
        desk.close(tid, actor=AGENT)
        return commands + 2
    desk.investigate(tid, actor=AGENT)
    step()
    desk.respond(tid, "您好，我们已收到并在处理 / we are on it", actor=AGENT)
    step()
    amount = Money(feedback.amount, "CNY") if feedback.amount else None
    ticket = desk.propose_solution(tid, "按政策处理 / per policy", actor=AGENT, amount=amount)
    commands += 3
    step()
    while ticket.status is Status.AWAITING_APPROVAL:
        assert ticket.solution is not None
        assert ticket.solution.next_role is not None
        ticket = desk.approve(tid, actor=APPROVERS[ticket.solution.next_role])
        commands += 1
        step()
    desk.customer_accepts(tid, actor=CUSTOMER)
    step()
    desk.complete(tid, actor=AGENT)
    step()
    desk.record_survey(tid, SurveyResponse.from_csat(4 + n % 2, nps=9), actor=CUSTOMER)
    step()
    desk.close(tid, actor=AGENT)
    return commands + 4


def lifecycle(path: Path, tickets: int, synchronous: Sync) -> dict[str, float]:
    store = SqliteStore(path, synchronous=synchronous)
    clock = ManualClock(pendulum.datetime(2024, 6, 3, 9, 0, tz=SH))
    desk = make_desk(store, clock)
    notifier = Quiet()
    commands = sweeps = 0
    start = time.perf_counter()
    for n in range(tickets):
        commands += one_ticket(desk, clock, n)
        if n % 20 == 19:
            desk.sweep()
            desk.deliver_pending(notifier, limit=500)
            sweeps += 1
    elapsed = time.perf_counter() - start
    closed = len(store.find(status=Status.CLOSED, limit=tickets + 1).items)
    store.close()
    assert closed == tickets, f"only {closed} of {tickets} tickets closed"
    return {
        "tickets_s": tickets / elapsed,
        "commands_s": commands / elapsed,
        "commands_per_ticket": commands / tickets,
        "sweeps": sweeps,
        "seconds": elapsed,
    }


# -- 2. the sweep over many open tickets -----------------------------------------------------


@attrs.frozen
class Template:
    ticket: Ticket
    events: tuple[Event, ...]
    due: pendulum.DateTime


def templates(due: bool, count_: int) -> list[Template]:
    """Tickets that went through a real intake (and a first response, for older ones).

    ``due``: received Wednesday 13:00-14:00, so the first-response warning
    (3 of 4 business hours) has passed at 17:00.  Otherwise: received later
    that afternoon (warning still ahead), or on Monday / Tuesday and
    answered within minutes (first response met, resolution clock running).
    """
    found = []
    for k in range(count_):
        feedback = FEEDBACK[k % len(FEEDBACK)]
        if due:
            received = SWEEP_AT.subtract(hours=4).add(minutes=k % 60)
        elif k % 2:
            received = SWEEP_AT.subtract(hours=2, minutes=55).add(minutes=(k * 7) % 170)
        else:
            received = SWEEP_AT.subtract(days=1 + k % 2, hours=7).add(minutes=(k * 13) % 400)
        clock = ManualClock(received)
        store = InMemoryStore()
        desk = make_desk(store, clock, notify=False, ids=lambda k=k: f"tpl{k}")
        ticket = desk.intake(TicketDraft(feedback.text, feedback.channels[0], received))
        if not due and k % 2 == 0:
            clock.advance(dt.timedelta(minutes=5 + k % 20))
            if ticket.status is Status.TRIAGED:
                desk.assign(ticket.id, AGENT.id, actor=AGENT)
            ticket = desk.respond(ticket.id, "您好 / hello", actor=AGENT)
        events = tuple(store.events(ticket.id))
        next_due = desk.follow.next_due(list(events), clock.now())
        if next_due is None or (next_due <= SWEEP_AT) is not due:
            continue  # e.g. praise resolved at once, or a P1 whose clock differs
        found.append(Template(ticket, events, next_due))
    return found


def clone(template: Template, n: int) -> tuple[Ticket, list[Event]]:
    ticket_id = f"L{n:07d}"
    number = f"TS20240612-{n:06d}"
    events = []
    for event in template.events:
        payload = event.payload
        if isinstance(payload, Received):
            payload = attrs.evolve(payload, number=number)
        events.append(attrs.evolve(event, ticket_id=ticket_id, payload=payload))
    return attrs.evolve(template.ticket, id=ticket_id, number=number), events


def load(path: Path, tickets: int, due_share: float) -> tuple[int, float]:
    """Write ``tickets`` open tickets in one host transaction; return (due, seconds)."""
    due_t, later_t = templates(True, 120), templates(False, 240)
    assert due_t, "no template is due at the sweep instant"
    assert later_t, "no template is due after the sweep instant"
    due_count = round(tickets * due_share)
    start = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    loader = SqliteStore(conn, synchronous="NORMAL")
    conn.execute("BEGIN")
    for n in range(tickets):
        pool = due_t if n % tickets < due_count else later_t
        template = pool[n % len(pool)]
        ticket, events = clone(template, n)
        loader.add(ticket, events, due_at=template.due)
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return due_count, time.perf_counter() - start


def sweep_rows(
    path: Path, tickets: int, due_share: float, synchronous: Sync, profile: bool
) -> tuple[list[tuple[str, str, str, str]], str]:
    due, seconds = load(path, tickets, due_share)
    copy = path.with_name("profiled.db")
    if profile:  # profiled on a copy, so the timings below are the profiler's
        shutil.copyfile(path, copy)
    store = SqliteStore(path, synchronous=synchronous)
    desk = make_desk(store, ManualClock(SWEEP_AT))
    start = time.perf_counter()
    first = desk.sweep(SWEEP_AT)
    busy = time.perf_counter() - start
    start = time.perf_counter()
    again = desk.sweep(SWEEP_AT)
    idle = time.perf_counter() - start
    store.close()
    assert first.checked == due, (first.checked, due)
    assert first.conflicts == 0, first
    assert again.checked == 0, again
    alerts = first.warnings + first.breaches + first.escalations
    per_ticket = (busy - idle) / max(first.checked, 1) * 1000
    verdict = "PASS" if busy < SWEEP_TARGET else "FAIL"
    rows = [
        (
            f"load {tickets:,} open tickets via SqliteStore.add (one transaction)",
            f"{seconds:.1f} s",
            "",
            "info",
        ),
        (
            f"sweep, {tickets:,} open, {due:,} due ({due / tickets:.0%}), {alerts:,} alerts",
            f"{busy:.2f} s",
            f"< {SWEEP_TARGET:.0f} s",
            verdict,
        ),
        (f"sweep, {tickets:,} open, none due", f"{idle * 1000:.1f} ms", "", "info"),
        ("sweep cost per due ticket", f"{per_ticket:.2f} ms", "", "info"),
    ]
    report = ""
    if profile:
        store = SqliteStore(copy, synchronous=synchronous)
        profiler = cProfile.Profile()
        profiler.runcall(make_desk(store, ManualClock(SWEEP_AT)).sweep, SWEEP_AT)
        store.close()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats("complaintflow|sqlite3", 22)
        report = out.getvalue()
    return rows, report


# -- 3. demo memory (run in a child process) ---------------------------------------------


def demo_child(path: Path) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    store = SqliteStore(path)
    try:
        from complaintflow.demo.simulation import simulate
    except ImportError:
        result = lifecycle(path.with_suffix(".lifecycle.db"), 1000, "FULL")
        what, tickets = "1,000-ticket lifecycle run", 1000
    else:
        result = simulate(store)
        what, tickets = "demo: simulate() a month", result.tickets
    store.close()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "what": what,
                "tickets": tickets,
                "before_kb": before,
                "peak_kb": after,
                "seconds": time.perf_counter() - start,
            }
        )
    )


def demo_rows(base: Path) -> list[tuple[str, str, str, str]]:
    child = subprocess.run(
        [sys.executable, __file__, "--demo-child", str(base / "demo.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    data = json.loads(child.stdout.strip().splitlines()[-1])
    peak, grown = data["peak_kb"] / 1024, (data["peak_kb"] - data["before_kb"]) / 1024
    return [
        (f"{data['what']}: {data['tickets']:,} tickets", f"{data['seconds']:.1f} s", "", "info"),
        (
            "  peak RSS (process / growth after imports)",
            f"{peak:.0f} MB / {grown:.0f} MB",
            "",
            "info",
        ),
    ]


def table(rows: list[tuple[str, str, str, str]]) -> str:
    head = ("measure", "value", "target", "result")
    widths = [max(len(str(row[i])) for row in [head, *rows]) for i in range(4)]
    lines = [
        "  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in [head, tuple("-" * w for w in widths), *rows]
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due-share", type=float, default=0.02)
    parser.add_argument("--lifecycle", type=int, default=300)
    parser.add_argument("--synchronous", choices=["FULL", "NORMAL"], default="FULL")
    parser.add_argument("--no-demo", action="store_true")
    parser.add_argument("--profile", action="store_true", help="profile the busy sweep")
    parser.add_argument("--demo-child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--history",
        action="store_true",
        help="also print how a command and the sweep grow with a ticket's "
        "history (benchmarks/history.py; add --baseline there for the "
        "comparison with an earlier commit)",
    )
    args = parser.parse_args()
    if args.demo_child:
        demo_child(Path(args.demo_child))
        return
    rows: list[tuple[str, str, str, str]] = []
    profile = ""
    with scratch() as base:
        if args.lifecycle > 0:  # --lifecycle 0: the sweep alone
            result = lifecycle(base / "lifecycle.db", args.lifecycle, args.synchronous)
            rows.append(
                (
                    f"lifecycle intake->close, {args.lifecycle} tickets "
                    f"({result['commands_per_ticket']:.1f} commands each, "
                    f"{result['sweeps']:.0f} sweeps)",
                    f"{result['tickets_s']:.1f} tickets/s",
                    "",
                    "info",
                )
            )
            rows.append(("  commands committed", f"{result['commands_s']:.0f} /s", "", "info"))
        sweep, profile = sweep_rows(
            base / "sweep.db", args.tickets, args.due_share, args.synchronous, args.profile
        )
        rows += sweep
        if not args.no_demo:
            rows += demo_rows(base)
    print(
        f"complaintflow desk benchmark - SQLite {sqlite3.sqlite_version}, WAL, "
        f"synchronous={args.synchronous}, Python {sys.version.split()[0]}"
    )
    print(table(rows))
    if profile:
        print("\nwhere the busy sweep spends its time (cProfile, cumulative):\n" + profile)
    if args.history:
        import history  # the sibling script: benchmarks/ is on sys.path when run as a script

        print("\ncost of one command and of the sweep per due ticket, by history length:")
        history.report(
            history.measure_all(["memory", "sqlite"], [10, 100, 1000], 30),
            None,
            ["memory", "sqlite"],
            [10, 100, 1000],
        )


if __name__ == "__main__":
    main()
