"""Races the older suite did not run: reschedule against saves, due claims, batch writes.

Mixed into :class:`~complaintflow.testing.storage.StoreConformance`.  A
write that checks in one step and writes in another (a version read,
then an UPDATE without the version in its WHERE; a SELECT of due rows,
then a lease without a lock) passes every single-threaded test; these
make the window show.
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from complaintflow.errors import StorageError
from complaintflow.storage.protocol import TicketStore
from complaintflow.testing.storage_contract import due_ids
from complaintflow.testing.storage_workload import (
    T0,
    StoreFactory,
    contend_with_due,
    drain_due,
    drain_outbox,
    due_marker,
    make_ticket,
    outbox_item,
    process_job,
    reschedule_loop,
)

__all__ = ["RaceChecks", "run_threads"]

MakeStore = Callable[[str], TicketStore]
_US = dt.timedelta(microseconds=1)
_tenants = itertools.count()

_LOCKED_HINT = (
    "\nhint: 'database is locked' means a writer waited longer than the busy timeout. "
    "Start every write transaction with BEGIN IMMEDIATE (a deferred BEGIN that upgrades "
    "to a write lock later fails instead of waiting) and give the connection a busy timeout."
)


def run_threads(count: int, job: Callable[[int], Any]) -> list[Any]:
    """``job(0..count-1)`` on ``count`` threads; a locked database fails with a hint."""
    try:
        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(job, range(count)))
    except StorageError as error:
        if "locked" in str(error):
            raise AssertionError(f"{error}{_LOCKED_HINT}") from error
        raise


def check_due_follows_last_write(store: TicketStore, ticket_ids: list[str]) -> None:
    """Each ticket's due time is the one its newest version's save or reschedule wrote."""
    for ticket_id in ticket_ids:
        version = store.get(ticket_id).version
        found = [
            rescheduled
            for rescheduled in (False, True)
            if _due_exactly(store, ticket_id, due_marker(version, rescheduled=rescheduled))
        ]
        assert found, (
            f"{ticket_id} is at version {version} but its due time was written "
            f"for another version: a reschedule overwrote a newer save"
        )


def _due_exactly(store: TicketStore, ticket_id: str, due: dt.datetime) -> bool:
    return ticket_id in due_ids(store, due) and ticket_id not in due_ids(store, due - _US)


class RaceChecks:
    """Thread and process races for reschedule, claim_due, outbox and batch saves."""

    supports_threads: bool
    supports_processes: bool
    threads: int
    processes: int

    def _racers(self, make_store: MakeStore, tenant: str) -> list[TicketStore]:
        if not self.supports_threads:
            pytest.skip("the adapter does not claim thread safety")
        return [make_store(tenant) for _ in range(self.threads)]

    def test_threads_reschedule_never_overwrites_a_newer_save(self, make_store: MakeStore) -> None:
        stores = self._racers(make_store, "resched")
        ids = ["T1", "T2"]
        for ticket_id in ids:
            stores[0].add(*make_ticket(ticket_id), due_at=due_marker(1, rescheduled=False))

        def job(n: int) -> object:
            if n % 2:
                return reschedule_loop(stores[n], ids, 25)
            return contend_with_due(stores[n], ids, 12, f"w{n}")

        seen = run_threads(self.threads, job)
        lost = [entry for n, found in enumerate(seen) if n % 2 for entry in found]
        assert not lost, f"a reschedule overwrote a newer save: {lost[:3]}"
        check_due_follows_last_write(stores[0], ids)

    def test_threads_claim_due_tickets_once(self, make_store: MakeStore) -> None:
        stores = self._racers(make_store, "due")
        ids = [f"T{n:02d}" for n in range(30)]
        for n, ticket_id in enumerate(ids):
            stores[0].add(*make_ticket(ticket_id), due_at=T0.add(minutes=n % 4))
        got = run_threads(self.threads, lambda n: drain_due(stores[n], f"w{n}"))
        claimed = [ticket_id for batch in got for ticket_id in batch]
        assert sorted(claimed) == ids, "a due ticket was claimed twice, or by nobody"

    def test_threads_deliver_each_outbox_item_once(self, make_store: MakeStore) -> None:
        stores = self._racers(make_store, "outbox")
        stores[0].add(
            *make_ticket("T1"),
            outbox=[outbox_item(n, "T1", at=T0.add(minutes=n % 3)) for n in range(30)],
        )
        got = run_threads(self.threads, lambda n: drain_outbox(stores[n], f"w{n}"))
        delivered = [item for batch in got for item in batch]
        assert sorted(delivered) == sorted(f"ob-{n}" for n in range(30))

    def test_processes_race_every_write(self, store_factory: StoreFactory) -> None:
        if not self.supports_processes:
            pytest.skip("the adapter does not claim multi-process safety")
        tenant = f"race-{next(_tenants)}"
        store = store_factory(tenant=tenant)
        ids = ["T1", "T2"]
        for ticket_id in ids:
            store.add(*make_ticket(ticket_id), due_at=due_marker(1, rescheduled=False))
        due = [f"D{n:02d}" for n in range(18)]
        for ticket_id in due:
            store.add(*make_ticket(ticket_id), due_at=T0)
        store.add(*make_ticket("O1"), outbox=[outbox_item(n, "O1") for n in range(18)])
        jobs = [
            (store_factory, tenant, "contend_due", (ids, 6, "p0")),
            (store_factory, tenant, "reschedule", (ids, 12)),
            (store_factory, tenant, "claim_due", "p1"),
            (store_factory, tenant, "claim_due", "p2"),
            (store_factory, tenant, "outbox", "p3"),
            (store_factory, tenant, "outbox", "p4"),
        ]
        if hasattr(store, "save_many"):
            jobs.append((store_factory, tenant, "batch", (ids, 6, "p5")))
        with multiprocessing.get_context("spawn").Pool(self.processes) as pool:
            results = pool.starmap(process_job, jobs)
        assert not results[1], f"a reschedule overwrote a newer save: {results[1][:3]}"
        check_due_follows_last_write(store, ids)
        assert sorted(results[2] + results[3]) == due, "a due ticket was claimed twice"
        assert sorted(results[4] + results[5]) == sorted(f"ob-{n}" for n in range(18))
        close = getattr(store, "close", None)
        if close is not None:
            close()
