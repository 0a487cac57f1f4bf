"""SqlAlchemyStore's outbox failures, dead letters, backlog and number lookup.

A mixin kept apart so each module reads in one sitting; the methods are
:class:`~complaintflow.storage.sqlalchemy.SqlAlchemyStore`'s (see the
protocols in :mod:`complaintflow.storage.outbox`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from complaintflow.domain.ticket import Ticket
from complaintflow.errors import NotFound
from complaintflow.storage import kit
from complaintflow.storage.outbox import Backlog, DeadLetterPage, Failure
from complaintflow.storage.sqlalchemy_schema import Tables

_R = TypeVar("_R")


class OutboxParts:
    """The optional store parts, on the tables and transactions of the store."""

    tenant: str
    tables: Tables

    def _run(self, work: Callable[[sa.Connection], _R], *, read: bool = False) -> _R:
        raise NotImplementedError  # SqlAlchemyStore's

    def fail_outbox(self, failures: Sequence[Failure], *, now: dt.datetime) -> frozenset[str]:
        """One transaction; each row is locked (in id order) and changed only if it still
        has the claim's attempts."""
        batch = kit.check_failures(failures)
        failed = kit.micros(now, "now")
        if not batch:
            return frozenset()
        o, f, d = self.tables.outbox, self.tables.outbox_failures, self.tables.dead_letters

        def work(conn: sa.Connection) -> frozenset[str]:
            stale = set()
            for failure, retry in batch:
                mine = sa.and_(
                    o.c.tenant == self.tenant,
                    o.c.id == failure.id,
                    o.c.attempts == failure.attempts,
                )
                row = conn.execute(
                    sa.select(o.c.ticket_id, o.c.kind, o.c.payload, o.c.created, o.c.created_us)
                    .where(mine)
                    .with_for_update()
                ).first()
                if row is None:
                    stale.add(failure.id)
                    continue
                key = {"tenant": self.tenant, "id": failure.id}
                conn.execute(sa.delete(f).where(f.c.tenant == self.tenant, f.c.id == failure.id))
                if retry is not None:
                    conn.execute(sa.update(o).where(mine).values(visible_us=retry, worker=None))
                    conn.execute(sa.insert(f).values(**key, error=failure.error, failed_us=failed))
                    continue
                conn.execute(
                    sa.insert(d).values(
                        **key,
                        ticket_id=row[0],
                        kind=row[1],
                        payload=row[2],
                        created=row[3],
                        created_us=row[4],
                        attempts=failure.attempts,
                        error=failure.error,
                        failed_us=failed,
                    )
                )
                conn.execute(sa.delete(o).where(mine))
            return frozenset(stale)

        return self._run(work)

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        kit.check_limit(limit)
        after = None if cursor is None else kit.decode_cursor(cursor)
        d = self.tables.dead_letters
        since = (
            []
            if after is None
            else [
                sa.or_(
                    d.c.failed_us > after[0],
                    sa.and_(d.c.failed_us == after[0], d.c.id > after[1]),
                )
            ]
        )
        statement = (
            sa.select(
                d.c.id,
                d.c.ticket_id,
                d.c.kind,
                d.c.payload,
                d.c.created,
                d.c.attempts,
                d.c.error,
                d.c.failed_us,
            )
            .where(d.c.tenant == self.tenant, *since)
            .order_by(d.c.failed_us, d.c.id)
            .limit(limit + 1)
        )
        rows = self._run(lambda conn: list(conn.execute(statement).all()), read=True)
        page = rows[:limit]
        good, bad = kit.quarantined(page, lambda row: kit.decode_dead_letter(self.tenant, *row))
        return DeadLetterPage(
            tuple(letter for _, letter in good),
            kit.encode_cursor(page[-1][7], page[-1][0]) if len(rows) > limit else None,
            tuple(error.key for error in bad),
        )

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        """One transaction; the dead letters are locked first, so racing retries move each once."""
        wanted = kit.check_retry_ids(ids)
        d, o = self.tables.dead_letters, self.tables.outbox
        which = [] if wanted is None else [d.c.id.in_(wanted)]

        def work(conn: sa.Connection) -> frozenset[str]:
            rows = conn.execute(
                sa.select(d.c.id, d.c.ticket_id, d.c.kind, d.c.payload, d.c.created, d.c.created_us)
                .where(d.c.tenant == self.tenant, *which)
                .order_by(d.c.id)
                .with_for_update()
            ).all()
            if not rows:
                return frozenset()
            conn.execute(
                sa.insert(o),
                [
                    {
                        "tenant": self.tenant,
                        "id": row[0],
                        "ticket_id": row[1],
                        "kind": row[2],
                        "payload": row[3],
                        "created": row[4],
                        "created_us": row[5],
                        "attempts": 0,
                        "visible_us": 0,
                    }
                    for row in rows
                ],
            )
            moved = [row[0] for row in rows]
            conn.execute(sa.delete(d).where(d.c.tenant == self.tenant, d.c.id.in_(moved)))
            return frozenset(moved)

        return self._run(work)

    def backlog(self, *, now: dt.datetime) -> Backlog:
        """Six indexed aggregates in one SELECT; no ticket body is loaded."""
        start = kit.micros(now, "now")
        t, o = self.tables.tickets, self.tables.outbox
        f, d = self.tables.outbox_failures, self.tables.dead_letters
        due = sa.and_(t.c.tenant == self.tenant, t.c.due_us <= start)

        def one(expression: Any, table: sa.Table, where: Any) -> Any:
            return sa.select(expression).select_from(table).where(where).scalar_subquery()

        statement = sa.select(
            one(sa.func.count(), t, due),
            one(sa.func.min(t.c.due_us), t, due),
            one(sa.func.count(), o, o.c.tenant == self.tenant),
            one(sa.func.min(o.c.created_us), o, o.c.tenant == self.tenant),
            one(sa.func.count(), f, f.c.tenant == self.tenant),
            one(sa.func.count(), d, d.c.tenant == self.tenant),
        )
        row = self._run(lambda conn: conn.execute(statement).one(), read=True)
        return kit.backlog_of(*row)

    def find_by_number(self, number: str) -> Ticket:
        kit.check_text(number, "number")
        t = self.tables.tickets
        statement = (
            sa.select(t.c.id, t.c.body)
            .where(t.c.tenant == self.tenant, t.c.number == number)
            .order_by(t.c.id)
            .limit(1)
        )
        row = self._run(lambda conn: conn.execute(statement).first(), read=True)
        if row is None:
            raise NotFound("ticket number", number)
        return kit.decode_ticket(self.tenant, row[0], row[1])
