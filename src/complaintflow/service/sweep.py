"""The SLA sweep and the outbox delivery loop: the desk's two background jobs.

``sweep`` visits every ticket the store says is due, records each SLA
warning, breach and escalation step it has passed, queues the staff
alert of each, the customer's in-advance notice (before the resolution is
late) and overdue apology (once it is), and stores the ticket's next due
time.  ``deliver`` hands outbox items to a
:class:`~complaintflow.service.notifications.Notifier`; an item is acknowledged only after
it was sent, so a crash means a resend, never a loss.

How an alert is recorded exactly once, in few commits.  The sweep works a
page of due tickets at a time: it plans every ticket of the page (reads
only), claims all the page's new alert keys with one
:meth:`~complaintflow.storage.TicketStore.record_alerts` call, then saves
the tickets with their ``sla_alerted`` events and outbox items, all in
one :meth:`~complaintflow.storage.BatchSaves.save_many` when the store
has it (else one save each).  Two commits per page, where claiming and
saving one by one cost a commit (an fsync on SQLite) per alert and per
ticket.

The claim is written ahead; what makes an alert exactly-once is the
save: it is atomic and conditional on the version the sweep planned
from, so of two sweepers racing on a ticket one saves and the other
re-reads the log, finds the alerts there, and records nothing.  So the
sweep acts on the log, not on who won the claim: a key that is claimed
but missing from the log belongs to a sweeper that died, or gave up
after repeated conflicts, between its claim and its save.  The ticket is
still due (its due time was not moved), and the next sweep records the
alert then.  A crash, even one that takes a whole page's saves with it,
delays alerts and never loses them; claiming first and acting only on a
won claim, as sweeps did key by key before, lost such an alert for good.
Hence the store's alert keys always include every key in a log, and may
include a few that were recorded late.

A visited ticket that records nothing (its alerts are held until the
staff calendar opens, or its stored due time is stale, e.g. written
before stopped clocks stopped raising alerts) makes no save, since a save
needs an event; its stored due time would stay in the past and every
later sweep would reload it for nothing.  So the sweep recomputes its due
time from the log it planned from
(:meth:`~complaintflow.service.followups.FollowUp.next_due`) and moves all such
tickets of the page with one
:meth:`~complaintflow.storage.TicketStore.reschedule` (a third commit,
paid only by pages that have them).  That never hides an alert: only a
ticket whose log already holds every alert it could record now is moved,
so a ticket with a claimed but unrecorded key stays due as above.  The
move is conditional on the version planned from, so a ticket saved
meanwhile keeps the due time its save stored.  It comes after the page's
saves: a sweep that dies before it leaves those tickets due, and the next
sweep moves them.

How several sweepers split the work.  Given a ``worker`` name (the desk
passes ``host:pid``), the sweep does not read the due tickets page by
page but claims them in batches of ``page_size`` with
:meth:`~complaintflow.storage.TicketStore.claim_due`: each batch is leased
to it until ``now + lease`` (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the
write lock on SQLite), so sweepers sharing a database each load a disjoint
share, and a round ends when a claim comes back short.  Each batch is then
worked exactly like a page above (one ``record_alerts``, one
``save_many``, one ``reschedule``); a save or a reschedule frees its
ticket's lease.  The lease is not what makes an alert exactly-once (the
version-checked save still is), only what keeps two sweepers from doing
the same work: a sweeper that dies holding a batch leaves those tickets
due and leased, and once the lease ends another sweeper claims them and
records their alerts.  A claimed ticket that stays due with nothing saved
(a conflict given up on, say) is met again when its lease ends, not by
the next sweep before that.  Without a worker the sweep reads every due
ticket, as one sweeper on its own may.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

import attrs
import pendulum

from complaintflow.domain import commands as c
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import apply
from complaintflow.domain.ticket import Ticket
from complaintflow.errors import ComplaintflowError, ConcurrencyError, CorruptRecord
from complaintflow.service.followups import (
    SYSTEM,
    FollowUp,
    notification_from_outbox,
)
from complaintflow.service.followups import to_outbox as outbox_item
from complaintflow.service.notifications import NotificationKind, Notifier, compose
from complaintflow.service.outbox import RetryPolicy, failure_of, record_failures
from complaintflow.service.staff import alert_recipient
from complaintflow.sla.alerts import Alert, AlertKind, AlertPlan
from complaintflow.sla.measure import SlaStatus
from complaintflow.sla.targets import BusinessTime
from complaintflow.storage.protocol import (
    BatchSaves,
    OutboxItem,
    Reschedule,
    SaveItem,
    TicketStore,
)

__all__ = ["DeliveryReport", "SweepSummary", "deliver", "sweep"]

_ATTEMPTS = 5


@attrs.frozen
class SweepSummary:
    """What one sweep did; ``conflicts`` counts tickets left to the next sweep.

    ``corrupt`` names the due tickets the store could not decode
    (:class:`~complaintflow.errors.CorruptRecord`, logged by the store): the
    sweep skipped them and served every other ticket; each sweep names them
    again until someone repairs or deletes the row.  ``notices`` counts the
    in-advance notices recorded (seed 001 §4.1).
    """

    checked: int = 0
    warnings: int = 0
    breaches: int = 0
    escalations: int = 0
    held: int = 0
    conflicts: int = 0
    alerts: tuple[str, ...] = ()
    corrupt: tuple[str, ...] = ()
    notices: int = 0

    def __add__(self, other: SweepSummary) -> SweepSummary:
        return SweepSummary(
            *(
                a + b
                for a, b in zip(
                    attrs.astuple(self, recurse=False),
                    attrs.astuple(other, recurse=False),
                    strict=True,
                )
            )
        )


@attrs.frozen
class DeliveryReport:
    """What one delivery round did; ``corrupt`` names outbox rows the store could not
    decode (not leased, not sent, logged by the store: one bad row never blocks the rest).

    Of the ``failed`` items, ``retrying`` wait for their next attempt (backoff) and
    ``dead`` (their ids) went to the dead letters; the rest had been claimed again or
    acknowledged by another worker meanwhile (a store without dead letters keeps them
    leased until the lease ends, and reports none of these).
    """

    delivered: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()
    corrupt: tuple[str, ...] = ()
    retrying: int = 0
    dead: tuple[str, ...] = ()


def _record(
    follow: FollowUp,
    ticket: Ticket,
    alerts: list[Alert],
    now: pendulum.DateTime,
    grace: dt.timedelta,
) -> tuple[Ticket, list[Event], list[OutboxItem]]:
    """Each alert's ``sla_alerted`` event, its staff notification and, for a breach or an
    in-advance notice, the customer's message (with its ``notification_queued`` event).

    The staff notification's key is the alert's key plus ``:staff``: the
    ``sla_alerted`` event is its record in the log, and the alert is
    recorded once, so is the notification.
    """
    assert follow.calendar is not None
    events: list[Event] = []
    outbox: list[OutboxItem] = []
    for alert in alerts:
        ticket, more = apply(
            ticket,
            c.RecordAlert(
                alert.key,
                alert.metric,
                alert.cycle,
                alert.kind.value,
                alert.threshold,
                alert.due_at,
                role=alert.role,
                reassign=alert.reassign,
            ),
            actor=SYSTEM,
            at=now,
            rules=follow.rules,
            continue_batch=bool(events),
        )
        events += more
        # A new time the assignee promised, while it still lies ahead, is what the customer
        # was told; else the policy's: the grace after the promise, or after now once late.
        committed = (
            ticket.committed_at if ticket.committed_at and ticket.committed_at > now else None
        )
        if alert.kind is AlertKind.NOTICE:
            if follow.notify and committed is None:  # else the assignee's notice said it
                notice = compose(
                    NotificationKind.DELAY_NOTICE,
                    ticket,
                    key=f"{alert.key}:notice",
                    at=now,
                    expected=follow.calendar.add(alert.due_at, grace),
                    lang=follow.lang,
                    zone=follow.zone,
                    templates=follow.templates,
                    extra={"promised": follow.shown(alert.due_at)},
                )
                ticket, more = follow.queue(ticket, notice, now)
                events += more
                outbox.append(outbox_item(notice))
            continue
        staff = compose(
            NotificationKind.SLA_ALERT,
            ticket,
            key=f"{alert.key}:staff",
            at=now,
            expected=alert.due_at,
            lang=follow.lang,
            zone=follow.zone,
            templates=follow.templates,
            extra={
                "metric": alert.metric,
                "alert": alert.kind.value,
                "role": str(alert.role) if alert.role else "assignee",
            },
            recipient=str(alert_recipient(alert, ticket)),
        )
        outbox.append(outbox_item(staff, audience="staff"))
        if alert.kind is AlertKind.BREACH and follow.notify:
            apology = compose(
                NotificationKind.OVERDUE_APOLOGY,
                ticket,
                key=f"{alert.key}:apology",
                at=now,
                expected=committed or follow.calendar.add(now, grace),
                lang=follow.lang,
                zone=follow.zone,
                templates=follow.templates,
            )
            ticket, more = follow.queue(ticket, apology, now)
            events += more
            outbox.append(outbox_item(apology))
    return ticket, events, outbox


@attrs.frozen
class _Plan:
    """One due ticket as planned from its snapshot: its clocks and its unrecorded alerts."""

    found: Ticket
    status: SlaStatus
    alerts: AlertPlan
    todo: tuple[Alert, ...]


def _plan(follow: FollowUp, found: Ticket, now: pendulum.DateTime) -> _Plan | None:
    """The plan for one due ticket; None for one without SLA clocks (nothing to alert).

    The alerts already recorded and the policy version come from the
    snapshot, so planning reads nothing but the ticket the page brought.
    A ticket changed after ``now`` (another sweeper or a command on a clock a
    little ahead saved it meanwhile) cannot be measured at ``now``: that save
    recorded every alert due by its own, later instant, so there is nothing
    left for this sweep to do on it.
    """
    if found.updated_at > now:
        return None
    status = follow.status(found, now)
    if status is None or found.sla is None:
        return None
    plan = follow.plan(status)
    done = found.sla.alerts
    return _Plan(found, status, plan, tuple(alert for alert in plan.due if alert.key not in done))


def _prepare(
    follow: FollowUp, plan: _Plan, now: pendulum.DateTime, grace: dt.timedelta
) -> SaveItem | None:
    """The save that records the plan's alerts; None if there is nothing to record."""
    ticket = plan.found
    try:
        new, events, outbox = _record(follow, ticket, list(plan.todo), now, grace)
    except ComplaintflowError:  # closed or merged since it was due: nothing to alert
        return None
    if not events:
        return None
    # ``status`` (and its plan) stay valid for the grown ticket: alerts and notifications
    # move no clock.
    due = follow.next_due(new, now, status=plan.status, plan=plan.alerts)
    return SaveItem(new, events, ticket.version, due, outbox)


