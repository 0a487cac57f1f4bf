"""Conformance checks for what hand-written adapters get wrong: batches, zones, bounds, tenants.

Mixed into :class:`~complaintflow.testing.storage.StoreConformance`; every
test here is there because a plausible adapter bug passed the older suite
and broke the desk (see ``python -m complaintflow.testing.storage_mutants``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Kind, Priority, Status
from complaintflow.errors import CorruptRecord, NotFound, ValidationError
from complaintflow.storage.encoding import event_to_dict, instant_to_dict, ticket_to_dict
from complaintflow.storage.memory import InMemoryStore
from complaintflow.storage.protocol import Reschedule, SaveItem, TicketStore
from complaintflow.testing.storage_workload import (
    T0,
    intake_batch,
    make_ticket,
    outbox_item,
    transition,
    transition_many,
)

__all__ = ["ContractChecks", "due_ids", "stored_form"]

MakeStore = Callable[[str], TicketStore]
LEASE = dt.timedelta(minutes=5)
US = dt.timedelta(microseconds=1)
#: One instant, written in zones whose wall clocks disagree (UTC, DST zones, a +05:45).
ZONES = ["UTC", "America/New_York", "Europe/London", "Asia/Shanghai", "Asia/Kathmandu"]


def stored_form(ticket: Ticket) -> dict[str, Any]:
    """A ticket as its JSON form: equal only if every instant kept its zone too."""
    return ticket_to_dict(ticket)


def due_ids(store: TicketStore, before: dt.datetime) -> list[str]:
    ids, cursor = [], None
    while True:
        page = store.find(due_before=before, cursor=cursor)
        ids += [t.id for t in page.items]
        if page.cursor is None:
            return ids
        cursor = page.cursor


class ContractChecks:
    """Batches at one instant, zones, inclusive bounds, tenants, typed refusals, corrupt rows."""

    def corrupt_ticket(self, store: TicketStore, ticket_id: str) -> None:
        """Override: overwrite the stored snapshot of ``ticket_id`` with undecodable data."""
        pytest.skip("the adapter cannot store an undecodable row (it keeps objects)")

    def corrupt_outbox(self, store: TicketStore, item_id: str) -> None:
        """Override: overwrite outbox item ``item_id``'s stored payload with undecodable data."""
        pytest.skip("the adapter cannot store an undecodable row (it keeps objects)")

    # -- several events per batch, at one instant -----------------------------------

    def test_batches_at_one_instant_keep_every_event_in_order(self, store: TicketStore) -> None:
        ticket, events = intake_batch("T1")  # four events, one instant
        assert len(events) == 4
        assert len({e.at for e in events}) == 1
        store.add(ticket, events)
        later = T0.add(minutes=3)
        new, more = transition_many(
            ticket, [c.Investigate(), c.Comment("a"), c.Comment("b")], at=later
        )
        store.save(new, more, expected_version=ticket.version)
        assert [event_to_dict(e) for e in store.events("T1")] == [
            event_to_dict(e) for e in [*events, *more]
        ]
        assert [e.seq for e in store.events("T1", after=5)] == [6, 7]
        assert Ticket.replay(store.events("T1")) == store.get("T1")
        if hasattr(store, "save_many"):
            last, batch = transition_many(new, [c.Comment("c"), c.Comment("d")], at=later)
            assert store.save_many([SaveItem(last, batch, new.version)]) == frozenset()
            assert [e.seq for e in store.events("T1", after=7)] == [8, 9]
            assert Ticket.replay(store.events("T1")) == store.get("T1") == last

    def test_the_desk_runs_on_the_store_as_on_the_reference(self, make_store: MakeStore) -> None:
        """The desk's own intake, commands and sweep, with a UTC clock and a Shanghai office.

        Run twice, on this store and on InMemoryStore: every ticket, event
        (and zone) and queued notification must be the same.
        """
        outcomes = [_desk_story(make_store("desk")), _desk_story(InMemoryStore())]
        assert outcomes[0] == outcomes[1]

    # -- zones and instants ------------------------------------------------------

    def test_instants_round_trip_with_their_zones(self, store: TicketStore) -> None:
        for n, zone in enumerate(ZONES):
            at = pendulum.instance(T0.add(minutes=n)).in_timezone(zone)
            ticket, events = intake_batch(f"Z{n}", at=at)
            store.add(ticket, events, outbox=[outbox_item(f"z{n}", f"Z{n}", at=at)])
            new, more = transition(ticket, at=at.add(hours=1))
            store.save(new, more, expected_version=ticket.version)
            assert stored_form(store.get(f"Z{n}")) == stored_form(new), zone
            assert [event_to_dict(e) for e in store.events(f"Z{n}")] == [
                event_to_dict(e) for e in [*events, *more]
            ], zone
        claimed = store.claim_outbox(worker="w", limit=10, lease=LEASE, now=T0.add(hours=1))
        assert [instant_to_dict(i.created_at) for i in claimed] == [
            instant_to_dict(pendulum.instance(T0.add(minutes=n)).in_timezone(zone))
            for n, zone in enumerate(ZONES)
        ]

    def test_instants_compare_as_instants_not_wall_clocks(self, store: TicketStore) -> None:
        # A is received first, in Shanghai (08:00 local); B an hour later in New York, where
        # the wall clock reads the evening before; C in UTC.  Wall clocks would say B, C, A.
        a = pendulum.datetime(2024, 5, 21, 8, 0, tz="Asia/Shanghai")
        b = a.add(hours=1).in_timezone("America/New_York")
        cc = a.add(hours=2).in_timezone("UTC")
        for ticket_id, at in (("B", b), ("A", a), ("C", cc)):
            store.add(
                *make_ticket(ticket_id, at=at),
                due_at=at.add(hours=4),
                outbox=[outbox_item(ticket_id, ticket_id, at=at)],
            )
        assert [t.id for t in store.find().items] == ["A", "B", "C"]
        utc_now = a.add(hours=5).in_timezone("UTC")  # a UTC clock, Shanghai due times
        assert due_ids(store, utc_now) == ["A", "B"]
        claimed = store.claim_due(now=utc_now, limit=5, worker="w", lease=LEASE)
        assert [t.id for t in claimed] == ["A", "B"]
        items = store.claim_outbox(worker="w", limit=5, lease=LEASE, now=utc_now)
        assert [i.id for i in items] == ["ob-A", "ob-B", "ob-C"]

    def test_outbox_is_claimed_by_creation_time_then_id(self, store: TicketStore) -> None:
        store.add(
            *make_ticket("T1"),
            outbox=[
                outbox_item("b", "T1", at=T0.add(minutes=2)),
                outbox_item("c", "T1", at=T0),
                outbox_item("a", "T1", at=T0.add(minutes=1).in_timezone("UTC")),
            ],
        )
        claimed = store.claim_outbox(worker="w", limit=2, lease=LEASE, now=T0)
        assert [i.id for i in claimed] == ["ob-c", "ob-a"]

    # -- boundaries: a due time, a query time and a lease end that coincide --------------

    def test_bounds_are_inclusive_to_the_microsecond(self, store: TicketStore) -> None:
        due = T0.add(hours=1)
        store.add(*make_ticket("T1"), due_at=due, outbox=[outbox_item(1, "T1")])
        store.add(*make_ticket("T2"), due_at=due.add(microseconds=1))
        assert due_ids(store, due - US) == []
        assert due_ids(store, due) == ["T1"]
        assert due_ids(store, due.in_timezone("UTC").add(microseconds=1)) == ["T1", "T2"]
        assert store.claim_due(now=due - US, limit=5, worker="a", lease=LEASE) == []
        assert [t.id for t in store.claim_due(now=due, limit=5, worker="a", lease=LEASE)] == ["T1"]
        until = due + LEASE  # a lease ends at now + lease, exactly
        assert [
            t.id for t in store.claim_due(now=until - US, limit=5, worker="b", lease=LEASE)
        ] == ["T2"]
        assert [t.id for t in store.claim_due(now=until, limit=5, worker="b", lease=LEASE)] == [
            "T1"
        ]
        assert len(store.claim_outbox(worker="a", limit=5, lease=LEASE, now=T0)) == 1
        assert store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0 + LEASE - US) == []
        again = store.claim_outbox(worker="b", limit=5, lease=LEASE, now=T0 + LEASE)
        assert [(i.id, i.attempts) for i in again] == [("ob-1", 2)]

    def test_filters_combine(self, store: TicketStore) -> None:
        rows = [
            ("T1", Priority.P1, "billing", "li"),
            ("T2", Priority.P2, "billing", "li"),
            ("T3", Priority.P1, "service", "li"),
            ("T4", Priority.P1, "billing", "wang"),
        ]
        for minute, (ticket_id, priority, department, assignee) in enumerate(rows):
            ticket, events = make_ticket(ticket_id, at=T0.add(minutes=minute))
            new, more = transition_many(
                ticket,
                [
                    c.Triage(Kind.COMPLAINT, None, priority, department=department),
                    c.Assign(assignee),
                ],
                at=T0.add(minutes=minute),
            )
            store.add(new, [*events, *more])

        def ids(**query: Any) -> list[str]:
            return [t.id for t in store.find(**query).items]

        assert ids(status=Status.ASSIGNED, priority=Priority.P1) == ["T1", "T3", "T4"]
        assert ids(status=[Status.ASSIGNED], priority=Priority.P2) == ["T2"]
        assert ids(assignee="li", department="billing") == ["T1", "T2"]
        assert ids(assignee="li", department="billing", priority=Priority.P1) == ["T1"]
        assert ids(status={Status.RECEIVED, Status.ASSIGNED}, department="service") == ["T3"]

    # -- tenants: every method --------------------------------------------------------

    def test_every_method_is_tenant_bound(self, make_store: MakeStore) -> None:
        a, b = make_store("acme"), make_store("globex")
        mine, events = make_ticket("T1", dedupe_key="k")
        a.add(mine, events, due_at=T0, outbox=[outbox_item(1, "T1")])
        new, more = transition(mine)
        with pytest.raises(NotFound):
            b.save(new, more, expected_version=1)
        if hasattr(b, "save_many"):
            with pytest.raises(NotFound):
                b.save_many([SaveItem(new, more, 1)])
        with pytest.raises(NotFound):
            b.reschedule([Reschedule("T1", 1, None)])
        b.ack_outbox(["ob-1"])
        assert b.claim_due(now=T0, limit=5, worker="b", lease=LEASE) == []
        b.add(*make_ticket("T1"))  # same id, no due time, nothing queued
        assert b.claim_due(now=T0, limit=5, worker="b", lease=LEASE) == []
        assert b.reschedule([Reschedule("T1", 1, None)]) == frozenset()
        assert due_ids(a, T0) == ["T1"]
        assert [t.id for t in a.claim_due(now=T0, limit=5, worker="a", lease=LEASE)] == ["T1"]
        assert [i.id for i in a.claim_outbox(worker="a", limit=5, lease=LEASE, now=T0)] == ["ob-1"]
        assert stored_form(a.get("T1")) == stored_form(mine)
        assert len(a.events("T1")) == len(events)
        assert b.find_by_dedupe_key("k") is None

    # -- refusals: the same typed error on every store, nothing written --------------------

    def test_bad_arguments_are_validation_errors(self, store: Any) -> None:
        store.add(*make_ticket("T1"), outbox=[outbox_item(1, "T1")])
        day = T0.date()
        calls: list[Callable[[], object]] = [
            lambda: store.find(limit=2**63),
            lambda: store.find(limit=0),
            lambda: store.find(limit=True),
            lambda: store.find(cursor="9" * 40 + ":T1"),
            lambda: store.find(cursor=f"{2**63}:T1"),
            lambda: store.find(cursor="12"),
            lambda: store.find(status="bogus"),
            lambda: store.find(status=[]),
            lambda: store.find(priority="P9"),
            lambda: store.find(assignee=7),
            lambda: store.events("T1", after=2**63),
            lambda: store.events("T1", after=-1),
            lambda: store.get(123),
            lambda: store.events(123),
            lambda: store.find_by_dedupe_key(5),
            lambda: store.next_number(prefix="TS", day=T0),
            lambda: store.next_number(prefix="TS", day="2024-05-20"),
            lambda: store.next_number(prefix="", day=day),
            lambda: store.claim_outbox(worker="w", limit=2**63, lease=LEASE, now=T0),
            lambda: store.claim_outbox(worker="w", limit=1, lease=dt.timedelta(days=10**6), now=T0),
            lambda: store.claim_due(now=T0, limit=0, worker="w", lease=LEASE),
            lambda: store.ack_outbox("ob-1"),
            lambda: store.record_alerts("sla:T1:warn"),
        ]
        for n, call in enumerate(calls):
            try:
                call()
            except ValidationError:
                continue
            pytest.fail(f"bad call #{n} was accepted")
        assert store.next_number(prefix="TS", day=day) == "TS20240520-0001"
        assert [i.id for i in store.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0)] == [
            "ob-1"
        ]

    # -- corrupt rows: quarantined, not contagious --------------------------------------

    def test_a_corrupt_ticket_is_reported_and_skipped(self, store: TicketStore) -> None:
        for n in range(1, 4):
            store.add(*make_ticket(f"T{n}", at=T0.add(minutes=n)), due_at=T0)
        self.corrupt_ticket(store, "T2")
        with pytest.raises(CorruptRecord) as caught:
            store.get("T2")
        assert (caught.value.table, caught.value.key) == ("tickets", "T2")
        assert caught.value.tenant == getattr(store, "tenant", caught.value.tenant)
        page = store.find()
        assert ([t.id for t in page.items], page.corrupt) == (["T1", "T3"], ("T2",))
        assert store.find(due_before=T0).corrupt == ("T2",)
        claimed = store.claim_due(now=T0, limit=1, worker="w", lease=LEASE)
        assert [t.id for t in claimed] == ["T1"]
        claimed = store.claim_due(now=T0, limit=5, worker="w", lease=LEASE)
        assert [t.id for t in claimed] == ["T3"]
        assert getattr(claimed, "corrupt", None) == ("T2",)

    def test_a_corrupt_outbox_item_is_not_leased(self, store: TicketStore) -> None:
        store.add(
            *make_ticket("T1"),
            outbox=[outbox_item(n, "T1", at=T0.add(minutes=n)) for n in range(4)],
        )
        self.corrupt_outbox(store, "ob-0")
        first = store.claim_outbox(worker="w", limit=2, lease=LEASE, now=T0)
        assert [i.id for i in first] == ["ob-1", "ob-2"]
        assert getattr(first, "corrupt", None) == ("ob-0",)
        rest = store.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0)
        assert [(i.id, i.attempts) for i in rest] == [("ob-3", 1)]
        assert getattr(rest, "corrupt", None) == ("ob-0",)
        store.ack_outbox(["ob-0"])  # the host deletes it; the queue is clean
        assert store.claim_outbox(worker="w", limit=5, lease=LEASE, now=T0) == []


