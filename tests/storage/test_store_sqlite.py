"""SqliteStore against the shipped conformance suite (a real file, WAL, FULL sync)."""

from __future__ import annotations

import functools
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Literal

import pytest

from complaintflow.errors import CorruptRecord, StorageError
from complaintflow.storage import SqliteStore, TicketStore
from complaintflow.storage.sqlite import MIGRATIONS
from complaintflow.testing.storage import StoreConformance
from complaintflow.testing.storage_workload import T0, make_ticket, transition


def _opener(
    path: Path, synchronous: Literal["FULL", "NORMAL"]
) -> Iterator[Callable[[str], TicketStore]]:
    opened: list[SqliteStore] = []

    def make(tenant: str) -> TicketStore:
        store = SqliteStore(path, tenant=tenant, synchronous=synchronous)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


def _raw(store: TicketStore, sql: str, key: str) -> None:
    """Write behind the store's back, as a broken migration or a hand edit would."""
    assert isinstance(store, SqliteStore)
    assert store.path is not None
    with sqlite3.connect(store.path, isolation_level=None) as conn:
        assert conn.execute(sql, (store.tenant, key)).rowcount == 1
    conn.close()


class TestSqliteStore(StoreConformance):
    supports_processes = True

    @pytest.fixture
    def path(self, tmp_path: Path) -> Path:
        return tmp_path / "tickets.sqlite"

    @pytest.fixture
    def make_store(self, path: Path) -> Iterator[Callable[[str], TicketStore]]:
        yield from _opener(path, "FULL")

    @pytest.fixture
    def machine_store(self, path: Path) -> Iterator[Callable[[str], TicketStore]]:
        # Same logic, no fsync per commit: hundreds of short examples stay fast.
        yield from _opener(path, "NORMAL")

    @pytest.fixture
    def store_factory(self, path: Path) -> Callable[..., TicketStore]:
        return functools.partial(SqliteStore, str(path))

    def corrupt_ticket(self, store: TicketStore, ticket_id: str) -> None:
        _raw(store, "UPDATE tickets SET body = '{not json' WHERE tenant = ? AND id = ?", ticket_id)

    def corrupt_outbox(self, store: TicketStore, item_id: str) -> None:
        _raw(store, "UPDATE outbox SET created = '[1, 2]' WHERE tenant = ? AND id = ?", item_id)

    @contextmanager
    def failing_event_append(self, store: TicketStore) -> Iterator[None]:
        assert isinstance(store, SqliteStore)
        path = store.path
        assert path is not None
        with sqlite3.connect(path, isolation_level=None) as admin:
            admin.execute(
                "CREATE TRIGGER fail_append BEFORE INSERT ON events "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
            try:
                yield
            finally:
                admin.execute("DROP TRIGGER fail_append")
        admin.close()

    @contextmanager
    def failing_reschedule(self, store: TicketStore, ticket_id: str) -> Iterator[None]:
        assert isinstance(store, SqliteStore)
        path = store.path
        assert path is not None
        quoted = ticket_id.replace("'", "''")  # a trigger takes no parameters
        with sqlite3.connect(path, isolation_level=None) as admin:
            admin.execute(
                f"CREATE TRIGGER fail_due BEFORE UPDATE OF due_us ON tickets "
                f"WHEN NEW.id = '{quoted}' "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            )
            try:
                yield
            finally:
                admin.execute("DROP TRIGGER fail_due")
        admin.close()


# -- SQLite specifics: settings, migrations, host connections, errors ---------


def test_recommended_settings_are_applied(tmp_path: Path) -> None:
    with SqliteStore(tmp_path / "db.sqlite") as store:
        conn = store._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
        assert conn.execute("PRAGMA busy_timeout").fetchone() == (30_000,)
    with SqliteStore(tmp_path / "db.sqlite", synchronous="NORMAL") as store:
        assert store._connection().execute("PRAGMA synchronous").fetchone() == (1,)
    with pytest.raises(ValueError, match="synchronous"):
        SqliteStore(tmp_path / "db.sqlite", synchronous="OFF")  # type: ignore[arg-type]


def test_forward_migration_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as old:  # a database made before migration 2 existed
        old.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
        for statement in MIGRATIONS[0]:
            old.execute(statement)
        old.execute("INSERT INTO schema_version VALUES (1)")
        old.execute("INSERT INTO counters VALUES ('default', 'TS', '2024-05-20', 7)")
    old.close()
    with SqliteStore(path) as store:
        assert store.next_number(prefix="TS", day=T0.date()) == "TS20240520-0008"
        store.add(*make_ticket("T1"), due_at=T0)
        assert [t.id for t in store.find(due_before=T0).items] == ["T1"]
        versions = store._connection().execute("SELECT version FROM schema_version").fetchall()
        assert versions == [(n,) for n in range(1, len(MIGRATIONS) + 1)]


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    SqliteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO schema_version VALUES (99)")
    conn.close()
    with pytest.raises(StorageError, match="newer"):
        SqliteStore(path)


def test_backend_errors_are_translated(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError) as caught:
        SqliteStore(garbage)
    assert isinstance(caught.value.__cause__, sqlite3.DatabaseError)
    conn = sqlite3.connect(":memory:", isolation_level=None)
    store = SqliteStore(conn)
    conn.close()
    with pytest.raises(StorageError):
        store.get("T1")
    with pytest.raises(StorageError):
        SqliteStore(tmp_path / "no" / "such" / "dir.sqlite").get("T1")


def test_a_host_connection_in_a_transaction_is_joined() -> None:
    conn = sqlite3.connect(":memory:")  # default isolation: the host's own transactions
    store = SqliteStore(conn)
    ticket = store.add(*make_ticket("T1"))
    conn.execute("CREATE TABLE host_audit (note TEXT)")
    conn.execute("INSERT INTO host_audit VALUES ('begun')")  # the host opens a transaction
    assert conn.in_transaction
    store.save(*transition(ticket), expected_version=1)
    conn.rollback()  # ... and rolls back: the store's save goes with it
    assert store.get("T1") == ticket
    store.save(*transition(ticket), expected_version=1)
    assert store.get("T1").version == 2
    conn.close()


def test_memory_database_is_shared_by_threads() -> None:
    store = SqliteStore(":memory:")
    store.add(*make_ticket("T1"))
    with ThreadPoolExecutor(4) as pool:
        numbers = list(pool.map(lambda _: store.next_number(prefix="TS", day=T0.date()), range(40)))
    assert len(set(numbers)) == 40
    store.close()


def test_importing_the_package_does_not_import_drivers() -> None:
    code = (
        "import sys, complaintflow, complaintflow.storage, complaintflow.testing.storage; "
        "assert 'psycopg' not in sys.modules, 'psycopg imported'; "
        "assert 'sqlalchemy' not in sys.modules, 'sqlalchemy imported'; "
        "assert 'pymysql' not in sys.modules, 'pymysql imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_migrate_false_refuses_a_foreign_database_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (id TEXT)")
    conn.close()
    with pytest.raises(StorageError, match="no complaintflow schema"):
        SqliteStore(path, migrate=False)
    with sqlite3.connect(path) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert tables == {"customers"}
    SqliteStore(path).close()  # creates the schema
    SqliteStore(path, migrate=False).close()  # now current: accepted


def test_a_corrupt_row_is_logged_and_named(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with SqliteStore(tmp_path / "db.sqlite", tenant="acme") as store:
        for ticket_id in ("T1", "T2"):
            store.add(*make_ticket(ticket_id))
        _raw(store, "UPDATE tickets SET body = '{not json' WHERE tenant = ? AND id = ?", "T1")
        _raw(store, "UPDATE events SET body = '[]' WHERE tenant = ? AND ticket_id = ?", "T2")
        with caplog.at_level("WARNING", logger="complaintflow.storage"):
            page = store.find()
        assert (page.corrupt, [t.id for t in page.items]) == (("T1",), ["T2"])
        [record] = caplog.records
        assert (record.tenant, record.table, record.key) == ("acme", "tickets", "T1")
        with pytest.raises(CorruptRecord) as caught:
            store.events("T2")
        assert (caught.value.tenant, caught.value.table, caught.value.key) == (
            "acme",
            "events",
            "T2#1",
        )
        assert isinstance(caught.value, StorageError)
        assert "'acme'" in str(caught.value)
        assert "'T2#1'" in str(caught.value)
