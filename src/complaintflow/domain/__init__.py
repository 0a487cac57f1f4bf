"""The pure core: values, the ticket, its events and commands, the lifecycle.

Imports go one way inside it: ``vocabulary`` and ``money`` → ``values`` →
``ticket`` and ``rules`` → ``_facts`` (Event, Payload) → ``commands`` (one
family module per group of commands) → ``events`` → ``fold`` →
``lifecycle``.  Nothing here does I/O or reads a clock; everything above
(the rules, the service, storage) builds on it.
"""

# The fold installs ``Ticket.replay``; importing it here makes that hold for every user of
# the domain, whichever module they import first.
from complaintflow.domain import fold as _fold  # noqa: F401
