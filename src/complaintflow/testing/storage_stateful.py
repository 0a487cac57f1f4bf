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

from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, rule

from complaintflow.domain.values import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ComplaintflowError
from complaintflow.storage.memory import InMemoryStore
from complaintflow.storage.protocol import OutboxItem, Reschedule, TicketStore
from complaintflow.testing.storage_workload import T0, commands_for, make_ticket, transition

__all__ = ["build_store_machine"]

_KEYS = st.sampled_from([None, None, "wx-1", "wx-2"])
_DUE = st.none() | st.integers(min_value=0, max_value=600).map(lambda m: T0.add(minutes=m))
_STATUSES = st.none() | st.sets(st.sampled_from(list(Status)), min_size=1, max_size=3)


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """A call's result, or its error as (type, context) so two stores compare."""
    try:
        return "ok", call()
    except ComplaintflowError as error:
        context = {k: v for k, v in vars(error).items() if k != "allowed"}
        return type(error).__name__, context


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
            assert real == model, f"store {real!r} != reference {model!r}"
            return model[1] if model[0] == "ok" else None

        @initialize()
        def start(self) -> None:
            assert self.real.find().items == ()

        @rule(
            target=tickets, minutes=st.integers(0, 600), key=_KEYS, due=_DUE, notify=st.booleans()
        )
        def add(self, minutes: int, key: str | None, due: dt.datetime | None, notify: bool) -> str:
            ticket_id = f"T{len(self.ids) + 1:03d}"
            number = self.both(lambda s: s.next_number(prefix="TS", day=T0.date()))
            ticket, events = make_ticket(
                ticket_id, at=T0.add(minutes=minutes), number=number, dedupe_key=key
            )
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
            assert isinstance(stored, Ticket)
            if stored.id == ticket_id:
                self.ids.append(ticket_id)
            return stored.id

        @rule(ticket_id=tickets)
        def add_existing_id(self, ticket_id: str) -> None:
            ticket, events = make_ticket(ticket_id)
            self.both(lambda s: s.add(ticket, events))

        @rule(
            ticket_id=tickets, data=st.data(), stale=st.booleans(), due=_DUE, notify=st.booleans()
        )
        def save(
            self,
            ticket_id: str,
            data: st.DataObject,
            stale: bool,
            due: dt.datetime | None,
            notify: bool,
        ) -> None:
            ticket = self.model.get(ticket_id)
            options = commands_for(ticket)
            if not options:
                return
            command = data.draw(st.sampled_from(options))
            self.now = max(self.now, ticket.updated_at).add(minutes=1)
            new, events = transition(ticket, command, at=self.now)
            expected = ticket.version - 1 if stale else ticket.version
            outbox = (
                [
                    OutboxItem(
                        id=f"{ticket_id}-v{new.version}",
                        ticket_id=ticket_id,
                        kind=command.trigger,
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
            moves=st.lists(
                st.tuples(st.sampled_from(["T001", "T002", "T003", "T999"]),
                          st.integers(-1, 0), _DUE),
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
            due=st.none() | st.integers(0, 600).map(lambda m: T0.add(minutes=m)),
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
            advance=st.integers(0, 20),
            lease=st.integers(1, 10),
        )
        def claim(self, limit: int, advance: int, lease: int) -> tuple[str, ...]:
            self.now = self.now.add(minutes=advance)
            items = self.both(
                lambda s: s.claim_outbox(
                    worker="w", limit=limit, lease=dt.timedelta(minutes=lease), now=self.now
                )
            )
            return tuple(item.id for item in items or ())

        @rule(ids=claimed)
        def ack(self, ids: tuple[str, ...]) -> None:
            self.both(lambda s: s.ack_outbox(ids))

        @rule(keys=st.lists(st.sampled_from(["sla:T001:warn", "sla:T001:breach",
                                             "sla:T002:warn", "sla:T003:warn"]), max_size=4))
        def alerts(self, keys: list[str]) -> None:
            self.both(lambda s: s.record_alerts(keys))

        @rule(limit=st.integers(1, 3), advance=st.integers(0, 120), lease=st.integers(1, 30))
        def claim_due(self, limit: int, advance: int, lease: int) -> None:
            self.now = self.now.add(minutes=advance)
            self.both(
                lambda s: [
                    t.id
                    for t in s.claim_due(
                        now=self.now, limit=limit, worker="w", lease=dt.timedelta(minutes=lease)
                    )
                ]
            )

        def teardown(self) -> None:
            for ticket_id in self.ids:
                ticket = self.real.get(ticket_id)
                events = self.real.events(ticket_id)
                assert ticket == self.model.get(ticket_id)
                assert events == self.model.events(ticket_id)
                assert Ticket.replay(events) == ticket

    return StoreMachine
