"""The ticket state machine (SPEC §2.3), declared as data.

``_table`` holds the lifecycle as one table and the one shared
``transitions`` machine, its only interpreter; ``_engine`` the pure
:func:`apply` that fires triggers on a throw-away cursor.  What each
trigger does is declared with its command in
:mod:`complaintflow.domain.commands`; the knobs a host may turn are in
:mod:`complaintflow.domain.rules`.
"""

from complaintflow.domain.fold import replay
from complaintflow.domain.lifecycle._engine import allowed_commands, apply, open_ticket
from complaintflow.domain.lifecycle._table import (
    COMMANDS,
    CUSTOMER_TRIGGERS,
    STAFF_ROLE,
    SYSTEM_ONLY,
    SYSTEM_TRIGGERS,
    TRANSITIONS,
    Transition,
)
from complaintflow.domain.rules import (
    DEFAULT_RULES,
    ApprovalGate,
    LifecycleRules,
    SupervisorForAnyMoney,
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
