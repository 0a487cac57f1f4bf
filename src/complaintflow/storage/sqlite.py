"""The SQLite adapter: the embedded default, on the standard library's ``sqlite3``.

Settings (see docs/storage.md): WAL journal, so readers never block the
writer; every write in ``BEGIN IMMEDIATE``, so writers queue on SQLite's
file lock (safe across threads and processes) instead of failing half way;
a busy timeout for that queue; ``synchronous=FULL`` by default, so a
committed transition survives a power cut.  ``synchronous="NORMAL"`` is
several times faster and still never corrupts the file or loses a commit
when the *application* crashes, but the last commits before an OS crash
or power loss can roll back.

Connections: given a path, the store opens one connection per thread
(lazily; :meth:`SqliteStore.close` closes them all).  Given a
``sqlite3.Connection`` (or ``":memory:"``), it uses that one connection
under a lock; if the host already has a transaction open on it, the
store's writes join it as a savepoint, so they commit with the host's.

Every instant reaches SQLite as integer microseconds (UTC) or as JSON
text from :mod:`complaintflow.storage.encoding`, never as a datetime, and
every ``sqlite3.Error`` leaves as a :class:`~complaintflow.errors.StorageError`.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, Literal

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import (
    ComplaintflowError,
    ConcurrencyError,
    NotFound,
    StorageError,
)
from complaintflow.storage.encoding import event_to_dict, ticket_to_dict
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
    dumps,
    duplicate_outbox,
    encode_cursor,
    lease_micros,
    micros,
    outbox_row,
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

__all__ = ["MIGRATIONS", "SqliteStore"]

#: Forward migrations, in order; ``schema_version`` holds how many were applied.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE tickets (
            tenant TEXT NOT NULL, id TEXT NOT NULL, number TEXT NOT NULL,
            version INTEGER NOT NULL, last_seq INTEGER NOT NULL, status TEXT NOT NULL,
            assignee TEXT, department TEXT, priority TEXT, dedupe_key TEXT,
            received_us INTEGER NOT NULL, updated_us INTEGER NOT NULL, body TEXT NOT NULL,
            PRIMARY KEY (tenant, id))""",
        """CREATE UNIQUE INDEX tickets_dedupe ON tickets (tenant, dedupe_key)
            WHERE dedupe_key IS NOT NULL""",
        "CREATE INDEX tickets_received ON tickets (tenant, received_us, id)",
        "CREATE INDEX tickets_status ON tickets (tenant, status, received_us, id)",
        "CREATE INDEX tickets_assignee ON tickets (tenant, assignee, received_us, id)",
        "CREATE INDEX tickets_department ON tickets (tenant, department, received_us, id)",
        """CREATE TABLE events (
            tenant TEXT NOT NULL, ticket_id TEXT NOT NULL, seq INTEGER NOT NULL,
            version INTEGER NOT NULL, type TEXT NOT NULL, at_us INTEGER NOT NULL,
            body TEXT NOT NULL, PRIMARY KEY (tenant, ticket_id, seq))""",
        """CREATE TABLE counters (
            tenant TEXT NOT NULL, prefix TEXT NOT NULL, day TEXT NOT NULL,
            last INTEGER NOT NULL, PRIMARY KEY (tenant, prefix, day))""",
    ),
    (
        "ALTER TABLE tickets ADD COLUMN due_us INTEGER",
        "ALTER TABLE tickets ADD COLUMN due_lease_us INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE tickets ADD COLUMN due_worker TEXT",
        "CREATE INDEX tickets_due ON tickets (tenant, due_us, id) WHERE due_us IS NOT NULL",
        """CREATE TABLE outbox (
            tenant TEXT NOT NULL, id TEXT NOT NULL, ticket_id TEXT NOT NULL,
            kind TEXT NOT NULL, payload TEXT NOT NULL, created TEXT NOT NULL,
            created_us INTEGER NOT NULL, attempts INTEGER NOT NULL,
            visible_us INTEGER NOT NULL, worker TEXT, PRIMARY KEY (tenant, id))""",
        "CREATE INDEX outbox_ready ON outbox (tenant, created_us, id)",
        """CREATE TABLE alerts (
            tenant TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tenant, key))""",
    ),
    (  # delivery failures and dead letters (complaintflow.storage.outbox)
        """CREATE TABLE outbox_failures (
            tenant TEXT NOT NULL, id TEXT NOT NULL, error TEXT NOT NULL,
            failed_us INTEGER NOT NULL, PRIMARY KEY (tenant, id))""",
        """CREATE TABLE dead_letters (
            tenant TEXT NOT NULL, id TEXT NOT NULL, ticket_id TEXT NOT NULL,
            kind TEXT NOT NULL, payload TEXT NOT NULL, created TEXT NOT NULL,
            created_us INTEGER NOT NULL, attempts INTEGER NOT NULL, error TEXT NOT NULL,
            failed_us INTEGER NOT NULL, PRIMARY KEY (tenant, id))""",
        "CREATE INDEX dead_letters_failed ON dead_letters (tenant, failed_us, id)",
    ),
    ("CREATE INDEX tickets_number ON tickets (tenant, number, id)",),  # find_by_number
)

