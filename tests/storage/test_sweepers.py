"""Sweepers that split the work: leased batches of due tickets (issue 17, item 1).

Two and three sweepers over the same due tickets, in threads and in
processes, on every store that claims multi-process safety: each due
ticket is loaded by exactly one sweeper per round, every alert is recorded
exactly once, nothing due is left behind.  A sweeper that claims a batch
and dies before saving holds it until its lease ends; then another
sweeper records those alerts.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest

from complaintflow import InMemoryStore, SqliteStore, ValidationError
from complaintflow.storage import TicketStore
from complaintflow.testing.sweepers import (
    ROUND,
    Round,
    logged_alerts,
    office_desk,
    open_due,
    run_processes,
    sweep_job,
    sweep_rounds,
)

try:
    import psycopg_pool

    from complaintflow.storage.postgres import PostgresStore
except ImportError as missing:  # pragma: no cover - CI installs the extra
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the postgres extra is not installed: {missing}", allow_module_level=True)

TICKETS = 30
#: Friday 17:00: past the resolution warning, breach and first escalation of every ticket.
LATER = pendulum.datetime(2024, 6, 14, 17, tz="Asia/Shanghai")
LEASE = dt.timedelta(minutes=5)
_tenants = itertools.count()

Factory = Callable[..., TicketStore]


@pytest.fixture(scope="module")
def pool(postgres_conninfo: str) -> Iterator[psycopg_pool.ConnectionPool]:
    with psycopg_pool.ConnectionPool(
        postgres_conninfo, min_size=1, max_size=6, open=True, kwargs={"autocommit": True}
    ) as opened:
        yield opened


@pytest.fixture
def tenant() -> str:
    return f"sweepers-{os.getpid()}-{next(_tenants)}"


def thread_factory(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Factory:
    """Stores for sweepers in threads: one each (SQLite, PostgreSQL) or one shared (memory)."""
    if kind == "memory":
        shared = InMemoryStore()
        return lambda tenant: shared.for_tenant(tenant)
    if kind == "sqlite":
        return functools.partial(SqliteStore, tmp_path / "sweep.db", synchronous="NORMAL")
    pool = request.getfixturevalue("pool")
    return lambda tenant: PostgresStore(pool, tenant=tenant)


def process_factory(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Factory:
    """Stores a spawned process can open from a pickle: a file, or a connection string."""
    if kind == "sqlite":
        return functools.partial(SqliteStore, str(tmp_path / "sweep.db"), synchronous="NORMAL")
    conninfo = request.getfixturevalue("postgres_conninfo")
    return functools.partial(PostgresStore.connect, conninfo)


def due_now(store: TicketStore, now: dt.datetime) -> list[str]:
    return sorted(ticket.id for ticket in store.find(due_before=now, limit=10_000).items)


def two_rounds(
    factory: Factory, tenant: str, sweepers: int, run: Callable[[list[str]], list[list[Round]]]
) -> None:
    """Two rounds of ``sweepers``: the first-response alerts, then the resolution ones.

    Per round, each due ticket is loaded by one sweeper, once; over both,
    each alert is recorded once, by the sweeper that reports it.
    """
    store = factory(tenant=tenant)
    try:
        ids = open_due(office_desk(store), TICKETS)
        assert due_now(store, ROUND) == sorted(ids)
        results = run([f"w{n}" for n in range(sweepers)])
        for index, metric in enumerate(("first_response", "resolution")):
            rounds = [mine[index] for mine in results]
            loaded = [ticket_id for got, _, _ in rounds for ticket_id in got]
            assert sorted(loaded) == sorted(ids), "a due ticket was loaded twice, or not at all"
            assert sum(summary.checked for _, summary, _ in rounds) == TICKETS
            assert sum(summary.conflicts for _, summary, _ in rounds) == 0
            emitted = [key for _, summary, _ in rounds for key in summary.alerts]
            assert emitted, f"round {index + 1} recorded nothing"
            assert all(f":{metric}:" in key for key in emitted)
        keys = logged_alerts(store, ids)
        assert len(keys) == len(set(keys)) == TICKETS * 7, "an alert recorded twice, or lost"
        emitted = [key for mine in results for _, summary, _ in mine for key in summary.alerts]
        assert sorted(emitted) == sorted(keys)  # and by the sweeper that says it did
        assert due_now(store, LATER) == []  # nothing due left behind
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


@pytest.mark.parametrize("sweepers", [2, 3])
@pytest.mark.parametrize("kind", ["memory", "sqlite", "postgres"])
def test_sweepers_in_threads_split_the_due_tickets(
    kind: str, sweepers: int, tenant: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    factory = thread_factory(kind, tmp_path, request)

    def run(workers: list[str]) -> list[list[Round]]:
        start = threading.Barrier(len(workers))
        slots: dict[int, list[Round]] = {}
        errors: list[BaseException] = []

        def one(index: int, worker: str) -> None:
            try:
                slots[index] = sweep_rounds(
                    factory, tenant, worker, (ROUND, LATER), page_size=4, start=start
                )
            except BaseException as error:  # surfaced in the test's thread
                errors.append(error)

        threads = [
            threading.Thread(target=one, args=(index, worker))
            for index, worker in enumerate(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors, errors
        return [slots[index] for index in range(len(workers))]

    two_rounds(factory, tenant, sweepers, run)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_three_sweeper_processes_split_the_due_tickets(
    kind: str, tenant: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Three processes (two race in threads above): spawning is what costs here."""
    sweepers = 3
    factory = process_factory(kind, tmp_path, request)

    def run(workers: list[str]) -> list[list[Round]]:
        return run_processes(
            [
                (sweep_rounds, (factory, tenant, worker, (ROUND, LATER)), {"page_size": 4})
                for worker in workers
            ]
        )

    two_rounds(factory, tenant, sweepers, run)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_sweeper_that_dies_holding_a_batch_leaves_it_to_another_after_the_lease(
    kind: str, tenant: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    factory = process_factory(kind, tmp_path, request)
    store = factory(tenant=tenant)
    try:
        ids = open_due(office_desk(store), TICKETS)
        # It claims ten tickets and their alert keys, then its process ends at the save.
        (died,) = run_processes(
            [(sweep_job, (factory, tenant, "doomed", ROUND), {"page_size": 10, "die": True})]
        )
        assert died is None  # no result: the process exited abruptly
        assert logged_alerts(store, ids) == []
        held = due_now(store, ROUND)
        assert len(held) == TICKETS  # still due: nothing of the batch was saved
        # Inside the lease another sweeper takes only what the dead one did not hold ...
        soon = ROUND + LEASE - dt.timedelta(microseconds=1)
        loaded, summary, _ = sweep_job(factory, tenant, "alive", soon, page_size=10)
        assert len(loaded) == TICKETS - 10
        assert len(summary.alerts) == 4 * (TICKETS - 10)
        orphans = due_now(store, ROUND)
        assert len(orphans) == 10
        # ... and once it ends, the dead sweeper's batch, whose alerts it records once.
        loaded, summary, _ = sweep_job(factory, tenant, "alive", ROUND + LEASE, page_size=10)
        assert sorted(loaded) == orphans
        assert len(summary.alerts) == 4 * 10
        keys = logged_alerts(store, ids)
        assert len(keys) == len(set(keys)) == 4 * TICKETS
        assert due_now(store, ROUND + LEASE) == []
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"worker": ""}, "worker"),
        ({"worker": 7}, "worker"),
        ({"lease": dt.timedelta(0)}, "lease"),
        ({"lease": 300}, "lease"),
    ],
)
def test_the_desk_refuses_a_bad_worker_or_lease_before_it_claims(
    options: dict[str, object], field: str
) -> None:
    store = InMemoryStore()
    desk = office_desk(store)
    open_due(desk, 1)
    with pytest.raises(ValidationError) as refused:
        desk.sweep(ROUND, **options)  # type: ignore[arg-type]
    assert refused.value.field == field
    assert due_now(store, ROUND) != []  # nothing claimed, nothing recorded
    assert desk.sweep(ROUND).checked == 1  # and nothing leased either
