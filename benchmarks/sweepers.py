"""Sweepers that split the work: 100,000 open tickets, 2,000 due, on PostgreSQL.

    python benchmarks/sweepers.py [--tickets 100000] [--due 2000] [--batch 100]
                                  [--processes 1,2,4] [--postgres CONNINFO]

The due tickets are swept by 1, 2 and 4 processes at once (``desk.sweep``
with a worker each: leased batches of ``--batch`` from ``claim_due``), each
on its own connection.  Per run: the wall time (from the moment all
processes are ready to the last one done), the tickets each process
loaded, and the checks that matter: every due ticket was loaded exactly
once in the round (no lost races: a ticket loaded twice is work done
twice) and every alert recorded exactly once.  Before each run the due
tickets are put back as they were, so every run does the same work.

Loading is not measured: two template tickets are made by a desk in
memory and copied into the store's own tables with ``COPY`` (ids and
numbers changed), the due ones due at their real first-response
thresholds.  PostgreSQL runs against ``--postgres`` or a throwaway server
on loopback with default durability (fsync and synchronous_commit on).
On a machine with two cores, expect the gain to stop at two processes.
``CPU s`` is the sweepers' own CPU time, summed (the client side: planning
and composing in Python): the work itself, which more processes only
share out.  On a machine busy with other work, more processes also take a
bigger share of it, so there the wall time may keep falling past the
core count (the load average is printed beside each run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import time
from collections.abc import Iterator
from typing import Any

import psycopg

from complaintflow import InMemoryStore
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.storage.encoding import event_to_dict, ticket_to_dict
from complaintflow.storage.kit import micros
from complaintflow.storage.postgres import PostgresStore
from complaintflow.testing.sweepers import (
    OPENED,
    ROUND,
    office_desk,
    open_due,
    run_processes,
    sweep_job,
)
from storage import throwaway_postgres  # the sibling script

TENANT = "sweepers"
COLUMNS = (
    "tenant, id, number, version, last_seq, status, assignee, department, priority, "
    "dedupe_key, received_at, updated_at, due_at, body"
)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def utc(value: dt.datetime) -> dt.datetime:
    """A stdlib UTC datetime for psycopg, as the store writes it (never a pendulum object)."""
    return _EPOCH + micros(value) * dt.timedelta(microseconds=1)


class Template:
    """One ticket made by a desk, as rows to copy under other ids."""

    def __init__(self, ticket: Ticket, events: list[Event], due: dt.datetime | None) -> None:
        self.id, self.number = ticket.id, ticket.number
        self.ticket, self.due = ticket, due
        self.body = json.dumps(ticket_to_dict(ticket), ensure_ascii=False)
        self.events = [
            (ev.seq, ev.version, ev.type, utc(ev.at), json.dumps(event_to_dict(ev)))
            for ev in events
        ]

    def _swap(self, text: str, ticket_id: str, number: str) -> str:
        return text.replace(self.id, ticket_id).replace(self.number, number)

    def ticket_row(self, ticket_id: str, number: str) -> tuple[Any, ...]:
        t = self.ticket
        return (
            TENANT,
            ticket_id,
            number,
            t.version,
            t.last_seq,
            t.status.value,
            t.assignee,
            t.department,
            None if t.priority is None else t.priority.value,
            None,
            utc(t.received_at),
            utc(t.updated_at),
            None if self.due is None else utc(self.due),
            self._swap(self.body, ticket_id, number),
        )

    def event_rows(self, ticket_id: str, number: str) -> Iterator[tuple[Any, ...]]:
        for seq, version, kind, at, body in self.events:
            yield (TENANT, ticket_id, seq, version, kind, at, self._swap(body, ticket_id, number))


def templates() -> tuple[Template, Template]:
    """A P3 complaint due at ROUND (four alerts to record) and one opened just before it."""
    memory = InMemoryStore()
    desk = office_desk(memory, prefix="TEMPLATE")
    (due_id,) = open_due(desk, 1)
    desk.clock.set(ROUND.subtract(minutes=10))
    (fresh_id,) = open_due(desk, 1)
    made = []
    for ticket_id, at in ((due_id, OPENED), (fresh_id, ROUND.subtract(minutes=10))):
        ticket = memory.get(ticket_id)
        made.append(Template(ticket, memory.events(ticket_id), desk.follow.next_due(ticket, at)))
    due, fresh = made
    assert due.due is not None, "the due template has no due time"
    assert due.due <= ROUND, due.due
    assert fresh.due is not None, "the fresh template has no due time"
    assert fresh.due > ROUND, fresh.due
    return due, fresh


def copy_in(conn: psycopg.Connection[Any], template: Template, ids: list[str]) -> None:
    numbers = [f"TS20240607-{n:06d}" for n in range(len(ids))]
    with conn.cursor() as cur:
        with cur.copy(f"COPY complaintflow.tickets ({COLUMNS}) FROM STDIN") as copy:
            for ticket_id, number in zip(ids, numbers, strict=True):
                copy.write_row(template.ticket_row(ticket_id, number))
        with cur.copy(
            "COPY complaintflow.events (tenant, ticket_id, seq, version, type, at, body) FROM STDIN"
        ) as copy:
            for ticket_id, number in zip(ids, numbers, strict=True):
                for row in template.event_rows(ticket_id, number):
                    copy.write_row(row)


def reset_due(conn: psycopg.Connection[Any], due: Template, ids: list[str]) -> None:
    """The due tickets back as they were before any sweep: no alerts, no outbox, unleased."""
    with conn.transaction():
        for table, column in (("tickets", "id"), ("events", "ticket_id")):
            conn.execute(
                f"DELETE FROM complaintflow.{table} WHERE tenant = %s AND {column} LIKE 'D%%'",
                (TENANT,),
            )
        conn.execute("DELETE FROM complaintflow.alerts WHERE tenant = %s", (TENANT,))
        conn.execute("DELETE FROM complaintflow.outbox WHERE tenant = %s", (TENANT,))
        copy_in(conn, due, ids)
    conn.execute("VACUUM ANALYZE complaintflow.tickets")
    conn.execute("VACUUM ANALYZE complaintflow.events")


def counted(conn: psycopg.Connection[Any], sql: str, *params: Any) -> int:
    row = conn.execute(sql, (TENANT, *params)).fetchone()
    assert row is not None
    return int(row[0])


def timed_sweep(*args: Any, **kwargs: Any) -> tuple[list[str], Any, float, float]:
    """:func:`sweep_job`, and the CPU seconds the process spent on it (client side)."""
    start = kwargs.pop("start")
    start.wait()
    began = time.process_time()
    loaded, summary, seconds = sweep_job(*args, **kwargs)
    return loaded, summary, seconds, time.process_time() - began


def run(conninfo: str, processes: int, due_ids: list[str], batch: int) -> dict[str, Any]:
    factory = functools.partial(PostgresStore.connect, conninfo)
    timed = run_processes(
        [
            (timed_sweep, (factory, TENANT, f"p{n}", ROUND), {"page_size": batch})
            for n in range(processes)
        ]
    )
    results = [(loaded, summary, seconds) for loaded, summary, seconds, _ in timed]
    loaded = [ticket_id for got, _, _ in results for ticket_id in got]
    alerts = [key for _, summary, _ in results for key in summary.alerts]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        logged = counted(
            conn,
            "SELECT count(*) FROM complaintflow.events WHERE tenant = %s AND type = 'sla_alerted'",
        )
        distinct = counted(
            conn,
            "SELECT count(DISTINCT body->'payload'->>'key') FROM complaintflow.events "
            "WHERE tenant = %s AND type = 'sla_alerted'",
        )
        left = counted(
            conn,
            "SELECT count(*) FROM complaintflow.tickets WHERE tenant = %s AND due_at <= %s",
            utc(ROUND),
        )
    return {
        "processes": processes,
        "wall": max(seconds for _, _, seconds in results),
        "per_process": [len(got) for got, _, _ in results],
        "twice": len(loaded) - len(set(loaded)),
        "missed": len(set(due_ids) - set(loaded)),
        "alerts": len(alerts),
        "logged": logged,
        "distinct": distinct,
        "left": left,
        "conflicts": sum(summary.conflicts for _, summary, _ in results),
        "cpu": sum(cpu for *_, cpu in timed),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--processes", default="1,2,4")
    parser.add_argument("--postgres", help="a conninfo (default: a throwaway server)")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    with throwaway_postgres() if args.postgres is None else Given(args.postgres) as conninfo:
        if conninfo is None:
            raise SystemExit("PostgreSQL binaries not found: pass --postgres CONNINFO")
        PostgresStore.connect(conninfo, tenant=TENANT).close()  # the schema
        due, fresh = templates()
        due_ids = [f"D{n:06d}" for n in range(args.due)]
        began = time.perf_counter()
        with psycopg.connect(conninfo, autocommit=True) as conn:
            with conn.transaction():
                for table in ("tickets", "events", "alerts", "outbox"):  # a rerun on --postgres
                    conn.execute(f"DELETE FROM complaintflow.{table} WHERE tenant = %s", (TENANT,))
                copy_in(conn, fresh, [f"N{n:06d}" for n in range(args.tickets - args.due)])
            reset_due(conn, due, due_ids)
            print(
                f"loaded {args.tickets:,} open tickets ({args.due:,} due, 4 alerts each) "
                f"with COPY in {time.perf_counter() - began:.1f} s (not measured)"
            )
            print(
                f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} (other work on "
                f"the machine slows every run alike); claims of {args.batch} tickets"
            )
            print(
                f"{'processes':>9}  {'wall s':>7}  {'CPU s':>6}  {'tickets/s':>9}  "
                f"{'loaded per process':<24}  {'twice':>5}  {'missed':>6}  "
                f"{'alerts (logged, distinct)':<26}  left due"
            )
            for processes in counts:
                reset_due(conn, due, due_ids)
                got = run(conninfo, processes, due_ids, args.batch)
                assert got["twice"] == got["missed"] == got["left"] == 0, got
                assert got["alerts"] == got["logged"] == got["distinct"] == 4 * args.due, got
                alerts = f"{got['alerts']} ({got['logged']}, {got['distinct']})"
                loaded = " + ".join(map(str, got["per_process"]))
                print(
                    f"{processes:>9}  {got['wall']:>7.2f}  {got['cpu']:>6.1f}  "
                    f"{args.due / got['wall']:>9.0f}  "
                    f"{loaded:<24}  {got['twice']:>5}  {got['missed']:>6}  {alerts:<26}  "
                    f"{got['left']}  (load {os.getloadavg()[0]:.1f})"
                )


class Given:
    """``--postgres``: a server the caller runs (left as it is, but for the tenant's rows)."""

    def __init__(self, conninfo: str) -> None:
        self.conninfo = conninfo

    def __enter__(self) -> str:
        return self.conninfo

    def __exit__(self, *exc: object) -> None:
        return None


if __name__ == "__main__":
    main()
