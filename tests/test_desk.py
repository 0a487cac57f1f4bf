"""The desk over a store: intake, one method per command, optimistic concurrency."""

from __future__ import annotations

import datetime as dt
import threading
from itertools import count

import pytest

from complaintflow import (
    Actor,
    Channel,
    ComplaintDesk,
    ConcurrencyError,
    Customer,
    InMemoryStore,
    InvalidTransition,
    Kind,
    ManualClock,
    NotFound,
    PermissionDenied,
    Priority,
    Status,
    Ticket,
    TicketDraft,
    ValidationError,
)
from complaintflow.classify import Classification
from complaintflow.demo.story import START, run_story
from complaintflow.domain.commands import Command, QueueNotification, RecordAlert, RestampSla
from complaintflow.domain.vocabulary import Category
from complaintflow.service.followups import SYSTEM
from complaintflow.testing import AGENT, SUPERVISOR


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def desk(clock: ManualClock) -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(InMemoryStore(), clock, ids=lambda: f"t{next(serial)}")


def draft(clock: ManualClock, text: str = "包裹破损，里面的杯子碎了", **kw: object) -> TicketDraft:
    return TicketDraft(text, Channel.PHONE, clock.now(), Customer("C9"), **kw)  # type: ignore[arg-type]


def test_intake_numbers_tickets_per_local_day(desk: ComplaintDesk, clock: ManualClock) -> None:
    first = desk.intake(draft(clock))
    second = desk.intake(draft(clock))
    assert (first.number, second.number) == ("TS20240520-0001", "TS20240520-0002")
    clock.advance(dt.timedelta(hours=14))  # 00:00 on the 21st in Shanghai
    assert desk.intake(draft(clock)).number == "TS20240521-0001"


def test_intake_is_idempotent_on_the_dedupe_key(desk: ComplaintDesk, clock: ManualClock) -> None:
    first = desk.intake(draft(clock, dedupe_key="wx-123"))
    again = desk.intake(draft(clock, "same message delivered twice", dedupe_key="wx-123"))
    assert again == first
    assert len(desk.store) == 1  # type: ignore[arg-type]


def test_intake_with_a_classifier_triages(clock: ManualClock) -> None:
    class Fixed:
        def classify(self, draft: TicketDraft) -> Classification:
            return Classification(
                kind=Kind.COMPLAINT, category=Category.LOGISTICS_PACKAGE, priority=Priority.P3
            )

    desk = ComplaintDesk(InMemoryStore(), clock, classifier=Fixed())
    ticket = desk.intake(draft(clock))
    assert ticket.status is Status.TRIAGED
    assert (ticket.kind, ticket.category, ticket.priority) == (
        Kind.COMPLAINT,
        Category.LOGISTICS_PACKAGE,
        Priority.P3,
    )
    assert [e.type for e in desk.history(ticket.id)] == [
        "received",
        "triaged",
        "notification_queued",
    ]
    assert Ticket.replay(desk.history(ticket.id)) == ticket


def test_intake_refuses_what_is_not_a_draft(desk: ComplaintDesk) -> None:
    with pytest.raises(ValidationError):
        desk.intake("not a draft")  # type: ignore[arg-type]


def test_commands_are_saved_with_their_events(desk: ComplaintDesk, clock: ManualClock) -> None:
    ticket = desk.intake(draft(clock))
    desk.triage(ticket.id, "complaint", "logistics.package", "P3", actor=AGENT)
    clock.advance(minutes=5)
    after = desk.assign(ticket.id, "a1", actor=SUPERVISOR, department="warehouse")
    assert desk.get(ticket.id) == after
    assert Ticket.replay(desk.history(ticket.id)) == after
    assert after.version == 3


def test_a_refused_command_changes_nothing(desk: ComplaintDesk, clock: ManualClock) -> None:
    ticket = desk.intake(draft(clock))
    with pytest.raises(InvalidTransition):
        desk.complete(ticket.id, actor=AGENT)
    assert desk.get(ticket.id) == ticket
    assert [e.type for e in desk.history(ticket.id)] == ["received", "notification_queued"]


def test_expected_version_guards_a_stale_screen(desk: ComplaintDesk, clock: ManualClock) -> None:
    ticket = desk.intake(draft(clock))
    desk.triage(ticket.id, "complaint", None, "P3", actor=AGENT)
    from complaintflow.domain.commands import Respond

    with pytest.raises(ConcurrencyError) as caught:
        desk.execute(ticket.id, Respond("您好"), actor=AGENT, expected_version=ticket.version)
    assert (caught.value.expected, caught.value.actual) == (1, 2)


def test_retrying_reloads_after_a_concurrent_save(clock: ManualClock) -> None:
    store = InMemoryStore()
    desk = ComplaintDesk(store, clock)
    ticket = desk.intake(draft(clock))
    desk.triage(ticket.id, "complaint", None, "P3", actor=AGENT)
    real_save = store.save
    raced = threading.Event()

    def save_after_a_rival(ticket: Ticket, events: list, **kw: object) -> None:  # type: ignore[type-arg]
        if not raced.is_set():
            raced.set()
            rival = desk.get(ticket.id)
            from complaintflow.domain.commands import Comment
            from complaintflow.domain.lifecycle import apply

            new, evs = apply(rival, Comment("rival note"), actor=SUPERVISOR, at=clock.now())
            real_save(new, evs, expected_version=rival.version)
        real_save(ticket, events, **kw)  # type: ignore[arg-type]

    store.save = save_after_a_rival  # type: ignore[method-assign]
    from complaintflow.domain.commands import Respond

    result = desk.retrying(ticket.id, Respond("您好，我们正在处理"), actor=AGENT)
    assert result.version == 4
    assert [e.type for e in desk.history(ticket.id)][-2:] == ["commented", "responded"]


