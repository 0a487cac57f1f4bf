"""The SQLAlchemy adapter (Core, SQLAlchemy 2; ``pip install complaintflow[sqlalchemy]``).

For the databases CRMs already run on: SQLite, PostgreSQL and
MariaDB/MySQL, through whatever ``Engine`` the host has.  Pass an
``Engine`` (each operation is one transaction on a pooled connection) or
a ``Connection``: if the host has a transaction open on it, the store's
writes join it as a savepoint, so the host's change and the ticket's
commit together or not at all.  The tables are plain ``MetaData``
(:func:`~complaintflow.storage.sqlalchemy_schema.define_tables`), so a
host adds them to its own Alembic migrations and passes ``create=False``.

Locking: ``save``, ``save_many`` and ``reschedule`` lock their rows
(``SELECT ... FOR UPDATE``, in ticket id order); claims take rows with
``FOR UPDATE SKIP LOCKED``; numbers and alert keys are single upserts.
SQLite has no row locks: use :func:`sqlite_engine` (or
:func:`configure_sqlite` on your own engine), which begins every write
with ``BEGIN IMMEDIATE``.  MariaDB/MySQL transactions run at READ
COMMITTED, so a waiting writer sees the row the winner committed.  Every
SQLAlchemy error leaves as :class:`~complaintflow.errors.StorageError`.
"""

from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from complaintflow._extras import needs_extra

with needs_extra("sqlalchemy", __name__):
    import sqlalchemy as sa
    from sqlalchemy.dialects import mysql, postgresql, sqlite

from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.vocabulary import Priority, Status
from complaintflow.errors import ComplaintflowError, ConcurrencyError, NotFound, StorageError
from complaintflow.storage import kit
from complaintflow.storage._sqlalchemy_hot import Hot, driver_sql, engine_quiet, quiet
from complaintflow.storage._sqlalchemy_outbox import OutboxParts
from complaintflow.storage.encoding import event_to_dict, ticket_to_dict
from complaintflow.storage.protocol import Claimed, OutboxItem, Page, Reschedule, SaveItem
from complaintflow.storage.sqlalchemy_schema import Tables, define_tables

__all__ = ["SqlAlchemyStore", "configure_sqlite", "define_tables", "sqlite_engine"]

_R = TypeVar("_R")
_CREATED: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_DEADLOCK = ("deadlock", "1213", "40P01", "lock wait timeout", "1205")
_ROW = (
    "version",
    "last_seq",
    "status",
    "assignee",
    "department",
    "priority",
    "updated_us",
    "due_us",
    "due_lease_us",
    "due_worker",
    "body",
)


def configure_sqlite(engine: sa.Engine, *, synchronous: str = "FULL") -> sa.Engine:
    """Make a SQLite engine safe for the store: WAL, and ``BEGIN IMMEDIATE`` for writes.

    Without it pysqlite begins transactions lazily, two writers both read
    and then one fails with "database is locked" instead of queueing.
    """

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi: Any, _: Any) -> None:
        dbapi.isolation_level = None  # we emit BEGIN ourselves
        dbapi.execute("PRAGMA journal_mode = WAL")
        dbapi.execute(f"PRAGMA synchronous = {synchronous}")

    @sa.event.listens_for(engine, "begin")
    def _begin(conn: sa.Connection) -> None:
        if not conn.get_execution_options().get("complaintflow_read", False):
            driver_sql(conn, "BEGIN IMMEDIATE")
        # a read is one SELECT, consistent by itself: no transaction, no extra round trips

    return engine


def sqlite_engine(path: str, *, synchronous: str = "FULL", busy_timeout: float = 30.0) -> sa.Engine:
    """A SQLite engine configured by :func:`configure_sqlite` (one file, many threads)."""
    engine = sa.create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": busy_timeout, "check_same_thread": False},
        pool_reset_on_return=None,
    )
    return configure_sqlite(engine, synchronous=synchronous)


def _p(name: str, expanding: bool = False) -> Any:
    return sa.bindparam(name, expanding=expanding)


