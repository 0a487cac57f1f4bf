"""PostgresStore against the shipped conformance suite, on a real throwaway server."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import settings

try:
    import psycopg
    import psycopg_pool
except ImportError as missing:  # pragma: no cover - CI installs the extra
    if os.environ.get("CI"):
        raise
    pytest.skip(f"the postgres extra is not installed: {missing}", allow_module_level=True)

from complaintflow.errors import StorageError
from complaintflow.storage import TicketStore
from complaintflow.storage.postgres import PostgresStore
from complaintflow.testing.storage import StoreConformance
from complaintflow.testing.storage_workload import make_ticket, transition

_tests = itertools.count()


@pytest.fixture(scope="session")
def pool(postgres_conninfo: str) -> Iterator[psycopg_pool.ConnectionPool]:
    with psycopg_pool.ConnectionPool(
        postgres_conninfo, min_size=2, max_size=10, open=True, kwargs={"autocommit": True}
    ) as opened:
        yield opened


def _raw(store: TicketStore, sql: str, key: str) -> None:
    """Write behind the store's back, as a broken migration or a hand edit would."""
    assert isinstance(store, PostgresStore)
    with store._tx() as cur:
        cur.execute(sql, (store.tenant, key))
        assert cur.rowcount == 1


class TestPostgresStore(StoreConformance):
    supports_processes = True

    @pytest.fixture
    def make_store(self, pool: psycopg_pool.ConnectionPool) -> Callable[[str], TicketStore]:
        # one database for the session; a fresh tenant namespace per test
        prefix = f"t{next(_tests)}"
        return lambda tenant: PostgresStore(pool, tenant=f"{prefix}-{tenant}")

    @pytest.fixture
    def store_factory(self, postgres_conninfo: str) -> Callable[..., TicketStore]:
        return functools.partial(PostgresStore.connect, postgres_conninfo)

    def machine_settings(self) -> settings:
        # Each step is a few network round trips: cap the CI profile's 300 examples.
        return settings(max_examples=min(settings().max_examples, 100))

    def corrupt_ticket(self, store: TicketStore, ticket_id: str) -> None:
        _raw(
            store,
            "UPDATE complaintflow.tickets SET body = '{\"id\": 7}' WHERE tenant = %s AND id = %s",
            ticket_id,
        )

    def corrupt_outbox(self, store: TicketStore, item_id: str) -> None:
        _raw(
            store,
            "UPDATE complaintflow.outbox SET payload = '[1, 2]' WHERE tenant = %s AND id = %s",
            item_id,
        )

    @contextmanager
    def failing_event_append(self, store: TicketStore) -> Iterator[None]:
        assert isinstance(store, PostgresStore)
        tenant = store.tenant.replace("'", "''")
        with store._tx() as cur:
            cur.execute(
                "CREATE FUNCTION complaintflow.fail() RETURNS trigger LANGUAGE plpgsql "
                "AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$"
            )
            cur.execute(
                "CREATE TRIGGER fail_append BEFORE INSERT ON complaintflow.events "
                f"FOR EACH ROW WHEN (NEW.tenant = '{tenant}') "
                "EXECUTE FUNCTION complaintflow.fail()"
            )
        try:
            yield
        finally:
            with store._tx() as cur:
                cur.execute("DROP TRIGGER fail_append ON complaintflow.events")
                cur.execute("DROP FUNCTION complaintflow.fail()")

    @contextmanager
    def failing_reschedule(self, store: TicketStore, ticket_id: str) -> Iterator[None]:
        assert isinstance(store, PostgresStore)
        tenant, ticket = (value.replace("'", "''") for value in (store.tenant, ticket_id))
        with store._tx() as cur:
            cur.execute(
                "CREATE FUNCTION complaintflow.fail_due() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; "
                "END $$"
            )
            cur.execute(
                "CREATE TRIGGER fail_due BEFORE UPDATE OF due_at ON "
                "complaintflow.tickets FOR EACH ROW WHEN (NEW.tenant = "
                f"'{tenant}' AND NEW.id = '{ticket}') "
                "EXECUTE FUNCTION complaintflow.fail_due()"
            )
        try:
            yield
        finally:
            with store._tx() as cur:
                cur.execute("DROP TRIGGER fail_due ON complaintflow.tickets")
                cur.execute("DROP FUNCTION complaintflow.fail_due()")


def test_a_host_connection_in_a_transaction_is_joined(postgres_conninfo: str) -> None:
    with psycopg.connect(postgres_conninfo) as conn:  # autocommit off, as hosts often have
        store = PostgresStore(conn, tenant="host-tx")
        conn.commit()
        ticket = store.add(*make_ticket("T1"))
        conn.execute("SELECT 1")  # the host opens a transaction ...
        store.save(*transition(ticket), expected_version=1)
        conn.rollback()  # ... and rolls it back: the store's save goes with it
        assert store.get("T1") == ticket
        store.save(*transition(ticket), expected_version=1)
        assert store.get("T1").version == 2


def test_driver_errors_become_storage_errors(postgres_conninfo: str) -> None:
    store = PostgresStore.connect(postgres_conninfo, tenant="broken")
    store.close()
    with pytest.raises(StorageError) as caught:
        store.get("T1")
    assert isinstance(caught.value.__cause__, psycopg.Error)
    with pytest.raises(StorageError):
        PostgresStore.connect("host=/nonexistent port=1 user=nobody connect_timeout=1")


def test_schema_names_are_checked(postgres_conninfo: str) -> None:
    with pytest.raises(ValueError, match="identifier"):
        PostgresStore.connect(postgres_conninfo, schema="x; DROP TABLE y")