def _desk_story(store: TicketStore) -> tuple[Any, ...]:
    from complaintflow.clock import ManualClock
    from complaintflow.domain.values import Actor
    from complaintflow.domain.vocabulary import Role
    from complaintflow.service.desk import ComplaintDesk
    from complaintflow.sla.policy import SlaPolicy
    from complaintflow.testing.plugin import shanghai_office
    from complaintflow.testing.storage_workload import draft

    clock = ManualClock(pendulum.datetime(2024, 5, 20, 1, 30, tz="UTC"))  # 09:30 Shanghai
    serial = iter(range(1, 100))
    desk = ComplaintDesk(
        store,
        clock,
        sla=SlaPolicy.default(),
        calendar=shanghai_office(),
        ids=lambda: f"D{next(serial)}",
    )
    lead = Actor.staff("lead", Role.SUPERVISOR)
    ids = []
    for n, zone in enumerate(("UTC", "America/New_York", "Asia/Shanghai")):
        ticket = desk.intake(draft(n, at=clock.now().in_timezone(zone)))
        desk.triage(ticket.id, Kind.COMPLAINT, None, Priority.P1, actor=lead, department="billing")
        desk.assign(ticket.id, "li", actor=lead)
        ids.append(ticket.id)
        clock.advance(minutes=7)
    clock.advance(days=3)  # every P1 deadline has passed
    desk.sweep()
    desk.sweep()  # a second sweep records nothing new
    pending = store.claim_outbox(worker="w", limit=100, lease=LEASE, now=clock.now())
    return (
        [stored_form(store.get(ticket_id)) for ticket_id in ids],
        [[event_to_dict(e) for e in store.events(ticket_id)] for ticket_id in ids],
        sorted((item.id, item.kind) for item in pending),
    )