def _moved(follow: FollowUp, plan: _Plan, now: pendulum.DateTime) -> Reschedule | None:
    """The due time of a ticket that records nothing now, as of the snapshot planned from.

    None when that time is not after ``now``: the ticket stays due either
    way, and moving it would only let a later page of this sweep meet it again.
    """
    due = follow.next_due(plan.found, now, status=plan.status, plan=plan.alerts)
    return Reschedule(plan.found.id, plan.found.version, due) if due is None or due > now else None


def _recorded(todo: tuple[Alert, ...]) -> SweepSummary:
    kinds = [alert.kind for alert in todo]  # recorded by this save, and by no other sweeper
    return SweepSummary(
        warnings=kinds.count(AlertKind.WARNING),
        breaches=kinds.count(AlertKind.BREACH),
        escalations=kinds.count(AlertKind.ESCALATION),
        notices=kinds.count(AlertKind.NOTICE),
        alerts=tuple(alert.key for alert in todo),
    )


def _settle(
    store: TicketStore,
    follow: FollowUp,
    plan: _Plan,
    claimed: set[str],
    moves: list[Reschedule],
    now: pendulum.DateTime,
    grace: dt.timedelta,
    *,
    stale: bool = False,
) -> SweepSummary:
    """Save the planned alerts of one ticket; on a conflict re-read, re-plan and retry.

    If nothing is left to record, the ticket's new due time joins ``moves``.
    """
    fresh = not stale
    for _ in range(_ATTEMPTS):
        if not fresh:
            # Whatever changed may have stopped a clock (no alert any more) or moved one.
            try:
                reloaded = store.get(plan.found.id)
            except CorruptRecord:  # broken since the page was read: skip it, like find does
                return SweepSummary(corrupt=(plan.found.id,))
            replanned = _plan(follow, reloaded, now)
            if replanned is None:
                return SweepSummary()
            plan, fresh = replanned, True
            unclaimed = [alert.key for alert in plan.todo if alert.key not in claimed]
            if unclaimed:  # the claim comes first, always: keep the keys a superset
                store.record_alerts(unclaimed)
                claimed.update(unclaimed)
        save = _prepare(follow, plan, now, grace) if plan.todo else None
        if save is None:
            if (move := _moved(follow, plan, now)) is not None:
                moves.append(move)
            return SweepSummary()
        try:
            store.save(
                save.ticket,
                save.events,
                expected_version=save.expected_version,
                due_at=save.due_at,
                outbox=save.outbox,
            )
        except ConcurrencyError:
            fresh = False
            continue
        return _recorded(plan.todo)
    return SweepSummary(conflicts=1)