_TICKET_COLUMNS = (
    "version, last_seq, status, assignee, department, priority, updated_us, due_us, body"
)


@contextmanager
def _translated() -> Iterator[None]:
    """Every sqlite3 error leaves as StorageError; ours pass through."""
    try:
        yield
    except ComplaintflowError:
        raise
    except sqlite3.Error as error:
        hint = (
            " (another connection held the write lock longer than busy_timeout: "
            "a long host transaction on this file, or a writer that began with a "
            "deferred BEGIN and upgraded late)"
            if "locked" in str(error)
            else ""
        )
        raise StorageError(f"SQLite failed: {error}{hint}") from error


def _ticket_row(ticket: Ticket, due: int | None) -> tuple[Any, ...]:
    return (
        ticket.version,
        ticket.last_seq,
        ticket.status.value,
        ticket.assignee,
        ticket.department,
        None if ticket.priority is None else ticket.priority.value,
        micros(ticket.updated_at),
        due,
        dumps(ticket_to_dict(ticket)),
    )


class SqliteStore:
    """A :class:`~complaintflow.storage.TicketStore` in one SQLite file.

    Opening creates or upgrades complaintflow's tables; pass
    ``migrate=False`` to refuse (with ``StorageError``) a file that does
    not already hold the current schema, e.g. for read-only reports.
    """

    def __init__(
        self,
        path_or_connection: str | os.PathLike[str] | sqlite3.Connection,
        *,
        tenant: str = "default",
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        busy_timeout: dt.timedelta = dt.timedelta(seconds=30),
        migrate: bool = True,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be 'FULL' or 'NORMAL'")
        self.tenant = tenant
        self._synchronous = synchronous
        self._busy_ms = int(busy_timeout / dt.timedelta(milliseconds=1))
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._opened_lock = threading.Lock()
        self._shared: sqlite3.Connection | None = None
        self._path: str | None = None
        self._lock: threading.RLock | None = None
        with _translated():
            if isinstance(path_or_connection, sqlite3.Connection):
                self._shared = self._configure(path_or_connection)
            elif os.fspath(path_or_connection) == ":memory:":
                self._shared = self._open(":memory:")
            else:
                self._path = os.fspath(path_or_connection)
            if self._shared is not None:
                self._lock = threading.RLock()
        try:
            self._migrate() if migrate else self._check_schema()
        except BaseException:
            self.close()
            raise

    # -- connections and transactions ----------------------------------

    def _configure(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.execute(f"PRAGMA busy_timeout = {self._busy_ms}")
        if not conn.in_transaction:  # WAL cannot be switched on inside a transaction
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        return conn

    def _open(self, path: str) -> sqlite3.Connection:
        conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=self._busy_ms / 1000
        )
        with self._opened_lock:
            self._opened.append(conn)
        return self._configure(conn)

    def _connection(self) -> sqlite3.Connection:
        if self._shared is not None:
            return self._shared
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            assert self._path is not None
            conn = self._local.conn = self._open(self._path)
        return conn

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with self._lock or nullcontext(), _translated():
            yield self._connection()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``; a savepoint inside a host's transaction."""
        with self._lock or nullcontext(), _translated():
            conn = self._connection()
            nested = conn.in_transaction
            conn.execute("SAVEPOINT complaintflow" if nested else "BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("RELEASE complaintflow" if nested else "COMMIT")
            except BaseException:
                if nested:
                    conn.execute("ROLLBACK TO complaintflow")
                    conn.execute("RELEASE complaintflow")
                elif conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _check_schema(self) -> None:
        """With ``migrate=False``: refuse a database whose schema is not current, write nothing."""
        with self._reading() as conn:
            known = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            current = (
                conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
                if known
                else None
            )
        if current != len(MIGRATIONS):
            found = "no complaintflow schema" if current is None else f"schema {current}"
            raise StorageError(
                f"{self._path or 'the database'} has {found}, this complaintflow needs "
                f"{len(MIGRATIONS)}; open it with migrate=True to create or upgrade it"
            )

    def _migrate(self) -> None:
        with self._writing() as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
            current = row[0] or 0
            if current > len(MIGRATIONS):
                raise StorageError(
                    f"the database schema is at version {current}, newer than this "
                    f"complaintflow knows ({len(MIGRATIONS)}): upgrade complaintflow"
                )
            for version in range(current + 1, len(MIGRATIONS) + 1):
                for statement in MIGRATIONS[version - 1]:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))

    @property
    def path(self) -> str | None:
        """The database file, or None when the store was given a connection."""
        return self._path

    def close(self) -> None:
        """Close the connections this store opened (not one the host passed in)."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for conn in opened:
            conn.close()
        self._local = threading.local()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- writes -----------------------------------------------------------

    def _append(self, conn: sqlite3.Connection, events: Sequence[Event]) -> None:
        try:
            conn.executemany(
                "INSERT INTO events (tenant, ticket_id, seq, version, type, at_us, body) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        self.tenant,
                        ev.ticket_id,
                        ev.seq,
                        ev.version,
                        ev.type,
                        micros(ev.at),
                        dumps(event_to_dict(ev)),
                    )
                    for ev in events
                ],
            )
        except sqlite3.IntegrityError as error:
            if "events." not in str(error):
                raise
            first = events[0]
            raise ConcurrencyError(
                ticket_id=first.ticket_id, expected=first.version - 1, actual=None
            ) from error

    def _enqueue(self, conn: sqlite3.Connection, items: Sequence[OutboxItem]) -> None:
        if not items:
            return
        marks = ", ".join("?" * len(items))
        taken = conn.execute(
            f"SELECT id FROM outbox WHERE tenant = ? AND id IN ({marks})",
            (self.tenant, *(item.id for item in items)),
        ).fetchone()
        if taken is not None:
            raise duplicate_outbox(taken[0])
        conn.executemany(
            "INSERT INTO outbox (tenant, id, ticket_id, kind, payload, created, created_us, "
            "attempts, visible_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    self.tenant,
                    item.id,
                    item.ticket_id,
                    item.kind,
                    *outbox_row(item),
                    item.attempts,
                    0,
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
        due = None if due_at is None else micros(due_at, "due_at")
        row = _ticket_row(ticket, due)
        with self._writing() as conn:
            if ticket.dedupe_key is not None:
                found = conn.execute(
                    "SELECT id, body FROM tickets WHERE tenant = ? AND dedupe_key = ?",
                    (self.tenant, ticket.dedupe_key),
                ).fetchone()
                if found is not None:
                    return decode_ticket(self.tenant, *found)
            exists = conn.execute(
                "SELECT version FROM tickets WHERE tenant = ? AND id = ?", (self.tenant, ticket.id)
            ).fetchone()
            if exists is not None:
                raise ConcurrencyError(ticket_id=ticket.id, expected=0, actual=exists[0])
            conn.execute(
                f"INSERT INTO tickets (tenant, id, number, dedupe_key, received_us, "
                f"{_TICKET_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    self.tenant,
                    ticket.id,
                    ticket.number,
                    ticket.dedupe_key,
                    micros(ticket.received_at),
                    *row,
                ),
            )
            self._append(conn, events)
            self._enqueue(conn, items)
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
        with self._writing() as conn:
            actual = self._save(conn, item, *prepared)
        if actual is not None:
            raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version, actual=actual)

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        """One ``BEGIN IMMEDIATE`` for the whole batch: one commit (one fsync), not one per save.

        Rows are serialised before the write lock is taken, so other
        writers wait only for the SQL itself.
        """
        batch = [(item, *self._prepare(item)) for item in check_saves(items)]
        if not batch:
            return frozenset()
        stale = []
        with self._writing() as conn:
            for item, outbox, row in batch:
                if self._save(conn, item, outbox, row) is not None:
                    stale.append(item.ticket.id)
        return frozenset(stale)

    @staticmethod
    def _prepare(item: SaveItem) -> tuple[list[OutboxItem], tuple[Any, ...]]:
        due = None if item.due_at is None else micros(item.due_at, "due_at")
        return check_outbox(item.outbox), _ticket_row(item.ticket, due)

    def _save(
        self,
        conn: sqlite3.Connection,
        item: SaveItem,
        outbox: list[OutboxItem],
        row: tuple[Any, ...],
    ) -> int | None:
        """Write one save inside the caller's transaction; the stored version if stale."""
        ticket = item.ticket
        current = conn.execute(
            "SELECT version, last_seq FROM tickets WHERE tenant = ? AND id = ?",
            (self.tenant, ticket.id),
        ).fetchone()
        if current is None:
            raise NotFound("ticket", ticket.id)
        if current[0] != item.expected_version:
            return int(current[0])
        check_batch(ticket, item.events, current[1] + 1)
        # The snapshot first, then the log: a failure in between rolls both back.
        conn.execute(
            "UPDATE tickets SET version = ?, last_seq = ?, status = ?, assignee = ?, "
            "department = ?, priority = ?, updated_us = ?, due_us = ?, body = ?, "
            "due_lease_us = 0, due_worker = NULL WHERE tenant = ? AND id = ?",
            (*row, self.tenant, ticket.id),
        )
        self._append(conn, item.events)
        self._enqueue(conn, outbox)
        return None

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        """One ``BEGIN IMMEDIATE`` for the whole batch; the version check is in each UPDATE."""
        batch = check_reschedules(items)
        if not batch:
            return frozenset()
        stale = []
        with self._writing() as conn:
            for item, due in batch:
                moved = conn.execute(
                    "UPDATE tickets SET due_us = ?, due_lease_us = 0, due_worker = NULL "
                    "WHERE tenant = ? AND id = ? AND version = ?",
                    (due, self.tenant, item.ticket_id, item.version),
                ).rowcount
                if moved:
                    continue
                if (
                    conn.execute(
                        "SELECT 1 FROM tickets WHERE tenant = ? AND id = ?",
                        (self.tenant, item.ticket_id),
                    ).fetchone()
                    is None
                ):
                    raise NotFound("ticket", item.ticket_id)  # rolls back the batch
                stale.append(item.ticket_id)
        return frozenset(stale)

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        check_text(prefix, "prefix")
        day = check_day(day)
        with self._writing() as conn:
            (last,) = conn.execute(
                "INSERT INTO counters (tenant, prefix, day, last) VALUES (?, ?, ?, 1) "
                "ON CONFLICT (tenant, prefix, day) DO UPDATE SET last = last + 1 "
                "RETURNING last",
                (self.tenant, prefix, day.isoformat()),
            ).fetchone()
        return format_ticket_number(prefix, day, last)

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        """One ``BEGIN IMMEDIATE`` for the whole batch: one commit (one fsync), not one per key."""
        wanted = alert_keys(keys)
        if not wanted:
            return frozenset()
        fresh = []
        with self._writing() as conn:
            for key in wanted:  # the write lock is held: no other claim interleaves
                cursor = conn.execute(
                    "INSERT INTO alerts (tenant, key) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (self.tenant, key),
                )
                if cursor.rowcount == 1:
                    fresh.append(key)
        return frozenset(fresh)

    # -- reads --------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        check_text(ticket_id, "ticket_id")
        with self._reading() as conn:
            row = conn.execute(
                "SELECT body FROM tickets WHERE tenant = ? AND id = ?", (self.tenant, ticket_id)
            ).fetchone()
        if row is None:
            raise NotFound("ticket", ticket_id)
        return decode_ticket(self.tenant, ticket_id, row[0])

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        check_text(ticket_id, "ticket_id")
        check_after(after)
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT seq, body FROM events WHERE tenant = ? AND ticket_id = ? AND seq > ? "
                "ORDER BY seq",
                (self.tenant, ticket_id, after),
            ).fetchall()
            if (
                not rows
                and conn.execute(
                    "SELECT 1 FROM tickets WHERE tenant = ? AND id = ?", (self.tenant, ticket_id)
                ).fetchone()
                is None
            ):
                raise NotFound("ticket", ticket_id)
        return [decode_event(self.tenant, ticket_id, seq, body) for seq, body in rows]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        check_text(key, "key")
        with self._reading() as conn:
            row = conn.execute(
                "SELECT id, body FROM tickets WHERE tenant = ? AND dedupe_key = ?",
                (self.tenant, key),
            ).fetchone()
        return None if row is None else decode_ticket(self.tenant, *row)

    def find_by_number(self, number: str) -> Ticket:
        check_text(number, "number")
        with self._reading() as conn:
            row = conn.execute(
                "SELECT id, body FROM tickets WHERE tenant = ? AND number = ? ORDER BY id LIMIT 1",
                (self.tenant, number),
            ).fetchone()
        if row is None:
            raise NotFound("ticket number", number)
        return decode_ticket(self.tenant, *row)

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
        key = "received_us" if query.due_before is None else "due_us"
        where: list[str] = ["tenant = ?"]
        args: list[object] = [self.tenant]
        if query.statuses is not None:
            where.append(f"status IN ({', '.join('?' * len(query.statuses))})")
            args.extend(sorted(s.value for s in query.statuses))
        for column, value in (
            ("assignee", query.assignee),
            ("department", query.department),
            ("priority", query.priority),
        ):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(str(value))
        if query.due_before is not None:
            where.append("due_us <= ?")
            args.append(query.due_before)
        if query.after is not None:
            where.append(f"({key}, id) > (?, ?)")
            args.extend(query.after)
        sql = (
            f"SELECT {key}, id, body FROM tickets WHERE {' AND '.join(where)} "
            f"ORDER BY {key}, id LIMIT ?"
        )
        with self._reading() as conn:
            rows = conn.execute(sql, (*args, query.limit + 1)).fetchall()
        page = rows[: query.limit]
        next_cursor = encode_cursor(page[-1][0], page[-1][1]) if len(rows) > query.limit else None
        good, bad = quarantined(page, lambda row: decode_ticket(self.tenant, row[1], row[2]))
        return Page(
            tuple(ticket for _, ticket in good), next_cursor, tuple(error.key for error in bad)
        )

    # -- leases: outbox and due tickets --------------------------------------

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._writing() as conn:

            def fetch(after: Any, count: int) -> list[Any]:
                since = "" if after is None else "AND (created_us, id) > (?, ?) "
                return conn.execute(
                    "SELECT id, ticket_id, kind, payload, created, attempts, created_us "
                    f"FROM outbox WHERE tenant = ? AND visible_us <= ? {since}"
                    "ORDER BY created_us, id LIMIT ?",
                    (self.tenant, start, *(() if after is None else (after[6], after[0])), count),
                ).fetchall()

            good, bad = take_decodable(
                fetch,
                lambda row: decode_outbox(
                    self.tenant, row[0], row[1], row[2], row[3], row[4], row[5] + 1
                ),
                limit,
            )
            conn.executemany(
                "UPDATE outbox SET visible_us = ?, worker = ?, attempts = attempts + 1 "
                "WHERE tenant = ? AND id = ?",
                [(until, worker, self.tenant, item.id) for _, item in good],
            )
        return Claimed((item for _, item in good), (error.key for error in bad))

    def ack_outbox(self, ids: Iterable[str]) -> None:
        ids = check_ids(ids)
        with self._writing() as conn:
            conn.executemany(
                "DELETE FROM outbox WHERE tenant = ? AND id = ?",
                [(self.tenant, item_id) for item_id in ids],
            )
            conn.executemany(
                "DELETE FROM outbox_failures WHERE tenant = ? AND id = ?",
                [(self.tenant, item_id) for item_id in ids],
            )

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        check_limit(limit)
        check_text(worker, "worker")
        start = micros(now, "now")
        until = start + lease_micros(lease)
        with self._writing() as conn:

            def fetch(after: Any, count: int) -> list[Any]:
                since = "" if after is None else "AND (due_us, id) > (?, ?) "
                return conn.execute(
                    "SELECT id, body, due_us FROM tickets WHERE tenant = ? AND due_us <= ? "
                    f"AND due_lease_us <= ? {since}ORDER BY due_us, id LIMIT ?",
                    (
                        self.tenant,
                        start,
                        start,
                        *(() if after is None else (after[2], after[0])),
                        count,
                    ),
                ).fetchall()

            good, bad = take_decodable(
                fetch, lambda row: decode_ticket(self.tenant, row[0], row[1]), limit
            )
            conn.executemany(
                "UPDATE tickets SET due_lease_us = ?, due_worker = ? WHERE tenant = ? AND id = ?",
                [(until, worker, self.tenant, ticket.id) for _, ticket in good],
            )
        return Claimed((ticket for _, ticket in good), (error.key for error in bad))

    # -- failures, dead letters, backlog (complaintflow.storage.outbox) ----------

    def fail_outbox(self, failures: Sequence[Failure], *, now: dt.datetime) -> frozenset[str]:
        """One ``BEGIN IMMEDIATE``; each row changes only if it still has the claim's attempts."""
        batch = check_failures(failures)
        failed = micros(now, "now")
        if not batch:
            return frozenset()
        stale = []
        with self._writing() as conn:
            for failure, retry in batch:
                key = (self.tenant, failure.id, failure.attempts)
                if retry is not None:
                    moved = conn.execute(
                        "UPDATE outbox SET visible_us = ?, worker = NULL "
                        "WHERE tenant = ? AND id = ? AND attempts = ?",
                        (retry, *key),
                    ).rowcount
                    if moved:
                        conn.execute(
                            "INSERT INTO outbox_failures (tenant, id, error, failed_us) "
                            "VALUES (?, ?, ?, ?) ON CONFLICT (tenant, id) DO UPDATE SET "
                            "error = excluded.error, failed_us = excluded.failed_us",
                            (self.tenant, failure.id, failure.error, failed),
                        )
                else:
                    moved = conn.execute(
                        "INSERT INTO dead_letters (tenant, id, ticket_id, kind, payload, "
                        "created, created_us, attempts, error, failed_us) "
                        "SELECT tenant, id, ticket_id, kind, payload, created, created_us, "
                        "attempts, ?, ? FROM outbox WHERE tenant = ? AND id = ? AND attempts = ?",
                        (failure.error, failed, *key),
                    ).rowcount
                    if moved:
                        for table in ("outbox", "outbox_failures"):
                            conn.execute(
                                f"DELETE FROM {table} WHERE tenant = ? AND id = ?", key[:2]
                            )
                if not moved:
                    stale.append(failure.id)
        return frozenset(stale)

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        check_limit(limit)
        after = () if cursor is None else decode_cursor(cursor)
        since = "AND (failed_us, id) > (?, ?) " if after else ""
        with self._reading() as conn:
            rows = conn.execute(
                "SELECT id, ticket_id, kind, payload, created, attempts, error, failed_us "
                f"FROM dead_letters WHERE tenant = ? {since}ORDER BY failed_us, id LIMIT ?",
                (self.tenant, *after, limit + 1),
            ).fetchall()
        page = rows[:limit]
        good, bad = quarantined(page, lambda row: decode_dead_letter(self.tenant, *row))
        return DeadLetterPage(
            tuple(letter for _, letter in good),
            encode_cursor(page[-1][7], page[-1][0]) if len(rows) > limit else None,
            tuple(error.key for error in bad),
        )

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        wanted = check_retry_ids(ids)
        with self._writing() as conn:
            if wanted is None:
                found = conn.execute(
                    "SELECT id FROM dead_letters WHERE tenant = ?", (self.tenant,)
                ).fetchall()
            else:
                found = [
                    row
                    for item_id in wanted
                    for row in conn.execute(
                        "SELECT id FROM dead_letters WHERE tenant = ? AND id = ?",
                        (self.tenant, item_id),
                    ).fetchall()
                ]
            keys = [(self.tenant, row[0]) for row in found]
            conn.executemany(
                "INSERT INTO outbox (tenant, id, ticket_id, kind, payload, created, created_us, "
                "attempts, visible_us) SELECT tenant, id, ticket_id, kind, payload, created, "
                "created_us, 0, 0 FROM dead_letters WHERE tenant = ? AND id = ?",
                keys,
            )
            conn.executemany("DELETE FROM dead_letters WHERE tenant = ? AND id = ?", keys)
        return frozenset(item_id for _, item_id in keys)

    def backlog(self, *, now: dt.datetime) -> Backlog:
        """Six indexed aggregates in one read; no ticket body is loaded."""
        start = micros(now, "now")
        with self._reading() as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM tickets WHERE tenant = ?1 AND due_us <= ?2), "
                "(SELECT min(due_us) FROM tickets WHERE tenant = ?1 AND due_us <= ?2), "
                "(SELECT count(*) FROM outbox WHERE tenant = ?1), "
                "(SELECT min(created_us) FROM outbox WHERE tenant = ?1), "
                "(SELECT count(*) FROM outbox_failures WHERE tenant = ?1), "
                "(SELECT count(*) FROM dead_letters WHERE tenant = ?1)",
                (self.tenant, start),
            ).fetchone()
        return backlog_of(*row)
