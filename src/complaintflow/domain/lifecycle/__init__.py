"""The ticket state machine (SPEC §2.3), declared as data.

``_table`` holds the lifecycle as one table and the one shared
``transitions`` machine; ``_rules`` the knobs a host may turn; ``_engine``
the pure :func:`apply` that fires triggers on a throw-away cursor.
"""

from complaintflow.domain.fold import replay
from complaintflow.domain.lifecycle._engine import allowed_commands, apply, open_ticket
from complaintflow.domain.lifecycle._rules import (
    DEFAULT_RULES,
    ApprovalGate,
    LifecycleRules,
    SupervisorForAnyMoney,
)
from complaintflow.domain.lifecycle._table import (
    COMMANDS,
    CUSTOMER_TRIGGERS,
    STAFF_ROLE,
    SYSTEM_ONLY,
    SYSTEM_TRIGGERS,
    TRANSITIONS,
    Transition,
)

__all__ = [
    "COMMANDS",
    "CUSTOMER_TRIGGERS",
    "DEFAULT_RULES",
    "STAFF_ROLE",
    "SYSTEM_ONLY",
    "SYSTEM_TRIGGERS",
    "TRANSITIONS",
    "ApprovalGate",
    "LifecycleRules",
    "SupervisorForAnyMoney",
    "Transition",
    "allowed_commands",
    "apply",
    "open_ticket",
    "replay",
]