def _save_page(
    store: TicketStore,
    saver: BatchSaves,
    follow: FollowUp,
    plans: list[_Plan],
    claimed: set[str],
    moves: list[Reschedule],
    now: pendulum.DateTime,
    grace: dt.timedelta,
) -> SweepSummary:
    """Every ticket of the page in one ``save_many``; the ones that moved, one by one."""
    summary = SweepSummary()
    ready: list[tuple[_Plan, SaveItem]] = []
    later: list[_Plan] = []
    for plan in plans:
        if (save := _prepare(follow, plan, now, grace)) is not None:
            ready.append((plan, save))
        elif (move := _moved(follow, plan, now)) is not None:
            moves.append(move)  # closed or merged since it was due: nothing to record
    moved = saver.save_many([save for _, save in ready]) if ready else frozenset()
    for plan, save in ready:
        if save.ticket.id in moved:
            later.append(plan)
        else:
            summary += _recorded(plan.todo)
    for plan in later:
        summary += _settle(store, follow, plan, claimed, moves, now, grace, stale=True)
    return summary


def _completed(
    store: TicketStore, follow: FollowUp, ticket: Ticket, now: pendulum.DateTime
) -> Ticket:
    """A due ticket stored without SLA clocks, given them once from its log (and saved).

    Tickets written before the clocks lived in the snapshot are completed
    the first time a command or a sweep meets them; a ticket that moved or
    cannot be completed is left as it is, for the next sweep.
    """
    if ticket.sla is not None or follow.policy is None:
        return ticket
    try:
        log = store.events(ticket.id)
    except CorruptRecord:  # a broken event row: the ticket waits, the others go on
        return ticket
    if not log or log[-1].seq != ticket.last_seq:
        return ticket
    try:
        new, events = follow.complete(ticket, log, now)
        store.save(new, events, expected_version=ticket.version, due_at=follow.next_due(new, now))
    except ComplaintflowError:
        return ticket
    return new


