"""Storage: the :class:`TicketStore` protocol and the adapters we ship.

``InMemoryStore`` (reference, tests, demos), ``SqliteStore`` (the embedded
default), behind the ``postgres`` extra
``complaintflow.storage.postgres.PostgresStore``, and behind the
``sqlalchemy`` extra ``complaintflow.storage.sqlalchemy.SqlAlchemyStore``
(SQLite, PostgreSQL, MariaDB/MySQL).  :mod:`complaintflow.storage.kit` is
what an adapter of your own is built from.  Adapters with drivers
are imported only when used, so ``import complaintflow`` never imports a
database driver.
"""

from complaintflow.storage.memory import InMemoryStore
from complaintflow.storage.protocol import (
    BatchSaves,
    Claimed,
    DueClaims,
    OutboxItem,
    Page,
    Reschedule,
    SaveItem,
    TicketStore,
    format_ticket_number,
)
from complaintflow.storage.sqlite import SqliteStore

__all__ = [
    "BatchSaves",
    "Claimed",
    "DueClaims",
    "InMemoryStore",
    "OutboxItem",
    "Page",
    "Reschedule",
    "SaveItem",
    "SqliteStore",
    "TicketStore",
    "format_ticket_number",
]
