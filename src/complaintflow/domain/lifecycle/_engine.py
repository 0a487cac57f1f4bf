"""Applying commands: the pure ``apply`` over the shared machine.

:data:`TRANSITIONS` is the whole lifecycle in one table.  It is loaded
into ONE module-level ``transitions.Machine`` shared by every ticket; each
:func:`apply` fires the trigger on a throw-away :class:`_Cursor` holding the
state and the guard values, never on the frozen ticket itself.  The
machine decides the next status; :mod:`complaintflow.domain.fold` turns the
resulting events into the next ticket, and :func:`replay` uses the same
fold, so a ticket and its log cannot disagree.

Order of checks in :func:`apply`, so that a refusal says the most useful
thing: the actor's role, then the state, then the command against the
ticket (self-approval, merge into itself), then the guards.  Any refusal
raises and returns nothing: the input ticket is a frozen value and is
never touched.
"""

from __future__ import annotations

import datetime as dt

import pendulum
from transitions import MachineError

from complaintflow.clock import instant
from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.fold import evolve, fold_clocks, replay
from complaintflow.domain.lifecycle._rules import DEFAULT_RULES, LifecycleRules
from complaintflow.domain.lifecycle._table import (
    CUSTOMER_TRIGGERS,
    MACHINE,
    SOURCES,
    STAFF_ROLE,
    SYSTEM_ONLY,
    SYSTEM_TRIGGERS,
    TRANSITIONS,
)
from complaintflow.domain.sla_state import ClockRules
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, TicketDraft
from complaintflow.domain.vocabulary import ActorKind, Kind, Role, SatisfactionLevel, Status
from complaintflow.errors import (
    InvalidTransition,
    PermissionDenied,
    SelfApprovalError,
    ValidationError,
)

__all__ = ["allowed_commands", "apply", "open_ticket", "replay"]


_STATUS = {status.value: status for status in Status}


class _Cursor:
    """The only object the shared machine ever sees: a state and guard values.

    Guards that read the ticket are computed only if the machine asks for
    them (most triggers have none); the command-dependent ones are set by
    :func:`_decide` before the machine fires.
    """

    __slots__ = ("_at", "_rules", "_ticket", "approvals_complete", "needs_approval", "state",
                 "unsatisfied")

    def __init__(self, ticket: Ticket, at: pendulum.DateTime, rules: LifecycleRules) -> None:
        self.state = ticket.status.value
        self._ticket, self._at, self._rules = ticket, at, rules
        self.needs_approval = False
        self.approvals_complete = False
        self.unsatisfied = False

    @property
    def first_contact_kind(self) -> bool:
        return self._ticket.kind in (Kind.INQUIRY, Kind.PRAISE)

    @property
    def survey_open(self) -> bool:
        return self._ticket.survey is None

    @property
    def survey_settled(self) -> bool:
        t, rules = self._ticket, self._rules
        return (
            t.survey is not None
            or (t.kind is not None and t.kind not in rules.surveyed_kinds)
            or (t.resolved_at is not None and self._at >= t.resolved_at + rules.survey_window)
        )

    @property
    def within_reopen_window(self) -> bool:
        closed = self._ticket.closed_at
        return closed is not None and self._at <= closed + self._rules.reopen_window


# A guard on one row only, when another row of the trigger from the same state has none,
# merely picks the row; the guards below refuse the command when they fail.
_REFUSING_GUARDS = {"first_contact_kind", "within_reopen_window", "survey_settled"}
_REFUSALS = {
    "first_contact_kind": "only inquiries and praise can be resolved at first contact",
    "within_reopen_window": "the reopen window after closing has passed",
    "survey_settled": "the survey is still pending; record it or wait for the survey window",
    "survey_open": "a survey response is already recorded for this resolution",
}


def _refuse(ticket: Ticket, trigger: str, actor: Actor, at: pendulum.DateTime,
            rules: LifecycleRules, reason: str | None = None) -> InvalidTransition:
    return InvalidTransition(
        ticket_id=ticket.id,
        state=ticket.status.value,
        trigger=trigger,
        allowed=allowed_commands(ticket, actor, at=at, rules=rules),
        reason=reason,
    )


def _check_role(trigger: str, actor: Actor) -> None:
    if actor.kind is ActorKind.CUSTOMER and trigger not in CUSTOMER_TRIGGERS:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=None,
                               required=f"staff ({STAFF_ROLE.get(trigger, Role.AGENT)} or above)")
    if trigger in SYSTEM_ONLY and actor.kind is not ActorKind.SYSTEM:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id,
                               actor_role=actor.role.value if actor.role else None,
                               required="the system (the desk records this itself)")
    if actor.kind is ActorKind.SYSTEM and trigger not in SYSTEM_TRIGGERS:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=None,
                               required="a staff member")
    required = STAFF_ROLE.get(trigger)  # absent: agent, which every staff role is at least
    if required is not None and actor.role is not None and actor.role < required:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=actor.role.value,
                               required=required.value)