def _sweep_page(
    store: TicketStore,
    follow: FollowUp,
    tickets: Sequence[Ticket],
    now: pendulum.DateTime,
    grace: dt.timedelta,
) -> SweepSummary:
    plans = [
        plan
        for ticket in tickets
        if (plan := _plan(follow, _completed(store, follow, ticket, now), now)) is not None
    ]
    summary = SweepSummary(checked=len(plans), held=sum(len(plan.alerts.held) for plan in plans))
    todo = [plan for plan in plans if plan.todo]
    moves = [
        move for plan in plans if not plan.todo if (move := _moved(follow, plan, now)) is not None
    ]
    keys = [alert.key for plan in todo for alert in plan.todo]
    if keys:
        store.record_alerts(keys)  # one commit for the page; see the module docstring
    claimed = set(keys)
    if isinstance(store, BatchSaves):  # and one more for all the page's saves
        summary += _save_page(store, store, follow, todo, claimed, moves, now, grace)
    else:
        for plan in todo:
            summary += _settle(store, follow, plan, claimed, moves, now, grace)
    if moves:  # after the saves: a sweep that dies first leaves these tickets due
        store.reschedule(moves)  # version-checked: a ticket saved meanwhile is skipped
    return summary


def _scanned(
    store: TicketStore, now: pendulum.DateTime, page_size: int
) -> Iterator[tuple[Sequence[Ticket], Sequence[str]]]:
    """Every due ticket, page by page, leasing nothing (one sweeper sees them all)."""
    cursor: str | None = None
    while True:
        page = store.find(due_before=now, limit=page_size, cursor=cursor)
        yield page.items, page.corrupt
        cursor = page.cursor
        if cursor is None:
            return


