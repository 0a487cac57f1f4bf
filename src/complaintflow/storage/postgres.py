"""The PostgreSQL adapter (psycopg 3; ``pip install complaintflow[postgres]``).

For many workers on many hosts sharing one database.  The host passes in
what it already has: a ``psycopg.Connection`` (used under a lock, one
operation at a time) or a pool with a ``connection()`` context manager,
such as ``psycopg_pool.ConnectionPool`` (each operation borrows one).
Nothing connects at import.  :meth:`PostgresStore.pool` opens (and owns)
a pool that checks each connection when it is borrowed: what a
long-running worker should use, since a database restart then costs only
the commands in flight and those issued while the server is away (each a
StorageError, nothing of it written) and the next ones find fresh
connections.  :meth:`PostgresStore.connect` opens (and owns) one
connection, reopened by the next command after the server dropped it; a
host's own connection is the host's to replace.

Every operation is one transaction (``conn.transaction()``; a savepoint if
the host already has one open on that connection).  ``save`` locks the
ticket row (``SELECT ... FOR UPDATE``) so conflicting saves queue and the
loser sees the new version; outbox items and due tickets are claimed with
``FOR UPDATE SKIP LOCKED`` so concurrent workers take disjoint batches
without waiting on each other.  Tables live in their own schema
(``complaintflow`` unless told otherwise), created and migrated forward on
first use under an advisory lock.  Every ``psycopg.Error`` leaves as
:class:`~complaintflow.errors.StorageError`.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Protocol

from complaintflow._extras import needs_extra

with needs_extra("postgres", __name__):
    import psycopg
    from psycopg.types.json import Jsonb

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ComplaintflowError, ConcurrencyError, NotFound, StorageError
from complaintflow.storage.encoding import event_to_dict, instant_to_dict, ticket_to_dict
from complaintflow.storage.kit import (
    Query,
    alert_keys,
    backlog_of,
    check_after,
    check_batch,
    check_day,
    check_failures,
    check_ids,
    check_limit,
    check_outbox,
    check_reschedules,
    check_retry_ids,
    check_save,
    check_saves,
    check_text,
    decode_cursor,
    decode_dead_letter,
    decode_event,
    decode_outbox,
    decode_ticket,
    duplicate_outbox,
    encode_cursor,
    lease_micros,
    micros,
    quarantined,
    take_decodable,
)
from complaintflow.storage.protocol import (
    Backlog,
    Claimed,
    DeadLetterPage,
    Failure,
    OutboxItem,
    Page,
    Reschedule,
    SaveItem,
    format_ticket_number,
)

__all__ = ["MIGRATIONS", "ConnectionPoolLike", "PostgresStore"]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US = dt.timedelta(microseconds=1)
_LOCK_KEY = 0x636F6D706C61  # pg_advisory_xact_lock key for migrations
#: Schemas already migrated through each connection or pool, so a store per request is cheap.
_MIGRATED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()

#: Forward migrations, in order; ``{s}`` is the schema name.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE {s}.tickets (
            tenant text NOT NULL, id text COLLATE "C" NOT NULL, number text NOT NULL,
            version integer NOT NULL, last_seq integer NOT NULL, status text NOT NULL,
            assignee text, department text, priority text, dedupe_key text,
            received_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
            body jsonb NOT NULL, PRIMARY KEY (tenant, id))""",
        """CREATE UNIQUE INDEX tickets_dedupe ON {s}.tickets (tenant, dedupe_key)
            WHERE dedupe_key IS NOT NULL""",
        "CREATE INDEX tickets_received ON {s}.tickets (tenant, received_at, id)",
        "CREATE INDEX tickets_status ON {s}.tickets (tenant, status, received_at, id)",
        "CREATE INDEX tickets_assignee ON {s}.tickets (tenant, assignee, received_at, id)",
        "CREATE INDEX tickets_department ON {s}.tickets (tenant, department, received_at, id)",
        """CREATE TABLE {s}.events (
            tenant text NOT NULL, ticket_id text NOT NULL, seq integer NOT NULL,
            version integer NOT NULL, type text NOT NULL, at timestamptz NOT NULL,
            body jsonb NOT NULL, PRIMARY KEY (tenant, ticket_id, seq))""",
        """CREATE TABLE {s}.counters (
            tenant text NOT NULL, prefix text NOT NULL, day date NOT NULL,
            last integer NOT NULL, PRIMARY KEY (tenant, prefix, day))""",
    ),
    (
        "ALTER TABLE {s}.tickets ADD COLUMN due_at timestamptz",
        "ALTER TABLE {s}.tickets ADD COLUMN due_lease timestamptz NOT NULL DEFAULT '-infinity'",
        "ALTER TABLE {s}.tickets ADD COLUMN due_worker text",
        "CREATE INDEX tickets_due ON {s}.tickets (tenant, due_at, id) WHERE due_at IS NOT NULL",
        """CREATE TABLE {s}.outbox (
            tenant text NOT NULL, id text COLLATE "C" NOT NULL, ticket_id text NOT NULL,
            kind text NOT NULL, payload jsonb NOT NULL, created jsonb NOT NULL,
            created_at timestamptz NOT NULL, attempts integer NOT NULL,
            visible_at timestamptz NOT NULL DEFAULT '-infinity', worker text,
            PRIMARY KEY (tenant, id))""",
        "CREATE INDEX outbox_ready ON {s}.outbox (tenant, created_at, id)",
        """CREATE TABLE {s}.alerts (
            tenant text NOT NULL, key text NOT NULL, PRIMARY KEY (tenant, key))""",
    ),
    (  # delivery failures and dead letters (complaintflow.storage.outbox)
        """CREATE TABLE {s}.outbox_failures (
            tenant text NOT NULL, id text COLLATE "C" NOT NULL, error text NOT NULL,
            failed_at timestamptz NOT NULL, PRIMARY KEY (tenant, id))""",
        """CREATE TABLE {s}.dead_letters (
            tenant text NOT NULL, id text COLLATE "C" NOT NULL, ticket_id text NOT NULL,
            kind text NOT NULL, payload jsonb NOT NULL, created jsonb NOT NULL,
            created_at timestamptz NOT NULL, attempts integer NOT NULL, error text NOT NULL,
            failed_at timestamptz NOT NULL, PRIMARY KEY (tenant, id))""",
        "CREATE INDEX dead_letters_failed ON {s}.dead_letters (tenant, failed_at, id)",
    ),
    ("CREATE INDEX tickets_number ON {s}.tickets (tenant, number, id)",),  # find_by_number
)