class _Statements:
    """The hot statements, built once per table set: SQLAlchemy then reuses their compiled
    form (a statement built per call costs its cache key every time, ~5x the SQL itself on
    SQLite).  Those of a transition (get and save) are also compiled for the store's
    dialect, to run on the driver's cursor (see ``_sqlalchemy_hot``)."""

    def __init__(self, tables: Tables, dialect: sa.Dialect) -> None:
        t, e, o = tables.tickets, tables.events, tables.outbox
        one = sa.and_(t.c.tenant == _p("p_tenant"), t.c.id == _p("p_id"))
        self.body = sa.select(t.c.body).where(one)
        self.version = sa.select(t.c.version).where(one)
        self.lock = sa.select(t.c.version, t.c.last_seq).where(one).with_for_update()
        self.update = sa.update(t).where(one)
        self.update_if = sa.update(t).where(
            one, t.c.version == _p("p_version"), t.c.last_seq == _p("p_last_seq")
        )
        self.insert_ticket = sa.insert(t)
        self.insert_events = sa.insert(e)
        self.insert_outbox = sa.insert(o)
        self.dedupe = sa.select(t.c.id, t.c.body).where(
            t.c.tenant == _p("p_tenant"), t.c.dedupe_key == _p("p_key")
        )
        self.events = (
            sa.select(e.c.seq, e.c.body)
            .where(
                e.c.tenant == _p("p_tenant"), e.c.ticket_id == _p("p_id"), e.c.seq > _p("p_after")
            )
            .order_by(e.c.seq)
        )
        self.outbox_taken = sa.select(o.c.id).where(
            o.c.tenant == _p("p_tenant"), o.c.id.in_(_p("p_ids", expanding=True))
        )
        self.finds: dict[tuple[Any, ...], Any] = {}
        self.hot_body = Hot(self.body, dialect)
        self.hot_lock = Hot(self.lock, dialect)
        self.hot_update = Hot(self.update, dialect, _ROW)
        self.hot_update_if = Hot(self.update_if, dialect, _ROW)
        self.hot_events = Hot(self.insert_events, dialect, [c.name for c in e.c])