def _claimed(
    store: TicketStore,
    now: pendulum.DateTime,
    page_size: int,
    worker: str,
    lease: dt.timedelta,
) -> Iterator[tuple[Sequence[Ticket], Sequence[str]]]:
    """Leased batches of due tickets until a claim comes back short (module docstring).

    A short batch means nothing else is free to take: the rest is leased to
    other sweepers (or to this one, earlier in the round).  Each claim names
    the undecodable due rows again; the caller reports them once.
    """
    while True:
        batch = store.claim_due(now=now, limit=page_size, worker=worker, lease=lease)
        yield batch, getattr(batch, "corrupt", ())
        if len(batch) < page_size:
            return


def sweep(
    store: TicketStore,
    follow: FollowUp,
    now: pendulum.DateTime,
    *,
    staff_calendar: BusinessTime | None = None,
    grace: dt.timedelta = dt.timedelta(hours=4),
    page_size: int = 500,
    worker: str | None = None,
    lease: dt.timedelta = dt.timedelta(minutes=5),
) -> SweepSummary:
    """Visit every ticket due by ``now`` (all pages) and record what it has passed.

    Each alert is recorded once even with several sweepers at once; one
    that dies half way leaves its alerts to the next sweep (module docstring).
    ``staff_calendar``, if given, replaces ``follow.staff_calendar``: when
    staff take alerts (others are held until it opens).  With a ``worker``
    name the due tickets are claimed in leased batches of ``page_size``
    (:meth:`~complaintflow.storage.TicketStore.claim_due`), so sweepers
    sharing a database split them; without one, every due ticket is read.
    """
    total = SweepSummary()
    if follow.policy is None:
        return total
    if staff_calendar is not None:
        follow = attrs.evolve(follow, staff_calendar=staff_calendar)
    pages = (
        _scanned(store, now, page_size)
        if worker is None
        else _claimed(store, now, page_size, worker, lease)
    )
    corrupt: dict[str, None] = {}  # each named once, in the order met
    for tickets, bad in pages:
        total += _sweep_page(store, follow, tickets, now, grace)
        corrupt.update(dict.fromkeys(bad))
    return attrs.evolve(total, corrupt=tuple(corrupt)) if corrupt else total


def deliver(
    store: TicketStore,
    notifier: Notifier,
    now: pendulum.DateTime,
    *,
    worker: str = "complaintflow",
    limit: int = 100,
    lease: dt.timedelta = dt.timedelta(minutes=5),
    retry: RetryPolicy | None = None,
) -> DeliveryReport:
    """Send what the outbox holds; acknowledge each item only once it was sent.

    A failed item is recorded with its error and retried after a backoff,
    or becomes a dead letter (``retry``'s attempts used up, or a permanent
    error): see :mod:`complaintflow.service.outbox`.
    """
    policy = RetryPolicy() if retry is None else retry
    items = store.claim_outbox(worker=worker, limit=limit, lease=lease, now=now)
    corrupt = tuple(getattr(items, "corrupt", ()))  # not leased by the store; logged there
    sent, errors, failures = [], [], []
    for item in items:
        try:
            notifier.send(notification_from_outbox(item))
        except Exception as error:
            errors.append(f"{item.id}: {type(error).__name__}: {error}")
            failures.append(failure_of(item, error, now, policy))
            continue
        sent.append(item.id)
    store.ack_outbox(sent)
    retrying, dead = record_failures(store, failures, now)
    return DeliveryReport(len(sent), len(errors), tuple(errors), corrupt, retrying, dead)
