"""complaintflow's tables as SQLAlchemy Core ``MetaData``, for the store and a host's Alembic.

Instants are ``BIGINT`` microseconds since the epoch (UTC), never a
``DateTime`` column: a naive ``DATETIME`` keeps a local wall-clock
reading, and comparing those across zones is the bug the conformance
suite's zone checks exist for.  The zone travels in the JSON bodies.
Keys compare byte-wise on every database (``COLLATE "C"`` on PostgreSQL,
``utf8mb4_bin`` on MariaDB/MySQL, SQLite's default), so pages are
ordered like every other store's and ``"T1"`` is not ``"t1"``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql

__all__ = ["Tables", "define_tables"]

#: Lengths: what an index on MariaDB/MySQL (utf8mb4, 3072-byte keys) can hold.
TENANT, ID, KEY, NAME = 64, 128, 191, 128


def _key(length: int) -> Any:
    """A string that compares byte-wise (ids, tenants, keys) on every backend."""
    return (
        sa.String(length)
        .with_variant(postgresql.VARCHAR(length, collation="C"), "postgresql")
        .with_variant(
            mysql.VARCHAR(length, charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
        )
    )


def _json() -> Any:
    """JSON text, of any size (TEXT is 64 KiB on MariaDB/MySQL)."""
    return sa.Text().with_variant(
        mysql.LONGTEXT(charset="utf8mb4", collation="utf8mb4_bin"), "mysql", "mariadb"
    )


class Tables:
    """The seven tables, bound to one ``MetaData`` under one name prefix."""

    def __init__(self, metadata: sa.MetaData, prefix: str) -> None:
        self.metadata = metadata
        mysql_args: dict[str, Any] = {
            "mysql_engine": "InnoDB",
            "mysql_charset": "utf8mb4",
            "mariadb_engine": "InnoDB",
            "mariadb_charset": "utf8mb4",
        }
        self.tickets = sa.Table(
            f"{prefix}tickets",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("id", _key(ID), primary_key=True),
            sa.Column("number", _key(NAME), nullable=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("last_seq", sa.Integer, nullable=False),
            sa.Column("status", _key(32), nullable=False),
            sa.Column("assignee", _key(NAME)),
            sa.Column("department", _key(NAME)),
            sa.Column("priority", _key(8)),
            sa.Column("dedupe_key", _key(KEY)),
            sa.Column("received_us", sa.BigInteger, nullable=False),
            sa.Column("updated_us", sa.BigInteger, nullable=False),
            sa.Column("due_us", sa.BigInteger),
            sa.Column("due_lease_us", sa.BigInteger, nullable=False, server_default="0"),
            sa.Column("due_worker", _key(NAME)),
            sa.Column("body", _json(), nullable=False),
            sa.UniqueConstraint("tenant", "dedupe_key", name=f"{prefix}tickets_dedupe"),
            sa.Index(f"{prefix}tickets_received", "tenant", "received_us", "id"),
            sa.Index(f"{prefix}tickets_status", "tenant", "status", "received_us", "id"),
            sa.Index(f"{prefix}tickets_assignee", "tenant", "assignee", "received_us", "id"),
            sa.Index(f"{prefix}tickets_department", "tenant", "department", "received_us", "id"),
            sa.Index(f"{prefix}tickets_due", "tenant", "due_us", "id"),
            sa.Index(f"{prefix}tickets_number", "tenant", "number", "id"),
            **mysql_args,
        )
        self.events = sa.Table(
            f"{prefix}events",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("ticket_id", _key(ID), primary_key=True),
            sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("version", sa.Integer, nullable=False),
            sa.Column("type", _key(64), nullable=False),
            sa.Column("at_us", sa.BigInteger, nullable=False),
            sa.Column("body", _json(), nullable=False),
            **mysql_args,
        )
        self.counters = sa.Table(
            f"{prefix}counters",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("prefix", _key(32), primary_key=True),
            sa.Column("day", sa.Date, primary_key=True),
            sa.Column("last", sa.Integer, nullable=False),
            **mysql_args,
        )
        self.outbox = sa.Table(
            f"{prefix}outbox",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("id", _key(KEY), primary_key=True),
            sa.Column("ticket_id", _key(ID), nullable=False),
            sa.Column("kind", _key(64), nullable=False),
            sa.Column("payload", _json(), nullable=False),
            sa.Column("created", _json(), nullable=False),
            sa.Column("created_us", sa.BigInteger, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("visible_us", sa.BigInteger, nullable=False),
            sa.Column("worker", _key(NAME)),
            sa.Index(f"{prefix}outbox_ready", "tenant", "created_us", "id"),
            **mysql_args,
        )
        self.outbox_failures = sa.Table(
            f"{prefix}outbox_failures",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("id", _key(KEY), primary_key=True),
            sa.Column("error", _json(), nullable=False),
            sa.Column("failed_us", sa.BigInteger, nullable=False),
            **mysql_args,
        )
        self.dead_letters = sa.Table(
            f"{prefix}dead_letters",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("id", _key(KEY), primary_key=True),
            sa.Column("ticket_id", _key(ID), nullable=False),
            sa.Column("kind", _key(64), nullable=False),
            sa.Column("payload", _json(), nullable=False),
            sa.Column("created", _json(), nullable=False),
            sa.Column("created_us", sa.BigInteger, nullable=False),
            sa.Column("attempts", sa.Integer, nullable=False),
            sa.Column("error", _json(), nullable=False),
            sa.Column("failed_us", sa.BigInteger, nullable=False),
            sa.Index(f"{prefix}dead_letters_failed", "tenant", "failed_us", "id"),
            **mysql_args,
        )
        self.alerts = sa.Table(
            f"{prefix}alerts",
            metadata,
            sa.Column("tenant", _key(TENANT), primary_key=True),
            sa.Column("key", _key(KEY), primary_key=True),
            **mysql_args,
        )


def define_tables(metadata: sa.MetaData | None = None, *, prefix: str = "complaintflow_") -> Tables:
    """complaintflow's tables on ``metadata`` (a new one by default), names prefixed.

    Give a host's own ``MetaData`` to have Alembic autogenerate them with
    the host's tables; see docs/storage.md.
    """
    return Tables(sa.MetaData() if metadata is None else metadata, prefix)
