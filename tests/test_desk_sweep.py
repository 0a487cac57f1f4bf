"""The desk's follow-ups: notifications in the outbox, the SLA sweep, delivery."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable
from itertools import count
from typing import Any

import pendulum
import pytest

from complaintflow import (
    Actor,
    BusinessCalendar,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    KeywordClassifier,
    ManualClock,
    Notification,
    Role,
    Router,
    SlaPolicy,
    Status,
    Ticket,
    TicketDraft,
)
from complaintflow.domain.commands import Comment
from complaintflow.domain.events import NotificationQueued, SlaAlerted
from complaintflow.testing import AGENT, OFFICE_WEEK, SHANGHAI, instants

CAL = BusinessCalendar(tz=SHANGHAI, week=OFFICE_WEEK, holidays=[dt.date(2024, 6, 10)])
CUSTOMER = Actor.customer("C1")  # the customer of the drafts below


at = instants(2024, 6)


class Outbox:
    """A notifier that remembers what it sent and can be told to fail."""

    def __init__(self) -> None:
        self.sent: list[Notification] = []
        self.fail = False

    def send(self, notification: Notification) -> None:
        if self.fail:
            raise ConnectionError("SMS gateway down")
        self.sent.append(notification)


def make_desk(store: InMemoryStore, clock: ManualClock, **kw: object) -> ComplaintDesk:
    serial = count(1)
    return ComplaintDesk(
        store, clock, sla=SlaPolicy.default(), calendar=CAL, ids=lambda: f"t{next(serial)}", **kw
    )  # type: ignore[arg-type]


def draft(when: pendulum.DateTime, text: str = "快递一周还没到，物流信息不更新") -> TicketDraft:
    return TicketDraft(text, "phone", when, Customer("C1", phone="13812345678"))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(at(7, 17))  # Friday 17:00; Monday the 10th is a holiday


@pytest.fixture
def store() -> InMemoryStore:
    return InMemoryStore()


def test_intake_triages_routes_stamps_and_queues_the_acceptance(
    store: InMemoryStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, classifier=KeywordClassifier(), router=Router.default())
    ticket = desk.intake(draft(clock.now()))
    assert ticket.status is Status.TRIAGED
    assert ticket.sla_version == "default-1"
    assert ticket.department is not None
    assert ticket.version == 2  # received, triaged; the notification joins the batch
    items = store.claim_outbox(worker="t", limit=10, lease=dt.timedelta(minutes=1), now=at(7, 17))
    assert [item.kind for item in items] == ["accepted"]
    body = items[0].payload["body"]
    assert ticket.number in body
    assert "2024-06-11 12:00" in body  # first response promised: 4 business hours later
    assert store.find(due_before=at(11, 11)).items[0].id == ticket.id  # warning at 11:00


def test_the_sweep_records_each_alert_once_and_escalates(
    store: InMemoryStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    ticket = desk.intake(draft(clock.now()))
    desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=AGENT)
    assert desk.sweep(at(11, 10)).checked == 0  # nothing due yet
    clock.set(at(11, 11))
    first = desk.sweep()
    assert (first.warnings, first.breaches) == (1, 0)  # first response at 75 %
    assert desk.sweep().alerts == ()  # same instant: nothing new
    clock.set(at(11, 16))
    later = desk.sweep()
    assert later.breaches == 1
    assert later.escalations == 2  # supervisor, then +50 %
    log = desk.history(ticket.id)
    keys = [e.payload.key for e in log if isinstance(e.payload, SlaAlerted)]
    assert len(keys) == len(set(keys)) == 4
    assert Ticket.replay(log) == desk.get(ticket.id)
    kinds = [e.payload.kind for e in log if isinstance(e.payload, NotificationQueued)]
    assert kinds == ["accepted", "overdue_apology"]


def test_concurrent_sweepers_emit_every_alert_exactly_once(
    store: InMemoryStore, clock: ManualClock
) -> None:
    desks = [make_desk(store, clock) for _ in range(4)]
    for i in range(5):
        desks[0].intake(draft(clock.now(), f"第{i}个包裹没到"))
    now = at(12, 16)
    summaries = []

    def run(desk: ComplaintDesk) -> None:
        summaries.append(desk.sweep(now))

    threads = [threading.Thread(target=run, args=(desk,)) for desk in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    emitted = [key for summary in summaries for key in summary.alerts]
    assert len(emitted) == len(set(emitted))
    logged = [
        e.payload.key
        for t in store.find(limit=10).items
        for e in store.events(t.id)
        if isinstance(e.payload, SlaAlerted)
    ]
    assert sorted(logged) == sorted(emitted)
    assert sum(s.conflicts for s in summaries) == 0


def test_resolved_tickets_leave_the_sweep(store: InMemoryStore, clock: ManualClock) -> None:
    desk = make_desk(store, clock)
    ticket = desk.intake(draft(clock.now(), "请问会员积分怎么兑换？"))
    desk.triage(ticket.id, "inquiry", None, "P3", actor=AGENT)
    desk.resolve_now(ticket.id, "在个人中心-积分商城兑换", actor=AGENT)
    assert store.find(due_before=at(30, 9)).items == ()


def test_delivery_is_at_least_once_and_acknowledged(
    store: InMemoryStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock)
    desk.intake(draft(clock.now()))
    notifier = Outbox()
    notifier.fail = True
    failed = desk.deliver_pending(notifier, lease=dt.timedelta(minutes=5))
    assert (failed.delivered, failed.failed) == (0, 1)
    assert "SMS gateway down" in failed.errors[0]
    notifier.fail = False
    assert desk.deliver_pending(notifier).delivered == 0  # still leased
    clock.advance(minutes=6)
    assert desk.deliver_pending(notifier).delivered == 1  # lease expired: resent
    clock.advance(minutes=6)
    assert desk.deliver_pending(notifier).delivered == 0  # acknowledged: never again
    sent = notifier.sent[0]
    assert sent.contact == "13812345678"  # the notifier needs it
    assert "13812345678" not in repr(sent)
    assert "138****5678" in sent.staff_view()


def test_english_templates_and_host_overrides(store: InMemoryStore, clock: ManualClock) -> None:
    from complaintflow import Templates
    from complaintflow.service.notifications import NotificationKind

    own = Templates(
        {
            "en": {
                NotificationKind.ACCEPTED: (
                    "Got it: {number}",
                    "Ticket {number}, reply by {expected}.",
                )
            }
        }
    )
    desk = make_desk(store, clock, lang="en", templates=own)
    ticket = desk.intake(draft(clock.now()))
    item = store.claim_outbox(worker="t", limit=1, lease=dt.timedelta(minutes=1), now=clock.now())[
        0
    ]
    assert item.payload["subject"] == f"Got it: {ticket.number}"
    assert item.payload["body"] == f"Ticket {ticket.number}, reply by 2024-06-11 12:00."


def test_a_bad_template_field_is_refused() -> None:
    from complaintflow import Templates, ValidationError
    from complaintflow.service.notifications import NotificationKind

    with pytest.raises(ValidationError, match="unknown fields"):
        Templates({"en": {NotificationKind.RESULT: ("{phone}", "x")}})


def test_an_sla_policy_needs_a_calendar(store: InMemoryStore, clock: ManualClock) -> None:
    from complaintflow import ValidationError

    with pytest.raises(ValidationError, match="needs a calendar"):
        ComplaintDesk(store, clock, sla=SlaPolicy.default())


def test_staff_alerts_are_held_outside_staff_hours(
    store: InMemoryStore, clock: ManualClock
) -> None:
    desk = make_desk(store, clock, staff_calendar=CAL)
    desk.intake(draft(clock.now()))
    night = desk.sweep(at(11, 22))
    assert night.held > 0
    assert night.alerts == ()
    morning = desk.sweep(at(12, 9))
    assert morning.breaches == 1


def test_reassigning_escalation_hands_the_ticket_up(
    store: InMemoryStore, clock: ManualClock
) -> None:
    import attrs

    from complaintflow.sla.policy import Escalation

    policy = attrs.evolve(
        SlaPolicy.default(), escalation=(Escalation(Role.SUPERVISOR, 0.0, reassign=True),)
    )
    desk = ComplaintDesk(store, clock, sla=policy, calendar=CAL)
    ticket = desk.intake(draft(clock.now()))
    desk.sweep(at(11, 14))
    assert desk.get(ticket.id).escalated_to is Role.SUPERVISOR


def p1(desk: ComplaintDesk, clock: ManualClock) -> Ticket:
    """A P1 complaint (resolution: 24 elapsed hours) received now and answered at once."""
    ticket = desk.intake(draft(clock.now(), "重复扣款两次"))
    desk.triage(ticket.id, "complaint", "billing.payment", "P1", actor=AGENT)
    return desk.respond(ticket.id, "您好，正在核实扣款", actor=AGENT)


def test_a_breach_at_night_leaves_the_ticket_alone_until_the_office_opens(
    store: InMemoryStore, clock: ManualClock
) -> None:
    clock.set(at(11, 20))  # Tuesday 20:00: breach Wed 20:00
    desk = make_desk(store, clock, staff_calendar=CAL)
    ticket = p1(desk, clock)
    assert desk.sweep(at(12, 14)).warnings == 1  # 75 % of 24 h, inside staff hours
    assert desk.sweep(at(12, 17, 40)).notices == 1  # 90 %: Wed 17:36, the customer is told
    for night in (at(12, 20), at(12, 23), at(13, 8, 59)):
        assert store.find(due_before=night).items == ()
        swept = desk.sweep(night)
        assert (swept.checked, swept.held) == (0, 0), night  # not even loaded
    opening = desk.sweep(at(13, 9))
    assert (opening.breaches, opening.escalations) == (1, 2)  # held since Wed 20:00 / Thu 08:00
    assert desk.sweep(at(13, 9)).checked == 0
    keys = [e.payload.key for e in desk.history(ticket.id) if isinstance(e.payload, SlaAlerted)]
    assert len(keys) == len(set(keys)) == 5
    assert store.find(due_before=at(30, 9)).items == ()  # every step of the ladder done


def test_a_threshold_reached_before_closing_but_unswept_waits_for_the_opening(
    store: InMemoryStore, clock: ManualClock
) -> None:
    """Breach at 17:30, no sweep before the office closes at 18:00: the night sweep holds
    the alerts and moves the ticket to the opening, so later night sweeps load nothing."""
    clock.set(at(11, 17, 30))  # Tuesday 17:30: breach Wed 17:30
    desk = make_desk(store, clock, staff_calendar=CAL)
    ticket = p1(desk, clock)
    assert desk.sweep(at(12, 11, 45)).warnings == 1  # 75 % of 24 h: Wed 11:30
    assert [t.id for t in store.find(due_before=at(12, 17, 30)).items] == [ticket.id]
    evening = desk.sweep(at(12, 20))  # the breach passed unswept; staff gone
    assert (evening.checked, evening.alerts) == (1, ())
    assert evening.held > 0
    assert store.find(due_before=at(13, 8, 59)).items == ()
    assert [t.id for t in store.find(due_before=at(13, 9)).items] == [ticket.id]
    for night in (at(12, 23), at(13, 8, 59)):
        swept = desk.sweep(night)
        assert (swept.checked, swept.held) == (0, 0), night  # not even loaded
    opening = desk.sweep(at(13, 9))
    assert (opening.breaches, opening.escalations) == (1, 2)  # held since 17:30 / Thu 05:30
    assert desk.sweep(at(13, 9)).checked == 0
    keys = [e.payload.key for e in desk.history(ticket.id) if isinstance(e.payload, SlaAlerted)]
    assert len(keys) == len(set(keys)) == 4
    assert store.find(due_before=at(30, 9)).items == ()


V1 = SlaPolicy.default("v1")


def v2() -> SlaPolicy:
    """The host's upgrade: the second escalation goes to the director, a whole target late."""
    import attrs

    from complaintflow.sla.policy import Escalation

    return attrs.evolve(
        SlaPolicy.default("v2"),
        escalation=(Escalation(Role.SUPERVISOR, 0.0), Escalation(Role.DIRECTOR, 1.0)),
    )


