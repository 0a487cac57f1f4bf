"""Storage: the :class:`TicketStore` protocol and the adapters we ship.

Adapters with drivers (PostgreSQL) are imported only when used, so
``import complaintflow`` never imports a database driver.
"""

from complaintflow.storage.memory import InMemoryStore
from complaintflow.storage.protocol import TicketStore, format_ticket_number

__all__ = ["InMemoryStore", "TicketStore", "format_ticket_number"]
