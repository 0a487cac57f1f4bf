"""Random commands by random actors at random times, against the lifecycle's invariants.

A hypothesis ``RuleBasedStateMachine`` drives one ticket.  Half the rules
fire whatever :func:`allowed_commands` offers (so runs reach deep states:
approvals, surveys, reopen windows); the other half fire anything at all,
which is mostly refused.  After every step the log must replay to the
ticket, the version must count the accepted commands, and every event and
the ticket must survive a JSON round trip.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import assume
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from complaintflow.domain import commands as c
from complaintflow.domain.commands.rounds import RoundContext
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import (
    COMMANDS,
    LifecycleRules,
    SupervisorForAnyMoney,
    allowed_commands,
    apply,
    open_ticket,
)
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Attachment, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, Role, Status
from complaintflow.errors import ComplaintflowError, ValidationError
from complaintflow.storage.encoding import (
    event_from_dict,
    event_to_dict,
    ticket_from_dict,
    ticket_to_dict,
)

START = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")

PROBE_DUE = pendulum.datetime(2024, 5, 21, 10, tz="Asia/Shanghai")
#: A new time promised to the customer must lie ahead of every run's clock.
PROMISED = pendulum.datetime(2099, 5, 21, 10, tz="Asia/Shanghai")
#: Before any ticket of the machine: a survey round sent then, answered any time later.
PROBE_SENT = pendulum.datetime(2000, 1, 1, tz="Asia/Shanghai")
contexts = st.builds(RoundContext, st.just(PROBE_SENT), st.booleans())

ACTORS = (
    Actor.staff("agent.1", Role.AGENT),
    Actor.staff("agent.2", Role.AGENT),
    Actor.staff("super.1", Role.SUPERVISOR),
    Actor.staff("super.2", Role.SUPERVISOR),
    Actor.staff("manager.1", Role.DEPARTMENT_MANAGER),
    Actor.staff("director.1", Role.DIRECTOR),
    Actor.customer("C001"),
    Actor.system(),
)
actors = st.sampled_from(ACTORS)

#: From seconds to days, so survey (72 h) and reopen (7 d) windows are crossed.
steps = st.one_of(
    st.just(dt.timedelta(0)),
    st.integers(1, 3_600).map(lambda s: dt.timedelta(seconds=s)),
    st.integers(1, 240).map(lambda h: dt.timedelta(hours=h)),
)

texts = st.sampled_from(["已处理", "客户来电催促", "need logs", "退款中"])
departments = st.sampled_from(["billing", "logistics", "tech", "finance"])
people = st.sampled_from(["agent.1", "agent.2", "super.1", "tech.zhou"])
amounts = st.one_of(
    st.none(),
    st.decimals(min_value=0, max_value=9_000, places=2).map(lambda d: Money(d, "CNY")),
)
responses = st.one_of(
    st.integers(1, 5).map(SurveyResponse.from_csat),
    st.sampled_from(["satisfied", "basically_satisfied", "unsatisfied"]).map(SurveyResponse),
)
ATTACHMENT = Attachment("s3://evidence/1.png", "bank.png", "image/png", "0" * 64)


class Ladder:
    """A custom gate: every role above the proposer up to the one the amount needs."""

    def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]:
        if amount is None or amount.amount <= 100:
            return ()
        required = (
            Role.SUPERVISOR
            if amount.amount <= 500
            else Role.DEPARTMENT_MANAGER
            if amount.amount <= 5_000
            else Role.DIRECTOR
        )
        return tuple(role for role in Role if proposer < role <= required)


def command_for(trigger: str) -> st.SearchStrategy[c.Command]:
    """Valid arguments for one trigger (transfer always goes somewhere new)."""
    return _command_strategies()[trigger]


@functools.cache
def _command_strategies() -> dict[str, st.SearchStrategy[Any]]:
    """Built once: building every trigger's strategy at each step cost a third of the run."""
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "triage": st.builds(
            c.Triage,
            st.sampled_from(list(Kind)),
            st.one_of(st.none(), st.sampled_from(list(Category))),
            st.sampled_from(list(Priority)),
            complex=st.booleans(),
            department=st.one_of(st.none(), departments),
        ),
        "override": st.builds(
            c.Override,
            texts,
            kind=st.sampled_from(list(Kind)),
            priority=st.one_of(st.none(), st.sampled_from(list(Priority))),
        ),
        "assign": st.builds(c.Assign, people, st.one_of(st.none(), departments)),
        "investigate": st.just(c.Investigate()),
        "respond": st.builds(c.Respond, texts),
        "transfer": st.builds(
            c.Transfer,
            st.integers(0, 10**6).map(lambda n: f"dept-{n}"),
            texts,
            to_assignee=st.one_of(st.none(), people),
        ),
        "comment": st.builds(c.Comment, texts, internal=st.booleans()),
        "attach": st.just(c.Attach(ATTACHMENT)),
        "propose_solution": st.builds(c.ProposeSolution, texts, amount=amounts),
        "approve": st.builds(c.Approve, st.one_of(st.none(), texts)),
        "reject": st.builds(c.Reject, texts),
        "customer_accepts": st.builds(c.CustomerAccepts),
        "customer_declines": st.builds(c.CustomerDeclines, texts),
        "complete": st.builds(c.Complete),
        "resolve_now": st.builds(c.ResolveNow, texts),
        "record_survey": st.builds(
            c.RecordSurvey, responses, reopen_to=st.one_of(st.none(), st.just("super.1"))
        ),
        "send_survey": st.builds(c.SendSurvey, st.just("2024-05"), followup=st.booleans()),
        "refuse_survey": st.builds(c.RefuseSurvey, st.just("2024-05"), context=contexts),
        "answer_survey": st.builds(
            c.AnswerSurvey,
            st.just("2024-05"),
            responses,
            answers=st.lists(st.integers(1, 5), max_size=4).map(tuple),
            suggestion=st.one_of(st.none(), texts),
            reopen_to=st.one_of(st.none(), st.just("super.1")),
            context=contexts,
        ),
        "reopen": st.builds(c.Reopen, texts),
        "close": st.builds(c.Close),
        "merge": st.builds(c.Merge, st.just("T-0"), st.one_of(st.none(), texts)),
        "withdraw": st.builds(c.Withdraw),
        "restamp_sla": st.builds(c.RestampSla, st.sampled_from(["2024.1", "2024.2"]), texts),
        "commit_time": st.builds(c.CommitTime, st.just(PROMISED), texts),
        "notify": st.builds(c.QueueNotification, texts, st.sampled_from(["accepted", "result"])),
        "alert": st.builds(
            c.RecordAlert,
            texts,
            st.sampled_from(["first_response", "resolution"]),
            st.integers(1, 3),
            st.sampled_from(["warning", "breach", "escalation"]),
            st.sampled_from([0.75, 1.0, 1.5]),
            st.just(PROBE_DUE),
            role=st.none() | st.sampled_from(list(Role)),
            reassign=st.booleans(),
        ),
    }
    assert strategies.keys() == COMMANDS.keys()
    return strategies