def upgraded(store: InMemoryStore, clock: ManualClock) -> tuple[ComplaintDesk, ComplaintDesk]:
    serial = count(1)
    old = ComplaintDesk(store, clock, sla=V1, calendar=CAL, ids=lambda: f"old{next(serial)}")
    new = ComplaintDesk(
        store, clock, sla=v2(), sla_history=[V1], calendar=CAL, ids=lambda: f"new{next(serial)}"
    )
    return old, new


def escalated_to(desk: ComplaintDesk, ticket_id: str) -> list[str | None]:
    return [
        e.payload.role
        for e in desk.history(ticket_id)
        if isinstance(e.payload, SlaAlerted) and e.payload.kind == "escalation"
    ]


def test_after_an_upgrade_open_tickets_stay_due_on_their_stamped_ladder(
    store: InMemoryStore, clock: ManualClock
) -> None:
    clock.set(at(11, 10))
    old, new = upgraded(store, clock)
    ticket = p1(old, clock)  # stamped v1; breach Wed 10:00
    assert old.sweep(at(12, 10)).escalations == 1  # the supervisor, in both versions
    clock.set(at(12, 11))
    new.comment(ticket.id, "客户再次来电", actor=AGENT)  # saved by the upgraded desk
    assert new.get(ticket.id).sla_version == "v1"
    # v1's department manager at +50 % of 24 h (Wed 22:00), not v2's director (Thu 10:00).
    assert store.find(due_before=at(12, 21, 59)).items == ()
    assert [t.id for t in store.find(due_before=at(12, 22)).items] == [ticket.id]


