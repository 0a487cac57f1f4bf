"""The shipped fuzz test of the public API, over the memory, SQLite and PostgreSQL stores.

Every call either works or raises a ComplaintflowError and leaves the store
as it was; a naive datetime is always refused.  (When it was written it
found untyped errors in the desk and the stores, issue 12 finding 6, and
text the stores could not keep, finding 5; all are fixed, so no call is
excused.)
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from complaintflow import Actor, InMemoryStore, Ticket, ValidationError
from complaintflow.service.desk import ComplaintDesk
from complaintflow.storage import SqliteStore, TicketStore
from complaintflow.testing.fuzz import (
    AGENT,
    Call,
    desk_calls,
    seeded_desk,
    snapshot,
    store_calls,
    violation,
)

DESK = "src/complaintflow/service/desk.py (the lead)"
STORES = "src/complaintflow/storage/{memory,sqlite,_shared}.py (storage engineer)"


_tenants = itertools.count()
CALLS = st.lists(st.one_of(desk_calls(), store_calls()), max_size=6)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def make_store(request: pytest.FixtureRequest) -> Iterator[Callable[[], TicketStore]]:
    """Fresh stores of one kind; PostgreSQL on the throwaway server the storage tests start
    (no server: skipped on a developer's machine, a failure under CI)."""
    postgres = request.param == "postgres"
    conninfo = request.getfixturevalue("postgres_conninfo") if postgres else ""
    with tempfile.TemporaryDirectory() as folder:
        made: list[Any] = []

        def make() -> TicketStore:
            if request.param == "memory":
                return InMemoryStore()
            while made:  # one example at a time: the previous example's store is done
                made.pop().close()
            if postgres:
                from complaintflow.storage.postgres import PostgresStore

                made.append(PostgresStore.connect(conninfo, tenant=f"fuzz-{next(_tenants)}"))
            else:
                made.append(SqliteStore(Path(folder) / f"fuzz{next(_tenants)}.db"))
            store: TicketStore = made[-1]
            return store

        yield make
        for store in made:
            store.close()


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_public_calls_work_or_refuse_cleanly(
    make_store: Callable[[], TicketStore], data: st.DataObject
) -> None:
    desk = seeded_desk(make_store())
    for call in data.draw(CALLS):
        found = violation(desk, call)
        assert found is None, str(found)


def test_a_refusal_is_checked_against_the_whole_store() -> None:
    desk = seeded_desk(InMemoryStore())
    before = snapshot(desk.store)
    assert [ticket.id for ticket, _ in before] == ["fz1", "fz2", "fz3"]
    assert violation(desk, Call("desk", "get", ("nope",))) is None  # NotFound, nothing moved
    assert violation(desk, Call("desk", "comment", ("fz1", "已联系"), {"actor": AGENT})) is None
    assert snapshot(desk.store) != before


class _LeakyDesk(ComplaintDesk):
    """A desk that writes before it refuses: what the fuzz must catch."""

    def close(self, ticket_id: str, *, actor: Actor, reason: str | None = None) -> Ticket:
        self.comment(ticket_id, "half done", actor=actor)
        raise ValidationError("refused after writing")

    def history(self, ticket_id: str) -> list[Any]:
        raise KeyError(ticket_id)  # an error that is no ComplaintflowError


def test_the_fuzz_catches_a_refusal_that_wrote() -> None:
    store = InMemoryStore()
    seeded_desk(store)
    leaky = _LeakyDesk(store, seeded_desk(InMemoryStore()).clock)
    found = violation(leaky, Call("desk", "close", ("fz1",), {"actor": AGENT}))
    assert found is not None
    assert found.kind == "store changed"
    found = violation(leaky, Call("desk", "history", ("fz1",)))
    assert found is not None
    assert found.kind == "untyped error"