any_command = st.sampled_from(sorted(COMMANDS)).flatmap(command_for)

#: One fixed, valid instance per trigger: whether apply accepts it depends on the
#: ticket, the actor and the time only, which is what allowed_commands answers.
PROBES: dict[str, c.Command] = {
    "triage": c.Triage(Kind.COMPLAINT, None, Priority.P3),
    "override": c.Override("纠正分类", priority=Priority.P2),
    "assign": c.Assign("agent.1"),
    "investigate": c.Investigate(),
    "respond": c.Respond("您好"),
    "transfer": c.Transfer("probe-department", "probe"),
    "comment": c.Comment("note"),
    "attach": c.Attach(ATTACHMENT),
    "propose_solution": c.ProposeSolution("退款", amount=Money("250", "CNY")),
    "approve": c.Approve(),
    "reject": c.Reject("no"),
    "customer_accepts": c.CustomerAccepts(),
    "customer_declines": c.CustomerDeclines("no"),
    "complete": c.Complete(),
    "resolve_now": c.ResolveNow("answered"),
    "record_survey": c.RecordSurvey(SurveyResponse.from_csat(4)),
    "send_survey": c.SendSurvey("2024-05", followup=True),
    "refuse_survey": c.RefuseSurvey("2024-05", context=RoundContext(PROBE_SENT)),
    "answer_survey": c.AnswerSurvey(
        "2024-05", SurveyResponse.from_csat(4), context=RoundContext(PROBE_SENT)
    ),
    "reopen": c.Reopen("again"),
    "close": c.Close(),
    "merge": c.Merge("T-0"),
    "withdraw": c.Withdraw(),
    "restamp_sla": c.RestampSla("2024.2", "policy update"),
    "commit_time": c.CommitTime(PROMISED, "parts arrive tomorrow"),
    "notify": c.QueueNotification("n-1", "accepted"),
    "alert": c.RecordAlert("a-1", "resolution", 1, "breach", 1.0, PROBE_DUE),
}


