"""Commands: what someone asks the lifecycle to do to a ticket.

A command is a request and may be refused; the events it produces are the
facts.  Commands validate their own arguments on construction, so a
malformed one never reaches :func:`complaintflow.domain.lifecycle.apply`.

Each family module here (intake, conversation, solution, promise, outcome, rounds,
bookkeeping) declares its commands completely: the command class, the
payload it records, its decision, fold step, audit wording, guards and who
may fire it, as one :class:`Trigger` per command in the module's
``TRIGGERS``.  :data:`TRIGGERS` collects every family module in this
package, found by name, so a new family needs no line here; the
lifecycle, the fold, the audit trail and storage all read it.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from complaintflow.domain.commands._trigger import Command, Guard, Situation, Trigger
from complaintflow.domain.commands.bookkeeping import QueueNotification, RecordAlert, RestampSla
from complaintflow.domain.commands.conversation import Attach, Comment, Respond
from complaintflow.domain.commands.intake import Assign, Investigate, Override, Transfer, Triage
from complaintflow.domain.commands.outcome import Close, Merge, RecordSurvey, Reopen, Withdraw
from complaintflow.domain.commands.promise import CommitTime
from complaintflow.domain.commands.rounds import (
    REFUSAL_NOTE,
    AnswerSurvey,
    RefuseSurvey,
    RoundRules,
    SendSurvey,
)
from complaintflow.domain.commands.solution import (
    Approve,
    Complete,
    CustomerAccepts,
    CustomerDeclines,
    ProposeSolution,
    Reject,
    ResolveNow,
)
from complaintflow.errors import ValidationError

__all__ = [
    "COMMANDS",
    "REFUSAL_NOTE",
    "TRIGGERS",
    "AnswerSurvey",
    "Approve",
    "Assign",
    "Attach",
    "Close",
    "Command",
    "Comment",
    "CommitTime",
    "Complete",
    "CustomerAccepts",
    "CustomerDeclines",
    "Guard",
    "Investigate",
    "Merge",
    "Override",
    "ProposeSolution",
    "QueueNotification",
    "RecordAlert",
    "RecordSurvey",
    "RefuseSurvey",
    "Reject",
    "Reopen",
    "ResolveNow",
    "Respond",
    "RestampSla",
    "RoundRules",
    "SendSurvey",
    "Situation",
    "Transfer",
    "Triage",
    "Trigger",
    "Withdraw",
]


def _collect() -> dict[str, Trigger[Any, Any]]:
    """Every family's triggers by name; a clash is a bug in a family, named here."""
    triggers: dict[str, Trigger[Any, Any]] = {}
    payloads: dict[str, str] = {}
    guards: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda found: found.name):
        if info.name.startswith("_"):
            continue
        family = importlib.import_module(f"{__name__}.{info.name}")
        for trigger in family.TRIGGERS:
            clash = (
                f"trigger {trigger.name!r}"
                if trigger.name in triggers
                else f"payload type {trigger.payload.type!r}"
                if trigger.payload.type in payloads
                else next(
                    (f"guard {guard.name!r}" for guard in trigger.guards if guard.name in guards),
                    None,
                )
            )
            if clash is not None:
                raise ValidationError(f"{info.name}: {clash} is declared twice", field="TRIGGERS")
            triggers[trigger.name] = trigger
            payloads[trigger.payload.type] = trigger.name
            guards.update((guard.name, trigger.name) for guard in trigger.guards)
    return triggers


#: Every command's declaration, by trigger name.
TRIGGERS: dict[str, Trigger[Any, Any]] = _collect()
#: Command class by trigger name, for hosts that dispatch on strings.
COMMANDS: dict[str, type[Command]] = {name: t.command for name, t in TRIGGERS.items()}