class SqlAlchemyStore(OutboxParts):
    """A :class:`~complaintflow.storage.TicketStore` on an ``Engine`` or a ``Connection``."""

    def __init__(
        self,
        bind: sa.Engine | sa.Connection,
        *,
        tenant: str = "default",
        tables: Tables | None = None,
        create: bool = True,
    ) -> None:
        self.tenant = kit.check_text(tenant, "tenant")
        self.tables = tables if tables is not None else define_tables()
        self.metadata = self.tables.metadata
        self._bind = bind
        self._dialect = bind.dialect.name
        self._lock = threading.RLock()
        self._owned = False
        self._sql = _Statements(self.tables, bind.dialect)
        if create:
            self._create()

    @classmethod
    def from_url(
        cls, url: str, *, tenant: str = "default", **engine_options: Any
    ) -> SqlAlchemyStore:
        """A store on an engine it owns (disposed by :meth:`close`); SQLite configured."""
        try:
            engine = (
                sqlite_engine(url.removeprefix("sqlite:///"))
                if url.startswith("sqlite:///")
                else sa.create_engine(url, **engine_options)
            )
        except sa.exc.SQLAlchemyError as error:
            raise StorageError(f"cannot open {url!r}: {error}") from error
        store = cls(engine, tenant=tenant)
        store._owned = True
        return store

    def close(self) -> None:
        """Dispose of the engine if :meth:`from_url` made it; a host's is left alone."""
        if self._owned and isinstance(self._bind, sa.Engine):
            self._bind.dispose()

    def _create(self) -> None:
        engine = self._bind.engine
        done = _CREATED.setdefault(engine, set())
        name = self.tables.tickets.name
        if name not in done:
            self._run(lambda conn: self.metadata.create_all(conn, checkfirst=True))
            # an index added to an existing table (create_all creates only missing tables)
            number = next(i for i in self.tables.tickets.indexes if str(i.name).endswith("_number"))
            self._run(lambda conn: number.create(conn, checkfirst=True))
            done.add(name)

    # -- transactions ---------------------------------------------------------------

    def _run(
        self,
        work: Callable[[sa.Connection], _R],
        *,
        read: bool = False,
        pooled: Callable[[sa.Engine], _R] | None = None,
    ) -> _R:
        """``work`` in one transaction (a savepoint in the host's); errors translated.

        ``pooled``: the same read on a bare pooled SQLite connection, used when no
        ``Connection`` is needed (see ``_sqlalchemy_hot.engine_quiet``).
        """
        for attempt in range(3):
            nested = False
            try:
                if (
                    pooled is not None
                    and self._dialect == "sqlite"
                    and isinstance(self._bind, sa.Engine)
                    and engine_quiet(self._bind)
                ):
                    return pooled(self._bind)
                if isinstance(self._bind, sa.Connection):
                    with self._lock:
                        conn = self._bind
                        nested = conn.in_transaction()
                        with conn.begin_nested() if nested else conn.begin():
                            return work(conn)
                with self._bind.connect() as conn:
                    if read:  # one SELECT (events: two), consistent by itself
                        conn.execution_options(complaintflow_read=True)
                        if self._dialect == "sqlite":
                            return work(conn)  # begin() would emit nothing anyway
                    elif self._dialect in ("mysql", "mariadb"):
                        conn.execution_options(isolation_level="READ COMMITTED")
                    with conn.begin():
                        return work(conn)
            except ComplaintflowError:
                raise
            except sa.exc.SQLAlchemyError as error:
                text = str(error)
                if not nested and attempt < 2 and any(m in text for m in _DEADLOCK):
                    continue  # rolled back whole: safe to run again
                hint = (
                    " (a writer waited longer than the busy timeout; configure the "
                    "engine with configure_sqlite)"
                    if "locked" in text
                    else ""
                )
                raise StorageError(f"{self._dialect} failed: {text[:300]}{hint}") from error
        raise AssertionError("unreachable")

    def _where(self, table: sa.Table, **equal: Any) -> Any:
        return sa.and_(
            table.c.tenant == self.tenant,
            *(table.c[name] == value for name, value in equal.items()),
        )

    # -- writes -----------------------------------------------------------------

    def _row(self, ticket: Ticket, due: int | None) -> dict[str, Any]:
        return {
            "version": ticket.version,
            "last_seq": ticket.last_seq,
            "status": ticket.status.value,
            "assignee": ticket.assignee,
            "department": ticket.department,
            "priority": None if ticket.priority is None else ticket.priority.value,
            "updated_us": kit.micros(ticket.updated_at),
            "due_us": due,
            "due_lease_us": 0,
            "due_worker": None,
            "body": kit.dumps(ticket_to_dict(ticket)),
        }

    def _append(self, conn: sa.Connection, events: Sequence[Event], fast: bool = False) -> None:
        self._sql.hot_events.many(
            conn,
            [
                {
                    "tenant": self.tenant,
                    "ticket_id": e.ticket_id,
                    "seq": e.seq,
                    "version": e.version,
                    "type": e.type,
                    "at_us": kit.micros(e.at),
                    "body": kit.dumps(event_to_dict(e)),
                }
                for e in events
            ],
            fast,
        )

    def _enqueue(self, conn: sa.Connection, items: Sequence[OutboxItem]) -> None:
        if not items:
            return
        taken = conn.execute(
            self._sql.outbox_taken, {"p_tenant": self.tenant, "p_ids": [item.id for item in items]}
        ).first()
        if taken is not None:
            raise kit.duplicate_outbox(taken[0])
        rows = []
        for item in items:
            payload, created, created_us = kit.outbox_row(item)
            rows.append(
                {
                    "tenant": self.tenant,
                    "id": item.id,
                    "ticket_id": item.ticket_id,
                    "kind": item.kind,
                    "payload": payload,
                    "created": created,
                    "created_us": created_us,
                    "attempts": item.attempts,
                    "visible_us": 0,
                }
            )
        conn.execute(self._sql.insert_outbox, rows)

    def _holder(self, conn: sa.Connection, ticket: Ticket) -> Ticket | None:
        """The ticket already holding ``ticket``'s dedupe key, if any."""
        if ticket.dedupe_key is None:
            return None
        found = conn.execute(
            self._sql.dedupe, {"p_tenant": self.tenant, "p_key": ticket.dedupe_key}
        ).first()
        return None if found is None else kit.decode_ticket(self.tenant, found[0], found[1])

    def add(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> Ticket:
        kit.check_batch(ticket, events, 1)
        items = kit.check_outbox(outbox)
        row = self._row(ticket, None if due_at is None else kit.micros(due_at, "due_at"))
        row.update(
            tenant=self.tenant,
            id=ticket.id,
            number=ticket.number,
            dedupe_key=ticket.dedupe_key,
            received_us=kit.micros(ticket.received_at),
        )

        def work(conn: sa.Connection) -> Ticket:
            try:
                with conn.begin_nested():  # a racing add may take the id or the key first
                    conn.execute(self._sql.insert_ticket, row)
            except sa.exc.IntegrityError:
                holder = self._holder(conn, ticket)
                if holder is not None:
                    return holder
                actual = conn.execute(
                    self._sql.version, {"p_tenant": self.tenant, "p_id": ticket.id}
                ).scalar()
                raise ConcurrencyError(ticket_id=ticket.id, expected=0, actual=actual) from None
            self._append(conn, events)
            self._enqueue(conn, items)
            return ticket

        return self._run(work)

    def save(
        self,
        ticket: Ticket,
        events: Sequence[Event],
        *,
        expected_version: int,
        due_at: dt.datetime | None = None,
        outbox: Sequence[OutboxItem] = (),
    ) -> None:
        kit.check_save(ticket, events, expected_version)
        item = SaveItem(ticket, events, expected_version, due_at, outbox)
        prepared = self._prepare(item)
        actual = self._run(lambda conn: self._save(conn, *prepared))
        if actual is not None:
            raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version, actual=actual)

    def save_many(self, items: Sequence[SaveItem]) -> frozenset[str]:
        """One transaction; rows locked in ticket id order, so overlapping batches queue."""
        batch = sorted(
            (self._prepare(item) for item in kit.check_saves(items)),
            key=lambda prepared: prepared[0].ticket.id,
        )
        if not batch:
            return frozenset()

        def work(conn: sa.Connection) -> frozenset[str]:
            return frozenset(
                entry[0].ticket.id for entry in batch if self._save(conn, *entry) is not None
            )

        return self._run(work)

    def _prepare(self, item: SaveItem) -> tuple[SaveItem, list[OutboxItem], dict[str, Any]]:
        due = None if item.due_at is None else kit.micros(item.due_at, "due_at")
        return item, kit.check_outbox(item.outbox), self._row(item.ticket, due)

    def _save(
        self, conn: sa.Connection, item: SaveItem, outbox: list[OutboxItem], row: dict[str, Any]
    ) -> int | None:
        """One save inside the caller's transaction; the stored version if stale."""
        ticket = item.ticket
        key = {"p_tenant": self.tenant, "p_id": ticket.id}
        fast = quiet(conn)
        if item.events:  # the usual case in one statement: UPDATE ... WHERE version = expected
            first = item.events[0].seq
            if (
                self._sql.hot_update_if.count(
                    conn,
                    {**row, **key, "p_version": item.expected_version, "p_last_seq": first - 1},
                    fast,
                )
                == 1
            ):
                kit.check_batch(ticket, item.events, first)  # an error rolls it all back
                self._append(conn, item.events, fast)
                self._enqueue(conn, outbox)
                return None
        current = self._sql.hot_lock.first(conn, key, fast)  # why not: gone, stale or bad
        if current is None:
            raise NotFound("ticket", ticket.id)
        if current[0] != item.expected_version:
            return int(current[0])
        kit.check_batch(ticket, item.events, current[1] + 1)
        self._sql.hot_update.count(conn, {**row, **key}, fast)
        self._append(conn, item.events, fast)
        self._enqueue(conn, outbox)
        return None

    def reschedule(self, items: Sequence[Reschedule]) -> frozenset[str]:
        batch = kit.check_reschedules(items)
        if not batch:
            return frozenset()
        t = self.tables.tickets

        def work(conn: sa.Connection) -> frozenset[str]:
            versions: dict[str, int] = dict(
                conn.execute(
                    sa.select(t.c.id, t.c.version)
                    .where(self._where(t), t.c.id.in_([item.ticket_id for item, _ in batch]))
                    .order_by(t.c.id)
                    .with_for_update()
                ).all()
            )
            for item, _ in batch:
                if item.ticket_id not in versions:
                    raise NotFound("ticket", item.ticket_id)
            ready = [
                {"b_id": item.ticket_id, "b_due": due}
                for item, due in batch
                if versions[item.ticket_id] == item.version
            ]
            if ready:
                conn.execute(
                    sa.update(t)
                    .where(t.c.tenant == self.tenant, t.c.id == sa.bindparam("b_id"))
                    .values(due_us=sa.bindparam("b_due"), due_lease_us=0, due_worker=None),
                    ready,
                )
            return frozenset(
                item.ticket_id for item, _ in batch if versions[item.ticket_id] != item.version
            )

        return self._run(work)

    def next_number(self, *, prefix: str, day: dt.date) -> str:
        kit.check_text(prefix, "prefix")
        day = kit.check_day(day)
        c = self.tables.counters
        key = {"tenant": self.tenant, "prefix": prefix, "day": day}

        def work(conn: sa.Connection) -> int:
            if self._dialect in ("mysql", "mariadb"):
                conn.execute(
                    mysql.insert(c)
                    .values(**key, last=sa.func.last_insert_id(1))
                    .on_duplicate_key_update(last=sa.func.last_insert_id(c.c.last + 1))
                )
                return int(conn.execute(sa.select(sa.func.last_insert_id())).scalar_one())
            insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(c)
            return int(
                conn.execute(
                    insert.values(**key, last=1)
                    .on_conflict_do_update(
                        index_elements=[c.c.tenant, c.c.prefix, c.c.day],
                        set_={"last": c.c.last + 1},
                    )
                    .returning(c.c.last)
                ).scalar_one()
            )

        return kit.format_ticket_number(prefix, day, self._run(work))

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        """One transaction, keys inserted in sorted order so overlapping batches queue."""
        wanted = sorted(kit.alert_keys(keys))
        if not wanted:
            return frozenset()
        a = self.tables.alerts

        def work(conn: sa.Connection) -> frozenset[str]:
            if self._dialect in ("mysql", "mariadb"):
                return frozenset(
                    key
                    for key in wanted
                    if conn.execute(
                        mysql.insert(a).prefix_with("IGNORE").values(tenant=self.tenant, key=key)
                    ).rowcount
                    == 1
                )
            insert = (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(a)
            return frozenset(
                conn.execute(
                    insert.values([{"tenant": self.tenant, "key": key} for key in wanted])
                    .on_conflict_do_nothing()
                    .returning(a.c.key)
                ).scalars()
            )

        return self._run(work)

    # -- reads ------------------------------------------------------------------

    def get(self, ticket_id: str) -> Ticket:
        kit.check_text(ticket_id, "ticket_id")
        key = {"p_tenant": self.tenant, "p_id": ticket_id}
        hot = self._sql.hot_body
        row = self._run(
            lambda conn: hot.first(conn, key, quiet(conn)),
            read=True,
            pooled=(lambda engine: hot.pooled_first(engine, key)) if hot.direct else None,
        )
        if row is None:
            raise NotFound("ticket", ticket_id)
        return kit.decode_ticket(self.tenant, ticket_id, row[0])

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        kit.check_text(ticket_id, "ticket_id")
        kit.check_after(after)
        key = {"p_tenant": self.tenant, "p_id": ticket_id}

        def work(conn: sa.Connection) -> list[Any]:
            rows = conn.execute(self._sql.events, {**key, "p_after": after}).all()
            if not rows and conn.execute(self._sql.version, key).first() is None:
                raise NotFound("ticket", ticket_id)
            return list(rows)

        return [
            kit.decode_event(self.tenant, ticket_id, seq, body)
            for seq, body in self._run(work, read=True)
        ]

    def find_by_dedupe_key(self, key: str) -> Ticket | None:
        kit.check_text(key, "key")
        row = self._run(
            lambda conn: conn.execute(
                self._sql.dedupe, {"p_tenant": self.tenant, "p_key": key}
            ).first(),
            read=True,
        )
        return None if row is None else kit.decode_ticket(self.tenant, row[0], row[1])

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
        query = kit.Query(
            status=status,
            assignee=assignee,
            department=department,
            priority=priority,
            due_before=due_before,
            limit=limit,
            cursor=cursor,
        )
        params: dict[str, Any] = {"p_tenant": self.tenant, "p_limit": query.limit + 1}
        if query.statuses is not None:
            params["p_statuses"] = sorted(s.value for s in query.statuses)
        for name, value in (
            ("assignee", query.assignee),
            ("department", query.department),
            ("priority", None if query.priority is None else query.priority.value),
            ("due", query.due_before),
        ):
            if value is not None:
                params[f"p_{name}"] = value
        if query.after is not None:
            params["p_after_key"], params["p_after_id"] = query.after
        shape = tuple(sorted(params))
        statement = self._sql.finds.get(shape)
        if statement is None:
            statement = self._sql.finds.setdefault(shape, self._find_statement(params))
        rows = self._run(lambda conn: conn.execute(statement, params).all(), read=True)
        page = rows[: query.limit]
        more = len(rows) > query.limit
        good, bad = kit.quarantined(
            page, lambda row: kit.decode_ticket(self.tenant, row[1], row[2])
        )
        return Page(
            tuple(ticket for _, ticket in good),
            kit.encode_cursor(page[-1][0], page[-1][1]) if more else None,
            tuple(error.key for error in bad),
        )

    def _find_statement(self, params: dict[str, Any]) -> Any:
        """``find``'s SELECT for this combination of filters (cached by the caller)."""
        t = self.tables.tickets
        key = t.c.received_us if "p_due" not in params else t.c.due_us
        where = [t.c.tenant == _p("p_tenant")]
        if "p_statuses" in params:
            where.append(t.c.status.in_(_p("p_statuses", expanding=True)))
        for column in (t.c.assignee, t.c.department, t.c.priority):
            if f"p_{column.name}" in params:
                where.append(column == _p(f"p_{column.name}"))
        if "p_due" in params:
            where.append(t.c.due_us <= _p("p_due"))
        if "p_after_key" in params:
            where.append(
                sa.or_(
                    key > _p("p_after_key"),
                    sa.and_(key == _p("p_after_key"), t.c.id > _p("p_after_id")),
                )
            )
        return (
            sa.select(key, t.c.id, t.c.body)
            .where(*where)
            .order_by(key, t.c.id)
            .limit(_p("p_limit"))
        )

    # -- leases: the outbox and due tickets ----------------------------------------------

    def _claim(
        self,
        table: sa.Table,
        order: sa.Column[Any],
        ready: Any,
        columns: list[Any],
        decode: Callable[[Any], _R],
        lease: dict[str, Any],
        limit: int,
    ) -> Claimed[_R]:
        def work(conn: sa.Connection) -> tuple[list[tuple[Any, _R]], list[Any]]:
            def fetch(after: Any, count: int) -> list[Any]:
                since = (
                    []
                    if after is None
                    else [
                        sa.or_(
                            order > after[-1], sa.and_(order == after[-1], table.c.id > after[0])
                        )
                    ]
                )
                return list(
                    conn.execute(
                        sa.select(*columns, order)
                        .where(table.c.tenant == self.tenant, ready, *since)
                        .order_by(order, table.c.id)
                        .limit(count)
                        .with_for_update(skip_locked=True)
                    ).all()
                )

            good, bad = kit.take_decodable(fetch, decode, limit)
            if good:
                conn.execute(
                    sa.update(table)
                    .where(
                        table.c.tenant == self.tenant, table.c.id.in_([row[0] for row, _ in good])
                    )
                    .values(**lease)
                )
            return good, bad

        good, bad = self._run(work)
        return Claimed((value for _, value in good), (error.key for error in bad))

    def claim_outbox(
        self, *, worker: str, limit: int, lease: dt.timedelta, now: dt.datetime
    ) -> list[OutboxItem]:
        kit.check_limit(limit)
        kit.check_text(worker, "worker")
        start = kit.micros(now, "now")
        until = start + kit.lease_micros(lease)
        o = self.tables.outbox
        return self._claim(
            o,
            o.c.created_us,
            o.c.visible_us <= start,
            [o.c.id, o.c.ticket_id, o.c.kind, o.c.payload, o.c.created, o.c.attempts],
            lambda r: kit.decode_outbox(self.tenant, r[0], r[1], r[2], r[3], r[4], r[5] + 1),
            {"visible_us": until, "worker": worker, "attempts": o.c.attempts + 1},
            limit,
        )

    def ack_outbox(self, ids: Iterable[str]) -> None:
        wanted = kit.check_ids(ids)
        if wanted:
            o = self.tables.outbox
            f = self.tables.outbox_failures

            def work(conn: sa.Connection) -> None:
                conn.execute(sa.delete(o).where(self._where(o), o.c.id.in_(wanted)))
                conn.execute(sa.delete(f).where(self._where(f), f.c.id.in_(wanted)))

            self._run(work)

    def claim_due(
        self, *, now: dt.datetime, limit: int, worker: str, lease: dt.timedelta
    ) -> list[Ticket]:
        kit.check_limit(limit)
        kit.check_text(worker, "worker")
        start = kit.micros(now, "now")
        until = start + kit.lease_micros(lease)
        t = self.tables.tickets
        return self._claim(
            t,
            t.c.due_us,
            sa.and_(t.c.due_us <= start, t.c.due_lease_us <= start),
            [t.c.id, t.c.body],
            lambda r: kit.decode_ticket(self.tenant, r[0], r[1]),
            {"due_lease_us": until, "due_worker": worker},
            limit,
        )