def round_trips_event(event: Event) -> None:
    stored = json.loads(json.dumps(event_to_dict(event)))
    back = event_from_dict(stored)
    assert back == event
    assert back.at.utcoffset() == event.at.utcoffset()


def round_trips_ticket(ticket: Ticket) -> None:
    stored = json.loads(json.dumps(ticket_to_dict(ticket)))
    assert ticket_from_dict(stored) == ticket


class LifecycleMachine(RuleBasedStateMachine):
    ticket: Ticket
    log: list[Event]
    now: pendulum.DateTime
    rules_: LifecycleRules
    accepted: int

    @initialize(
        kind=st.one_of(st.none(), st.sampled_from(list(Kind))),
        channel=st.sampled_from(list(Channel)),
        gate=st.sampled_from([SupervisorForAnyMoney(), Ladder()]),
        survey_hours=st.integers(1, 96),
        reopen_days=st.integers(0, 10),
        tz=st.sampled_from(["Asia/Shanghai", "UTC", "America/New_York"]),
        sla_version=st.one_of(st.none(), st.just("2024.1")),
    )
    def open(
        self,
        kind: Kind | None,
        channel: Channel,
        gate: Any,
        survey_hours: int,
        reopen_days: int,
        tz: str,
        sla_version: str | None,
    ) -> None:
        self.now = START.in_timezone(tz)
        draft = TicketDraft("订单56重复扣款", channel, self.now, kind=kind)
        self.rules_ = LifecycleRules(
            approvals=gate,
            survey_window=dt.timedelta(hours=survey_hours),
            reopen_window=dt.timedelta(days=reopen_days),
        )
        self.ticket, self.log = open_ticket(
            draft,
            ticket_id="T-1",
            number="TS20240520-0001",
            actor=ACTORS[0],
            sla_version=sla_version,
        )
        self.accepted = 0
        assert self.ticket.version == 1
        assert self.ticket.sla_version == sla_version
        for event in self.log:
            round_trips_event(event)

    def fire(self, command: c.Command, actor: Actor, step: dt.timedelta) -> bool:
        at = self.now + step
        before = self.ticket
        stored_before = ticket_to_dict(before)
        try:
            result = apply(before, command, actor=actor, at=at, rules=self.rules_)
        except ComplaintflowError:
            assert self.ticket is before
            assert ticket_to_dict(self.ticket) == stored_before
            return False
        ticket, events = result
        assert ticket_to_dict(before) == stored_before, "apply mutated its input"
        assert len(events) == 1
        (event,) = events
        assert (event.actor, event.at, event.status) == (actor, at, ticket.status)
        assert (event.seq, event.version) == (before.last_seq + 1, before.version + 1)
        round_trips_event(event)
        round_trips_ticket(ticket)
        self.ticket, self.now = ticket, at
        self.log.extend(events)
        self.accepted += 1
        return True

    @rule(actor=actors, step=steps, data=st.data())
    def fire_an_allowed_command(
        self, actor: Actor, step: dt.timedelta, data: st.DataObject
    ) -> None:
        allowed = allowed_commands(self.ticket, actor, at=self.now + step, rules=self.rules_)
        assume(allowed)
        trigger = data.draw(st.sampled_from(allowed), label="trigger")
        command = data.draw(command_for(trigger), label="command")
        if isinstance(command, c.Transfer):  # somewhere it has never been, so it goes somewhere
            command = attrs.evolve(command, to_department=f"dept-{len(self.log)}")
        if isinstance(command, c.SendSurvey) and self.ticket.status.open:
            command = attrs.evolve(command, followup=True)  # only a second follow-up reaches it
        assert self.fire(command, actor, step), f"{trigger} was allowed but refused"

    @rule(command=any_command, actor=actors, step=steps)
    def fire_any_command(self, command: c.Command, actor: Actor, step: dt.timedelta) -> None:
        self.fire(command, actor, step)

    @precondition(lambda self: self.ticket.updated_at > START)
    @rule(command=any_command, actor=actors, back=st.integers(1, 10**6))
    def refuse_going_back_in_time(self, command: c.Command, actor: Actor, back: int) -> None:
        at = max(self.ticket.updated_at - dt.timedelta(seconds=back), START)
        assume(at < self.ticket.updated_at)
        before = self.ticket
        with pytest.raises(ValidationError) as info:
            apply(before, command, actor=actor, at=at, rules=self.rules_)
        assert info.value.field == "at"
        assert self.ticket is before

    @rule(actor=actors, step=steps)
    def allowed_commands_agree_with_apply(self, actor: Actor, step: dt.timedelta) -> None:
        at = self.now + step
        allowed = set(allowed_commands(self.ticket, actor, at=at, rules=self.rules_))
        accepted = set()
        for trigger, probe in PROBES.items():
            try:
                apply(self.ticket, probe, actor=actor, at=at, rules=self.rules_)
            except ComplaintflowError:
                continue
            accepted.add(trigger)
        if self.ticket.department == "probe-department":
            # A transfer to where the ticket already is fails for its argument, not its state.
            allowed.discard("transfer")
        assert allowed == accepted

    @invariant()
    def replay_rebuilds_the_ticket(self) -> None:
        assert Ticket.replay(self.log) == self.ticket

    @invariant()
    def version_counts_accepted_commands(self) -> None:
        assert self.ticket.version == self.accepted + 1
        assert self.ticket.last_seq == len(self.log)
        assert [ev.seq for ev in self.log] == list(range(1, len(self.log) + 1))

    @invariant()
    def log_never_goes_back_in_time(self) -> None:
        assert all(a.at <= b.at for a, b in zip(self.log, self.log[1:], strict=False))
        assert self.ticket.updated_at == self.log[-1].at

    @invariant()
    def terminal_states_accept_only_what_spec_allows(self) -> None:
        status = self.ticket.status
        if not (status.final or status is Status.CLOSED):
            return
        later = self.now + dt.timedelta(seconds=1)
        for actor in ACTORS:
            allowed = set(allowed_commands(self.ticket, actor, at=later, rules=self.rules_))
            # A closed ticket may be reopened, and surveyed in a round (seed 003).
            closed = {"reopen", "send_survey", "refuse_survey", "answer_survey"}
            assert allowed <= (closed if status is Status.CLOSED else set())
        if status.final:
            for probe in PROBES.values():
                for actor in ACTORS:
                    try:
                        apply(self.ticket, probe, actor=actor, at=later, rules=self.rules_)
                    except ComplaintflowError:
                        continue
                    raise AssertionError(f"{status} accepted {probe!r}")


TestLifecycle = LifecycleMachine.TestCase
