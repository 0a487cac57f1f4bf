"""How a desk command and the sweep grow with a ticket's history (issue 10).

    python benchmarks/history.py [--baseline REV] [--stores memory,sqlite]
                                 [--histories 10,100,1000] [--repeat 30] [--json]

For each store and history length: one ticket is brought to that many
events through the public desk (intake with the default SLA policy on an
office calendar, triage, assign, investigate, then internal comments), and
then ``--repeat`` more comments are timed one by one (the median is shown).
The sweep rows: ten tickets of that history whose first-response warning
has just come due, swept at once; the time is per due ticket, the median of
five such sweeps (the baseline run times commands only).

Targets: cost(1,000) / cost(10) <= 1.3 for a command on both stores and
for the sweep per due ticket.  With ``--baseline REV`` the same script runs
again in a subprocess on that commit's code (a temporary git worktree) and
the two are printed side by side: at 1,000 events a command must be at
least 5x faster than the baseline, and no slower at 10.

Only the package's root names are used, so the script runs on old commits too.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import count
from pathlib import Path
from typing import Any

import pendulum

from complaintflow import (
    Actor,
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    Role,
    SlaPolicy,
    SqliteStore,
    TicketDraft,
)

SH = "Asia/Shanghai"
OFFICE = (("09:00", "12:00"), ("13:00", "18:00"))
AGENT = Actor.staff("wang.li", Role.AGENT)
START = pendulum.datetime(2024, 5, 20, 9, tz=SH)  # a Monday


def _desk(store_kind: str, folder: Path) -> tuple[ComplaintDesk, ManualClock]:
    clock = ManualClock(START)
    calendar = BusinessCalendar(tz=SH, week=dict.fromkeys(range(5), OFFICE))
    ids = count(1)
    store = (
        InMemoryStore()
        if store_kind == "memory"
        else SqliteStore(folder / f"history-{next(count())}-{time.time_ns()}.db")
    )
    desk = ComplaintDesk(
        store, clock, sla=SlaPolicy.default(), calendar=calendar, ids=lambda: f"T{next(ids):05d}"
    )
    return desk, clock


def _ticket(desk: ComplaintDesk, clock: ManualClock, history: int) -> str:
    draft = TicketDraft("包裹破损，要求补发", Channel.CHAT, clock.now(), Customer("C1", "regular"))
    ticket_id = desk.intake(draft).id
    desk.triage(ticket_id, "complaint", "logistics.package", "P2", actor=AGENT)
    desk.assign(ticket_id, "wang.li", actor=AGENT)
    desk.investigate(ticket_id, actor=AGENT)
    events = len(desk.history(ticket_id))
    for n in range(max(0, history - events)):
        desk.comment(ticket_id, f"跟进 {n}", actor=AGENT)
    return ticket_id


@contextmanager
def _quiet_heap() -> Iterator[None]:
    """Time the operation, not the garbage collector walking what was built before it.

    The memory store keeps every event alive, so without this a collection
    that happens to fall inside the timed call costs more the bigger the
    setup was, whatever the call itself does.
    """
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def command_cost(store_kind: str, history: int, repeat: int, folder: Path) -> float:
    """Median seconds of one comment on a ticket that has ``history`` events."""
    desk, clock = _desk(store_kind, folder)
    ticket_id = _ticket(desk, clock, history)
    times = []
    with _quiet_heap():
        for n in range(repeat):
            began = time.perf_counter()
            desk.comment(ticket_id, f"计时 {n}", actor=AGENT)
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def _swept(store_kind: str, history: int, tickets: int, folder: Path) -> float:
    desk, clock = _desk(store_kind, folder)
    for _ in range(tickets):
        _ticket(desk, clock, history)
    clock.advance(minutes=3 * 60 + 30)  # past the 75 % warning of 4 business hours
    with _quiet_heap():
        began = time.perf_counter()
        summary = desk.sweep()
        elapsed = time.perf_counter() - began
    assert summary.checked == tickets, summary
    return elapsed / tickets


def sweep_cost(store_kind: str, history: int, tickets: int, folder: Path, rounds: int = 3) -> float:
    """Seconds per due ticket of a sweep over ``tickets`` tickets of ``history`` events.

    A first sweep on a throw-away desk warms the code paths (cattrs builds
    its hooks on first use), so that neither history pays for that; the
    median of ``rounds`` sweeps (each on its own desk) tames the commits'
    fsync noise, which is most of a sweep's time on SQLite.
    """
    _swept(store_kind, 3, 1, folder)
    return statistics.median(_swept(store_kind, history, tickets, folder) for _ in range(rounds))


def memory_per_ticket(count: int) -> float:
    """Bytes per in-memory ticket beyond its text: opened with the default SLA policy's
    clocks, triaged, assigned, investigating and answered (as benchmarks/lifecycle.py's
    tickets, with SLA state)."""
    try:
        from complaintflow.domain import commands as c
        from complaintflow.domain.lifecycle import apply, open_ticket
    except ImportError:  # the layout before the core was reshaped
        import importlib

        c = importlib.import_module("complaintflow.commands")  # type: ignore[assignment]
        lifecycle = importlib.import_module("complaintflow.lifecycle")
        apply, open_ticket = lifecycle.apply, lifecycle.open_ticket
    policy = SlaPolicy.default()
    sla = {"sla_version": policy.version}
    if hasattr(policy, "clock_rules"):
        sla["sla_rules"] = policy.clock_rules()  # shared, as a desk shares it

    def ticket(i: int) -> Any:
        draft = TicketDraft(
            f"订单{i}支付失败，银行卡被扣了两次，请尽快退款。客户编号 C{i:06d}",
            Channel.CHAT,
            START.add(seconds=i),
            Customer(f"C{i:06d}", "regular"),
            order_ref=f"{i}",
        )
        opened, _ = open_ticket(
            draft, ticket_id=f"T-{i}", number=f"TS20240520-{i:06d}", actor=AGENT, **sla
        )
        at = opened.updated_at
        for command in (
            c.Triage("complaint", "billing.payment", "P1", department="billing"),
            c.Assign(AGENT.id),
            c.Investigate(),
            c.Respond("已收到，正在核实"),
        ):
            at = at.add(minutes=1)
            opened, _ = apply(opened, command, actor=AGENT, at=at)
        return opened

    gc.collect()
    tracemalloc.start()
    before, _ = tracemalloc.get_traced_memory()
    tickets = [ticket(i) for i in range(count)]
    gc.collect()
    after, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    text = sum(sys.getsizeof(one.description) for one in tickets)
    return (after - before - text) / count


def measure_all(
    stores: list[str], histories: list[int], repeat: int, *, sweeps: bool = True
) -> dict[str, float]:
    results: dict[str, float] = {"memory/bytes per ticket": memory_per_ticket(20_000)}
    with tempfile.TemporaryDirectory() as folder:
        for store in stores:
            for history in histories:
                results[f"command/{store}/{history}"] = command_cost(
                    store, history, repeat, Path(folder)
                )
            for history in (histories[0], histories[-1]) if sweeps else ():
                results[f"sweep/{store}/{history}"] = sweep_cost(
                    store, history, 10, Path(folder), rounds=5
                )
    return results


def _baseline(rev: str, args: argparse.Namespace) -> dict[str, float]:
    top = Path(__file__).resolve().parent.parent
    with tempfile.TemporaryDirectory() as folder:
        tree = Path(folder) / "baseline"
        subprocess.run(
            ["git", "-C", str(top), "worktree", "add", "--detach", "-q", str(tree), rev], check=True
        )
        try:
            env = {**os.environ, "PYTHONPATH": str(tree / "src")}
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--json",
                    "--no-sweeps",
                    "--stores",
                    args.stores,
                    "--histories",
                    args.histories,
                    "--repeat",
                    str(args.repeat),
                ],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout
        finally:
            subprocess.run(
                ["git", "-C", str(top), "worktree", "remove", "--force", str(tree)], check=True
            )
    result: dict[str, float] = json.loads(out)
    return result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def _shown(key: str, value: float) -> str:
    return f"{value:8.0f} B " if key.startswith("memory/") else _ms(value)


def report(
    ours: dict[str, float], base: dict[str, float] | None, stores: list[str], histories: list[int]
) -> None:
    low, high = histories[0], histories[-1]
    head = f"{'':34}{'this tree':>12}" + (f"{'baseline':>12}{'speed-up':>10}" if base else "")
    print(head)
    for key, value in ours.items():
        line = f"{key:34}{_shown(key, value):>12}"
        if base and key in base:
            line += f"{_shown(key, base[key]):>12}{base[key] / value:9.1f}x"
        print(line)
    print()
    memory = ours["memory/bytes per ticket"]
    print(
        f"memory: {memory:,.0f} B per in-memory ticket beyond its text, SLA clocks included"
        f"   target <= 1536 B   {'PASS' if memory <= 1536 else 'FAIL'}"
    )
    for store in stores:
        for what in ("command", "sweep") if f"sweep/{store}/{low}" in ours else ("command",):
            ratio = ours[f"{what}/{store}/{high}"] / ours[f"{what}/{store}/{low}"]
            verdict = "PASS" if ratio <= 1.3 else "FAIL"
            print(
                f"{what} on {store}: cost({high:,})/cost({low:,}) = {ratio:5.2f}   "
                f"target <= 1.3   {verdict}"
            )
        if base:
            fast = base[f"command/{store}/{high}"] / ours[f"command/{store}/{high}"]
            slow = base[f"command/{store}/{low}"] / ours[f"command/{store}/{low}"]
            print(
                f"command on {store} at {high:,} events: {fast:5.1f}x the baseline   "
                f"target >= 5x   {'PASS' if fast >= 5 else 'FAIL'}"
            )
            print(
                f"command on {store} at {low:,} events: {slow:5.2f}x the baseline   "
                f"target >= 1x (no slower)   {'PASS' if slow >= 1 else 'FAIL'}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baseline", help="a git revision to compare with (e.g. 6004883)")
    parser.add_argument("--stores", default="memory,sqlite")
    parser.add_argument("--histories", default="10,100,1000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--no-sweeps",
        action="store_true",
        help="time commands only (the baseline run: its targets are on those)",
    )
    args = parser.parse_args()
    stores = args.stores.split(",")
    histories = [int(n) for n in args.histories.split(",")]
    ours = measure_all(stores, histories, args.repeat, sweeps=not args.no_sweeps)
    if args.json:
        print(json.dumps(ours))
        return
    base = _baseline(args.baseline, args) if args.baseline else None
    report(ours, base, stores, histories)


if __name__ == "__main__":
    main()
