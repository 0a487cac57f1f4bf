"""What the desk promises about races and bad input (issue 12, the desk's share).

- a store that changes between the desk's two reads is a lost race (ConcurrencyError,
  which ``retrying`` retries), never bad input;
- a naive ``now`` for the sweep is refused, not read as UTC;
- a refused intake takes no ticket number;
- a command or actor of the wrong type is a ValidationError, not an AttributeError.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from complaintflow import (
    Actor,
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    ConcurrencyError,
    InMemoryStore,
    ManualClock,
    NaiveDatetimeError,
    Role,
    SlaPolicy,
    SqliteStore,
    TicketDraft,
    ValidationError,
)
from complaintflow.domain.commands import Comment, RestampSla
from complaintflow.domain.events import Event
from complaintflow.errors import CalendarHorizonError
from complaintflow.testing import OFFICE_WEEK, SHANGHAI, instant

START = instant(2024, 5, 20, 9)
AGENT = Actor.staff("wang.li", Role.AGENT)
SUPERVISOR = Actor.staff("zhao.min", Role.SUPERVISOR)


def sla_desk(store: InMemoryStore | SqliteStore, **calendar: Any) -> ComplaintDesk:
    cal = BusinessCalendar(tz=SHANGHAI, week=OFFICE_WEEK, **calendar)
    return ComplaintDesk(
        store,
        ManualClock(START),
        sla=SlaPolicy.default("v2"),
        sla_history=[SlaPolicy.default("v1")],
        calendar=cal,
    )


class SaveBetweenReads(InMemoryStore):
    """A store where someone else saves right after the desk loaded a snapshot."""

    def __init__(self) -> None:
        super().__init__()
        self.intrude: Any = None

    def events(self, ticket_id: str, *, after: int = 0) -> list[Event]:
        if self.intrude is not None:
            intrude, self.intrude = self.intrude, None
            intrude()
        return super().events(ticket_id, after=after)


def test_a_save_between_the_desks_reads_is_a_concurrency_error_and_is_retried() -> None:
    store = SaveBetweenReads()
    desk = sla_desk(store)
    other = sla_desk(store)
    ticket = desk.intake(TicketDraft("包裹破损", Channel.CHAT, START))
    store.intrude = lambda: other.comment(ticket.id, "同事先写了一条", actor=AGENT)
    with pytest.raises(ConcurrencyError) as lost:
        desk.restamp_sla(ticket.id, "v1", "合同按 v1 签的", actor=SUPERVISOR)
    assert (lost.value.expected, lost.value.actual) == (ticket.version, ticket.version + 1)
    store.intrude = lambda: other.comment(ticket.id, "又一条", actor=AGENT)
    restamped = desk.retrying(ticket.id, RestampSla("v1", "合同按 v1 签的"), actor=SUPERVISOR)
    assert restamped.sla_version == "v1"


def test_the_sweep_refuses_a_naive_now() -> None:
    desk = sla_desk(InMemoryStore())
    desk.intake(TicketDraft("包裹破损", Channel.CHAT, START))
    with pytest.raises(NaiveDatetimeError):
        desk.sweep(dt.datetime(2024, 5, 20, 17, 0))


def test_a_refused_intake_takes_no_number() -> None:
    store = InMemoryStore()
    # The calendar knows no date after the 20th: stamping the SLA deadline fails.
    desk = sla_desk(store, horizon=dt.date(2024, 5, 20))
    with pytest.raises(CalendarHorizonError):
        desk.intake(TicketDraft("包裹破损", Channel.CHAT, START))
    assert store.find().items == ()
    wide = sla_desk(store)
    assert wide.intake(TicketDraft("包裹破损", Channel.CHAT, START)).number == "TS20240520-0001"


@pytest.mark.parametrize(
    ("command", "actor", "field"),
    [
        ("comment", AGENT, "command"),
        (Comment("好的"), None, "actor"),
        (Comment("好的"), "wang.li", "actor"),
    ],
)
def test_a_command_or_actor_of_the_wrong_type_is_a_validation_error(
    command: Any, actor: Any, field: str
) -> None:
    desk = sla_desk(InMemoryStore())
    ticket = desk.intake(TicketDraft("包裹破损", Channel.CHAT, START))
    with pytest.raises(ValidationError) as refused:
        desk.execute(ticket.id, command, actor=actor)
    assert refused.value.field == field
    assert desk.get(ticket.id) == ticket


def _raw_sql(store: SqliteStore, sql: str, *params: object) -> None:
    path = store.path
    assert path is not None
    with sqlite3.connect(path, isolation_level=None) as admin:
        admin.execute(sql, params)
    admin.close()


def test_a_corrupt_ticket_or_outbox_row_is_skipped_and_named_by_the_sweep_and_delivery(
    tmp_path: Path,
) -> None:
    store = SqliteStore(tmp_path / "desk.db")
    desk = sla_desk(store)
    healthy = desk.intake(TicketDraft("包裹破损", Channel.CHAT, START))
    broken = desk.intake(TicketDraft("发票开错了", Channel.CHAT, START))
    _raw_sql(store, "UPDATE tickets SET body = '{not json' WHERE id = ?", broken.id)
    outbox = [
        item.id
        for item in store.claim_outbox(
            worker="peek", limit=10, lease=dt.timedelta(seconds=1), now=START
        )
    ]
    _raw_sql(store, "UPDATE outbox SET created = '[1, 2]' WHERE id = ?", outbox[-1])
    assert isinstance(desk.clock, ManualClock)
    desk.clock.advance(dt.timedelta(hours=3, minutes=30))  # past the 75 % warnings
    summary = desk.sweep()
    assert summary.corrupt == (broken.id,)
    assert summary.checked == 1
    assert summary.warnings >= 1  # the healthy one is served
    assert healthy.id in {key.split(":")[0] for key in summary.alerts}
    sent: list[str] = []

    class Collect:
        def send(self, notification: Any) -> None:
            sent.append(notification.key)

    report = desk.deliver_pending(Collect(), limit=50)
    assert report.corrupt == (outbox[-1],)
    assert report.delivered == len(sent) >= 1
    store.close()


def test_intake_classifies_and_routes_once_though_it_checks_before_numbering() -> None:
    """A router's turn-taking (round robin) must not skip a turn for the dry run."""
    from complaintflow import KeywordClassifier

    calls: list[str] = []

    class Counting(KeywordClassifier):
        def classify(self, draft: TicketDraft) -> Any:
            calls.append(draft.description)
            return super().classify(draft)

    store = InMemoryStore()
    desk = ComplaintDesk(store, ManualClock(START), classifier=Counting())
    ticket = desk.intake(TicketDraft("APP订单支付失败，银行卡被扣了两次", Channel.CHAT, START))
    assert calls == ["APP订单支付失败，银行卡被扣了两次"]
    assert ticket.kind is not None