def _check_approver(ticket: Ticket, trigger: str, actor: Actor) -> Role:
    """Who may approve or reject the pending solution: the next role, never the proposer."""
    solution = ticket.solution
    assert solution is not None
    assert solution.next_role is not None
    if actor.role is None:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=None,
                               required=solution.next_role.value)
    if actor.id == solution.proposed_by.id:
        raise SelfApprovalError(trigger=trigger, actor_id=actor.id, actor_role=actor.role.value,
                                required=f"{solution.next_role} other than the proposer",
                                reason="nobody approves their own proposal")
    if any(given.by == actor.id for given in solution.approvals):
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=actor.role.value,
                               required=f"another {solution.next_role}",
                               reason="each approval step needs a different person")
    if actor.role < solution.next_role:
        raise PermissionDenied(trigger=trigger, actor_id=actor.id, actor_role=actor.role.value,
                               required=solution.next_role.value,
                               reason=f"the amount {solution.amount} needs this approval")
    return actor.role


def _decide(ticket: Ticket, command: c.Command, actor: Actor, cursor: _Cursor,
            rules: LifecycleRules) -> e.Payload:
    """The fact a valid command produces, computed before the machine fires."""
    # Everyday commands first: a class pattern is tried in order, and apply is a hot path.
    match command:
        case c.Comment():
            return e.Commented(command.text, command.internal)
        case c.Respond():
            return e.Responded(command.message, first=ticket.first_response_at is None)
        case c.Attach():
            return e.Attached(command.attachment)
        case c.Transfer():
            to_department = command.to_department or ticket.department
            if (to_department, command.to_assignee) == (ticket.department, ticket.assignee):
                raise ValidationError("Transfer goes nowhere: the ticket is already there",
                                      field="to_department")
            return e.Transferred(ticket.department, ticket.assignee, to_department,
                                 command.to_assignee, command.reason)
        case c.Assign():
            return e.Assigned(command.assignee, command.department)
        case c.Triage():
            return e.Triaged(command.kind, command.category, command.priority,
                             command.complex, command.department, command.cc)
        case c.Investigate():
            return e.InvestigationStarted()
        case c.Override():
            return e.Overridden(command.reason, command.kind, command.category,
                                command.priority, command.complex)
        case c.ProposeSolution():
            assert actor.role is not None or actor.kind is not ActorKind.STAFF
            required = rules.approvals.approvers(command.amount, actor.role or Role.AGENT)
            cursor.needs_approval = bool(required)
            return e.SolutionProposed(command.text, command.amount, tuple(required))
        case c.Approve():
            role = _check_approver(ticket, command.trigger, actor)
            assert ticket.solution is not None
            cursor.approvals_complete = (
                len(ticket.solution.approvals) + 1 >= len(ticket.solution.required)
            )
            return e.Approved(role, command.note)
        case c.Reject():
            _check_approver(ticket, command.trigger, actor)
            return e.Rejected(command.reason)
        case c.CustomerAccepts():
            return e.CustomerAccepted(command.note)
        case c.CustomerDeclines():
            return e.CustomerDeclined(command.reason)
        case c.Complete():
            return e.Completed(command.note)
        case c.ResolveNow():
            return e.ResolvedAtFirstContact(command.answer)
        case c.RecordSurvey():
            unsatisfied = command.response.level is SatisfactionLevel.UNSATISFIED
            cursor.unsatisfied = unsatisfied and cursor.survey_open
            return e.SurveyRecorded(command.response, reopened=unsatisfied,
                                    reopened_to=command.reopen_to if unsatisfied else None)
        case c.Reopen():
            return e.Reopened(command.reason)
        case c.Close():
            return e.Closed(command.reason)
        case c.Merge():
            if command.into == ticket.id:
                raise ValidationError("a ticket cannot be merged into itself", field="into")
            return e.Merged(command.into, command.reason)
        case c.Withdraw():
            return e.Withdrawn(command.reason)
        case c.RestampSla():
            return e.SlaStamped(command.version, command.reason, command.clocks)
        case c.QueueNotification():
            return e.NotificationQueued(command.key, command.kind, command.lang)
        case c.RecordAlert():
            return e.SlaAlerted(command.key, command.metric, command.cycle, command.kind,
                                command.threshold, command.due_at, command.role,
                                command.reassign)
    raise ValidationError(f"unknown command {command!r}", field="command")


