"""The optional store parts' contract: delivery failures, dead letters, backlog, numbers.

Mixed into :class:`~complaintflow.testing.storage.StoreConformance`; each
test runs when the adapter has the part
(:mod:`complaintflow.storage.outbox`) and is skipped, saying so, when not.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest

from complaintflow.errors import NaiveDatetimeError, NotFound, ValidationError
from complaintflow.storage.protocol import (
    Backlog,
    BacklogStats,
    DeadLetters,
    Failure,
    NumberLookup,
    TicketStore,
)
from complaintflow.testing.storage_races import run_threads
from complaintflow.testing.storage_workload import T0, make_ticket, outbox_item

__all__ = ["OutboxChecks"]

MakeStore = Callable[[str], TicketStore]
LEASE = dt.timedelta(minutes=5)
_tenants = itertools.count()


def _dead(store: TicketStore) -> Any:
    if not isinstance(store, DeadLetters):
        pytest.skip("the adapter has no fail_outbox/dead_letters (DeadLetters is optional)")
    return store


def _stats(store: TicketStore) -> Any:
    if not isinstance(store, BacklogStats):
        pytest.skip("the adapter has no backlog() (BacklogStats is optional)")
    return store


def _claim(store: TicketStore, worker: str, now: dt.datetime, limit: int = 100) -> list[Any]:
    return list(store.claim_outbox(worker=worker, limit=limit, lease=LEASE, now=now))


def _all_dead(store: Any) -> list[Any]:
    found, cursor = [], None
    while True:
        page = store.dead_letters(limit=7, cursor=cursor)
        found.extend(page.items)
        cursor = page.cursor
        if cursor is None:
            return found


class OutboxChecks:
    """Failures are recorded per claim, dead letters are never served, retry brings them back."""

    threads: int
    supports_threads: bool

    def test_a_failed_item_waits_for_its_retry_time(self, store: TicketStore) -> None:
        dead = _dead(store)
        store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1"), outbox_item(2, "T1")])
        first = _claim(store, "a", T0, limit=1)
        retry = Failure(
            id="ob-1", attempts=1, error="SMTP 451: try later", retry_at=T0.add(minutes=10)
        )
        assert dead.fail_outbox([retry], now=T0.add(seconds=3)) == frozenset()
        assert [i.id for i in first] == ["ob-1"]
        assert [i.id for i in _claim(store, "b", T0.add(minutes=9))] == ["ob-2"]
        again = _claim(store, "b", T0.add(minutes=10))
        assert [(i.id, i.attempts) for i in again] == [("ob-1", 2)]
        if isinstance(store, BacklogStats):
            assert store.backlog(now=T0.add(minutes=10)).retrying == 1
        store.ack_outbox(["ob-1", "ob-2"])
        assert _claim(store, "c", T0.add(days=1)) == []
        assert dead.dead_letters().items == ()
        if isinstance(store, BacklogStats):
            numbers = store.backlog(now=T0.add(minutes=10))
            assert (numbers.pending, numbers.retrying, numbers.dead) == (0, 0, 0)

    def test_a_dead_letter_is_never_served_until_retried(self, store: TicketStore) -> None:
        dead = _dead(store)
        store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        _claim(store, "a", T0)
        failed = T0.add(minutes=1)
        gone = Failure(id="ob-1", attempts=1, error="NoSuchMailbox: 550", retry_at=None)
        assert dead.fail_outbox([gone], now=failed) == frozenset()
        assert _claim(store, "a", T0.add(years=1)) == []
        page = dead.dead_letters()
        assert page.cursor is None
        assert page.corrupt == ()
        (letter,) = page.items
        item = outbox_item(1, "T1")
        assert (letter.id, letter.ticket_id, letter.kind, letter.payload) == (
            "ob-1",
            "T1",
            "notify",
            item.payload,
        )
        assert (letter.attempts, letter.error) == (1, "NoSuchMailbox: 550")
        assert letter.created_at == T0
        assert letter.created_at.timezone_name == T0.timezone_name
        assert letter.failed_at == failed
        assert dead.retry_dead_letters(["ob-1", "unknown"]) == {"ob-1"}
        assert dead.dead_letters().items == ()
        (back,) = _claim(store, "b", T0.add(minutes=2))
        assert (back.id, back.attempts, back.payload) == ("ob-1", 1, item.payload)
        assert back.created_at == T0
        assert dead.retry_dead_letters(["ob-1"]) == frozenset()

    def test_a_late_failure_leaves_a_newer_claim_alone(self, store: TicketStore) -> None:
        dead = _dead(store)
        store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        _claim(store, "slow", T0)
        (newer,) = _claim(store, "fast", T0.add(minutes=6))  # the slow worker's lease ended
        assert newer.attempts == 2
        late = Failure(id="ob-1", attempts=1, error="timeout", retry_at=None)
        assert dead.fail_outbox([late], now=T0.add(minutes=7)) == {"ob-1"}
        assert dead.dead_letters().items == ()
        assert _claim(store, "x", T0.add(minutes=7)) == []  # still leased to "fast"
        store.ack_outbox(["ob-1"])
        current = Failure(id="ob-1", attempts=2, error="timeout", retry_at=None)
        assert dead.fail_outbox([current], now=T0.add(minutes=8)) == {"ob-1"}
        assert dead.dead_letters().items == ()

    def test_dead_letters_page_and_retry_all(self, store: TicketStore) -> None:
        dead = _dead(store)
        store.add(*make_ticket("T1"), outbox=[outbox_item(n, "T1") for n in range(9)])
        for n, item in enumerate(_claim(store, "a", T0)):
            failure = Failure(id=item.id, attempts=1, error=f"e{n}", retry_at=None)
            dead.fail_outbox([failure], now=T0.add(minutes=9 - n))  # newest item failed first
        letters = _all_dead(dead)
        assert [letter.id for letter in letters] == [f"ob-{n}" for n in reversed(range(9))]
        with pytest.raises(ValidationError):
            dead.dead_letters(limit=0)
        with pytest.raises(ValidationError):
            dead.dead_letters(cursor="not a cursor")
        assert dead.retry_dead_letters() == {f"ob-{n}" for n in range(9)}
        assert dead.retry_dead_letters() == frozenset()
        assert sorted(i.id for i in _claim(store, "b", T0)) == sorted(f"ob-{n}" for n in range(9))

    def test_fail_outbox_refuses_bad_input_and_writes_nothing(self, store: TicketStore) -> None:
        dead = _dead(store)
        store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1"), outbox_item(2, "T1")])
        _claim(store, "a", T0)
        ok = Failure(id="ob-1", attempts=1, error="x", retry_at=None)
        for bad in (
            [ok, Failure(id="ob-1", attempts=1, error="y", retry_at=None)],
            [ok, "ob-2"],
            "ob-1",
        ):
            with pytest.raises(ValidationError):
                dead.fail_outbox(bad, now=T0)
        with pytest.raises(NaiveDatetimeError):
            dead.fail_outbox([ok], now=dt.datetime(2024, 5, 20, 14))
        wrongs: list[dict[str, Any]] = [
            {"attempts": 0},
            {"id": ""},
            {"retry_at": dt.datetime(2024, 5, 21)},
        ]
        for wrong in wrongs:
            with pytest.raises(ValidationError):
                Failure(**{"id": "ob-1", "attempts": 1, "error": "x", "retry_at": None, **wrong})
        with pytest.raises(ValidationError):
            dead.retry_dead_letters("ob-1")
        assert dead.dead_letters().items == ()
        assert dead.fail_outbox([], now=T0) == frozenset()
        odd = Failure(id="ob-2", attempts=1, error="bad\x00byte \ud800", retry_at=None)
        assert dead.fail_outbox([odd], now=T0) == frozenset()
        assert "\x00" not in dead.dead_letters().items[0].error

    def test_backlog_counts_without_loading_tickets(self, store: TicketStore) -> None:
        stats = _stats(store)
        empty = stats.backlog(now=T0)
        assert empty == Backlog(0, None, 0, None, 0, 0)
        store.add(*make_ticket("T1"), due_at=T0.add(hours=1), outbox=[outbox_item(1, "T1")])
        store.add(*make_ticket("T2"), due_at=T0.subtract(hours=2))
        store.add(
            *make_ticket("T3"),
            due_at=T0.subtract(minutes=5),
            outbox=[outbox_item(2, "T3", at=T0.subtract(hours=1))],
        )
        store.add(*make_ticket("T4"))
        numbers = stats.backlog(now=T0)
        assert (numbers.due, numbers.pending, numbers.retrying, numbers.dead) == (2, 2, 0, 0)
        assert numbers.oldest_due == T0.subtract(hours=2)
        assert numbers.oldest_pending == T0.subtract(hours=1)
        assert stats.backlog(now=T0.add(hours=1)).due == 3  # inclusive
        if isinstance(store, DeadLetters):
            claimed = _claim(store, "a", T0)
            store.fail_outbox(
                [
                    Failure(id="ob-2", attempts=1, error="x", retry_at=T0.add(hours=1)),
                    Failure(id="ob-1", attempts=1, error="x", retry_at=None),
                ],
                now=T0,
            )
            assert len(claimed) == 2
            numbers = stats.backlog(now=T0)
            assert (numbers.pending, numbers.retrying, numbers.dead) == (1, 1, 1)
        with pytest.raises(NaiveDatetimeError):
            stats.backlog(now=dt.datetime(2024, 5, 20))

    def test_dead_letters_are_tenant_bound(self, make_store: MakeStore) -> None:
        a, b = make_store("acme"), make_store("globex")
        dead_a, dead_b = _dead(a), _dead(b)
        a.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1"), outbox_item(2, "T1")])
        b.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        _claim(a, "w", T0)
        gone = Failure(id="ob-1", attempts=1, error="x", retry_at=None)
        assert dead_b.fail_outbox([gone], now=T0) == {"ob-1"}  # b's ob-1 was never claimed
        assert dead_a.fail_outbox([gone], now=T0) == frozenset()
        assert dead_b.dead_letters().items == ()
        assert dead_b.retry_dead_letters() == frozenset()
        assert [i.id for i in _claim(b, "w", T0)] == ["ob-1"]
        later = Failure(id="ob-2", attempts=1, error="x", retry_at=T0.add(hours=1))
        assert dead_a.fail_outbox([later], now=T0) == frozenset()
        if isinstance(b, BacklogStats):
            numbers = b.backlog(now=T0)
            assert (numbers.pending, numbers.retrying, numbers.dead) == (1, 0, 0)
        b.ack_outbox(["ob-2"])  # a's retrying ob-2 stays a's
        assert [letter.id for letter in dead_a.dead_letters().items] == ["ob-1"]
        if isinstance(a, BacklogStats):
            numbers = a.backlog(now=T0)
            assert (numbers.pending, numbers.retrying, numbers.dead) == (1, 1, 1)

    # -- the number customers quote ------------------------------------------

    def test_find_by_number_is_exact_and_tenant_bound(self, make_store: MakeStore) -> None:
        a, b = make_store("acme"), make_store("globex")
        if not isinstance(a, NumberLookup):
            pytest.skip("the adapter has no find_by_number (NumberLookup is optional)")
        first = a.add(*make_ticket("T1", number="TS20240520-0001"))
        a.add(*make_ticket("T2", number="TS20240520-0002"))
        b.add(*make_ticket("T9", number="TS20240520-0003"))
        assert a.find_by_number("TS20240520-0001") == first
        assert a.find_by_number("TS20240520-0002").id == "T2"
        for missing in ("TS20240520-0003", "ts20240520-0001", "TS20240520-000", "T1"):
            with pytest.raises(NotFound) as caught:
                a.find_by_number(missing)
            assert caught.value.what == "ticket number"
            assert caught.value.key == missing
        other: Any = b
        assert other.find_by_number("TS20240520-0003").id == "T9"
        for bad in ("", 123, None):
            with pytest.raises(ValidationError):
                a.find_by_number(bad)  # type: ignore[arg-type]

    # -- races ---------------------------------------------------------------

    def _outbox_racers(self, make_store: MakeStore) -> tuple[list[Any], str]:
        if not self.supports_threads:
            pytest.skip("the adapter does not claim thread safety")
        tenant = f"outbox-race-{next(_tenants)}"
        stores = [make_store(tenant) for _ in range(self.threads)]
        _dead(stores[0])
        return stores, tenant

    def test_threads_a_late_failure_never_undoes_an_ack(self, make_store: MakeStore) -> None:
        stores, _ = self._outbox_racers(make_store)
        count = 24
        stores[0].add(*make_ticket("T1"), outbox=[outbox_item(n, "T1") for n in range(count)])
        assert len(_claim(stores[0], "slow", T0)) == count
        assert len(_claim(stores[0], "fast", T0.add(minutes=6))) == count  # attempts 2
        ids = [f"ob-{n}" for n in range(count)]

        def job(n: int) -> object:
            mine = ids[n::2] if n < 2 else ids[(n - 2) :: 2]
            store = stores[n]
            for item_id in mine:
                if n < 2:  # the slow worker reports its stale claim as a permanent failure
                    failure = Failure(id=item_id, attempts=1, error="late", retry_at=None)
                    store.fail_outbox([failure], now=T0.add(minutes=7))
                else:
                    store.ack_outbox([item_id])
            return None

        run_threads(4, job)
        assert _all_dead(stores[0]) == []
        assert _claim(stores[0], "x", T0.add(days=1)) == []

    def test_threads_two_failures_of_one_claim_apply_once(self, make_store: MakeStore) -> None:
        stores, _ = self._outbox_racers(make_store)
        count = 24
        stores[0].add(*make_ticket("T1"), outbox=[outbox_item(n, "T1") for n in range(count)])
        assert len(_claim(stores[0], "w", T0)) == count
        ids = [f"ob-{n}" for n in range(count)]

        def job(n: int) -> frozenset[str]:
            order = ids if n % 2 else list(reversed(ids))
            stale: set[str] = set()
            for start in range(0, count, 5):
                failures = [
                    Failure(id=i, attempts=1, error=f"worker {n}", retry_at=None)
                    for i in order[start : start + 5]
                ]
                stale |= stores[n].fail_outbox(failures, now=T0.add(minutes=1))
            return frozenset(stale)

        stale = run_threads(4, job)
        letters = _all_dead(stores[0])
        assert sorted(letter.id for letter in letters) == sorted(ids)  # each once
        assert sum(len(s) for s in stale) == 3 * count  # three of four were too late each time
        retried = run_threads(4, lambda n: stores[n].retry_dead_letters())
        assert sorted(i for got in retried for i in got) == sorted(ids)  # each moved once
        assert len(_claim(stores[0], "x", T0.add(minutes=2))) == count
