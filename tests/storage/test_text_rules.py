"""Text is the same everywhere: any string gets the same outcome on every store.

Arbitrary text (NUL, lone surrogates, any code point) goes through the
public desk as a description, a customer's name and phone, a tag and a
comment, on memory, SQLite and (when a server can be started) PostgreSQL.
Each store must accept it and give it back unchanged, or all must refuse it
with the same error class.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from complaintflow import (
    Channel,
    ComplaintDesk,
    ComplaintflowError,
    Customer,
    InMemoryStore,
    ManualClock,
    TicketDraft,
)
from complaintflow.domain.text import unstorable
from complaintflow.storage import SqliteStore, TicketStore
from complaintflow.testing import AGENT
from complaintflow.testing.hostile import texts

START = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")
FIELDS = ("description", "name", "phone", "tag", "comment")
_ids = itertools.count()

# EXCLUSION (issue 12, finding 5): Comment is built in domain/commands.py, whose text check
# does not apply the store rules, and ComplaintDesk.execute (service/desk.py) does not yet
# call complaintflow.domain.arguments.command(), which does.  Until it does, a comment with
# NUL or a lone surrogate is stored by memory, a raw UnicodeEncodeError on SQLite and a
# StorageError on PostgreSQL.  Remove this and the xfail marks below once the desk checks.
DESK_CHECKS_COMMAND_TEXT = True


def _excluded(field: str, text: str) -> bool:
    return field == "comment" and not DESK_CHECKS_COMMAND_TEXT and unstorable(text) is not None


def outcome(desk: ComplaintDesk, field: str, text: str) -> str:
    """``ok`` when the text came back unchanged, else the error class name."""
    try:
        customer = Customer(
            "C1", name=text if field == "name" else None, phone=text if field == "phone" else None
        )
        draft = TicketDraft(
            text if field == "description" else "包裹破损",
            Channel.PHONE,
            START,
            customer,
            tags=(text,) if field == "tag" else (),
        )
        ticket = desk.intake(draft)
        if field == "comment":
            desk.comment(ticket.id, text, actor=AGENT)
            stored = desk.history(ticket.id)[-1].payload.text  # type: ignore[attr-defined]
        else:
            intake = desk.get(ticket.id)  # the intake fields of the flat ticket
            assert intake.customer is not None
            stored = {
                "description": intake.description,
                "name": intake.customer.name,
                "phone": intake.customer.phone,
                "tag": intake.tags[:1],
            }[field]
            stored = stored[0] if isinstance(stored, tuple) else stored
    except ComplaintflowError as error:
        return type(error).__name__
    return "ok" if stored == text else f"changed to {stored!r}"


def _desk(store: TicketStore) -> ComplaintDesk:
    return ComplaintDesk(store, ManualClock(START), ids=lambda: f"t{next(_ids)}", notify=False)


@pytest.fixture
def sqlite_store() -> Iterator[SqliteStore]:
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "text.db")
        yield store
        store.close()


def _same_everywhere(stores: dict[str, TicketStore]) -> Callable[[str, str], None]:
    desks = {name: _desk(store) for name, store in stores.items()}

    def check(field: str, text: str) -> None:
        seen = {name: outcome(desk, field, text) for name, desk in desks.items()}
        assert len(set(seen.values())) == 1, (field, ascii(text), seen)
        assert seen["memory"] in ("ok", "ValidationError"), seen

    return check


_PROPERTY = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_PROPERTY
@given(field=st.sampled_from(FIELDS), text=texts())
def test_memory_and_sqlite_agree_on_any_text(
    sqlite_store: SqliteStore, field: str, text: str
) -> None:
    assume(not _excluded(field, text))
    _same_everywhere({"memory": InMemoryStore(), "sqlite": sqlite_store})(field, text)


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "x\udfff", "退款\x00"])
@pytest.mark.parametrize(
    "field",
    [
        *FIELDS[:-1],
        pytest.param(
            "comment",
            marks=pytest.mark.xfail(
                not DESK_CHECKS_COMMAND_TEXT,
                strict=True,
                reason="issue 12 finding 5: desk.execute does not call arguments.command yet",
            ),
        ),
    ],
)
def test_what_no_store_keeps_is_a_validation_error(field: str, text: str) -> None:
    assert outcome(_desk(InMemoryStore()), field, text) == "ValidationError"


@_PROPERTY
@given(field=st.sampled_from(FIELDS), text=texts())
def test_postgres_agrees_with_memory_on_any_text(
    postgres_conninfo: str, field: str, text: str
) -> None:
    from complaintflow.storage.postgres import PostgresStore

    assume(not _excluded(field, text))
    store = PostgresStore.connect(postgres_conninfo, tenant=f"text-{next(_ids)}")
    try:
        _same_everywhere({"memory": InMemoryStore(), "postgres": store})(field, text)
    finally:
        store.close()