def test_retrying_gives_up_after_the_attempts(clock: ManualClock) -> None:
    store = InMemoryStore()
    desk = ComplaintDesk(store, clock)
    ticket = desk.intake(draft(clock))

    def always_conflict(
        ticket: Ticket,
        events: list,
        *,
        expected_version: int,  # type: ignore[type-arg]
        **kw: object,
    ) -> None:
        raise ConcurrencyError(ticket_id=ticket.id, expected=expected_version, actual=99)

    store.save = always_conflict  # type: ignore[method-assign]
    from complaintflow.domain.commands import Comment

    with pytest.raises(ConcurrencyError):
        desk.retrying(ticket.id, Comment("x"), actor=AGENT, attempts=2)
    with pytest.raises(ValidationError):
        desk.retrying(ticket.id, Comment("x"), actor=AGENT, attempts=0)


def test_merge_needs_an_existing_target(desk: ComplaintDesk, clock: ManualClock) -> None:
    ticket = desk.intake(draft(clock))
    with pytest.raises(NotFound):
        desk.merge(ticket.id, "no-such-ticket", actor=AGENT)
    other = desk.intake(draft(clock))
    merged = desk.merge(other.id, ticket.id, actor=AGENT, reason="same parcel")
    assert merged.status is Status.MERGED
    assert merged.merged_into == ticket.id


def test_unknown_ticket_is_not_found(desk: ComplaintDesk) -> None:
    with pytest.raises(NotFound):
        desk.get("nope")
    with pytest.raises(NotFound):
        desk.history("nope")


def test_the_demo_story_ends_closed_with_eleven_events() -> None:
    store = InMemoryStore()
    ticket = run_story(store)
    assert ticket.status is Status.CLOSED
    events = store.events(ticket.id)
    assert len(events) == 16  # 11 steps, 4 customer notifications, 1 to the approver
    assert ticket.version == 11
    assert [e.payload.kind for e in events if e.type == "notification_queued"] == [
        "accepted",
        "in_progress",
        "approval_waiting",
        "solution_ready",
        "result",
    ]
    assert Ticket.replay(events) == ticket
    assert ticket.solution is not None
    assert ticket.solution.approved


BOOKKEEPING = [
    QueueNotification("t1:result:99", "result"),
    RecordAlert("t1:resolution:1:breach:1", "resolution", 1, "breach", 1.0, START),
]


@pytest.mark.parametrize("command", BOOKKEEPING, ids=lambda command: command.trigger)
@pytest.mark.parametrize(
    "actor", [Actor.system(), SYSTEM, SUPERVISOR], ids=["system", "the-desk's-own-actor", "staff"]
)
def test_the_desk_refuses_bookkeeping_from_callers(
    desk: ComplaintDesk, clock: ManualClock, command: Command, actor: Actor
) -> None:
    ticket = desk.intake(draft(clock))
    log = desk.history(ticket.id)
    with pytest.raises(PermissionDenied, match="records notifications and SLA alerts") as refused:
        desk.execute(ticket.id, command, actor=actor)
    assert refused.value.trigger == command.trigger
    with pytest.raises(PermissionDenied):
        desk.retrying(ticket.id, command, actor=actor)
    assert desk.get(ticket.id) == ticket
    assert desk.history(ticket.id) == log
    outbox = desk.store.claim_outbox(
        worker="t", limit=10, lease=dt.timedelta(minutes=1), now=clock.now()
    )
    assert [item.kind for item in outbox] == ["accepted"]  # intake's own notification only


def sla_desk(clock: ManualClock) -> ComplaintDesk:
    from complaintflow import BusinessCalendar, SlaPolicy

    calendar = BusinessCalendar(
        tz="Asia/Shanghai", week={day: [("09:00", "18:00")] for day in range(5)}
    )
    return ComplaintDesk(
        InMemoryStore(),
        clock,
        sla=SlaPolicy.default("v2"),
        sla_history=[SlaPolicy.default("v1")],
        calendar=calendar,
    )


def test_a_supervisor_restamps_a_ticket_to_a_version_the_desk_knows(clock: ManualClock) -> None:
    desk = sla_desk(clock)
    ticket = desk.intake(draft(clock))
    assert ticket.sla_version == "v2"
    restamped = desk.restamp_sla(ticket.id, "v1", "contract signed under v1", actor=SUPERVISOR)
    assert restamped.sla_version == "v1"
    assert desk.history(ticket.id)[-1].type == "sla_stamped"
    with pytest.raises(ValidationError, match="sla_history") as unknown:
        desk.restamp_sla(ticket.id, "v9", "typo", actor=SUPERVISOR)
    assert unknown.value.field == "version"
    with pytest.raises(PermissionDenied):  # a supervisor's decision
        desk.execute(ticket.id, RestampSla("v2", "policy upgrade"), actor=Actor.system())
    with pytest.raises(PermissionDenied):
        desk.restamp_sla(ticket.id, "v2", "policy upgrade", actor=AGENT)
    assert desk.get(ticket.id) == restamped
