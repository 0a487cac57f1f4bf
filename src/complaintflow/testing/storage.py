"""The storage conformance suite: run it against your adapter before production does.

Subclass :class:`StoreConformance` in a test module (its name does not
start with ``Test``, so pytest collects only your subclass) and give it a
``make_store`` fixture: a factory ``make_store(tenant) -> store`` whose
stores share one fresh backend per test::

    class TestMyStore(StoreConformance):
        supports_processes = True          # claim only what the adapter does

        @pytest.fixture
        def make_store(self, tmp_path):
            return lambda tenant: MyStore(tmp_path / "db", tenant=tenant)

Capability flags skip what an adapter does not claim; see the class
attributes.  The suite needs the ``testing`` extra (pytest, hypothesis).
"""

from __future__ import annotations

import datetime as dt
import itertools
import multiprocessing
import warnings
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from complaintflow._extras import needs_extra
from complaintflow.domain import commands as c
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Kind, Priority, Status
from complaintflow.errors import (
    ConcurrencyError,
    NaiveDatetimeError,
    NotFound,
    StorageError,
    ValidationError,
)
from complaintflow.storage.protocol import (
    BatchSaves,
    OutboxItem,
    Reschedule,
    SaveItem,
    TicketStore,
)
from complaintflow.testing.storage_contract import ContractChecks
from complaintflow.testing.storage_outbox import OutboxChecks
from complaintflow.testing.storage_races import RaceChecks, run_threads
from complaintflow.testing.storage_stateful import build_store_machine
from complaintflow.testing.storage_workload import (
    T0,
    StoreFactory,
    claim_alerts,
    contend,
    die_mid_batch,
    intake,
    make_ticket,
    outbox_item,
    process_job,
    transition,
)

with needs_extra("testing", __name__):
    import pytest
    from hypothesis.stateful import run_state_machine_as_test

__all__ = ["ConformanceWarning", "StoreConformance", "build_store_machine"]

MakeStore = Callable[[str], TicketStore]
LEASE = dt.timedelta(minutes=5)
_tenants = itertools.count()


def _advanced(
    store: TicketStore, ticket_id: str, *commands: c.Command, due_at: dt.datetime | None = None
) -> Ticket:
    """Apply commands one save at a time; return the stored ticket."""
    for command in commands:
        ticket = store.get(ticket_id)
        new, events = transition(ticket, command)
        store.save(new, events, expected_version=ticket.version, due_at=due_at)
    return store.get(ticket_id)


_threads = run_threads


