"""The whole desk under random use: intake, commands, clock steps, sweeps, deliveries.

A hypothesis ``RuleBasedStateMachine`` drives one :class:`ComplaintDesk`
(classifier, router, default SLA policy on a Shanghai office calendar,
default approval policy) over a real store, once on :class:`InMemoryStore`
and once on :class:`SqliteStore`.  Random zh / en feedback arrives (some
with a dedupe key already taken); random actors fire what
:func:`allowed_commands` offers and, now and then, what it does not (which
must be refused without a trace); the clock jumps minutes to days; sweeps
run alone, two at once on two threads, or interleaved (a second desk
sweeps the whole store between the first one's claim and its save);
deliveries fail, and workers crash holding a lease.

Invariants after every step:

- every stored snapshot is the replay of its stored events;
- no SLA alert key is in any log twice, every logged key was claimed in
  the store, every key a sweep reported is logged, and a sweep leaves no
  due alert unrecorded and no ticket due behind it;
- every ``notification_queued`` event (and every staff alert) has exactly
  one outbox item, either still pending or delivered, and nothing
  delivered is ever delivered again;
- the monthly report agrees with a direct recount of the logs.

At teardown a healthy notifier drains the outbox: every queued key has
then been delivered exactly once (at least once, and no more, since no
worker in this model dies between sending and acknowledging).
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
import tempfile
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import pendulum
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from complaintflow.approval import ApprovalPolicy
from complaintflow.classify import KeywordClassifier
from complaintflow.clock import ManualClock
from complaintflow.demo.data import FEEDBACK
from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.lifecycle import (
    COMMANDS,
    SYSTEM_ONLY,
    TRANSITIONS,
    LifecycleRules,
    allowed_commands,
)
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Attachment, Customer, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Kind, Role, Status
from complaintflow.errors import ComplaintflowError
from complaintflow.metrics import Period, monthly_report
from complaintflow.routing import Router
from complaintflow.service.desk import ComplaintDesk
from complaintflow.service.notifications import Notification
from complaintflow.service.outbox import RetryPolicy
from complaintflow.sla import BusinessCalendar
from complaintflow.sla.alerts import AlertKind, due_alerts
from complaintflow.sla.measure import measure
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage import InMemoryStore, SqliteStore, TicketStore
from complaintflow.testing import OFFICE_WEEK
from complaintflow.testing import SHANGHAI as SH

CALENDAR = BusinessCalendar(
    tz=SH,
    week=OFFICE_WEEK,
    holidays=[
        dt.date(2024, 6, 10),
        dt.date(2024, 9, 16),
        dt.date(2024, 9, 17),
        *(dt.date(2024, 10, day) for day in range(1, 8)),
    ],
)
POLICY = SlaPolicy.default()
OLD_POLICY = SlaPolicy.default(version="default-0")
RULES = LifecycleRules(approvals=ApprovalPolicy.default())
CLASSIFIER = KeywordClassifier()
ROUTER = Router.default()
PROMISED = pendulum.datetime(2099, 1, 1, tz="Asia/Shanghai")
#: Late on the last Friday of May, so month ends and a holiday come quickly.
START = pendulum.datetime(2024, 5, 31, 16, 30, tz=SH)
LEASE = dt.timedelta(minutes=5)
FAR = dt.timedelta(days=3650)
#: The invariants read every log after every step: a dozen tickets keep a run cheap.
MAX_TICKETS = 12

ACTORS = (
    Actor.staff("wang.li", Role.AGENT),
    Actor.staff("zhao.min", Role.AGENT),
    Actor.staff("chen.jie", Role.SUPERVISOR),
    Actor.staff("lin.na", Role.SUPERVISOR),
    Actor.staff("he.qiang", Role.DEPARTMENT_MANAGER),
    Actor.staff("ma.lan", Role.DIRECTOR),
    Actor.customer("C001"),
    Actor.system(),
)
#: What people fire; ``notify`` and ``alert`` are the desk's own bookkeeping.
USER_TRIGGERS = tuple(sorted(set(COMMANDS) - SYSTEM_ONLY))
#: Triggers that move a ticket along its happy (and unhappy) path.
FORWARD = frozenset(
    {
        "triage",
        "assign",
        "investigate",
        "propose_solution",
        "approve",
        "reject",
        "customer_accepts",
        "customer_declines",
        "complete",
        "resolve_now",
        "record_survey",
        "close",
        "reopen",
    }
)
MINUTE = dt.timedelta(minutes=1)
#: Where the sweep can still record an alert (``alert`` is allowed).
ALERTABLE = frozenset(s for row in TRANSITIONS if row.trigger == "alert" for s in row.sources)
ATTACHMENT = Attachment("s3://evidence/receipt.png", "receipt.png", "image/png", "a" * 64)

texts = st.sampled_from(
    ["已核实", "客户来电催促", "need the courier's logs", "退款处理中", "Customer called again"]
)
amounts = st.one_of(
    st.none(),
    st.sampled_from(["0", "80", "100", "100.01", "300", "500", "500.01", "4999", "8000"]),
    st.decimals(min_value=0, max_value=9_000, places=2),
).map(lambda amount: None if amount is None else Money(amount, "CNY"))
responses = st.one_of(
    st.builds(SurveyResponse.from_csat, st.integers(1, 5), nps=st.none() | st.integers(0, 10)),
    st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]).map(SurveyResponse),
)
#: Survey rounds (seed 003): answers to a round never sent are recorded as invalid.
DONE = (Status.RESOLVED, Status.CLOSED)
rounds = st.sampled_from(["2024-05", "2024-06"])
steps = st.one_of(
    st.integers(1, 600).map(lambda m: dt.timedelta(minutes=m)),
    st.integers(1, 72).map(lambda h: dt.timedelta(hours=h)),
    st.integers(1, 10).map(lambda d: dt.timedelta(days=d)),
)
customers = st.one_of(
    st.none(),
    st.builds(
        Customer,
        st.sampled_from(["C001", "C002", "C003"]),
        st.sampled_from(["new", "regular", "vip"]),
        phone=st.none() | st.just("13812345678"),
        email=st.none() | st.just("li.lei@example.com"),
    ),
)


def command_for(
    trigger: str, ticket: Ticket, others: list[str], fresh: str
) -> st.SearchStrategy[c.Command]:
    """Valid arguments for ``trigger`` on ``ticket`` (a transfer always goes somewhere new)."""
    strategies: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "triage": lambda: st.builds(
            c.Triage,
            st.sampled_from(list(Kind)),
            st.none(),
            st.sampled_from(["P1", "P2", "P3", "P4"]),
            complex=st.booleans(),
        ),
        "override": lambda: st.builds(
            c.Override,
            texts,
            kind=st.none() | st.sampled_from(list(Kind)),
            priority=st.sampled_from(["P1", "P2", "P3", "P4"]),
            complex=st.none() | st.booleans(),
        ),
        "assign": lambda: st.builds(
            c.Assign,
            st.sampled_from(["wang.li", "zhao.min"]),
            st.none() | st.just("customer-service"),
        ),
        "investigate": lambda: st.just(c.Investigate()),
        "respond": lambda: st.builds(c.Respond, texts),
        "transfer": lambda: st.builds(
            c.Transfer, st.just(fresh), texts, to_assignee=st.none() | st.just("zhao.min")
        ),
        "comment": lambda: st.builds(c.Comment, texts, internal=st.booleans()),
        "attach": lambda: st.just(c.Attach(ATTACHMENT)),
        "propose_solution": lambda: st.builds(c.ProposeSolution, texts, amount=amounts),
        "approve": lambda: st.builds(c.Approve, st.none() | texts),
        "reject": lambda: st.builds(c.Reject, texts),
        "customer_accepts": lambda: st.builds(c.CustomerAccepts),
        "customer_declines": lambda: st.builds(c.CustomerDeclines, texts),
        "complete": lambda: st.builds(c.Complete, st.none() | texts),
        "resolve_now": lambda: st.builds(c.ResolveNow, texts),
        "record_survey": lambda: st.builds(
            c.RecordSurvey, responses, reopen_to=st.none() | st.just("chen.jie")
        ),
        "send_survey": lambda: st.builds(
            c.SendSurvey,
            rounds,
            # A ticket still being handled takes only a round's second follow-up.
            followup=st.booleans() if ticket.status in DONE else st.just(True),
        ),
        "refuse_survey": lambda: st.builds(c.RefuseSurvey, rounds),
        "answer_survey": lambda: st.builds(
            c.AnswerSurvey,
            rounds,
            responses,
            answers=st.lists(st.integers(1, 5), max_size=4).map(tuple),
            suggestion=st.none() | texts,
            reopen_to=st.none() | st.just("chen.jie"),
        ),
        "reopen": lambda: st.builds(c.Reopen, texts),
        "close": lambda: st.builds(c.Close, st.none() | texts),
        "merge": lambda: st.builds(
            c.Merge, st.sampled_from(others or [ticket.id]), st.none() | texts
        ),
        "withdraw": lambda: st.builds(c.Withdraw, st.none() | texts),
        "restamp_sla": lambda: st.builds(
            c.RestampSla, st.sampled_from(["default-0", "default-1"]), texts
        ),
        # a new time promised to the customer lies ahead of the run's clock
        "commit_time": lambda: st.builds(c.CommitTime, st.just(PROMISED), texts),
    }
    assert set(strategies) == set(USER_TRIGGERS)
    return strategies[trigger]()


class Notifier:
    """Records what it sends; ``fail`` is None (healthy), "all", or "some" (by key)."""

    def __init__(self, sent: Counter[str], fail: str | None = None) -> None:
        self.sent, self.fail = sent, fail

    def send(self, notification: Notification) -> None:
        if self.fail == "all" or (
            self.fail == "some" and zlib.crc32(notification.key.encode()) % 2
        ):
            raise ConnectionError("SMS gateway timed out")
        self.sent[notification.key] += 1


class Interleaving:
    """A store proxy: after its first claimed alert keys, run ``hook`` (another sweeper)."""

    def __init__(self, store: TicketStore) -> None:
        self._store = store
        self.hook: Callable[[], object] | None = None

    def record_alerts(self, keys: Any) -> frozenset[str]:
        fresh = self._store.record_alerts(keys)
        if fresh and self.hook is not None:
            hook, self.hook = self.hook, None
            hook()
        return fresh

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def pending_outbox(store: TicketStore) -> set[str]:
    """Ids of every undelivered outbox item (claimed or not), read without claiming."""
    if isinstance(store, InMemoryStore):
        with store._lock:
            return set(store._data.outbox)
    assert isinstance(store, SqliteStore)
    with store._reading() as conn:
        rows = conn.execute("SELECT id FROM outbox WHERE tenant = ?", (store.tenant,))
        return {row[0] for row in rows}


def claimed_alerts(store: TicketStore) -> set[str]:
    """Every alert key claimed in the store (``record_alerts`` returned it once), read only."""
    if isinstance(store, InMemoryStore):
        with store._lock:
            return set(store._data.alerts)
    assert isinstance(store, SqliteStore)
    with store._reading() as conn:
        rows = conn.execute("SELECT key FROM alerts WHERE tenant = ?", (store.tenant,))
        return {row[0] for row in rows}


def status_before(log: list[e.Event], cutoff: pendulum.DateTime) -> Status | None:
    known = [event for event in log if event.at < cutoff]
    return known[-1].status if known else None


def known_at(log: list[e.Event], cutoff: pendulum.DateTime) -> list[e.Event]:
    """What a report cut at ``cutoff`` sees of a ticket: its events before the cut, or, for
    a late entry (received before the cut, recorded after it), its intake (the events the
    desk wrote at the instant it recorded the ticket)."""
    return [ev for ev in log if ev.at < cutoff] or list(
        itertools.takewhile(lambda ev: ev.at == log[0].at, log)
    )


def kind_before(log: list[e.Event], cutoff: pendulum.DateTime) -> Kind | None:
    kind = None
    for ev in known_at(log, cutoff):
        payload = ev.payload
        if isinstance(payload, e.Received):
            kind = payload.draft.kind
        elif isinstance(payload, e.Triaged | e.Overridden) and payload.kind is not None:
            kind = payload.kind
    return kind


class DeskMachine(RuleBasedStateMachine):
    """The desk over one store; subclasses choose the store."""

    def make_store(self) -> TicketStore:
        raise NotImplementedError

    def close_store(self) -> None:
        pass

    def __init__(self) -> None:
        super().__init__()
        self.store = self.make_store()
        self.clock = ManualClock(START)
        serial = count(1)
        self.proxy = Interleaving(self.store)
        self.desk = self._desk(self.proxy, lambda: f"T{next(serial):03d}")
        self.other = self._desk(self.store, lambda: f"T{next(serial):03d}")
        self.ids: list[str] = []
        self.dedupe: dict[str, str] = {}
        self.sent: Counter[str] = Counter()
        self.emitted: Counter[str] = Counter()
        self.departments = count(1)
        self._logs: dict[str, list[e.Event]] = {}

    def _desk(self, store: Any, ids: Callable[[], str]) -> ComplaintDesk:
        return ComplaintDesk(
            store,
            self.clock,
            classifier=CLASSIFIER,
            router=ROUTER,
            rules=RULES,
            sla=POLICY,
            sla_history=[OLD_POLICY],
            calendar=CALENDAR,
            ids=ids,
        )

    @property
    def now(self) -> pendulum.DateTime:
        return self.clock.now()

    def logs(self) -> Iterator[tuple[str, list[e.Event]]]:
        """Every ticket's log, read incrementally (``events(after=...)``): decoding every
        event after every step would cost most of the run; teardown reads them whole."""
        for ticket_id in self.ids:
            log = self._logs.setdefault(ticket_id, [])
            log.extend(self.store.events(ticket_id, after=len(log)))
            yield ticket_id, log

    # -- rules -------------------------------------------------------------

    @initialize(which=st.lists(st.integers(0, len(FEEDBACK) - 1), min_size=1, max_size=3))
    def first_feedback(self, which: list[int]) -> None:
        """Every run starts with a few tickets, so no run is spent on an empty desk."""
        for n, index in enumerate(which):
            feedback = FEEDBACK[index]
            draft = TicketDraft(
                feedback.text,
                feedback.channels[n % len(feedback.channels)],
                self.now.subtract(minutes=n),
            )
            self.ids.append(self.desk.intake(draft).id)

    @precondition(lambda self: len(self.ids) < MAX_TICKETS)
    @rule(
        which=st.integers(0, len(FEEDBACK) - 1),
        data=st.data(),
        customer=customers,
        dedupe_key=st.none() | st.sampled_from(["wx-1", "wx-2", "mail-7"]),
        late=st.integers(0, 90),
        by_agent=st.booleans(),
    )
    def intake(
        self,
        which: int,
        data: st.DataObject,
        customer: Customer | None,
        dedupe_key: str | None,
        late: int,
        by_agent: bool,
    ) -> None:
        feedback = FEEDBACK[which]
        channel = data.draw(st.sampled_from(feedback.channels), label="channel")
        received_at = self.now.subtract(minutes=late)
        draft = TicketDraft(feedback.text, channel, received_at, customer, dedupe_key=dedupe_key)
        ticket = self.desk.intake(draft, receiver=ACTORS[0] if by_agent else None)
        if dedupe_key is not None and dedupe_key in self.dedupe:
            assert ticket.id == self.dedupe[dedupe_key], "a taken dedupe key made a new ticket"
            return
        assert ticket.id not in self.ids
        assert ticket.status in (Status.TRIAGED, Status.ASSIGNED)
        self.ids.append(ticket.id)
        if dedupe_key is not None:
            self.dedupe[dedupe_key] = ticket.id

    def _pick(self, data: st.DataObject) -> tuple[Ticket, Actor, tuple[str, ...]]:
        ticket = self.store.get(data.draw(st.sampled_from(self.ids), label="ticket"))
        actor = data.draw(st.sampled_from(ACTORS), label="actor")
        allowed = allowed_commands(ticket, actor, at=self.now, rules=RULES)
        return ticket, actor, tuple(t for t in allowed if t not in SYSTEM_ONLY)

    def _command(self, data: st.DataObject, trigger: str, ticket: Ticket) -> c.Command:
        others = [other for other in self.ids if other != ticket.id]
        fresh = f"dept-{next(self.departments)}"
        return data.draw(command_for(trigger, ticket, others, fresh), label="command")

    def _fire_an_offer(self, data: st.DataObject, ticket_id: str, triggers: frozenset[str]) -> bool:
        """Fire one of ``triggers`` that some actor may fire now; False if none may."""
        ticket = self.store.get(ticket_id)
        offers = [
            (actor, trigger)
            for actor in ACTORS
            for trigger in allowed_commands(ticket, actor, at=self.now, rules=RULES)
            if trigger in triggers and (trigger != "merge" or len(self.ids) > 1)
        ]
        if not offers:
            return False
        actor, trigger = data.draw(st.sampled_from(offers), label="offer")
        command = self._command(data, trigger, ticket)
        before = len(self.store.events(ticket.id))
        new = self.desk.execute(ticket.id, command, actor=actor)
        event(f"reached {new.status}")
        assert new.version == ticket.version + 1
        assert new == self.store.get(ticket.id)
        assert len(self.store.events(ticket.id)) > before
        return True

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def fire_an_allowed_command(self, data: st.DataObject) -> None:
        ticket_id = data.draw(st.sampled_from(self.ids), label="ticket")
        if not self._fire_an_offer(data, ticket_id, frozenset(USER_TRIGGERS)):
            ticket = self.store.get(ticket_id)  # merged, withdrawn, or closed for good
            assert ticket.status.final or ticket.status is Status.CLOSED, ticket.status

    @precondition(lambda self: self.ids)
    @rule(data=st.data(), moves=st.integers(1, 8))
    def push_a_ticket_forward(self, data: st.DataObject, moves: int) -> None:
        """Several state-changing commands in a row, so runs reach approvals and surveys."""
        ticket_id = data.draw(st.sampled_from(self.ids), label="ticket")
        for _ in range(moves):
            if not self._fire_an_offer(data, ticket_id, FORWARD):
                return
            self.clock.advance(data.draw(st.integers(0, 240), label="minutes") * MINUTE)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def refuse_what_is_not_offered(self, data: st.DataObject) -> None:
        ticket, actor, allowed = self._pick(data)
        refused = [trigger for trigger in USER_TRIGGERS if trigger not in allowed]
        if len(self.ids) == 1:
            refused = [trigger for trigger in refused if trigger != "merge"]
        trigger = data.draw(st.sampled_from(refused), label="refused")
        command = self._command(data, trigger, ticket)
        events, outbox = self.store.events(ticket.id), pending_outbox(self.store)
        try:
            self.desk.execute(ticket.id, command, actor=actor)
        except ComplaintflowError:
            pass
        else:
            raise AssertionError(f"{trigger} by {actor} was not offered but accepted")
        assert self.store.get(ticket.id) == ticket
        assert self.store.events(ticket.id) == events
        assert pending_outbox(self.store) == outbox

    @rule(step=steps)
    def time_passes(self, step: dt.timedelta) -> None:
        self.clock.advance(step)

    @rule(mode=st.sampled_from(["alone", "threads", "interleaved"]))
    def sweep(self, mode: str) -> None:
        now = self.now
        summaries = []
        if mode == "alone":
            summaries.append(self.desk.sweep(now))
        elif mode == "interleaved":
            self.proxy.hook = lambda: summaries.append(self.other.sweep(now))
            summaries.append(self.desk.sweep(now))
            self.proxy.hook = None
        else:
            barrier = threading.Barrier(2)
            errors: list[BaseException] = []

            def run(desk: ComplaintDesk) -> None:
                try:
                    barrier.wait()
                    summaries.append(desk.sweep(now))
                except BaseException as error:  # surfaced below, in the test's thread
                    errors.append(error)

            threads = [threading.Thread(target=run, args=(d,)) for d in (self.desk, self.other)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if errors:
                raise errors[0]
        for summary in summaries:
            assert summary.conflicts == 0, summary
            assert summary.held == 0  # no staff calendar: nothing is held back
            self.emitted.update(summary.alerts)
            for kind in ("warnings", "breaches", "escalations"):
                if getattr(summary, kind):
                    event(f"sweep recorded {kind}")
        assert all(n == 1 for n in self.emitted.values()), "an alert was emitted twice"
        self.nothing_due_is_left_behind(now)

    def nothing_due_is_left_behind(self, now: pendulum.DateTime) -> None:
        for ticket_id, log in self.logs():
            if log[-1].status not in ALERTABLE:
                continue  # closed, merged, withdrawn: nothing more is recorded there
            # From the log (the audit view), independently of the snapshot's clocks ...
            status = measure(log, self.desk.follow.book, CALENDAR, now)
            # ... which must agree with it on every metric's latest cycle.
            snapshot = self.desk.follow.status(self.store.get(ticket_id), now)
            assert snapshot is not None
            latest = {clock.metric: clock for clock in status.clocks}
            assert {clock.metric: clock for clock in snapshot.clocks} == latest
            done = {ev.payload.key for ev in log if isinstance(ev.payload, e.SlaAlerted)}
            missed = [
                alert.key
                for alert in due_alerts(status, POLICY, CALENDAR).due
                if alert.key not in done
            ]
            assert not missed, f"{ticket_id}: the sweep at {now} missed {missed}"
        left = self.store.find(due_before=now, limit=1000).items
        assert not left, f"still due after a sweep at {now}: {[t.id for t in left]}"

    @rule(fail=st.sampled_from([None, "all", "some"]), limit=st.integers(1, 20))
    def deliver(self, fail: str | None, limit: int) -> None:
        report = self.desk.deliver_pending(Notifier(self.sent, fail), limit=limit, lease=LEASE)
        assert report.delivered + report.failed <= limit
        if fail == "all":
            assert report.delivered == 0

    @rule(limit=st.integers(1, 10))
    def a_worker_dies_holding_a_lease(self, limit: int) -> None:
        self.store.claim_outbox(worker="doomed", limit=limit, lease=LEASE, now=self.now)

    @precondition(lambda self: self.ids)
    @rule(data=st.data())
    def monthly_report_agrees_with_a_recount(self, data: st.DataObject) -> None:
        ticket = self.store.get(data.draw(st.sampled_from(self.ids), label="ticket"))
        local = ticket.received_at.in_timezone(SH)
        period = Period.month(local.year, local.month, SH)
        logs = dict(self.logs())
        report = monthly_report(
            logs.values(),
            year=local.year,
            month=local.month,
            zone=SH,
            policy={p.version: p for p in (POLICY, OLD_POLICY)},
            calendar=CALENDAR,
        )
        # Tickets received in the month, minus those merged as duplicates by its end; one
        # received before the end but recorded after it counts as first recorded.
        received = {
            tid: log
            for tid, log in logs.items()
            if log[0].payload.draft.received_at in period  # type: ignore[union-attr]
        }
        counted = {
            tid: log
            for tid, log in received.items()
            if status_before(log, period.end) is not Status.MERGED
        }
        assert report.received == len(counted)
        channels = Counter(
            str(log[0].payload.draft.channel)  # type: ignore[union-attr]
            for log in counted.values()
        )
        assert {k: v for k, v in report.distributions["channel"].items() if v} == channels
        kinds = Counter(
            str(kind_before(log, period.end) or "unclassified") for log in counted.values()
        )
        assert {k: v for k, v in report.distributions["kind"].items() if v} == kinds
        for name, counts in report.distributions.items():
            assert sum(counts.values()) == len(counted), name
        late = sum(1 for log in received.values() if status_before(log, period.end) is None)
        still_open = late + sum(
            1
            for log in logs.values()
            if (s := status_before(log, period.end)) is not None and s.open
        )
        assert report.backlog.total == still_open

    # -- invariants --------------------------------------------------------

    @invariant()
    def snapshots_are_the_replay_of_their_events(self) -> None:
        for ticket_id, log in self.logs():
            assert Ticket.replay(log) == self.store.get(ticket_id)
            assert [ev.seq for ev in log] == list(range(1, len(log) + 1))

    @invariant()
    def every_alert_is_claimed_logged_once_and_reported(self) -> None:
        logged: Counter[str] = Counter()
        for ticket_id, log in self.logs():
            keys = [ev.payload.key for ev in log if isinstance(ev.payload, e.SlaAlerted)]
            assert len(keys) == len(set(keys)), f"{ticket_id} logged an alert twice"
            assert all(key.startswith(f"{ticket_id}:") for key in keys)
            logged.update(keys)
        unclaimed = set(logged) - claimed_alerts(self.store)
        assert not unclaimed, f"logged but never claimed: {sorted(unclaimed)}"
        assert set(logged) == set(self.emitted)

    @invariant()
    def every_notification_has_exactly_one_outbox_item(self) -> None:
        pending = pending_outbox(self.store)
        expected: set[str] = set()
        for _, log in self.logs():
            for ev in log:
                if isinstance(ev.payload, e.NotificationQueued):
                    expected.add(ev.payload.key)
                elif isinstance(ev.payload, e.SlaAlerted) and ev.payload.kind != AlertKind.NOTICE:
                    expected.add(f"{ev.payload.key}:staff")
        delivered = set(self.sent)
        # an item that failed its last attempt left the outbox for the dead letters
        dead = {letter.id for letter in self.desk.dead_letters(limit=1000).items}
        assert all(n == 1 for n in self.sent.values()), "a delivered item was delivered again"
        assert not pending & delivered, "an acknowledged item is still in the outbox"
        assert not dead & (pending | delivered), "a dead letter is also pending or delivered"
        assert pending | delivered | dead == expected

    @invariant()
    def only_tickets_that_take_alerts_are_due(self) -> None:
        for ticket in self.store.find(due_before=self.now + FAR, limit=1000).items:
            assert ticket.status in ALERTABLE, f"{ticket.id} is {ticket.status} but due"

    def teardown(self) -> None:
        try:
            self.desk.retry_dead_letters()  # the host brings its dead letters back
            # leases of the dead workers expire, and the longest backoff of a failed item
            self.clock.advance(max(LEASE, RetryPolicy().cap) + dt.timedelta(seconds=1))
            for _ in range(1000):
                report = self.desk.deliver_pending(Notifier(self.sent), limit=100, lease=LEASE)
                assert report.failed == 0
                if not report.delivered:
                    break
            assert not pending_outbox(self.store)
            self.every_notification_has_exactly_one_outbox_item()
            for ticket_id, log in self.logs():  # the log read whole is the log read bit by bit
                assert self.store.events(ticket_id) == log
        finally:
            self.close_store()


class InMemoryDesk(DeskMachine):
    def make_store(self) -> TicketStore:
        return InMemoryStore()


class SqliteDesk(DeskMachine):
    def make_store(self) -> TicketStore:
        self._dir = Path(tempfile.mkdtemp(prefix="cf-desk-machine-"))
        self._sqlite = SqliteStore(self._dir / "desk.db", synchronous="NORMAL")
        return self._sqlite

    def close_store(self) -> None:
        self._sqlite.close()
        shutil.rmtree(self._dir, ignore_errors=True)


# Cost: after every step the invariants replay every log and measure every SLA clock,
# and a SQLite step commits to a file, so the ci profile's 300 examples would take
# minutes here.  80 (memory) and 40 (SQLite) runs of 50 steps, each starting with
# tickets, still reach approvals, surveys, closing and reopening, every alert kind and
# all three ways of sweeping, and keep the module near 25 s on one core (< 60 s in CI).
# For a longer hunt: run_state_machine_as_test(InMemoryDesk, settings=settings(...)).
_BASE = settings.default
TestDeskOnMemory = InMemoryDesk.TestCase
TestDeskOnMemory.settings = settings(
    _BASE, max_examples=min(_BASE.max_examples, 80), stateful_step_count=50, deadline=None
)
TestDeskOnSqlite = SqliteDesk.TestCase
TestDeskOnSqlite.settings = settings(
    _BASE, max_examples=min(_BASE.max_examples, 40), stateful_step_count=50, deadline=None
)