class ConnectionPoolLike(Protocol):
    """What the store needs of a pool: ``with pool.connection() as conn``."""

    def connection(self) -> AbstractContextManager[psycopg.Connection[Any]]: ...


def _utc(value: dt.datetime | int) -> dt.datetime:
    """A stdlib UTC datetime for psycopg (never a pendulum object)."""
    us = value if isinstance(value, int) else micros(value)
    return _EPOCH + us * _US


def _key(value: dt.datetime) -> int:
    return (value - _EPOCH) // _US


class PostgresStore:
    """A :class:`~complaintflow.storage.TicketStore` in PostgreSQL."""

    def __init__(
        self,
        connection_or_pool: psycopg.Connection[Any] | ConnectionPoolLike,
        *,
        tenant: str = "default",
        schema: str = "complaintflow",
    ) -> None:
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
            raise ValueError(f"schema must be a lower-case SQL identifier, got {schema!r}")
        self.tenant = tenant
        self.schema = schema
        self._source = connection_or_pool
        self._lock = threading.RLock()
        self._owned = False
        self._conninfo: str | None = None  # set by connect(): the store may reconnect
        self._closed = False
        self._migrate()

    @classmethod
    def connect(
        cls, conninfo: str, *, tenant: str = "default", schema: str = "complaintflow"
    ) -> PostgresStore:
        """Open a connection the store owns (closed by :meth:`close`)."""
        try:
            conn = psycopg.connect(conninfo, autocommit=True)
        except psycopg.Error as error:
            raise StorageError(f"PostgreSQL connection failed: {error}") from error
        try:
            store = cls(conn, tenant=tenant, schema=schema)
        except BaseException:
            conn.close()
            raise
        store._owned = True
        store._conninfo = conninfo
        return store

    @classmethod
    def pool(
        cls,
        conninfo: str,
        *,
        tenant: str = "default",
        schema: str = "complaintflow",
        min_size: int = 1,
        max_size: int = 4,
        timeout: float = 10.0,
    ) -> PostgresStore:
        """Open a checked connection pool the store owns (closed by :meth:`close`).

        What a long-running worker wants: every connection is checked
        when it is borrowed (``ConnectionPool.check_connection``), so one
        the server dropped (a restart, a failover) is replaced instead of
        failing the next command.  ``timeout`` (seconds) bounds how long a
        command waits for a connection, here and while the server is away:
        then it fails with StorageError, and the next one tries again.
        """
        with needs_extra("postgres", __name__):
            from psycopg_pool import ConnectionPool

        opened: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            conninfo,
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            kwargs={"autocommit": True},
            check=ConnectionPool.check_connection,
            name="complaintflow",
            open=False,
        )
        try:
            opened.open(wait=True, timeout=timeout)
            store = cls(opened, tenant=tenant, schema=schema)
        except psycopg.Error as error:
            opened.close()
            raise StorageError(f"PostgreSQL connection failed: {error}") from error
        except BaseException:
            opened.close()
            raise
        store._owned = True
        return store

    def close(self) -> None:
        """Close what :meth:`connect` or :meth:`pool` opened; a host's is left alone."""
        self._closed = True
        if self._owned:
            self._source.close()  # type: ignore[union-attr]

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------

    @contextmanager
    def _tx(self) -> Iterator[psycopg.Cursor[Any]]:
        """One transaction; every driver error leaves as StorageError.

        A connection lost mid-transaction (the server restarted) fails the
        operation, and the server rolled it back: nothing of it is written,
        unless it was lost during the COMMIT itself, whose outcome no
        client can know (read the ticket back before doing it again).
        """
        try:
            if isinstance(self._source, psycopg.Connection):
                with self._lock:
                    conn = self._connection()
                    with conn.transaction(), conn.cursor() as cur:
                        yield cur
            else:
                with self._source.connection() as conn, conn.transaction(), conn.cursor() as cur:
                    yield cur
        except ComplaintflowError:
            raise
        except psycopg.Error as error:
            raise StorageError(f"PostgreSQL failed: {error}{self._hint()}") from error

    def _hint(self) -> str:
        """What to do about a host's connection that is gone: the store cannot replace it."""
        source = self._source
        if isinstance(source, psycopg.Connection) and source.closed and self._conninfo is None:
            return (
                " (this connection is the host's: open a new one, or give the store a "
                "pool, e.g. PostgresStore.pool(conninfo), to recover by itself)"
            )
        return ""

    def _connection(self) -> psycopg.Connection[Any]:
        """The one connection; the store's own is reopened once the server dropped it."""
        conn = self._source
        assert isinstance(conn, psycopg.Connection)
        if conn.closed and self._conninfo is not None and not self._closed:
            conn = self._source = psycopg.connect(self._conninfo, autocommit=True)
        return conn

    def _sql(self, statement: str) -> str:
        return statement.replace("{s}", self.schema)

    def _migrate(self) -> None:
        try:
            done = _MIGRATED.setdefault(self._source, set())
        except TypeError:  # not weak-referenceable: check every time
            done = set()
        if self.schema in done:
            return
        with self._tx() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            cur.execute(self._sql("CREATE SCHEMA IF NOT EXISTS {s}"))
            cur.execute(
                self._sql(
                    "CREATE TABLE IF NOT EXISTS {s}.schema_version (version integer NOT NULL)"
                )
            )
            cur.execute(self._sql("SELECT max(version) FROM {s}.schema_version"))
            row = cur.fetchone()
            current = (row[0] if row else None) or 0
            if current > len(MIGRATIONS):
                raise StorageError(
                    f"the database schema is at version {current}, newer than this "
                    f"complaintflow knows ({len(MIGRATIONS)}): upgrade complaintflow"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    cur.execute(self._sql(statement))
                cur.execute(self._sql("INSERT INTO {s}.schema_version VALUES (%s)"), (version,))
        done.add(self.schema)

    # -- writes -----------------------------------------------------------

    def _snapshot(self, ticket: Ticket, due: int | None) -> dict[str, Any]:
        return {
            "tenant": self.tenant,
            "id": ticket.id,
            "number": ticket.number,
            "version": ticket.version,
            "last_seq": ticket.last_seq,
            "status": ticket.status.value,
            "assignee": ticket.assignee,
            "department": ticket.department,
            "priority": None if ticket.priority is None else ticket.priority.value,
            "dedupe_key": ticket.dedupe_key,
            "received_at": _utc(ticket.received_at),
            "updated_at": _utc(ticket.updated_at),
            "due_at": None if due is None else _utc(due),
            "body": Jsonb(ticket_to_dict(ticket)),
        }

    def _append(self, cur: psycopg.Cursor[Any], events: Sequence[Event]) -> None:
        try:
            cur.executemany(
                self._sql(
                    "INSERT INTO {s}.events (tenant, ticket_id, seq, version, type, "
                    "at, body) VALUES (%s, %s, %s, %s, %s, %s, %s)"
                ),
                [
                    (
                        self.tenant,
                        ev.ticket_id,
                        ev.seq,
                        ev.version,
                        ev.type,
                        _utc(ev.at),
                        Jsonb(event_to_dict(ev)),
                    )
                    for ev in events
                ],
            )
        except psycopg.errors.UniqueViolation as error:
            first = events[0]
            raise ConcurrencyError(
                ticket_id=first.ticket_id, expected=first.version - 1, actual=None
            ) from error

    def _enqueue(self, cur: psycopg.Cursor[Any], items: Sequence[OutboxItem]) -> None:
        if not items:
            return
        cur.execute(
            self._sql("SELECT id FROM {s}.outbox WHERE tenant = %s AND id = ANY(%s)"),
            (self.tenant, [item.id for item in items]),
        )
        taken = cur.fetchone()
        if taken is not None:
            raise duplicate_outbox(taken[0])
        cur.executemany(
            self._sql(
                "INSERT INTO {s}.outbox (tenant, id, ticket_id, kind, payload, created, "
                "created_at, attempts) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)"
            ),
            [
                (
                    self.tenant,
                    item.id,
                    item.ticket_id,
                    item.kind,
                    Jsonb(item.payload),
                    Jsonb(instant_to_dict(item.created_at)),
                    _utc(item.created_at),
                    item.attempts,
                )
                for item in items
            ],
        )

    def add(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> Ticket:
        check_batch(ticket, events, 1)
        items = check_outbox(outbox)
        row = self._snapshot(ticket, None if due_at is None else micros(due_at, "due_at"))
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}.tickets (tenant, id, number, version, last_seq, status, "
                    "assignee, department, priority, dedupe_key, received_at, updated_at, due_at, "
                    "body) VALUES (%(tenant)s, %(id)s, %(number)s, %(version)s, %(last_seq)s, "
                    "%(status)s, %(assignee)s, %(department)s, %(priority)s, %(dedupe_key)s, "
                    "%(received_at)s, %(updated_at)s, %(due_at)s, %(body)s) "
                    "ON CONFLICT DO NOTHING RETURNING 1"
                ),
                row,
            )
            if cur.fetchone() is None:
                if ticket.dedupe_key is not None:
                    cur.execute(
                        self._sql(
                            "SELECT id, body FROM {s}.tickets WHERE tenant = %s AND dedupe_key = %s"
                        ),
                        (self.tenant, ticket.dedupe_key),
                    )
                    found = cur.fetchone()
                    if found is not None:
                        return decode_ticket(self.tenant, *found)
                cur.execute(
                    self._sql("SELECT version FROM {s}.tickets WHERE tenant = %s AND id = %s"),
                    (self.tenant, ticket.id),
                )
                exists = cur.fetchone()
                raise ConcurrencyError(
                    ticket_id=ticket.id, expected=0, actual=None if exists is None else exists[0]
                )
            self._append(cur, events)
            self._enqueue(cur, items)
        return ticket

    def save(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        expected_version: int,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> None:
        check_save(ticket, events, expected_version)
        item = SaveItem(ticket, events, expected_version, due_at, outbox)
        prepared = self._prepare(item)
        with self._tx() as cur:
            actual = self._save(cur, item, *prepared)
        if actual is not None:
            raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version, actual=actual)

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        """One transaction; rows locked in ticket id order.

        Two batches that share tickets then queue on the first one they
        share instead of each holding a row the other waits for: no deadlock.
        """
        batch = sorted(
            ((item, *self._prepare(item)) for item in check_saves(items)),
            key=lambda entry: entry[0].ticket.id,
        )
        if not batch:
            return frozenset()
        stale = []
        with self._tx() as cur:
            for item, outbox, row in batch:
                if self._save(cur, item, outbox, row) is not None:
                    stale.append(item.ticket.id)
        return frozenset(stale)

    def _prepare(self, item: SaveItem) -> tuple[list[OutboxItem], dict[str, Any]]:
        due = None if item.due_at is None else micros(item.due_at, "due_at")
        return check_outbox(item.outbox), self._snapshot(item.ticket, due)

    def _save(
        self,
        cur: psycopg.Cursor[Any],
        item: SaveItem,
        outbox: list[OutboxItem],
        row: dict[str, Any],
    ) -> int | None:
        """Write one save inside the caller's transaction; the stored version if stale."""
        ticket = item.ticket
        cur.execute(
            self._sql(
                "SELECT version, last_seq FROM {s}.tickets WHERE tenant = %s AND id = %s FOR UPDATE"
            ),
            (self.tenant, ticket.id),
        )
        current = cur.fetchone()
        if current is None:
            raise NotFound("ticket", ticket.id)
        if current[0] != item.expected_version:
            return int(current[0])
        check_batch(ticket, item.events, current[1] + 1)
        # The snapshot first, then the log: a failure in between rolls both back.
        cur.execute(
            self._sql(
                "UPDATE {s}.tickets SET version = %(version)s, last_seq = %(last_seq)s, "
                "status = %(status)s, assignee = %(assignee)s, department = %(department)s, "
                "priority = %(priority)s, updated_at = %(updated_at)s, due_at = %(due_at)s, "
                "body = %(body)s, due_lease = '-infinity', due_worker = NULL "
                "WHERE tenant = %(tenant)s AND id = %(id)s"
            ),
            row,
        )
        self._append(cur, item.events)
        self._enqueue(cur, outbox)
        return None

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        """One transaction; the rows are locked first, in ticket id order.

        So a reschedule queues behind a ``save_many`` (which locks in the
        same order) or a save of the same tickets instead of deadlocking,
        and the version it compares cannot change before its UPDATE.
        """
        batch = check_reschedules(items)
        if not batch:
            return frozenset()
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT id, version FROM {s}.tickets WHERE tenant = %s "
                    "AND id = ANY(%s) ORDER BY id FOR UPDATE"
                ),
                (self.tenant, [item.ticket_id for item, _ in batch]),
            )
            versions = dict(cur.fetchall())
            for item, _ in batch:
                if item.ticket_id not in versions:
                    raise NotFound("ticket", item.ticket_id)
            ready = [
                (None if due is None else _utc(due), self.tenant, item.ticket_id)
                for item, due in batch
                if versions[item.ticket_id] == item.version
            ]
            if ready:
                cur.executemany(
                    self._sql(
                        "UPDATE {s}.tickets SET due_at = %s, due_lease = '-infinity', "
                        "due_worker = NULL WHERE tenant = %s AND id = %s"
                    ),
                    ready,
                )
        return frozenset(
            item.ticket_id for item, _ in batch if versions[item.ticket_id] != item.version
        )

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        check_text(prefix, "prefix")
        day = check_day(day)
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}.counters AS c (tenant, prefix, day, last) "
                    "VALUES (%s, %s, %s, 1) ON CONFLICT (tenant, prefix, day) "
                    "DO UPDATE SET last = c.last + 1 RETURNING last"
                ),
                (self.tenant, prefix, dt.date(day.year, day.month, day.day)),
            )
            row = cur.fetchone()
        assert row is not None
        return format_ticket_number(prefix, day, row[0])

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        """One statement, keys inserted in sorted order.

        Two batches that overlap queue on the first key they share (the
        second waits for the first to commit, then skips what it took)
        instead of each holding a key the other waits for: no deadlock.
        """
        wanted = alert_keys(keys)
        if not wanted:
            return frozenset()
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "INSERT INTO {s}.alerts (tenant, key) "
                    "SELECT %s, k FROM unnest(%s::text[]) AS k "
                    "ORDER BY k ON CONFLICT DO NOTHING RETURNING key"
                ),
                (self.tenant, sorted(wanted)),
            )
            return frozenset(row[0] for row in cur.fetchall())

    # -- reads --------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        check_text(ticket_id, "ticket_id")
        with self._tx() as cur:
            cur.execute(
                self._sql("SELECT body FROM {s}.tickets WHERE tenant = %s AND id = %s"),
                (self.tenant, ticket_id),
            )
            row = cur.fetchone()
        if row is None:
            raise NotFound("ticket", ticket_id)
        return decode_ticket(self.tenant, ticket_id, row[0])

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        check_text(ticket_id, "ticket_id")
        check_after(after)
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT seq, body FROM {s}.events WHERE tenant = %s "
                    "AND ticket_id = %s AND seq > %s ORDER BY seq"
                ),
                (self.tenant, ticket_id, after),
            )
            rows = cur.fetchall()
            if not rows:
                cur.execute(
                    self._sql("SELECT 1 FROM {s}.tickets WHERE tenant = %s AND id = %s"),
                    (self.tenant, ticket_id),
                )
                if cur.fetchone() is None:
                    raise NotFound("ticket", ticket_id)
        return [decode_event(self.tenant, ticket_id, seq, body) for seq, body in rows]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        check_text(key, "key")
        with self._tx() as cur:
            cur.execute(
                self._sql("SELECT id, body FROM {s}.tickets WHERE tenant = %s AND dedupe_key = %s"),
                (self.tenant, key),
            )
            row = cur.fetchone()
        return None if row is None else decode_ticket(self.tenant, *row)

    def find(
        self,
        *,
        status: Status | Iterable[Status] | None = None,
        assignee: str | None = None,
        department: str | None = None,
        priority: Priority | None = None,
        due_before: dt.datetime | None = None,
        limit: int = 100,
        cursor: str | None = None,
    ) -> Page:
        query = Query(
            status=status,
            assignee=assignee,
            department=department,
            priority=priority,
            due_before=due_before,
            limit=limit,
            cursor=cursor,
        )
        key = "received_at" if query.due_before is None else "due_at"
        where: list[str] = ["tenant = %s"]
        args: list[object] = [self.tenant]
        if query.statuses is not None:
            where.append("status = ANY(%s)")
            args.append(sorted(s.value for s in query.statuses))
        for column, value in (
            ("assignee", query.assignee),
            ("department", query.department),
            ("priority", query.priority),
        ):
            if value is not None:
                where.append(f"{column} = %s")
                args.append(str(value))
        if query.due_before is not None:
            where.append("due_at <= %s")
            args.append(_utc(query.due_before))
        if query.after is not None:
            where.append(f"({key}, id) > (%s, %s)")
            args.extend((_utc(query.after[0]), query.after[1]))
        sql = self._sql(
            f"SELECT {key}, id, body FROM {{s}}.tickets WHERE "
            f"{' AND '.join(where)} ORDER BY {key}, id LIMIT %s"
        )
        with self._tx() as cur:
            cur.execute(sql, (*args, query.limit + 1))
            rows = cur.fetchall()
        page = rows[: query.limit]
        next_cursor = (
            encode_cursor(_key(page[-1][0]), page[-1][1]) if len(rows) > query.limit else None
        )
        good, bad = quarantined(page, lambda row: decode_ticket(self.tenant, row[1], row[2]))
        return Page(
            tuple(ticket for _, ticket in good), next_cursor, tuple(error.key for error in bad)
        )

    # -- leases: outbox and due tickets --------------------------------------

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        """Ready items, locked with SKIP LOCKED (other workers pass them by), decoded first.

        Only the items that decode are leased; the corrupt ones stay as
        they are and are reported in ``Claimed.corrupt``.
        """
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._tx() as cur:

            def fetch(after: Any, count: int) -> list[Any]:
                since = "" if after is None else "AND (created_at, id) > (%s, %s) "
                cur.execute(
                    self._sql(
                        "SELECT id, ticket_id, kind, payload, created, attempts, created_at "
                        f"FROM {{s}}.outbox WHERE tenant = %s AND visible_at <= %s {since}"
                        "ORDER BY created_at, id LIMIT %s FOR UPDATE SKIP LOCKED"
                    ),
                    (
                        self.tenant,
                        _utc(start),
                        *(() if after is None else (after[6], after[0])),
                        count,
                    ),
                )
                return cur.fetchall()

            good, bad = take_decodable(
                fetch,
                lambda row: decode_outbox(
                    self.tenant, row[0], row[1], row[2], row[3], row[4], row[5] + 1
                ),
                limit,
            )
            if good:
                cur.execute(
                    self._sql(
                        "UPDATE {s}.outbox SET visible_at = %s, worker = %s, "
                        "attempts = attempts + 1 WHERE tenant = %s AND id = ANY(%s)"
                    ),
                    (_utc(until), worker, self.tenant, [item.id for _, item in good]),
                )
        return Claimed((item for _, item in good), (error.key for error in bad))

    def ack_outbox(self, ids: Iterable[str]) -> None:
        wanted = check_ids(ids)
        with self._tx() as cur:
            cur.execute(
                self._sql("DELETE FROM {s}.outbox WHERE tenant = %s AND id = ANY(%s)"),
                (self.tenant, wanted),
            )
            cur.execute(
                self._sql("DELETE FROM {s}.outbox_failures WHERE tenant = %s AND id = ANY(%s)"),
                (self.tenant, wanted),
            )

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        """Due tickets for this worker; others skip the rows it holds (SKIP LOCKED)."""
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._tx() as cur:

            def fetch(after: Any, count: int) -> list[Any]:
                since = "" if after is None else "AND (due_at, id) > (%s, %s) "
                cur.execute(
                    self._sql(
                        "SELECT id, body, due_at FROM {s}.tickets WHERE tenant = %s "
                        f"AND due_at <= %s AND due_lease <= %s {since}ORDER BY due_at, id "
                        "LIMIT %s FOR UPDATE SKIP LOCKED"
                    ),
                    (
                        self.tenant,
                        _utc(start),
                        _utc(start),
                        *(() if after is None else (after[2], after[0])),
                        count,
                    ),
                )
                return cur.fetchall()

            good, bad = take_decodable(
                fetch, lambda row: decode_ticket(self.tenant, row[0], row[1]), limit
            )
            if good:
                cur.execute(
                    self._sql(
                        "UPDATE {s}.tickets SET due_lease = %s, due_worker = %s "
                        "WHERE tenant = %s AND id = ANY(%s)"
                    ),
                    (_utc(until), worker, self.tenant, [ticket.id for _, ticket in good]),
                )
        return Claimed((ticket for _, ticket in good), (error.key for error in bad))

    # -- failures, dead letters, backlog (complaintflow.storage.outbox) ----------

    def fail_outbox(self, failures: Sequence[Failure], *, now: dt.datetime) -> frozenset[str]:
        """One transaction; rows changed in id order, each only if it has the claim's attempts.

        The UPDATE or DELETE locks the row, so an ack or another failure of
        the same item queues behind it and then finds it changed or gone.
        """
        batch = check_failures(failures)
        failed = _utc(micros(now, "now"))
        if not batch:
            return frozenset()
        stale = []
        with self._tx() as cur:
            for failure, retry in batch:
                key = (self.tenant, failure.id, failure.attempts)
                if retry is not None:
                    cur.execute(
                        self._sql(
                            "UPDATE {s}.outbox SET visible_at = %s, worker = NULL "
                            "WHERE tenant = %s AND id = %s AND attempts = %s RETURNING id"
                        ),
                        (_utc(retry), *key),
                    )
                    moved = cur.fetchone() is not None
                    if moved:
                        cur.execute(
                            self._sql(
                                "INSERT INTO {s}.outbox_failures (tenant, id, error, "
                                "failed_at) VALUES (%s, %s, %s, %s) ON CONFLICT (tenant, id) "
                                "DO UPDATE SET error = excluded.error, "
                                "failed_at = excluded.failed_at"
                            ),
                            (self.tenant, failure.id, failure.error, failed),
                        )
                else:
                    cur.execute(
                        self._sql(
                            "WITH gone AS (DELETE FROM {s}.outbox WHERE tenant = %s AND id = %s "
                            "AND attempts = %s RETURNING *) INSERT INTO {s}.dead_letters "
                            "(tenant, id, ticket_id, kind, payload, created, created_at, "
                            "attempts, error, failed_at) SELECT tenant, id, ticket_id, kind, "
                            "payload, created, created_at, attempts, %s, %s FROM gone RETURNING id"
                        ),
                        (*key, failure.error, failed),
                    )
                    moved = cur.fetchone() is not None
                    if moved:
                        cur.execute(
                            self._sql(
                                "DELETE FROM {s}.outbox_failures WHERE tenant = %s AND id = %s"
                            ),
                            key[:2],
                        )
                if not moved:
                    stale.append(failure.id)
        return frozenset(stale)

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        check_limit(limit)
        after = None if cursor is None else decode_cursor(cursor)
        since = "" if after is None else "AND (failed_at, id) > (%s, %s) "
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT id, ticket_id, kind, payload, created, attempts, error, failed_at "
                    f"FROM {{s}}.dead_letters WHERE tenant = %s {since}"
                    "ORDER BY failed_at, id LIMIT %s"
                ),
                (
                    self.tenant,
                    *(() if after is None else (_utc(after[0]), after[1])),
                    limit + 1,
                ),
            )
            rows = cur.fetchall()
        page = [(*row[:7], _key(row[7])) for row in rows[:limit]]
        good, bad = quarantined(page, lambda row: decode_dead_letter(self.tenant, *row))
        return DeadLetterPage(
            tuple(letter for _, letter in good),
            encode_cursor(page[-1][7], page[-1][0]) if len(rows) > limit else None,
            tuple(error.key for error in bad),
        )

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        """One statement: the DELETE ... RETURNING locks what it moves, so racing retries
        move each dead letter once."""
        wanted = check_retry_ids(ids)
        which = "" if wanted is None else "AND id = ANY(%s)"
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    f"WITH gone AS (DELETE FROM {{s}}.dead_letters WHERE tenant = %s {which} "
                    "RETURNING *) INSERT INTO {s}.outbox (tenant, id, ticket_id, kind, payload, "
                    "created, created_at, attempts) SELECT tenant, id, ticket_id, kind, payload, "
                    "created, created_at, 0 FROM gone RETURNING id"
                ),
                (self.tenant, *(() if wanted is None else (wanted,))),
            )
            return frozenset(row[0] for row in cur.fetchall())

    def backlog(self, *, now: dt.datetime) -> Backlog:
        """Six indexed aggregates in one statement; no ticket body is loaded."""
        start = _utc(micros(now, "now"))
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT (SELECT count(*) FROM {s}.tickets WHERE tenant = %(t)s "
                    "AND due_at <= %(now)s), (SELECT min(due_at) FROM {s}.tickets "
                    "WHERE tenant = %(t)s AND due_at <= %(now)s), "
                    "(SELECT count(*) FROM {s}.outbox WHERE tenant = %(t)s), "
                    "(SELECT min(created_at) FROM {s}.outbox WHERE tenant = %(t)s), "
                    "(SELECT count(*) FROM {s}.outbox_failures WHERE tenant = %(t)s), "
                    "(SELECT count(*) FROM {s}.dead_letters WHERE tenant = %(t)s)"
                ),
                {"t": self.tenant, "now": start},
            )
            row = cur.fetchone()
        assert row is not None
        due, oldest_due, pending, oldest_pending, retrying, dead = row
        return backlog_of(
            due,
            None if oldest_due is None else _key(oldest_due),
            pending,
            None if oldest_pending is None else _key(oldest_pending),
            retrying,
            dead,
        )

    def find_by_number(self, number: str) -> Ticket:
        check_text(number, "number")
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT id, body FROM {s}.tickets WHERE tenant = %s AND number = %s "
                    "ORDER BY id LIMIT 1"
                ),
                (self.tenant, number),
            )
            row = cur.fetchone()
        if row is None:
            raise NotFound("ticket number", number)
        return decode_ticket(self.tenant, *row)