class StoreConformance(ContractChecks, RaceChecks, OutboxChecks):
    """The contract of :class:`~complaintflow.storage.TicketStore`, as tests."""

    #: Several threads may share one store object.
    supports_threads = True
    #: Several processes may open stores on one backend (``store_factory`` fixture).
    supports_processes = False
    #: Set True only if the adapter has no way to make its backend fail on purpose; the
    #: atomicity tests then do not run, and say so loudly.
    cannot_inject_failures = False
    threads = 4
    processes = 3

    # -- fixtures an adapter provides ------------------------------------

    @pytest.fixture
    def make_store(self) -> MakeStore:
        """Override: ``tenant -> store``, all on one fresh backend per test."""
        raise NotImplementedError("override the make_store fixture")

    @pytest.fixture
    def store(self, make_store: MakeStore) -> TicketStore:
        return make_store("default")

    @pytest.fixture
    def store_factory(self) -> StoreFactory:
        """Override when ``supports_processes``: a picklable ``factory(tenant=...)``."""
        pytest.skip("the adapter gives no store_factory for other processes")

    def failing_event_append(self, store: TicketStore) -> AbstractContextManager[None]:
        """Override (a method, not a fixture): make the backend fail when events are appended.

        Inside the ``with`` block every event insert must fail (e.g. a
        trigger that raises); the suite then checks that the snapshot, due
        time and outbox of the same save were not written either.
        """
        _no_injection(self)
        raise AssertionError("unreachable")

    def failing_reschedule(
        self, store: TicketStore, ticket_id: str
    ) -> AbstractContextManager[None]:
        """Override (a method): make writing ``ticket_id``'s due time fail, inside the block.

        The suite reschedules that ticket after others in one batch and
        checks that none of the batch was applied.
        """
        _no_injection(self)
        raise AssertionError("unreachable")

    # -- add, get, events ----------------------------------------------------

    def test_add_then_get_and_events(self, store: TicketStore) -> None:
        ticket, events = make_ticket("T1")
        assert store.add(ticket, events) == ticket
        assert store.get("T1") == ticket
        assert store.events("T1") == events
        assert Ticket.replay(store.events("T1")) == store.get("T1")

    def test_missing_ticket_is_not_found(self, store: TicketStore) -> None:
        with pytest.raises(NotFound):
            store.get("nope")
        with pytest.raises(NotFound):
            store.events("nope")
        ticket, events = transition(make_ticket("nope")[0])
        with pytest.raises(NotFound):
            store.save(ticket, events, expected_version=1)

    def test_add_existing_id_is_a_conflict(self, store: TicketStore) -> None:
        store.add(*make_ticket("T1"))
        with pytest.raises(ConcurrencyError) as caught:
            store.add(*make_ticket("T1"))
        assert (caught.value.expected, caught.value.actual) == (0, 1)

    def test_dedupe_key_returns_the_existing_ticket(self, store: TicketStore) -> None:
        first = store.add(*make_ticket("T1", dedupe_key="wx-42"), outbox=[outbox_item(1, "T1")])
        again = store.add(*make_ticket("T2", dedupe_key="wx-42"), outbox=[outbox_item(2, "T2")])
        assert again == first
        assert store.find_by_dedupe_key("wx-42") == first
        assert store.find_by_dedupe_key("wx-43") is None
        with pytest.raises(NotFound):
            store.get("T2")
        claimed = store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0)
        assert [item.id for item in claimed] == ["ob-1"]

    def test_add_refuses_a_batch_that_does_not_start_the_log(self, store: TicketStore) -> None:
        ticket, _ = make_ticket("T1")
        with pytest.raises(ValidationError):
            store.add(ticket, [])
        later, more = transition(ticket)
        with pytest.raises(ValidationError):
            store.add(later, more)
        assert store.find().items == ()

    # -- save ------------------------------------------------------------

    def test_save_appends_events_and_replaces_the_snapshot(self, store: TicketStore) -> None:
        store.add(*make_ticket("T1"))
        final = _advanced(
            store,
            "T1",
            c.Triage(Kind.COMPLAINT, None, Priority.P1),
            c.Assign("li", department="billing"),
            c.Investigate(),
        )
        assert (final.version, final.status, final.assignee) == (4, Status.INVESTIGATING, "li")
        assert [e.seq for e in store.events("T1")] == [1, 2, 3, 4]
        assert [e.seq for e in store.events("T1", after=2)] == [3, 4]
        assert store.events("T1", after=4) == []
        assert Ticket.replay(store.events("T1")) == final

    def test_stale_save_raises_and_writes_nothing(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"))
        winner, events = transition(ticket, c.Comment("first"))
        loser, lost = transition(ticket, c.Comment("second"))
        store.save(winner, events, expected_version=1, outbox=[outbox_item(1, "T1")])
        with pytest.raises(ConcurrencyError) as caught:
            store.save(loser, lost, expected_version=1, outbox=[outbox_item(2, "T1")], due_at=T0)
        assert (caught.value.ticket_id, caught.value.expected, caught.value.actual) == ("T1", 1, 2)
        assert store.get("T1") == winner
        assert store.events("T1")[-1] == events[-1]
        assert store.find(due_before=T0.add(years=1)).items == ()
        claimed = store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0)
        assert [item.id for item in claimed] == ["ob-1"]

    def test_save_refuses_a_batch_that_does_not_continue_the_log(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"))
        one, _ = transition(ticket)
        two, second = transition(one)
        with pytest.raises(ValidationError):
            store.save(two, second, expected_version=1)
        with pytest.raises(ValidationError):
            store.save(one, [], expected_version=1)
        assert store.get("T1") == ticket

    def test_naive_datetimes_are_refused(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"))
        new, events = transition(ticket)
        with pytest.raises(NaiveDatetimeError):
            store.save(new, events, expected_version=1, due_at=dt.datetime(2024, 5, 20))
        with pytest.raises(NaiveDatetimeError):
            store.claim_outbox(worker="w", limit=1, lease=LEASE, now=dt.datetime(2024, 5, 20))
        with pytest.raises(NaiveDatetimeError):
            store.find(due_before=dt.datetime(2024, 5, 20))
        assert store.get("T1") == ticket

    def test_failure_between_snapshot_and_events_writes_nothing(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"), due_at=T0)
        new, events = transition(ticket)
        with self.failing_event_append(store):
            with pytest.raises(StorageError):
                store.save(
                    new, events, expected_version=1, outbox=[outbox_item(1, "T1")], due_at=None
                )
            with pytest.raises(StorageError):
                store.add(*make_ticket("T2"), outbox=[outbox_item(2, "T2")])
        assert store.get("T1") == ticket
        assert store.events("T1") == make_ticket("T1")[1]
        assert [t.id for t in store.find(due_before=T0).items] == ["T1"]
        with pytest.raises(NotFound):
            store.get("T2")
        assert store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0) == []
        store.save(new, events, expected_version=1)
        assert store.get("T1") == new

    # -- numbers ---------------------------------------------------------

    def test_next_number_counts_per_prefix_and_day(self, store: TicketStore) -> None:
        day = T0.date()
        assert store.next_number(prefix="TS", day=day) == "TS20240520-0001"
        assert store.next_number(prefix="TS", day=day) == "TS20240520-0002"
        assert store.next_number(prefix="TS", day=day.replace(day=21)) == "TS20240521-0001"
        assert store.next_number(prefix="FB", day=day) == "FB20240520-0001"

    # -- find ------------------------------------------------------------

    def _five(self, store: TicketStore) -> None:
        # received in the order T3, T1, T5, T2, T4 (minutes 0..4)
        for minute, ticket_id in enumerate(["T3", "T1", "T5", "T2", "T4"]):
            store.add(
                *make_ticket(ticket_id, at=T0.add(minutes=minute)),
                due_at=T0.add(hours=10 - int(ticket_id[1])),
            )
        _advanced(
            store,
            "T1",
            c.Triage(Kind.COMPLAINT, None, Priority.P1, department="billing"),
            c.Assign("li"),
            due_at=T0.add(hours=1),
        )
        _advanced(
            store,
            "T2",
            c.Triage(Kind.INQUIRY, None, Priority.P3, department="service"),
            c.Assign("wang"),
        )
        _advanced(
            store,
            "T4",
            c.Triage(Kind.COMPLAINT, None, Priority.P1, department="billing"),
            due_at=T0.add(hours=2),
        )

    def test_find_filters(self, store: TicketStore) -> None:
        self._five(store)

        def ids(**query: Any) -> list[str]:
            return [t.id for t in store.find(**query).items]

        assert ids() == ["T3", "T1", "T5", "T2", "T4"]
        assert ids(status=Status.RECEIVED) == ["T3", "T5"]
        assert ids(status={Status.ASSIGNED, Status.TRIAGED}) == ["T1", "T2", "T4"]
        assert ids(assignee="li") == ["T1"]
        assert ids(department="billing") == ["T1", "T4"]
        assert ids(priority=Priority.P1) == ["T1", "T4"]
        assert ids(priority=Priority.P1, status=Status.TRIAGED) == ["T4"]
        assert ids(department="nowhere") == []

    def test_find_due_before_is_most_overdue_first(self, store: TicketStore) -> None:
        self._five(store)
        # due: T1 +1h, T4 +2h, T5 +5h, T3 +7h; T2 saved without a due date
        assert [t.id for t in store.find(due_before=T0.add(hours=5)).items] == ["T1", "T4", "T5"]
        assert [t.id for t in store.find(due_before=T0.add(hours=1)).items] == ["T1"]
        assert [t.id for t in store.find(due_before=T0.add(days=9)).items] == [
            "T1",
            "T4",
            "T5",
            "T3",
        ]
        due = store.find(due_before=T0.add(days=9), status=Status.RECEIVED).items
        assert [t.id for t in due] == ["T5", "T3"]

    def test_find_pages_are_stable(self, store: TicketStore) -> None:
        self._five(store)
        for due in (None, T0.add(days=1)):
            everything = [t.id for t in store.find(due_before=due).items]
            seen: list[str] = []
            cursor = None
            while True:
                page = store.find(limit=2, cursor=cursor, due_before=due)
                assert 1 <= len(page.items) <= 2
                seen.extend(t.id for t in page.items)
                if page.cursor is None:
                    break
                cursor = page.cursor
            assert seen == everything

    def test_find_refuses_bad_arguments(self, store: TicketStore) -> None:
        with pytest.raises(ValidationError):
            store.find(limit=0)
        with pytest.raises(ValidationError):
            store.find(cursor="not a cursor")

    # -- outbox ----------------------------------------------------------

    def test_outbox_is_leased_acknowledged_and_redelivered(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        new, events = transition(ticket)
        store.save(
            new,
            events,
            expected_version=1,
            outbox=[
                outbox_item(2, "T1", at=T0.add(minutes=1)),
                outbox_item(3, "T1", at=T0.add(minutes=1)),
            ],
        )
        first = store.claim_outbox(worker="a", limit=2, lease=LEASE, now=T0)
        assert [(i.id, i.attempts) for i in first] == [("ob-1", 1), ("ob-2", 1)]
        assert first[0] == OutboxItem(
            id="ob-1",
            ticket_id="T1",
            kind="notify",
            created_at=T0,
            attempts=1,
            payload={"n": "1", "text": "您的工单已受理"},
        )
        second = store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0)
        assert [i.id for i in second] == ["ob-3"]
        store.ack_outbox(["ob-1", "ob-3", "unknown"])
        assert store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0.add(minutes=4)) == []
        again = store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0.add(minutes=5))
        assert [(i.id, i.attempts) for i in again] == [("ob-2", 2)]
        store.ack_outbox([i.id for i in again])
        assert store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0.add(days=1)) == []

    def test_outbox_refuses_duplicate_ids(self, store: TicketStore) -> None:
        ticket = store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        new, events = transition(ticket)
        with pytest.raises(ValidationError):
            store.save(new, events, expected_version=1, outbox=[outbox_item(1, "T1")])
        assert store.get("T1") == ticket
        with pytest.raises(ValidationError):
            store.claim_outbox(worker="w", limit=1, lease=dt.timedelta(0), now=T0)

    # -- alerts ----------------------------------------------------------

    def test_record_alerts_claims_each_key_once(self, store: TicketStore) -> None:
        assert store.record_alerts(["sla:T1:breach"]) == {"sla:T1:breach"}
        batch = ["sla:T1:breach", "sla:T2:warn", "sla:T3:warn", "sla:T2:warn"]
        assert store.record_alerts(batch) == {"sla:T2:warn", "sla:T3:warn"}
        assert store.record_alerts(batch) == frozenset()
        assert store.record_alerts(iter(["sla:T4:warn"])) == {"sla:T4:warn"}
        assert store.record_alerts([]) == frozenset()
        assert store.record_alerts(["sla:T3:warn"]) == frozenset()
        assert store.record_alerts(["sla:T5:warn", "sla:T1:breach"]) == {"sla:T5:warn"}

    def test_record_alerts_refuses_a_bare_string(self, store: TicketStore) -> None:
        with pytest.raises(ValidationError):
            store.record_alerts("sla:T1:breach")  # a str is an Iterable[str] too
        assert store.record_alerts(["s", "sla:T1:breach"]) == {"s", "sla:T1:breach"}

    # -- batch saves (BatchSaves: tested when the adapter has it) ------------

    @staticmethod
    def _batch(store: TicketStore) -> BatchSaves:
        if not isinstance(store, BatchSaves):
            pytest.skip("the adapter has no save_many (BatchSaves is optional)")
        return store

    def test_save_many_saves_each_item_and_skips_the_stale(self, store: TicketStore) -> None:
        batch = self._batch(store)
        for ticket_id in ("T1", "T2", "T3"):
            store.add(*make_ticket(ticket_id))
        moved, more = transition(store.get("T2"), c.Comment("meanwhile"))
        store.save(moved, more, expected_version=1)
        items = [
            SaveItem(
                *transition(make_ticket(ticket_id)[0], c.Comment(f"batch {n}")),
                1,
                due_at=T0.add(hours=n),
                outbox=[outbox_item(n, ticket_id)],
            )
            for n, ticket_id in enumerate(("T1", "T2", "T3"))
        ]
        assert batch.save_many(items) == {"T2"}
        assert store.get("T1") == items[0].ticket
        assert store.get("T2") == moved  # the stale item wrote nothing
        assert store.get("T3") == items[2].ticket
        for ticket_id in ("T1", "T2", "T3"):
            assert Ticket.replay(store.events(ticket_id)) == store.get(ticket_id)
        assert [t.id for t in store.find(due_before=T0.add(hours=5)).items] == ["T1", "T3"]
        claimed = store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0)
        assert sorted(item.id for item in claimed) == ["ob-0", "ob-2"]
        assert batch.save_many([]) == frozenset()

    def test_save_many_writes_nothing_when_one_item_is_wrong(self, store: TicketStore) -> None:
        batch = self._batch(store)
        for ticket_id in ("T1", "T2"):
            store.add(*make_ticket(ticket_id))
        first, second = make_ticket("T1")[0], make_ticket("T2")[0]
        good = SaveItem(*transition(first), 1, due_at=T0, outbox=[outbox_item(1, "T1")])
        skipping = SaveItem(*transition(transition(second)[0]), 1)  # does not continue the log
        same_outbox = SaveItem(*transition(second), 1, outbox=[outbox_item(1, "T2")])
        missing = SaveItem(*transition(make_ticket("T9")[0]), 1)
        for wrong, error in (
            (skipping, ValidationError),
            (same_outbox, ValidationError),
            (good, ValidationError),
            (missing, NotFound),
        ):
            with pytest.raises(error):
                batch.save_many([good, wrong])
        _unchanged(store)

    def test_save_many_writes_nothing_when_the_backend_fails(self, store: TicketStore) -> None:
        batch = self._batch(store)
        for ticket_id in ("T1", "T2"):
            store.add(*make_ticket(ticket_id))
        items = [
            SaveItem(
                *transition(make_ticket(ticket_id)[0]),
                1,
                due_at=T0,
                outbox=[outbox_item(ticket_id, ticket_id)],
            )
            for ticket_id in ("T1", "T2")
        ]
        with self.failing_event_append(store), pytest.raises(StorageError):
            batch.save_many(items)
        _unchanged(store)

    # -- reschedule: due times move without an event -------------------------

    def _due_ids(self, store: TicketStore, before: dt.datetime) -> list[str]:
        return [t.id for t in iter_pages(store, due_before=before)]

    def test_reschedule_moves_and_clears_due_times(self, store: TicketStore) -> None:
        for ticket_id in ("T1", "T2", "T3"):
            store.add(*make_ticket(ticket_id), due_at=T0)
        moves = [Reschedule("T1", 1, T0.add(hours=3)), Reschedule("T2", 1, None)]
        assert store.reschedule(moves) == frozenset()
        assert self._due_ids(store, T0) == ["T3"]
        assert self._due_ids(store, T0.add(hours=3)) == ["T3", "T1"]
        assert self._due_ids(store, T0.add(years=1)) == ["T3", "T1"]  # T2 has none now
        for ticket_id in ("T1", "T2", "T3"):  # bookkeeping, not history
            assert store.get(ticket_id) == make_ticket(ticket_id)[0]
            assert store.events(ticket_id) == make_ticket(ticket_id)[1]
        assert store.reschedule([Reschedule("T2", 1, T0.subtract(hours=1))]) == frozenset()
        assert self._due_ids(store, T0) == ["T2", "T3"]  # a cleared ticket can be due again
        assert store.reschedule([]) == frozenset()

    def test_reschedule_skips_a_ticket_saved_meanwhile(self, store: TicketStore) -> None:
        for ticket_id in ("T1", "T2"):
            store.add(*make_ticket(ticket_id), due_at=T0)
        # T2's due time was computed at version 1, but T2 was saved since: its save's due
        # time (T0 + 1h) is the one computed from its newest log, and it stays.
        _advanced(store, "T2", c.Comment("meanwhile"), due_at=T0.add(hours=1))
        moves = [Reschedule("T1", 1, T0.add(hours=5)), Reschedule("T2", 1, None)]
        assert store.reschedule(moves) == {"T2"}
        assert self._due_ids(store, T0.add(hours=1)) == ["T2"]
        assert self._due_ids(store, T0.add(hours=5)) == ["T2", "T1"]
        assert store.reschedule([Reschedule("T2", 2, None)]) == frozenset()
        assert self._due_ids(store, T0.add(years=1)) == ["T1"]
        assert store.get("T2").version == 2  # a reschedule makes no version

    def test_reschedule_refuses_bad_input_and_writes_nothing(self, store: TicketStore) -> None:
        store.add(*make_ticket("T1"), due_at=T0)
        later = Reschedule("T1", 1, T0.add(hours=1))
        with pytest.raises(NaiveDatetimeError):
            Reschedule("T1", 1, dt.datetime(2024, 5, 20))  # refused where it is made
        with pytest.raises(ValidationError):
            Reschedule("T1", 0, None)
        for wrong, error in (
            ([later, Reschedule("T9", 1, None)], NotFound),
            ([later, Reschedule("T1", 1, None)], ValidationError),
            ([later, SaveItem(*transition(make_ticket("T1")[0]), 1)], ValidationError),
        ):
            with pytest.raises(error):
                store.reschedule(wrong)  # type: ignore[arg-type]
        assert self._due_ids(store, T0) == ["T1"]
        with pytest.raises(NotFound) as caught:
            store.reschedule([Reschedule("nope", 1, None)])
        assert caught.value.key == "nope"

    def test_reschedule_writes_nothing_when_the_backend_fails(self, store: TicketStore) -> None:
        for ticket_id in ("T1", "T2", "T3"):
            store.add(*make_ticket(ticket_id), due_at=T0)
        moves = [
            Reschedule("T1", 1, None),
            Reschedule("T3", 1, T0.add(hours=2)),
            Reschedule("T2", 1, None),
        ]
        with self.failing_reschedule(store, "T2"), pytest.raises(StorageError):
            store.reschedule(moves)
        assert self._due_ids(store, T0) == ["T1", "T2", "T3"]
        assert store.reschedule(moves) == frozenset()
        assert self._due_ids(store, T0.add(years=1)) == ["T3"]

    def test_reschedule_frees_a_due_claim_like_a_save(self, store: TicketStore) -> None:
        for ticket_id in ("T1", "T2"):
            store.add(*make_ticket(ticket_id), due_at=T0)
        claimed = store.claim_due(now=T0, limit=5, worker="a", lease=LEASE)
        assert [t.id for t in claimed] == ["T1", "T2"]
        assert store.reschedule([Reschedule("T1", 1, T0), Reschedule("T2", 2, None)]) == {"T2"}
        assert [t.id for t in store.claim_due(now=T0, limit=5, worker="b", lease=LEASE)] == [
            "T1"
        ]  # the skipped T2 stays leased

    def test_reschedule_is_tenant_scoped(self, make_store: MakeStore) -> None:
        a, b = make_store("acme"), make_store("globex")
        a.add(*make_ticket("T1"), due_at=T0)
        with pytest.raises(NotFound):
            b.reschedule([Reschedule("T1", 1, None)])
        b.add(*make_ticket("T1"), due_at=T0)
        _advanced(b, "T1", c.Comment("globex only"), due_at=T0)
        assert b.reschedule([Reschedule("T1", 1, None)]) == {"T1"}  # b's T1 is at 2
        assert a.reschedule([Reschedule("T1", 1, T0.add(hours=1))]) == frozenset()
        assert [t.id for t in b.find(due_before=T0).items] == ["T1"]
        assert b.reschedule([Reschedule("T1", 2, None)]) == frozenset()
        assert b.find(due_before=T0.add(years=1)).items == ()
        assert [t.id for t in a.find(due_before=T0.add(hours=1)).items] == ["T1"]
        assert a.find(due_before=T0).items == ()

    # -- due claims (DueClaims) ------------------------------------------

    def test_claim_due_splits_due_tickets(self, store: TicketStore) -> None:
        self._five(store)
        now = T0.add(hours=5)
        first = store.claim_due(now=now, limit=2, worker="a", lease=LEASE)
        second = store.claim_due(now=now, limit=5, worker="b", lease=LEASE)
        assert [t.id for t in first] == ["T1", "T4"]
        assert [t.id for t in second] == ["T5"]
        assert store.claim_due(now=now, limit=5, worker="c", lease=LEASE) == []
        _advanced(store, "T1", c.Comment("warned"), due_at=T0.add(hours=3))
        assert [t.id for t in store.claim_due(now=now, limit=5, worker="c", lease=LEASE)] == ["T1"]
        later = store.claim_due(now=now.add(minutes=5), limit=5, worker="c", lease=LEASE)
        assert [t.id for t in later] == ["T4", "T1", "T5"]

    # -- tenants ---------------------------------------------------------

    def test_tenants_are_isolated(self, make_store: MakeStore) -> None:
        a, b = make_store("acme"), make_store("globex")
        a.add(*make_ticket("T1", dedupe_key="k"), due_at=T0, outbox=[outbox_item(1, "T1")])
        assert a.record_alerts(["x"]) == {"x"}
        assert a.record_alerts(["y", "z"]) == {"y", "z"}
        assert a.next_number(prefix="TS", day=T0.date()) == "TS20240520-0001"
        with pytest.raises(NotFound):
            b.get("T1")
        with pytest.raises(NotFound):
            b.events("T1")
        assert b.find().items == ()
        assert b.find(due_before=T0).items == ()
        assert b.find_by_dedupe_key("k") is None
        assert b.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0) == []
        assert b.record_alerts(["x"]) == {"x"}
        assert b.record_alerts(["x", "y", "z"]) == {"y", "z"}
        assert b.next_number(prefix="TS", day=T0.date()) == "TS20240520-0001"
        # the same ids and keys may exist in both tenants
        b.add(*make_ticket("T1", dedupe_key="k"), outbox=[outbox_item(1, "T1")])
        ticket = b.get("T1")
        new, events = transition(ticket)
        b.save(new, events, expected_version=1)
        assert a.get("T1").version == 1
        assert len(b.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0)) == 1
        assert len(a.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0)) == 1

    # -- concurrency: threads --------------------------------------------

    def _thread_stores(self, make_store: MakeStore, tenant: str) -> list[TicketStore]:
        if not self.supports_threads:
            pytest.skip("the adapter does not claim thread safety")
        return [make_store(tenant) for _ in range(self.threads)]

    def test_threads_conflicting_saves_have_one_winner_per_version(
        self, make_store: MakeStore
    ) -> None:
        stores = self._thread_stores(make_store, "threads")
        ids = ["T1", "T2"]
        for ticket_id in ids:
            stores[0].add(*make_ticket(ticket_id))
        won = _threads(self.threads, lambda n: contend(stores[n], ids, 15, f"w{n}"))
        _check_contention(stores[0], ids, [win for wins in won for win in wins])

    def test_threads_duplicate_intake_makes_one_ticket(self, make_store: MakeStore) -> None:
        stores = self._thread_stores(make_store, "threads")
        keys = [f"wx-{k}" for k in range(8)]  # every thread sends every message: 8 races

        def job(n: int) -> list[str]:
            return [intake(stores[n], f"T{n}-{k}", dedupe_key=key).id for k, key in enumerate(keys)]

        got = _threads(self.threads, job)
        for k, key in enumerate(keys):
            assert len({ids[k] for ids in got}) == 1, f"two tickets for dedupe key {key}"
        assert len(stores[0].find().items) == len(keys)

    def test_threads_numbers_and_alerts_are_unique(self, make_store: MakeStore) -> None:
        stores = self._thread_stores(make_store, "threads")

        def job(n: int) -> tuple[list[str], list[bool]]:
            store = stores[n]
            numbers = [store.next_number(prefix="TS", day=T0.date()) for _ in range(25)]
            return numbers, [bool(store.record_alerts([f"alert-{k}"])) for k in range(10)]

        results = _threads(self.threads, job)
        numbers = [n for result in results for n in result[0]]
        assert len(set(numbers)) == len(numbers) == 25 * self.threads
        firsts = [flag for result in results for flag in result[1]]
        assert firsts.count(True) == 10

    def test_threads_claim_disjoint_alert_batches(self, make_store: MakeStore) -> None:
        """Sweepers batch-claiming overlapping keys: each key won by exactly one of them."""
        stores = self._thread_stores(make_store, "threads")
        keys = [f"sla:T{k:02d}:breach" for k in range(60)]

        def job(n: int) -> list[str]:
            # every thread wants every key, from its own start, in batches of its own size,
            # half of them back to front; single claims race with the batches
            mine = keys[n * 13 % 60 :] + keys[: n * 13 % 60]
            if n % 2:
                mine.reverse()
            won = [key for key in mine[::9] if stores[n].record_alerts([key])]
            return won + claim_alerts(stores[n], mine, 7 + 4 * n)

        won = [key for keys_won in _threads(self.threads, job) for key in keys_won]
        assert sorted(won) == keys, "a key was claimed twice, or by nobody"
        assert stores[0].record_alerts(keys) == frozenset()

    def test_threads_batch_saves_lose_no_update(self, make_store: MakeStore) -> None:
        stores = self._thread_stores(make_store, "threads")
        self._batch(stores[0])
        ids = ["T1", "T2", "T3"]
        for ticket_id in ids:
            stores[0].add(*make_ticket(ticket_id))

        def job(n: int) -> list[tuple[str, int, str]]:
            store, won = self._batch(stores[n]), []
            for round_ in range(10):
                text, items = f"w{n}:{round_}", []
                for ticket_id in ids if n % 2 else ids[::-1]:  # opposite orders: no deadlock
                    ticket = stores[n].get(ticket_id)
                    items.append(SaveItem(*transition(ticket, c.Comment(text)), ticket.version))
                stale = store.save_many(items)
                won += [
                    (item.ticket.id, item.ticket.version, text)
                    for item in items
                    if item.ticket.id not in stale
                ]
            return won

        won = _threads(self.threads, job)
        _check_contention(stores[0], ids, [win for wins in won for win in wins])

    def test_threads_claim_disjoint_outbox_batches(self, make_store: MakeStore) -> None:
        stores = self._thread_stores(make_store, "threads")
        stores[0].add(*make_ticket("T1"), outbox=[outbox_item(n, "T1") for n in range(40)])

        def drain(n: int) -> list[str]:
            got: list[str] = []
            while batch := stores[n].claim_outbox(worker=f"w{n}", limit=3, lease=LEASE, now=T0):
                got.extend(item.id for item in batch)
                stores[n].ack_outbox(item.id for item in batch)
            return got

        delivered = [item for got in _threads(self.threads, drain) for item in got]
        assert sorted(delivered) == sorted(f"ob-{n}" for n in range(40))

    # -- concurrency: processes ------------------------------------------

    def _pool(self) -> Any:
        return multiprocessing.get_context("spawn").Pool(self.processes)

    def test_processes_contend_without_lost_updates(self, store_factory: StoreFactory) -> None:
        if not self.supports_processes:
            pytest.skip("the adapter does not claim multi-process safety")
        tenant = f"procs-{next(_tenants)}"
        store = store_factory(tenant=tenant)
        ids = ["T1", "T2"]
        for ticket_id in ids:
            store.add(*make_ticket(ticket_id))
        n = self.processes
        with self._pool() as pool:
            won = pool.starmap(
                process_job,
                [(store_factory, tenant, "contend", (ids, 10, f"p{k}")) for k in range(n)],
            )
            numbers = pool.starmap(process_job, [(store_factory, tenant, "numbers", 20)] * n)
            intakes = pool.starmap(
                process_job, [(store_factory, tenant, "intake", (f"D{k}", "dup")) for k in range(n)]
            )
            alerts = pool.starmap(process_job, [(store_factory, tenant, "alert", "a")] * n)
            keys = [f"k{i:02d}" for i in range(40)]
            batches = pool.starmap(
                process_job,
                [
                    (store_factory, tenant, "alerts", (keys[k::-1] + keys[:k:-1], 6 + k))
                    for k in range(n)
                ],
            )
        _check_contention(store, ids, [win for wins in won for win in wins])
        flat = [number for batch in numbers for number in batch]
        assert len(set(flat)) == len(flat) == 20 * n
        assert len(set(intakes)) == 1
        assert alerts.count(True) == 1
        assert sorted(key for won in batches for key in won) == keys
        _close(store)

    def test_processes_outbox_survives_a_dead_worker(self, store_factory: StoreFactory) -> None:
        if not self.supports_processes:
            pytest.skip("the adapter does not claim multi-process safety")
        tenant = f"procs-{next(_tenants)}"
        store = store_factory(tenant=tenant)
        store.add(*make_ticket("T1"), outbox=[outbox_item(n, "T1") for n in range(8)])
        doomed = multiprocessing.get_context("spawn").Process(
            target=die_mid_batch, args=(store_factory, tenant, T0)
        )
        doomed.start()
        doomed.join(60)
        assert doomed.exitcode == 17
        # the dead worker's 5 items are leased; the other 3 are free now
        rest = store.claim_outbox(worker="w", limit=10, lease=dt.timedelta(hours=1), now=T0)
        assert sorted(i.id for i in rest) == ["ob-5", "ob-6", "ob-7"]
        back = store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0.add(minutes=5))
        assert sorted(i.id for i in back) == [f"ob-{n}" for n in range(5)]
        assert {i.attempts for i in back} == {2}
        _close(store)

    # -- the state machine ---------------------------------------------------

    @pytest.fixture
    def machine_store(self, make_store: MakeStore) -> MakeStore:
        """The stores the state machine drives; override to trade durability for speed."""
        return make_store

    def test_state_machine_agrees_with_the_in_memory_store(self, machine_store: MakeStore) -> None:
        machine = build_store_machine(lambda: machine_store(f"sm-{next(_tenants)}"))
        run_state_machine_as_test(machine, settings=self.machine_settings())

    def machine_settings(self) -> Any:
        """Hypothesis settings for the state machine (None: the loaded profile)."""
        return None


