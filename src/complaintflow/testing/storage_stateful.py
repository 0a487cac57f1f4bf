"""A hypothesis state machine that runs any store beside :class:`InMemoryStore`.

:func:`build_store_machine` takes a factory of fresh, empty stores and
returns a ``RuleBasedStateMachine`` class.  Every rule does the same thing
to the store under test and to the reference, then compares what came back
(values, errors and their context); at teardown every ticket, its events
and the fold of its events are compared too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from complaintflow._extras import needs_extra
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ComplaintflowError
from complaintflow.storage.encoding import event_to_dict, instant_to_dict, ticket_to_dict
from complaintflow.storage.memory import InMemoryStore
from complaintflow.storage.protocol import OutboxItem, Reschedule, SaveItem, TicketStore
from complaintflow.testing.storage_workload import (
    T0,
    commands_for,
    intake_batch,
    make_ticket,
    transition,
)

with needs_extra("testing", __name__):
    from hypothesis import strategies as st
    from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

__all__ = ["build_store_machine"]

_KEYS = st.sampled_from([None, None, "wx-1", "wx-2"])
_ZONES = st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York", "Europe/London"])
#: Due, query and intake times come from one small set, so boundaries collide exactly.
_MINUTES = st.sampled_from([0, 30, 60, 90, 120, 600])
_AT = st.builds(lambda m, zone: T0.add(minutes=m).in_timezone(zone), _MINUTES, _ZONES)
_DUE = st.none() | _AT
_STATUSES = st.none() | st.sets(st.sampled_from(list(Status)), min_size=1, max_size=3)
_WIDTH = 400


def _plain(value: Any) -> Any:
    """A result in a form that compares zones too (a Ticket's ``==`` ignores them)."""
    if isinstance(value, Ticket):
        return ticket_to_dict(value)
    if isinstance(value, Event):
        return event_to_dict(value)
    if isinstance(value, OutboxItem):
        return (
            value.id,
            value.ticket_id,
            value.kind,
            value.payload,
            instant_to_dict(value.created_at),
            value.attempts,
        )
    if isinstance(value, list | tuple):
        return [_plain(each) for each in value]
    return value


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """A call's result, or its error as (type, context) so two stores compare."""
    try:
        return "ok", _plain(call())
    except ComplaintflowError as error:
        context = {k: v for k, v in vars(error).items() if k not in ("allowed", "reason")}
        return type(error).__name__, context


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _WIDTH else f"{text[:_WIDTH]}... ({len(text)} chars)"


def _mismatch(real: Any, model: Any) -> str:
    message = f"store {_short(real)}\n != reference {_short(model)}"
    if "locked" in str(real):
        message += (
            "\nhint: 'database is locked': begin writes with BEGIN IMMEDIATE and set a busy timeout"
        )
    return message


def build_store_machine(
    factory: Callable[[], TicketStore],
) -> type[RuleBasedStateMachine]:
    """A state machine class comparing ``factory()`` stores with InMemoryStore.

    Each example calls ``factory()`` once and needs an empty store (e.g. a
    fresh tenant on a shared database); whoever owns the factory closes
    the stores it made.
    """

    class StoreMachine(RuleBasedStateMachine):
        tickets = Bundle("tickets")
        claimed = Bundle("claimed")

        def __init__(self) -> None:
            super().__init__()
            self.real = factory()
            self.model = InMemoryStore()
            self.ids: list[str] = []
            self.now = T0.add(hours=12)

        def both(self, call: Callable[[TicketStore], Any]) -> Any:
            real = _outcome(lambda: call(self.real))
            model = _outcome(lambda: call(self.model))
            if real != model:
                raise AssertionError(_mismatch(real, model))
            return model[1] if model[0] == "ok" else None

        @initialize()
        def start(self) -> None:
            assert self.real.find().items == ()

        @rule(
            target=tickets, at=_AT, key=_KEYS, due=_DUE, notify=st.booleans(), batch=st.booleans()
        )
        def add(
            self,
            at: dt.datetime,
            key: str | None,
            due: dt.datetime | None,
            notify: bool,
            batch: bool,
        ) -> str:
            ticket_id = f"T{len(self.ids) + 1:03d}"
            number = self.both(lambda s: s.next_number(prefix="TS", day=T0.date()))
            opener = intake_batch if batch else make_ticket
            ticket, events = opener(ticket_id, at=at, number=number, dedupe_key=key)
            outbox = (
                [
                    OutboxItem(
                        id=f"{ticket_id}-received",
                        ticket_id=ticket_id,
                        kind="accepted",
                        payload={"number": number},
                        created_at=ticket.received_at,
                    )
                ]
                if notify
                else []
            )
            stored = self.both(lambda s: s.add(ticket, events, due_at=due, outbox=outbox))
            assert isinstance(stored, dict)
            if stored["id"] == ticket_id:
                self.ids.append(ticket_id)
            return str(stored["id"])

        @rule(ticket_id=tickets)
        def add_existing_id(self, ticket_id: str) -> None:
            ticket, events = make_ticket(ticket_id)
            self.both(lambda s: s.add(ticket, events))

        def _step(
            self, ticket: Ticket, data: st.DataObject, zone: str
        ) -> tuple[Ticket, list[Event], str] | None:
            """One to three commands at one instant (as the desk's commands write them)."""
            self.now = max(self.now, ticket.updated_at).add(minutes=1)
            new, trigger = ticket, ""
            events: list[Event] = []
            for _ in range(data.draw(st.integers(1, 3))):
                options = commands_for(new)
                if not options:
                    break
                command = data.draw(st.sampled_from(options))
                new, more = transition(new, command, at=self.now.in_timezone(zone))
                events, trigger = events + more, command.trigger
            return (new, events, trigger) if events else None

        @rule(
            ticket_id=tickets,
            data=st.data(),
            stale=st.booleans(),
            due=_DUE,
            notify=st.booleans(),
            zone=_ZONES,
        )
        def save(
            self,
            ticket_id: str,
            data: st.DataObject,
            stale: bool,
            due: dt.datetime | None,
            notify: bool,
            zone: str,
        ) -> None:
            ticket = self.model.get(ticket_id)
            step = self._step(ticket, data, zone)
            if step is None:
                return
            new, events, trigger = step
            expected = ticket.version - 1 if stale else ticket.version
            outbox = (
                [
                    OutboxItem(
                        id=f"{ticket_id}-v{new.version}",
                        ticket_id=ticket_id,
                        kind=trigger,
                        payload={"v": new.version},
                        created_at=self.now,
                    )
                ]
                if notify
                else []
            )
            self.both(
                lambda s: s.save(new, events, expected_version=expected, due_at=due, outbox=outbox)
            )

        @rule(
            ids=st.lists(tickets, min_size=1, max_size=3, unique=True),
            data=st.data(),
            due=_DUE,
            zone=_ZONES,
        )
        def save_many(
            self, ids: list[str], data: st.DataObject, due: dt.datetime | None, zone: str
        ) -> None:
            """A sweep-like batch: some items stale, some with outbox items and due times."""
            if not hasattr(self.real, "save_many"):
                return
            items = []
            for ticket_id in ids:
                ticket = self.model.get(ticket_id)
                step = self._step(ticket, data, zone)
                if step is None:
                    continue
                new, events, _ = step
                lag = data.draw(st.sampled_from([0, 0, 1]))
                outbox = [
                    OutboxItem(
                        id=f"{ticket_id}-b{new.version}",
                        ticket_id=ticket_id,
                        kind="batch",
                        payload={},
                        created_at=self.now,
                    )
                ]
                items.append(SaveItem(new, events, ticket.version - lag, due, outbox))
            self.both(lambda s: sorted(s.save_many(items)))  # type: ignore[attr-defined]

        @rule(
            moves=st.lists(
                st.tuples(
                    st.sampled_from(["T001", "T002", "T003", "T999"]), st.integers(-1, 0), _DUE
                ),
                max_size=4,
            )
        )
        def reschedule(self, moves: list[tuple[str, int, dt.datetime | None]]) -> None:
            """Move due times; ``-1`` asks with a stale version, T999 and repeats are refused."""
            items = []
            for ticket_id, lag, due in moves:
                known = ticket_id in self.ids
                version = self.model.get(ticket_id).version + lag if known else 1
                items.append(Reschedule(ticket_id, max(version, 1), due))
            self.both(lambda s: s.reschedule(items))

        @rule(ticket_id=tickets, after=st.integers(0, 4))
        def read(self, ticket_id: str, after: int) -> None:
            self.both(lambda s: s.get(ticket_id))
            self.both(lambda s: s.events(ticket_id, after=after))

        @rule(key=_KEYS.filter(bool))
        def dedupe(self, key: str) -> None:
            self.both(lambda s: s.find_by_dedupe_key(key))

        @rule(
            status=_STATUSES,
            assignee=st.sampled_from([None, "li", "wang", "zhao"]),
            department=st.sampled_from([None, "billing", "logistics"]),
            priority=st.none() | st.sampled_from(list(Priority)),
            due=_DUE,
            limit=st.integers(1, 4),
        )
        def find(
            self,
            status: set[Status] | None,
            assignee: str | None,
            department: str | None,
            priority: Priority | None,
            due: dt.datetime | None,
            limit: int,
        ) -> None:
            pages: list[list[tuple[str, ...]]] = []
            for store in (self.real, self.model):
                cursor, seen = None, []
                while True:
                    page = store.find(
                        status=status,
                        assignee=assignee,
                        department=department,
                        priority=priority,
                        due_before=due,
                        limit=limit,
                        cursor=cursor,
                    )
                    assert len(page.items) <= limit
                    seen.append(tuple(t.id for t in page.items))
                    if page.cursor is None:
                        break
                    cursor = page.cursor
                pages.append(seen)
            assert pages[0] == pages[1]

        @rule(
            target=claimed,
            limit=st.integers(1, 3),
            advance=st.sampled_from([0, 1, 5]),
            lease=st.sampled_from([1, 5]),
            zone=_ZONES,
        )
        def claim(self, limit: int, advance: int, lease: int, zone: str) -> tuple[str, ...]:
            # advances and leases from one small set: a lease often ends exactly at a claim
            self.now = self.now.add(minutes=advance)
            items = self.both(
                lambda s: s.claim_outbox(
                    worker="w",
                    limit=limit,
                    lease=dt.timedelta(minutes=lease),
                    now=self.now.in_timezone(zone),
                )
            )
            return tuple(item[0] for item in items or ())

        @rule(ids=claimed)
        def ack(self, ids: tuple[str, ...]) -> None:
            self.both(lambda s: s.ack_outbox(ids))

        @rule(
            keys=st.lists(
                st.sampled_from(
                    ["sla:T001:warn", "sla:T001:breach", "sla:T002:warn", "sla:T003:warn"]
                ),
                max_size=4,
            )
        )
        def alerts(self, keys: list[str]) -> None:
            self.both(lambda s: s.record_alerts(keys))

        @rule(limit=st.integers(1, 3), at=_AT, lease=st.sampled_from([30, 60]))
        def claim_due(self, limit: int, at: dt.datetime, lease: int) -> None:
            # "now" from the due times' own set (and zones): due == now happens often
            self.both(
                lambda s: [
                    t.id
                    for t in s.claim_due(
                        now=at, limit=limit, worker="w", lease=dt.timedelta(minutes=lease)
                    )
                ]
            )

        def teardown(self) -> None:
            for ticket_id in self.ids:
                ticket = self.real.get(ticket_id)
                events = self.real.events(ticket_id)
                assert _plain(ticket) == _plain(self.model.get(ticket_id)), ticket_id
                assert _plain(events) == _plain(self.model.events(ticket_id)), ticket_id
                assert Ticket.replay(events) == ticket

    return StoreMachine
