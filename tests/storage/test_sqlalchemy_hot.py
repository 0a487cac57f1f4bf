"""The SQLAlchemy store's driver-cursor shortcut changes nothing anyone can observe.

A transition's statements skip ``Connection.execute`` only while nothing listens: a host's
statement listener or ``echo`` sees every statement as before, driver errors still leave
as ``StorageError``, and the results are the same either way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

try:
    import sqlalchemy as sa
except ImportError as missing:  # pragma: no cover - CI installs the extra
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the sqlalchemy extra is not installed: {missing}", allow_module_level=True)

from complaintflow.domain import commands as c
from complaintflow.domain.lifecycle import apply
from complaintflow.errors import StorageError
from complaintflow.storage._sqlalchemy_hot import engine_quiet, quiet
from complaintflow.storage.sqlalchemy import SqlAlchemyStore, sqlite_engine
from complaintflow.testing.storage_workload import AGENT, T0, make_ticket


def _transition(store: SqlAlchemyStore, ticket_id: str, note: str) -> None:
    ticket = store.get(ticket_id)
    new, events = apply(ticket, c.Comment(note), actor=AGENT, at=T0.add(days=1))
    store.save(new, events, expected_version=ticket.version)


def _history(store: SqlAlchemyStore, ticket_id: str) -> list[tuple[int, str]]:
    return [(event.seq, event.type) for event in store.events(ticket_id)]


def test_a_statement_listener_sees_every_statement_of_a_transition(tmp_path: Path) -> None:
    engine = sqlite_engine(str(tmp_path / "seen.db"))
    store = SqlAlchemyStore(engine)
    store.add(*make_ticket("T1"))
    seen: list[str] = []

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _seen(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement.split()[0].upper())

    with engine.connect() as conn:
        assert not quiet(conn)
    assert not engine_quiet(engine)
    _transition(store, "T1", "listened")
    assert seen == ["SELECT", "BEGIN", "UPDATE", "INSERT"]
    engine.dispose()


def test_quiet_engines_take_the_shortcut_with_the_same_results(tmp_path: Path) -> None:
    fast_engine = sqlite_engine(str(tmp_path / "fast.db"))
    slow_engine = sqlite_engine(str(tmp_path / "slow.db"))
    sa.event.listen(slow_engine, "after_cursor_execute", lambda *_: None)
    assert engine_quiet(fast_engine)
    assert not engine_quiet(slow_engine)
    fast, slow = SqlAlchemyStore(fast_engine), SqlAlchemyStore(slow_engine)
    for store in (fast, slow):
        store.add(*make_ticket("T1"))
        for n in range(3):
            _transition(store, "T1", f"note {n}")
    assert fast.get("T1") == slow.get("T1")
    assert _history(fast, "T1") == _history(slow, "T1")
    echo = sa.create_engine(f"sqlite:///{tmp_path / 'echo.db'}", echo=True)
    assert not engine_quiet(echo)
    for engine in (fast_engine, slow_engine, echo):
        engine.dispose()


def test_driver_errors_on_the_shortcut_leave_as_storage_errors(tmp_path: Path) -> None:
    engine = sqlite_engine(str(tmp_path / "broken.db"))
    store = SqlAlchemyStore(engine)
    store.add(*make_ticket("T1"))
    ticket = store.get("T1")
    new, events = apply(ticket, c.Comment("lost"), actor=AGENT, at=T0.add(days=1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE complaintflow_events")
    with pytest.raises(StorageError, match="no such table"):
        store.save(new, events, expected_version=ticket.version)
    assert store.get("T1") == ticket  # the UPDATE before the failing INSERT rolled back
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE complaintflow_tickets")
    with pytest.raises(StorageError, match="no such table"):
        store.get("T1")  # the read on a bare pooled connection
    engine.dispose()