def _no_injection(suite: object) -> None:
    if getattr(suite, "cannot_inject_failures", False):
        warnings.warn(
            ConformanceWarning(
                f"{type(suite).__name__}: ATOMICITY UNTESTED. The adapter declares it cannot "
                "inject backend failures, so nothing checks that a failed save writes nothing."
            ),
            stacklevel=3,
        )
        pytest.skip("cannot_inject_failures = True: atomicity under failure is untested")
    pytest.fail(
        f"{type(suite).__name__} must override failing_event_append and "
        "failing_reschedule (methods returning a context manager that makes the "
        "backend fail), or set cannot_inject_failures = True",
        pytrace=False,
    )


class ConformanceWarning(UserWarning):
    """A part of the contract the suite could not check for this adapter."""


def _check_contention(store: TicketStore, ids: list[str], won: list[tuple[str, int, str]]) -> None:
    """No lost update, one winner per version, and the log folds to the snapshot."""
    for ticket_id in ids:
        mine = sorted((version, text) for tid, version, text in won if tid == ticket_id)
        versions = [version for version, _ in mine]
        assert len(versions) == len(set(versions)), "two winners for one version"
        ticket = store.get(ticket_id)
        assert versions == list(range(2, ticket.version + 1)), "a save was lost"
        events = store.events(ticket_id)
        assert Ticket.replay(events) == ticket
        texts = [(ev.version, getattr(ev.payload, "text", None)) for ev in events[1:]]
        assert texts == mine


def _unchanged(store: TicketStore) -> None:
    """T1 and T2 as ``make_ticket`` added them: one event, no due date, no outbox item."""
    assert (store.get("T1").version, store.get("T2").version) == (1, 1)
    assert [len(store.events(ticket_id)) for ticket_id in ("T1", "T2")] == [1, 1]
    assert store.find(due_before=T0).items == ()
    assert store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0) == []


def _close(store: TicketStore) -> None:
    close = getattr(store, "close", None)
    if close is not None:
        close()


def iter_pages(store: TicketStore, **query: Any) -> Iterator[Ticket]:
    """Every ticket ``find`` returns for ``query``, page after page."""
    cursor = None
    while True:
        page = store.find(cursor=cursor, **query)
        yield from page.items
        if page.cursor is None:
            return
        cursor = page.cursor
