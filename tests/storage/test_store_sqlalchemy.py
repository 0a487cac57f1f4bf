"""SqlAlchemyStore against the shipped conformance suite on SQLite, PostgreSQL and MariaDB."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

try:
    import sqlalchemy as sa
except ImportError as missing:  # pragma: no cover - CI installs the extra
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the sqlalchemy extra is not installed: {missing}", allow_module_level=True)

from complaintflow.errors import StorageError
from complaintflow.storage import TicketStore
from complaintflow.storage.sqlalchemy import SqlAlchemyStore, define_tables, sqlite_engine
from complaintflow.testing.storage import StoreConformance
from complaintflow.testing.storage_workload import make_ticket, transition

_tests = itertools.count()


def _store(url: str, tenant: str = "default") -> SqlAlchemyStore:
    return SqlAlchemyStore.from_url(url, tenant=tenant)


class _Suite(StoreConformance):
    """The suite on one database; subclasses give ``url`` and the trigger SQL."""

    supports_processes = True
    url: str

    @pytest.fixture
    def make_store(self, engine: sa.Engine) -> Callable[[str], TicketStore]:
        prefix = f"t{next(_tests)}"
        return lambda tenant: SqlAlchemyStore(engine, tenant=f"{prefix}-{tenant}")

    @pytest.fixture
    def store_factory(self, engine: sa.Engine) -> Callable[..., TicketStore]:
        return functools.partial(_store, engine.url.render_as_string(hide_password=False))

    def machine_settings(self) -> settings:
        return settings(max_examples=min(settings().max_examples, 100))

    def _raw(self, store: TicketStore, sql: str, *params: str) -> None:
        assert isinstance(store, SqlAlchemyStore)
        with store._bind.engine.begin() as conn:
            conn.exec_driver_sql(sql, tuple(params) if params else ())

    def corrupt_ticket(self, store: TicketStore, ticket_id: str) -> None:
        self._raw(
            store,
            f"UPDATE complaintflow_tickets SET body = '{{not json' "
            f"WHERE tenant = {self.mark} AND id = {self.mark}",
            store.tenant,
            ticket_id,
        )

    def corrupt_outbox(self, store: TicketStore, item_id: str) -> None:
        self._raw(
            store,
            f"UPDATE complaintflow_outbox SET created = '[1, 2]' "
            f"WHERE tenant = {self.mark} AND id = {self.mark}",
            store.tenant,
            item_id,
        )

    mark = "?"

    @contextmanager
    def _failing(self, store: TicketStore, table: str, event: str, when: str) -> Iterator[None]:
        create, drop = self.trigger(table, event, when)
        for sql in create:
            self._raw(store, sql)
        try:
            yield
        finally:
            for sql in drop:
                self._raw(store, sql)

    def trigger(self, table: str, event: str, when: str) -> tuple[list[str], list[str]]:
        raise NotImplementedError

    def failing_event_append(self, store: TicketStore) -> Any:
        return self._failing(
            store, "complaintflow_events", "INSERT", f"NEW.tenant = '{store.tenant}'"
        )

    def failing_reschedule(self, store: TicketStore, ticket_id: str) -> Any:
        return self._failing(
            store,
            "complaintflow_tickets",
            "UPDATE",
            f"NEW.tenant = '{store.tenant}' AND NEW.id = '{ticket_id}' "
            "AND NOT (NEW.due_us <=> OLD.due_us)".replace("<=>", self.same),
        )

    same = "IS"


class TestSqlAlchemyOnSqlite(_Suite):
    @pytest.fixture
    def engine(self, tmp_path: Path) -> Iterator[sa.Engine]:
        engine = sqlite_engine(str(tmp_path / "tickets.sqlite"), synchronous="NORMAL")
        yield engine
        engine.dispose()

    def trigger(self, table: str, event: str, when: str) -> tuple[list[str], list[str]]:
        return (
            [
                f"CREATE TRIGGER fail BEFORE {event} ON {table} WHEN {when} "
                "BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
            ],
            ["DROP TRIGGER fail"],
        )


class TestSqlAlchemyOnPostgres(_Suite):
    mark = "%s"
    same = "IS NOT DISTINCT FROM"

    @pytest.fixture
    def engine(self, postgres_conninfo: str) -> Iterator[sa.Engine]:
        parts = dict(part.split("=", 1) for part in postgres_conninfo.split())
        url = (
            f"postgresql+psycopg://{parts['user']}@/{parts['dbname']}"
            f"?host={parts['host']}&port={parts['port']}"
        )
        engine = sa.create_engine(url, pool_size=10)
        yield engine
        engine.dispose()

    def trigger(self, table: str, event: str, when: str) -> tuple[list[str], list[str]]:
        return (
            [
                "CREATE FUNCTION cf_fail() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
                f"CREATE TRIGGER fail BEFORE {event} ON {table} FOR EACH ROW WHEN ({when}) "
                "EXECUTE FUNCTION cf_fail()",
            ],
            [f"DROP TRIGGER fail ON {table}", "DROP FUNCTION cf_fail()"],
        )


class TestSqlAlchemyOnMariaDB(_Suite):
    mark = "%s"
    same = "<=>"

    @pytest.fixture
    def engine(self, mariadb_url: str) -> Iterator[sa.Engine]:
        engine = sa.create_engine(mariadb_url, pool_size=10)
        yield engine
        engine.dispose()

    def trigger(self, table: str, event: str, when: str) -> tuple[list[str], list[str]]:
        return (
            [
                f"CREATE TRIGGER fail BEFORE {event} ON {table} FOR EACH ROW "
                f"IF {when} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = "
                "'injected failure'; END IF"
            ],
            ["DROP TRIGGER fail"],
        )


# -- what only this adapter does -------------------------------------------------------


def test_a_host_transaction_is_joined(tmp_path: Path) -> None:
    engine = sqlite_engine(str(tmp_path / "crm.sqlite"))
    store = SqlAlchemyStore(engine)
    ticket = store.add(*make_ticket("T1"))
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE crm_audit (note TEXT)")
        conn.commit()
        joined = SqlAlchemyStore(conn)
        with conn.begin():  # the host's own transaction ...
            conn.exec_driver_sql("INSERT INTO crm_audit VALUES ('refund approved')")
            joined.save(*transition(ticket), expected_version=1)
            conn.rollback()  # ... rolled back: the save goes with it
        assert joined.get("T1") == ticket
        with conn.begin():
            conn.exec_driver_sql("INSERT INTO crm_audit VALUES ('refund approved')")
            joined.save(*transition(ticket), expected_version=1)
    assert store.get("T1").version == 2
    engine.dispose()


def test_tables_are_metadata_for_the_hosts_migrations() -> None:
    host = sa.MetaData()
    sa.Table("customers", host, sa.Column("id", sa.Integer, primary_key=True))
    tables = define_tables(host, prefix="cf_")
    assert sorted(host.tables) == [
        "cf_alerts",
        "cf_counters",
        "cf_dead_letters",
        "cf_events",
        "cf_outbox",
        "cf_outbox_failures",
        "cf_tickets",
        "customers",
    ]
    assert tables.tickets.c.due_us.type.python_type is int  # instants as integers


def test_driver_errors_become_storage_errors(tmp_path: Path) -> None:
    with pytest.raises(StorageError):
        SqlAlchemyStore.from_url(f"sqlite:///{tmp_path}/no/such/dir/x.sqlite")


def test_opening_adds_the_number_index_and_new_tables_to_an_older_database(
    tmp_path: Path,
) -> None:
    path = tmp_path / "older.sqlite"
    old = sqlite_engine(str(path))
    tables = define_tables()  # the schema before dead letters and the number index:
    older = [tables.tickets, tables.events, tables.counters, tables.outbox, tables.alerts]
    tables.metadata.create_all(old, tables=older)
    with old.begin() as conn:
        conn.exec_driver_sql("DROP INDEX complaintflow_tickets_number")
    old.dispose()
    store = SqlAlchemyStore(sqlite_engine(str(path)))
    try:
        store.add(*make_ticket("T1", number="TS20240520-0001"))
        assert store.find_by_number("TS20240520-0001").id == "T1"
        assert store.dead_letters().items == ()
        inspector = sa.inspect(store._bind)
        indexes = {index["name"] for index in inspector.get_indexes("complaintflow_tickets")}
        assert "complaintflow_tickets_number" in indexes
    finally:
        store._bind.dispose()  # type: ignore[union-attr]
