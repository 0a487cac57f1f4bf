"""``ComplaintDesk``: the one object a host application calls.

The desk is the thin application service over the pure core: every
method loads a ticket from the store, applies one command with the pure
lifecycle, adds the follow-ups (customer notifications, the next SLA due
time) and saves the new snapshot, its events and its outbox items
atomically with the version it loaded.  It owns no rules of its own; it
wires the injected clock, ids, store, classifier, router, SLA policy,
calendar and approval policy together.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Iterable, Sequence

import attrs
import pendulum

from complaintflow.approval import ApprovalPolicy
from complaintflow.classify import Classifier
from complaintflow.clock import Clock, instant
from complaintflow.domain import arguments
from complaintflow.domain import commands as c
from complaintflow.domain.commands.promise import CommitTime
from complaintflow.domain.events import Event
from complaintflow.domain.fold import fold_clocks
from complaintflow.domain.lifecycle import SYSTEM_ONLY, LifecycleRules, apply, open_ticket
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Attachment, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import ActorKind, Category, Kind, Priority, Role
from complaintflow.errors import ConcurrencyError, PermissionDenied, ValidationError
from complaintflow.routing import Router
from complaintflow.service.followups import FollowUp
from complaintflow.service.notifications import Notifier, Templates
from complaintflow.service.outbox import (
    Health,
    RetryPolicy,
    dead_letter_store,
    health_of,
    number_store,
)
from complaintflow.service.rounds import with_round_context
from complaintflow.service.sweep import DeliveryReport, SweepSummary, deliver, sweep
from complaintflow.sla.policy import SlaPolicy
from complaintflow.sla.targets import BusinessTime
from complaintflow.storage.protocol import DeadLetterPage, OutboxItem, TicketStore

__all__ = ["ComplaintDesk"]


def _uuid() -> str:
    return uuid.uuid4().hex


class ComplaintDesk:
    """Intake, one method per lifecycle command, the SLA sweep and outbox delivery.

    Everything but ``store`` and ``clock`` is optional: without a
    ``classifier`` intake does not triage; without ``sla`` (an
    :class:`SlaPolicy`, which needs ``calendar``) there are no deadlines;
    ``sla_history`` keeps earlier policy versions that open tickets were
    stamped with.  ``ids`` makes ticket ids; ``zone`` is the office time
    zone whose local date goes into ticket numbers (``TS20240520-0001``)
    and into the times shown to customers.  ``notice`` is the share of a
    resolution budget at which the sweep tells the customer in advance
    that the promise will slip (seed 001 §4.1; None: never).
    """

    def __init__(
        self,
        store: TicketStore,
        clock: Clock,
        *,
        classifier: Classifier | None = None,
        router: Router | None = None,
        rules: LifecycleRules | None = None,
        sla: SlaPolicy | None = None,
        sla_history: Iterable[SlaPolicy] = (),
        calendar: BusinessTime | None = None,
        staff_calendar: BusinessTime | None = None,
        templates: Templates | None = None,
        lang: str = "zh-CN",
        notify: bool = True,
        ids: Callable[[], str] = _uuid,
        number_prefix: str = "TS",
        zone: str = "Asia/Shanghai",
        intake_actor: Actor | None = None,
        notice: float | None = 0.9,
    ) -> None:
        self.store = store
        self.clock = clock
        self.classifier = classifier
        self.router = router
        self.rules = rules or LifecycleRules(approvals=ApprovalPolicy.default())
        self.staff_calendar = staff_calendar
        #: The current policy's clock rules, one value shared by every ticket opened here.
        self._clock_rules = sla.clock_rules() if sla is not None else None
        self.follow = FollowUp(
            self.rules,
            sla,
            {policy.version: policy for policy in sla_history},
            calendar,
            templates or Templates(),
            lang,
            zone,
            notify,
            staff_calendar,
            notice,
        )
        self._ids = ids
        self._prefix = number_prefix
        self._zone = pendulum.timezone(zone)
        self._intake_actor = intake_actor or Actor.system("intake")

    # -- reading -----------------------------------------------------------
    def get(self, ticket_id: str) -> Ticket:
        return self.store.get(arguments.ticket_id(ticket_id))

    def find_by_number(self, number: str) -> Ticket:
        """The ticket by the number customers quote (``TS20240520-0001``); NotFound if none."""
        if not isinstance(number, str) or not number.strip():
            raise ValidationError(
                f"a ticket number is a non-empty str like TS20240520-0001, got {number!r}",
                field="number",
            )
        return number_store(self.store).find_by_number(number.strip())

    def history(self, ticket_id: str) -> list[Event]:
        """The ticket's audit trail, oldest first."""
        return self.store.events(arguments.ticket_id(ticket_id))

    # -- intake ------------------------------------------------------------
    def intake(self, draft: TicketDraft, *, receiver: Actor | None = None) -> Ticket:
        """Record feedback as a ticket; the same ``dedupe_key`` twice gives one ticket.

        With a classifier the ticket is triaged at once (a proposal a
        supervisor may override), routed if there is a router, stamped with
        the SLA policy version, and the customer's "accepted" notification
        is queued, all in the one write that creates it.
        """
        if not isinstance(draft, TicketDraft):
            raise ValidationError("intake needs a TicketDraft", field="draft")
        if draft.dedupe_key is not None:
            existing = self.store.find_by_dedupe_key(draft.dedupe_key)
            if existing is not None:
                return existing
        now = self.clock.now()
        day = draft.received_at.in_timezone(self._zone).date()
        # Everything that can refuse the draft runs before a number is taken, so a refused
        # intake leaves no gap in the day's numbers (a crash still can: docs/storage.md).
        # Classified and routed once: a router's turn-taking (round robin) moves per call.
        ticket_id, (steps, routed) = self._ids(), self._triage(draft)
        self._open(draft, ticket_id, "?", receiver, now, steps, routed)
        number = self.store.next_number(prefix=self._prefix, day=day)
        ticket, events, outbox, due = self._open(
            draft, ticket_id, number, receiver, now, steps, routed
        )
        return self.store.add(ticket, events, due_at=due, outbox=outbox)

    def _open(
        self,
        draft: TicketDraft,
        ticket_id: str,
        number: str,
        receiver: Actor | None,
        now: pendulum.DateTime,
        steps: list[c.Command],
        routed: tuple[str, ...],
    ) -> tuple[Ticket, list[Event], list[OutboxItem], pendulum.DateTime | None]:
        policy = self.follow.policy
        ticket, events = open_ticket(
            draft,
            ticket_id=ticket_id,
            number=number,
            actor=receiver or self._intake_actor,
            at=now,
            sla_version=policy.version if policy else None,
            sla_rules=self._clock_rules,
        )
        for step in steps:
            ticket, more = apply(
                ticket, step, actor=Actor.system("classifier"), at=now, rules=self.rules
            )
            events += more
        ticket, notes, outbox, due = self.follow.after(ticket, events, now, routed=routed)
        return ticket, [*events, *notes], outbox, due

    def _triage(self, draft: TicketDraft) -> tuple[list[c.Command], tuple[str, ...]]:
        """The classifier's (and router's) proposal as the commands intake applies, and
        the staff routing says to notify."""
        if self.classifier is None:
            return [], ()
        proposal = self.classifier.classify(draft)
        kind = draft.kind or proposal.kind
        category = draft.category or proposal.category
        priority = draft.priority or proposal.priority
        department: str | None = None
        cc: tuple[str, ...] = ()
        assignee: str | None = None
        routed: tuple[str, ...] = ()
        if self.router is not None:
            decision = self.router.route(draft, proposal)
            department, cc, assignee = decision.department, decision.cc, decision.assignee
            routed = decision.notify
            priority = max(priority, decision.priority or priority)
        steps: list[c.Command] = [c.Triage(kind, category, priority, department=department, cc=cc)]
        if proposal.needs_human:
            why = (
                "; ".join(
                    f"{r.field}: {r.rule} ({r.evidence})"
                    for r in proposal.reasons
                    if r.field == "needs_human"
                )
                or "the classifier is unsure"
            )
            steps.append(c.Comment(f"needs a human look: {why}"))
        if assignee is not None:
            steps.append(c.Assign(assignee, department))
        return steps, routed

    # -- background jobs ---------------------------------------------------
    def sweep(
        self,
        now: dt.datetime | None = None,
        *,
        grace: dt.timedelta = dt.timedelta(hours=4),
        worker: str | None = None,
        lease: dt.timedelta = dt.timedelta(minutes=5),
    ) -> SweepSummary:
        """Record every SLA warning, breach and escalation due by ``now``, once each.

        Safe to run from several workers at once, and they split the work:
        each claims due tickets in leased batches (``worker``, by default
        ``host:pid``, names the holder; ``lease`` is how long a batch is
        held before another sweeper may take it over from one that died),
        and each alert is recorded once whoever claimed it.  ``grace``
        (business time) is the new expected time promised in the
        customer's overdue apology.
        """
        when = self.clock.now() if now is None else instant(now, "now")
        if not isinstance(grace, dt.timedelta) or grace < dt.timedelta(0):
            raise ValidationError(
                f"grace must be a timedelta of zero or more, got {grace!r}", field="grace"
            )
        if worker is None:
            worker = f"{socket.gethostname()}:{os.getpid()}"  # at call time: after any fork
        elif not isinstance(worker, str) or not worker.strip():
            raise ValidationError(
                f"worker names the sweeper holding a lease, a non-empty str, got {worker!r}",
                field="worker",
            )
        if not isinstance(lease, dt.timedelta) or lease <= dt.timedelta(0):
            raise ValidationError(
                f"lease must be a positive timedelta (e.g. 5 minutes), got {lease!r}",
                field="lease",
            )
        return sweep(
            self.store,
            self.follow,
            when,
            staff_calendar=self.staff_calendar,
            grace=grace,
            worker=worker,
            lease=lease,
        )

    def deliver_pending(
        self,
        notifier: Notifier,
        *,
        worker: str = "complaintflow",
        limit: int = 100,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        retry: RetryPolicy | None = None,
    ) -> DeliveryReport:
        """Hand queued notifications to ``notifier``; at least once, never lost.

        A failure is recorded and retried with ``retry``'s backoff (default
        :class:`RetryPolicy`: 8 attempts) until it succeeds or becomes a
        dead letter (see :meth:`dead_letters`).
        """
        return deliver(
            self.store,
            notifier,
            self.clock.now(),
            worker=worker,
            limit=limit,
            lease=lease,
            retry=retry,
        )

    def dead_letters(self, *, limit: int = 100, cursor: str | None = None) -> DeadLetterPage:
        """Notifications delivery gave up on, oldest failure first (pass ``cursor`` on)."""
        store = dead_letter_store(self.store, "list dead letters")
        return store.dead_letters(limit=limit, cursor=cursor)

    def retry_dead_letters(self, ids: Iterable[str] | None = None) -> frozenset[str]:
        """Queue dead letters again (all of them with ``ids=None``); the ids queued."""
        store = dead_letter_store(self.store, "retry dead letters")
        return store.retry_dead_letters(ids)

    def health(self, now: dt.datetime | None = None) -> Health:
        """Due backlog, outbox age, retries and dead letters: numbers to export and alert on."""
        when = self.clock.now() if now is None else instant(now, "now")
        return health_of(self.store, when)

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
        The desk's own bookkeeping (``QueueNotification``, ``RecordAlert``)
        is refused here whoever the actor: a ``notification_queued`` event
        without its outbox item, or an SLA alert the sweep never claimed,
        would break the audit trail's promise that each happened exactly once.
        """
        ticket_id = arguments.ticket_id(ticket_id)
        command = arguments.command(command)  # its text too: what a store cannot keep
        actor = arguments.actor(actor)
        if expected_version is not None:
            expected_version = arguments.count(expected_version, "expected_version", low=0)
        self._refuse_bookkeeping(command, actor)
        ticket = self.store.get(ticket_id)
        if expected_version is not None and ticket.version != expected_version:
            raise ConcurrencyError(
                ticket_id=ticket_id, expected=expected_version, actual=ticket.version
            )
        now = self.clock.now()
        loaded = ticket
        command = with_round_context(command, lambda: self._log(loaded))
        ticket, events = self._complete(ticket, now)
        new, more = apply(
            ticket, self._restamp(command, loaded, events), actor=actor, at=now, rules=self.rules
        )
        events += more
        new, notes, outbox, due = self.follow.after(new, more, now)
        self.store.save(
            new, [*events, *notes], expected_version=loaded.version, due_at=due, outbox=outbox
        )
        return new

    def _log(self, ticket: Ticket) -> list[Event]:
        """The ticket's log, as of the snapshot just loaded (a rare read: see callers)."""
        log = self.store.events(ticket.id)
        if not log or log[-1].seq != ticket.last_seq:
            # Someone saved between the two reads: the command would be built on a stale
            # ticket, and that is a lost race, not bad input.
            actual = log[-1].version if log else ticket.version
            raise ConcurrencyError(ticket_id=ticket.id, expected=ticket.version, actual=actual)
        return log

    def _complete(self, ticket: Ticket, now: pendulum.DateTime) -> tuple[Ticket, list[Event]]:
        """A ticket stored without SLA clocks gets them, once, from its log."""
        if self.follow.policy is None or ticket.sla is not None:
            return ticket, []
        return self.follow.complete(ticket, self._log(ticket), now)

    @staticmethod
    def _refuse_bookkeeping(command: c.Command, actor: Actor) -> None:
        if isinstance(command, c.RestampSla) and actor.kind is ActorKind.SYSTEM:
            raise PermissionDenied(
                trigger=command.trigger,
                actor_id=actor.id,
                actor_role=None,
                required=f"{Role.SUPERVISOR} or above",
                reason="which SLA policy a ticket is measured under is a supervisor's "
                "decision; the desk restamps on its own only to complete the clocks "
                "of a ticket stored without them",
            )
        if command.trigger in SYSTEM_ONLY:
            raise PermissionDenied(
                trigger=command.trigger,
                actor_id=actor.id,
                actor_role=actor.role.value if actor.role else None,
                required="the desk itself",
                reason="the desk records notifications and SLA alerts itself, with their "
                "outbox items and alert claims: send the command that calls for the "
                "notification, or run desk.sweep() for the alerts",
            )

    def _restamp(self, command: c.Command, loaded: Ticket, earlier: list[Event]) -> c.Command:
        """A restamp with its clocks re-folded from the log under the new version's rules.

        The one command that reads the log: the new version may pause or
        reopen differently, and the clocks must be as if it had always applied.
        """
        if not isinstance(command, c.RestampSla):
            return command
        policy = self.follow.book.get(command.version)
        if policy is None:  # a version the desk cannot measure would fail every later save
            known = ", ".join(map(repr, sorted(self.follow.book))) or "none"
            raise ValidationError(
                f"SLA policy version {command.version!r} is not known to this desk (it knows "
                f"{known}); pass that policy as sla=... or in sla_history=[...] first",
                field="version",
            )
        log = [*self._log(loaded), *earlier]
        clocks = fold_clocks(log, command.version, policy.clock_rules())
        return attrs.evolve(command, clocks=clocks)

    def retrying(
        self, ticket_id: str, command: c.Command, *, actor: Actor, attempts: int = 3
    ) -> Ticket:
        """:meth:`execute`, reloading and trying again after a ConcurrencyError.

        Use it for commands that still make sense after someone else's
        change (a comment, a response); the lifecycle re-checks the state on
        every attempt, so a command that no longer fits fails with its own
        error instead of being forced through.
        """
        attempts = arguments.count(attempts, "attempts", high=100)
        for attempt in range(attempts):
            try:
                return self.execute(ticket_id, command, actor=actor)
            except ConcurrencyError:
                if attempt == attempts - 1:
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def triage(
        self,
        ticket_id: str,
        kind: Kind | str,
        category: Category | str | None,
        priority: Priority | str,
        *,
        actor: Actor,
        complex: bool = False,
        department: str | None = None,
    ) -> Ticket:
        return self.execute(
            ticket_id,
            c.Triage(kind, category, priority, complex=complex, department=department),
            actor=actor,
        )

    def override(
        self,
        ticket_id: str,
        reason: str,
        *,
        actor: Actor,
        kind: Kind | str | None = None,
        category: Category | str | None = None,
        priority: Priority | str | None = None,
    ) -> Ticket:
        return self.execute(
            ticket_id,
            c.Override(reason, kind=kind, category=category, priority=priority),
            actor=actor,
        )

    def assign(
        self, ticket_id: str, assignee: str | None, *, actor: Actor, department: str | None = None
    ) -> Ticket:
        return self.execute(ticket_id, c.Assign(assignee, department), actor=actor)

    def investigate(self, ticket_id: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Investigate(), actor=actor)

    def respond(self, ticket_id: str, message: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Respond(message), actor=actor)

    def commit_time(self, ticket_id: str, at: dt.datetime, reason: str, *, actor: Actor) -> Ticket:
        """Promise the customer a new resolution time, and tell them now (seed 001 §4.1)."""
        return self.execute(ticket_id, CommitTime(at, reason), actor=actor)

    def transfer(
        self,
        ticket_id: str,
        to_department: str | None,
        reason: str,
        *,
        actor: Actor,
        to_assignee: str | None = None,
    ) -> Ticket:
        return self.execute(
            ticket_id, c.Transfer(to_department, reason, to_assignee=to_assignee), actor=actor
        )

    def comment(self, ticket_id: str, text: str, *, actor: Actor, internal: bool = True) -> Ticket:
        return self.execute(ticket_id, c.Comment(text, internal=internal), actor=actor)

    def attach(self, ticket_id: str, attachment: Attachment, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Attach(attachment), actor=actor)

    def propose_solution(
        self, ticket_id: str, text: str, *, actor: Actor, amount: Money | None = None
    ) -> Ticket:
        return self.execute(ticket_id, c.ProposeSolution(text, amount=amount), actor=actor)

    def approve(self, ticket_id: str, *, actor: Actor, note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Approve(note), actor=actor)

    def reject(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Reject(reason), actor=actor)

    def customer_accepts(self, ticket_id: str, *, actor: Actor, note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.CustomerAccepts(note), actor=actor)

    def customer_declines(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.CustomerDeclines(reason), actor=actor)

    def complete(self, ticket_id: str, *, actor: Actor, note: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Complete(note), actor=actor)

    def resolve_now(self, ticket_id: str, answer: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.ResolveNow(answer), actor=actor)

    def record_survey(
        self,
        ticket_id: str,
        response: SurveyResponse,
        *,
        actor: Actor,
        reopen_to: str | None = None,
    ) -> Ticket:
        return self.execute(ticket_id, c.RecordSurvey(response, reopen_to=reopen_to), actor=actor)

    def send_survey(
        self,
        ticket_id: str,
        round: str,
        *,
        actor: Actor,
        stratum: str = "all",
        population: int = 1,
        sample: int = 1,
        method: str = "questionnaire",
        followup: bool = False,
    ) -> Ticket:
        """Record that survey ``round`` went out on this ticket (seed 003); see
        :meth:`~complaintflow.satisfaction.SurveySampler.draw` for the stratum figures."""
        command = c.SendSurvey(
            round,
            stratum=stratum,
            population=population,
            sample=sample,
            method=method,
            followup=followup,
        )
        return self.execute(ticket_id, command, actor=actor)

    def refuse_survey(
        self, ticket_id: str, round: str, *, actor: Actor, note: str = c.REFUSAL_NOTE
    ) -> Ticket:
        """The customer declined the round's survey (客户拒访)."""
        return self.execute(ticket_id, c.RefuseSurvey(round, note=note), actor=actor)

    def answer_survey(
        self,
        ticket_id: str,
        round: str,
        response: SurveyResponse,
        *,
        actor: Actor,
        answers: Sequence[int] = (),
        started_at: dt.datetime | None = None,
        answered_at: dt.datetime | None = None,
        suggestion: str | None = None,
        reopen_to: str | None = None,
        rules: c.RoundRules | None = None,
    ) -> Ticket:
        """Record an answer to ``round``, checked for anomalies against the round's log
        (``answers``: each scored question's score; ``suggestion``: 改进建议)."""
        command = c.AnswerSurvey(
            round,
            response,
            answers=tuple(answers),
            started_at=started_at,
            answered_at=answered_at,
            suggestion=suggestion,
            reopen_to=reopen_to,
            rules=rules or c.RoundRules(),
        )
        return self.execute(ticket_id, command, actor=actor)

    def reopen(self, ticket_id: str, reason: str, *, actor: Actor) -> Ticket:
        return self.execute(ticket_id, c.Reopen(reason), actor=actor)

    def close(self, ticket_id: str, *, actor: Actor, reason: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Close(reason), actor=actor)

    def restamp_sla(self, ticket_id: str, version: str, reason: str, *, actor: Actor) -> Ticket:
        """Measure the ticket under another SLA policy version from now on (supervisor).

        The version must be one this desk was given (``sla`` or
        ``sla_history``); the restamp is an audited ``sla_stamped`` event.
        """
        return self.execute(ticket_id, c.RestampSla(version, reason), actor=actor)

    def merge(
        self, ticket_id: str, into: str, *, actor: Actor, reason: str | None = None
    ) -> Ticket:
        """Merge a duplicate into ``into`` (which must exist in this store)."""
        self.store.get(arguments.ticket_id(into, "into"))
        return self.execute(ticket_id, c.Merge(into, reason), actor=actor)

    def withdraw(self, ticket_id: str, *, actor: Actor, reason: str | None = None) -> Ticket:
        return self.execute(ticket_id, c.Withdraw(reason), actor=actor)