def apply(
    ticket: Ticket,
    command: c.Command,
    *,
    actor: Actor,
    at: dt.datetime,
    rules: LifecycleRules = DEFAULT_RULES,
    continue_batch: bool = False,
) -> tuple[Ticket, list[e.Event]]:
    """Apply one command; return the next ticket and the events that explain it.

    Pure: the same inputs always give the same outputs, nothing is read
    from the clock or a store, and a refusal raises without side effects.
    ``continue_batch`` adds a bookkeeping event (``notify``, ``alert``) to
    the batch that produced ``ticket`` instead of starting a new version.
    """
    when = instant(at, "at")
    if when < ticket.updated_at:
        raise ValidationError(
            f"at={when} is before the ticket's last change ({ticket.updated_at}); "
            "events of one ticket must not go back in time",
            field="at",
        )
    trigger = command.trigger
    if continue_batch and trigger not in SYSTEM_ONLY:
        raise ValidationError(
            f"only bookkeeping ({', '.join(sorted(SYSTEM_ONLY))}) can continue a batch, "
            f"not {trigger!r}",
            field="continue_batch",
        )
    _check_role(trigger, actor)
    if ticket.status not in SOURCES.get(trigger, ()):
        raise _refuse(ticket, trigger, actor, when, rules)
    cursor = _Cursor(ticket, when, rules)
    payload = _decide(ticket, command, actor, cursor, rules)
    try:
        fired = MACHINE.events[trigger].trigger(cursor)
    except MachineError as error:  # the table check above makes this a bug, not misuse
        raise _refuse(ticket, trigger, actor, when, rules, str(error)) from None
    if not fired:
        failed = next((guard for guard in _REFUSALS if any(
            row.trigger == trigger and row.when == guard and ticket.status in row.sources
            for row in TRANSITIONS) and not getattr(cursor, guard)), None)
        raise _refuse(ticket, trigger, actor, when, rules, _REFUSALS.get(failed or ""))
    version = ticket.version if continue_batch else ticket.version + 1
    event = e.Event(ticket.id, ticket.last_seq + 1, version, when, actor,
                    _STATUS[cursor.state], payload)
    return evolve(ticket, event), [event]


def open_ticket(
    draft: TicketDraft,
    *,
    ticket_id: str,
    number: str,
    actor: Actor,
    at: dt.datetime | None = None,
    sla_version: str | None = None,
    sla_rules: ClockRules | None = None,
) -> tuple[Ticket, list[e.Event]]:
    """Create a ticket from a draft: version 1, status received.

    With ``sla_version`` the same batch also stamps the SLA policy version
    the ticket will be measured under, and with ``sla_rules`` (that
    version's :meth:`~complaintflow.sla.SlaPolicy.clock_rules`) starts its
    clocks in the snapshot.
    """
    if not isinstance(draft, TicketDraft):
        raise ValidationError("open_ticket needs a TicketDraft", field="draft")
    for name, value in (("ticket_id", ticket_id), ("number", number)):
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"{name} must be a non-empty string", field=name)
    if not isinstance(actor, Actor):
        raise ValidationError("open_ticket needs an Actor (who recorded it)", field="actor")
    when = draft.received_at if at is None else instant(at, "at")
    if when < draft.received_at:
        raise ValidationError(
            f"at={when} is before the customer's contact at {draft.received_at}; a ticket "
            "cannot be recorded before it was received",
            field="at",
        )
    events = [e.Event(ticket_id, 1, 1, when, actor, Status.RECEIVED, e.Received(number, draft))]
    if sla_version is not None:
        clocks = None if sla_rules is None else fold_clocks(events, sla_version, sla_rules)
        events.append(e.Event(ticket_id, 2, 1, when, actor, Status.RECEIVED,
                              e.SlaStamped(sla_version, clocks=clocks)))
    return replay(events), events


def allowed_commands(
    ticket: Ticket,
    actor: Actor,
    *,
    at: dt.datetime,
    rules: LifecycleRules = DEFAULT_RULES,
) -> tuple[str, ...]:
    """Trigger names this actor may fire now, for a UI to offer as buttons."""
    when = instant(at, "at")
    if when < ticket.updated_at:
        return ()  # apply would refuse any command at this time
    cursor = _Cursor(ticket, when, rules)
    allowed = []
    for trigger, sources in SOURCES.items():
        if ticket.status not in sources:
            continue
        try:
            _check_role(trigger, actor)
            if trigger in ("approve", "reject"):
                _check_approver(ticket, trigger, actor)
        except PermissionDenied:
            continue
        rows = [row for row in TRANSITIONS
                if row.trigger == trigger and ticket.status in row.sources]
        if all(row.when in _REFUSING_GUARDS and not getattr(cursor, row.when) for row in rows):
            continue
        if trigger == "record_survey" and not cursor.survey_open:
            continue
        allowed.append(trigger)
    return tuple(sorted(allowed))

