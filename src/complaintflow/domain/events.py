"""Events: the audit trail a ticket is folded from.

Each command the lifecycle accepts becomes one or more :class:`Event`
values, numbered ``seq`` 1, 2, 3 ... per ticket.  An event records who did
what, when, the status the ticket was in afterwards and a typed payload;
the ticket snapshot is only a cache of the fold of its events, so the log
alone answers "who moved this ticket, when and why".

Payload kinds are past-tense facts.  Their ``type`` strings are stored by
adapters and never change.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pendulum

from complaintflow.domain.money import Money
from complaintflow.domain.sla_state import SlaClocks
from complaintflow.domain.values import Actor, Attachment, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Priority, Role, Status

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
    "SurveyRecorded",
    "Transferred",
    "Triaged",
    "Withdrawn",
]


@attrs.frozen
class Payload:
    """Base of every event payload; ``type`` is the stored name of the kind."""

    type: ClassVar[str] = "payload"


@attrs.frozen
class Received(Payload):
    """The ticket exists: the receiver's draft and the number it was given."""

    type: ClassVar[str] = "received"
    number: str
    draft: TicketDraft


@attrs.frozen
class Triaged(Payload):
    """First classification (a proposal by classifier or agent)."""

    type: ClassVar[str] = "triaged"
    kind: Kind
    category: Category | None
    priority: Priority
    complex: bool = False
    department: str | None = None
    cc: tuple[str, ...] = ()


@attrs.frozen
class Overridden(Payload):
    """A supervisor corrected kind, category or priority; wins over triage."""

    type: ClassVar[str] = "overridden"
    reason: str
    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None
    complex: bool | None = None


@attrs.frozen
class Assigned(Payload):
    type: ClassVar[str] = "assigned"
    assignee: str | None
    department: str | None


@attrs.frozen
class InvestigationStarted(Payload):
    type: ClassVar[str] = "investigation_started"


@attrs.frozen
class Responded(Payload):
    """Contact with the customer; the first one stops the first-response clock."""

    type: ClassVar[str] = "responded"
    message: str
    first: bool


@attrs.frozen
class Transferred(Payload):
    """Ownership moved; from, to and why, so no transfer goes untraced."""

    type: ClassVar[str] = "transferred"
    from_department: str | None
    from_assignee: str | None
    to_department: str | None
    to_assignee: str | None
    reason: str


@attrs.frozen
class Commented(Payload):
    type: ClassVar[str] = "commented"
    text: str
    internal: bool


@attrs.frozen
class Attached(Payload):
    type: ClassVar[str] = "attached"
    attachment: Attachment


@attrs.frozen
class SolutionProposed(Payload):
    """``required`` lists the approval steps the policy asked for (may be empty)."""

    type: ClassVar[str] = "solution_proposed"
    text: str
    amount: Money | None
    required: tuple[Role, ...]


@attrs.frozen
class Approved(Payload):
    type: ClassVar[str] = "approved"
    role: Role
    note: str | None = None


@attrs.frozen
class Rejected(Payload):
    type: ClassVar[str] = "rejected"
    reason: str


@attrs.frozen
class CustomerAccepted(Payload):
    type: ClassVar[str] = "customer_accepted"
    note: str | None = None


@attrs.frozen
class CustomerDeclined(Payload):
    type: ClassVar[str] = "customer_declined"
    reason: str


@attrs.frozen
class Completed(Payload):
    type: ClassVar[str] = "completed"
    note: str | None = None


@attrs.frozen
class ResolvedAtFirstContact(Payload):
    type: ClassVar[str] = "resolved_at_first_contact"
    answer: str


@attrs.frozen
class SurveyRecorded(Payload):
    """A survey answer; an unsatisfied one reopened the ticket to ``reopened_to``."""

    type: ClassVar[str] = "survey_recorded"
    response: SurveyResponse
    reopened: bool
    reopened_to: str | None = None


@attrs.frozen
class Reopened(Payload):
    type: ClassVar[str] = "reopened"
    reason: str


@attrs.frozen
class Closed(Payload):
    type: ClassVar[str] = "closed"
    reason: str | None = None


@attrs.frozen
class Merged(Payload):
    type: ClassVar[str] = "merged"
    into: str
    reason: str | None = None


@attrs.frozen
class SlaStamped(Payload):
    """The SLA policy version the ticket is measured under from now on."""

    type: ClassVar[str] = "sla_stamped"
    version: str
    reason: str | None = None
    #: The clock state from this event on, computed under the new version's rules (absent
    #: in logs written before clocks lived in the snapshot).
    clocks: SlaClocks | None = None


@attrs.frozen
class NotificationQueued(Payload):
    """A customer notification was written to the outbox (delivered at least once)."""

    type: ClassVar[str] = "notification_queued"
    key: str
    kind: str
    lang: str


@attrs.frozen
class SlaAlerted(Payload):
    """An SLA warning, breach or escalation step, recorded once per ``key``."""

    type: ClassVar[str] = "sla_alerted"
    key: str
    metric: str
    cycle: int
    kind: str
    threshold: float
    due_at: pendulum.DateTime
    role: Role | None = None
    reassign: bool = False


@attrs.frozen
class Withdrawn(Payload):
    type: ClassVar[str] = "withdrawn"
    reason: str | None = None


#: Every payload kind by its stored ``type`` name.
PAYLOAD_TYPES: dict[str, type[Payload]] = {
    kind.type: kind
    for kind in (
        Received,
        Triaged,
        Overridden,
        Assigned,
        InvestigationStarted,
        Responded,
        Transferred,
        Commented,
        Attached,
        SolutionProposed,
        Approved,
        Rejected,
        CustomerAccepted,
        CustomerDeclined,
        Completed,
        ResolvedAtFirstContact,
        SurveyRecorded,
        Reopened,
        Closed,
        Merged,
        SlaStamped,
        NotificationQueued,
        SlaAlerted,
        Withdrawn,
    )
}


@attrs.frozen
class Event:
    """One fact in a ticket's life.

    ``seq`` numbers events per ticket from 1; ``version`` is the ticket
    version the command batch produced; ``status`` the state afterwards.
    """

    ticket_id: str
    seq: int
    version: int
    at: pendulum.DateTime
    actor: Actor
    status: Status
    payload: Payload

    @property
    def type(self) -> str:
        return self.payload.type
