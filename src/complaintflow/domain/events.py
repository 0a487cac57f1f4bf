"""Events: the audit trail a ticket is folded from.

Each command the lifecycle accepts becomes one or more :class:`Event`
values, numbered ``seq`` 1, 2, 3 ... per ticket.  An event records who did
what, when, the status the ticket was in afterwards and a typed payload;
the ticket snapshot is only a cache of the fold of its events, so the log
alone answers "who moved this ticket, when and why".

Payload kinds are past-tense facts, each declared beside the command that
records it (:mod:`complaintflow.domain.commands`) and gathered here; only
:class:`Received`, which no command makes, lives in this module.  Their
``type`` strings are stored by adapters and never change.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands import TRIGGERS
from complaintflow.domain.commands.bookkeeping import NotificationQueued, SlaAlerted, SlaStamped
from complaintflow.domain.commands.conversation import Attached, Commented, Responded
from complaintflow.domain.commands.intake import (
    Assigned,
    InvestigationStarted,
    Overridden,
    Transferred,
    Triaged,
)
from complaintflow.domain.commands.outcome import (
    Closed,
    Merged,
    Reopened,
    SurveyRecorded,
    Withdrawn,
)
from complaintflow.domain.commands.promise import TimeCommitted
from complaintflow.domain.commands.rounds import SurveyAnswered, SurveyRefused, SurveySent
from complaintflow.domain.commands.solution import (
    Approved,
    Completed,
    CustomerAccepted,
    CustomerDeclined,
    Rejected,
    ResolvedAtFirstContact,
    SolutionProposed,
)
from complaintflow.domain.values import TicketDraft

__all__ = [
    "PAYLOAD_TYPES",
    "Approved",
    "Assigned",
    "Attached",
    "Closed",
    "Commented",
    "Completed",
    "CustomerAccepted",
    "CustomerDeclined",
    "Event",
    "InvestigationStarted",
    "Merged",
    "NotificationQueued",
    "Overridden",
    "Payload",
    "Received",
    "Rejected",
    "Reopened",
    "ResolvedAtFirstContact",
    "Responded",
    "SlaAlerted",
    "SlaStamped",
    "SolutionProposed",
    "SurveyAnswered",
    "SurveyRecorded",
    "SurveyRefused",
    "SurveySent",
    "TimeCommitted",
    "Transferred",
    "Triaged",
    "Withdrawn",
]


@attrs.frozen
class Received(Payload):
    """The ticket exists: the receiver's draft and the number it was given."""

    type: ClassVar[str] = "received"
    number: str
    draft: TicketDraft


#: Every payload kind by its stored ``type`` name.
PAYLOAD_TYPES: dict[str, type[Payload]] = {
    Received.type: Received,
    **{trigger.payload.type: trigger.payload for trigger in TRIGGERS.values()},
}
