"""``ComplaintDesk``: the one object a host application calls.

The desk is the thin application service over the pure core: every
method loads a ticket from the store, applies one command with the pure
lifecycle, and saves the new snapshot and its events atomically with the
version it loaded.  It owns no rules of its own; it wires the injected
clock, ids, store, classifier and lifecycle rules together.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Protocol

import pendulum

from complaintflow import commands as c
from complaintflow.clock import Clock
from complaintflow.errors import ConcurrencyError, ValidationError
from complaintflow.events import Event
from complaintflow.lifecycle import DEFAULT_RULES, LifecycleRules, apply, open_ticket
from complaintflow.model import Actor, Attachment, SurveyResponse, Ticket, TicketDraft
from complaintflow.money import Money
from complaintflow.storage.protocol import TicketStore
from complaintflow.vocabulary import Category, Kind, Priority

__all__ = ["ComplaintDesk"]


class _Proposal(Protocol):
    """What the desk reads from a classification (see complaintflow.classify)."""

    @property
    def kind(self) -> Kind: ...
    @property
    def category(self) -> Category | None: ...
    @property
    def priority(self) -> Priority: ...


class _Classifier(Protocol):
    def classify(self, draft: TicketDraft) -> _Proposal: ...


def _uuid() -> str:
    return uuid.uuid4().hex


class ComplaintDesk:
    """Intake and one method per lifecycle command, over any :class:`TicketStore`.

    ``ids`` makes ticket ids (default: random UUID hex); ``zone`` is the
    office time zone whose local date goes into ticket numbers
    (``TS20240520-0001``).  With a ``classifier``, intake also triages.
    """

    def __init__(
        self,
        store: TicketStore,
        clock: Clock,
        *,
        classifier: _Classifier | None = None,
        rules: LifecycleRules = DEFAULT_RULES,
        ids: Callable[[], str] = _uuid,
        number_prefix: str = "TS",
        zone: str = "Asia/Shanghai",
        intake_actor: Actor | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.classifier = classifier
        self.rules = rules
        self._ids = ids
        self._prefix = number_prefix
        self._zone = pendulum.timezone(zone)
        self._intake_actor = intake_actor or Actor.system("intake")

    # -- reading -----------------------------------------------------------
    def get(self, ticket_id: str) -> Ticket:
        return self.store.get(ticket_id)

    def history(self, ticket_id: str) -> list[Event]:
        """The ticket's audit trail, oldest first."""
        return self.store.events(ticket_id)

    # -- intake ------------------------------------------------------------
    def intake(self, draft: TicketDraft, *, receiver: Actor | None = None) -> Ticket:
        """Record feedback as a ticket; the same ``dedupe_key`` twice gives one ticket."""
        if not isinstance(draft, TicketDraft):
            raise ValidationError("intake needs a TicketDraft", field="draft")
        if draft.dedupe_key is not None:
            existing = self.store.find_by_dedupe_key(draft.dedupe_key)
            if existing is not None:
                return existing
        actor = receiver or self._intake_actor
        now = self.clock.now()
        day = draft.received_at.in_timezone(self._zone).date()
        number = self.store.next_number(prefix=self._prefix, day=day)
        ticket, events = open_ticket(draft, ticket_id=self._ids(), number=number,
                                     actor=actor, at=now)
        if self.classifier is not None:
            proposal = self.classifier.classify(draft)
            triage = c.Triage(draft.kind or proposal.kind, draft.category or proposal.category,
                              draft.priority or proposal.priority)
            ticket, more = apply(ticket, triage, actor=Actor.system("classifier"), at=now,
                                 rules=self.rules)
            events += more
        return self.store.add(ticket, events)

    # -- commands ----------------------------------------------------------
    def execute(
        self,
        ticket_id: str,
        command: c.Command,
        *,
        actor: Actor,
        expected_version: int | None = None,
    ) -> Ticket:
        """Load, apply ``command``, save atomically; return the new ticket.

        ``expected_version`` is the version the user was looking at: if the
        ticket moved on since, ConcurrencyError is raised and nothing changes.
        """
        ticket = self.store.get(ticket_id)
        if expected_version is not None and ticket.version != expected_version:
            raise ConcurrencyError(ticket_id=ticket_id, expected=expected_version,
                                   actual=ticket.version)
        new, events = apply(ticket, command, actor=actor, at=self.clock.now(), rules=self.rules)
        self.store.save(new, events, expected_version=ticket.version)
        return new

    def retrying(
        self, ticket_id: str, command: c.Command, *, actor: Actor, attempts: int = 3
    ) -> Ticket:
        """:meth:`execute`, reloading and trying again after a ConcurrencyError.

        Use it for commands that still make sense after someone else's
        change (a comment, a response); the lifecycle re-checks the state on
        every attempt, so a command that no longer fits fails with its own
        error instead of being forced through.
        """
        if attempts < 1:
            raise ValidationError("attempts must be at least 1", field="attempts")
        for attempt in range(attempts):
            try:
                return self.execute(ticket_id, command, actor=actor)
            except ConcurrencyError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def triage(self, ticket_id: str, kind: Kind | str, category: Category | str | None,
               priority: Priority | str, *, actor: Actor, complex: bool = False,
               department: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Triage(kind, category, priority, complex=complex,
                                                department=department), actor=actor)

    def override(self, ticket_id: str, reason: str, *, actor: Actor,
                 kind: Kind | str | None = None, category: Category | str | None = None,
                 priority: Priority | str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Override(reason, kind=kind, category=category,
                                                  priority=priority), actor=actor)

    def assign(self, ticket_id: str, assignee: str | None, *, actor: Actor,
               department: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Assign(assignee, department), actor=actor)

    def investigate(self, ticket_id: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Investigate(), actor=actor)

    def respond(self, ticket_id: str, message: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Respond(message), actor=actor)

    def transfer(self, ticket_id: str, to_department: str | None, reason: str, *,
                 actor: Actor, to_assignee: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Transfer(to_department, reason,
                                                  to_assignee=to_assignee), actor=actor)

    def comment(self, ticket_id: str, text: str, *, actor: Actor,
                internal: bool = True) -> Ticket:
        return self.execute(ticket_id, c.Comment(text, internal=internal), actor=actor)

    def attach(self, ticket_id: str, attachment: Attachment, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Attach(attachment), actor=actor)

    def propose_solution(self, ticket_id: str, text: str, *, actor: Actor,
                         amount: Money | None = None) -> Ticket:
        return self.execute(ticket_id, c.ProposeSolution(text, amount=amount), actor=actor)

    def approve(self, ticket_id: str, *, actor: Actor, note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Approve(note), actor=actor)

    def reject(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Reject(reason), actor=actor)

    def customer_accepts(self, ticket_id: str, *, actor: Actor,
                         note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.CustomerAccepts(note), actor=actor)

    def customer_declines(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.CustomerDeclines(reason), actor=actor)

    def complete(self, ticket_id: str, *, actor: Actor, note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Complete(note), actor=actor)

    def resolve_now(self, ticket_id: str, answer: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.ResolveNow(answer), actor=actor)

    def record_survey(self, ticket_id: str, response: SurveyResponse, *, actor: Actor,
                      reopen_to: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.RecordSurvey(response, reopen_to=reopen_to),
                            actor=actor)

    def reopen(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Reopen(reason), actor=actor)

    def close(self, ticket_id: str, *, actor: Actor, reason: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Close(reason), actor=actor)

    def merge(self, ticket_id: str, into: str, *, actor: Actor,
              reason: str | None = None) -> Ticket:
        """Merge a duplicate into ``into`` (which must exist in this store)."""
        self.store.get(into)
        return self.execute(ticket_id, c.Merge(into, reason), actor=actor)

    def withdraw(self, ticket_id: str, *, actor: Actor, reason: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Withdraw(reason), actor=actor)