def test_the_sweep_escalates_each_ticket_along_its_stamped_ladder(
    store: InMemoryStore, clock: ManualClock
) -> None:
    clock.set(at(11, 10))
    old, new = upgraded(store, clock)
    before = p1(old, clock)  # stamped v1
    after = p1(new, clock)  # stamped v2
    summary = new.sweep(at(13, 10))  # past every step of both ladders
    assert summary.escalations == 4
    assert escalated_to(new, before.id) == [Role.SUPERVISOR, Role.DEPARTMENT_MANAGER]
    assert escalated_to(new, after.id) == [Role.SUPERVISOR, Role.DIRECTOR]
    assert store.find(due_before=at(30, 9)).items == ()  # nothing left due behind the sweep


class SweepsFirst:
    """A store proxy: after this sweeper claims its alert keys, another one sweeps."""

    def __init__(self, store: InMemoryStore, other: Callable[[], object]) -> None:
        self._store, self._other = store, other

    def record_alerts(self, keys: Iterable[str]) -> frozenset[str]:
        fresh = self._store.record_alerts(keys)
        other, self._other = self._other, lambda: None
        other()
        return fresh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def test_a_sweep_behind_a_ticket_changed_after_its_instant_leaves_it_to_that_change(
    store: InMemoryStore, clock: ManualClock
) -> None:
    """A sweep read its clock; a few ms later, before its save, staff changed the ticket.

    Its save conflicts and, re-reading, it cannot measure the ticket at an
    instant before the ticket's last change (that raised ValidationError). It
    leaves the ticket to the next sweep, which records the alerts.
    """
    desk = make_desk(store, clock)
    ticket = desk.intake(draft(clock.now()))
    desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=AGENT)
    now = at(11, 16)
    clock.set(now + dt.timedelta(milliseconds=6))  # the staff's clock, a little ahead

    def staff_comment() -> None:
        desk.execute(ticket.id, Comment("客户来电催促"), actor=AGENT)

    behind = make_desk(SweepsFirst(store, staff_comment), clock)  # type: ignore[arg-type]
    assert behind.sweep(now).alerts == ()
    clock.set(now + dt.timedelta(minutes=10))
    later = desk.sweep()  # the first sweep's lease has ended
    assert later.breaches == 1
    log = desk.history(ticket.id)
    keys = [e.payload.key for e in log if isinstance(e.payload, SlaAlerted)]
    assert len(keys) == len(set(keys))
