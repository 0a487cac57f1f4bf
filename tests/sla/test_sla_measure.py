"""SLA clocks measured from events, including the anchor bugs of other help desks."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow import Actor, Event, SurveyResponse, Ticket, TicketDraft
from complaintflow.domain.commands import (
    Assign,
    Command,
    Comment,
    Complete,
    CustomerAccepts,
    Investigate,
    Merge,
    ProposeSolution,
    RecordSurvey,
    Reopen,
    Respond,
    RestampSla,
    Transfer,
    Triage,
)
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.measure import ClockState, SlaPolicyMismatch, measure
from complaintflow.sla.policy import ReopenMode, SlaMatch, SlaPolicy, SlaRule
from complaintflow.sla.targets import BusinessDays, BusinessHours, Elapsed
from complaintflow.testing import AGENT, CUSTOMER, OFFICE_WEEK, SUPERVISOR, instants
from complaintflow.testing import SHANGHAI as SH

CAL = BusinessCalendar(tz=SH, week=OFFICE_WEEK, holidays=[dt.date(2024, 6, 10)])
ALWAYS = BusinessCalendar(tz=SH, week={day: [("00:00", "24:00")] for day in range(7)})
#: Measured to the execution's end, so that the waits on the customer are pauses of a running
#: clock (the default stops it at 办结, the solution given: tests/sla/test_resolution_end.py).
POLICY = SlaPolicy.default(resolution_end="resolved")


at = instants(2024, 6)  # June 2024: the 7th is a Friday, the 10th (Monday) a holiday


class Story:
    """A ticket and its log, built command by command."""

    def __init__(
        self, received: pendulum.DateTime, priority: str = "P3", policy: SlaPolicy = POLICY
    ) -> None:
        draft = TicketDraft("快递一周还没到", "phone", received)
        self.ticket, self.log = open_ticket(
            draft, ticket_id="t1", number="TS1", actor=AGENT, sla_version=policy.version
        )
        self.do(Triage("complaint", "logistics.timeliness", priority), received)
        self.do(Assign("a1", "warehouse"), received)
        self.do(Investigate(), received)

    def do(self, command: Command, when: pendulum.DateTime, actor: Actor = AGENT) -> Story:
        self.ticket, events = apply(self.ticket, command, actor=actor, at=when)
        self.log.extend(events)
        return self

    def clock(
        self,
        metric: str,
        now: pendulum.DateTime,
        calendar: BusinessCalendar = CAL,
        policy: SlaPolicy = POLICY,
        cycle: int | None = None,
    ):  # type: ignore[no-untyped-def]
        status = measure(self.log, policy, calendar, now)
        clocks = [
            c for c in status.clocks if c.metric == metric and (cycle is None or c.cycle == cycle)
        ]
        return clocks[-1]


def test_default_targets_follow_the_seed_table() -> None:
    p3 = Story(at(11, 9))
    assert p3.clock("first_response", at(11, 9)).due_at == at(11, 14)
    assert p3.clock("resolution", at(11, 9)).due_at == at(14, 18)
    p1 = Story(at(11, 9), priority="P1")
    assert p1.clock("first_response", at(11, 9)).due_at == at(11, 11)
    assert p1.clock("resolution", at(11, 9)).due_at == at(12, 9)  # 24 elapsed hours


def test_received_on_non_working_day_counts_from_first_working_minute() -> None:
    story = Story(at(8, 15))  # Saturday afternoon; Monday the 10th is a holiday
    clock = story.clock("first_response", at(8, 20))
    assert clock.consumed == dt.timedelta(0)
    assert clock.due_at == at(11, 13, 0) + dt.timedelta(hours=1)  # Tue 09:00 + 4h, lunch skipped


def test_hold_time_never_added_to_creation_time() -> None:
    story = Story(at(11, 9))
    story.do(ProposeSolution("补发一件"), at(11, 10))  # -> awaiting_customer (pause)
    story.do(CustomerAccepts(), at(12, 10), actor=CUSTOMER)  # one business day paused
    clock = story.clock("resolution", at(12, 10))
    assert clock.started_at == at(11, 9)  # start never moves
    assert clock.paused == dt.timedelta(hours=8)
    assert clock.consumed == dt.timedelta(hours=1)
    assert clock.due_at == at(17, 18)  # 3 business days, + 8 h paused


def test_paused_straight_to_resolved_still_deducts_the_last_pause() -> None:
    policy = SlaPolicy.default(version="v-pause-exec")
    policy = SlaPolicy(
        version="v-pause-exec",
        fallback=policy.fallback,
        rules=policy.rules,
        pauses={"resolution": frozenset({"awaiting_customer", "executing"})},
        resolution_end="resolved",
    )
    story = Story(at(11, 9), policy=policy)
    story.do(ProposeSolution("补发一件"), at(11, 10))
    story.do(CustomerAccepts(), at(11, 11), actor=CUSTOMER)
    story.do(Complete(), at(11, 15))  # resolved while paused
    clock = story.clock("resolution", at(11, 16), policy=policy)
    assert clock.state is ClockState.MET
    assert clock.consumed == dt.timedelta(hours=1)  # 09:00-10:00 only
    assert clock.paused == dt.timedelta(hours=4)  # 10-12, 13-15


def test_breach_reported_in_business_time() -> None:
    story = Story(at(7, 9), priority="P2")  # Friday 09:00, due 13:00... +4h
    clock = story.clock("first_response", at(11, 10))  # Tuesday 10:00
    assert clock.state is ClockState.BREACHED
    # Fri 09-12, 13-18 = 8 h; Tue 09-10 = 1 h; consumed 9 h of a 4 h target
    assert clock.breached_by == dt.timedelta(hours=5)


def test_24_7_calendar_has_no_gap_at_midnight() -> None:
    story = Story(at(11, 22))
    clock = story.clock("first_response", at(11, 22), calendar=ALWAYS)
    assert clock.due_at == at(12, 2)


def test_pause_time_counted_in_business_time_not_24_7() -> None:
    story = Story(at(7, 17))  # Friday 17:00
    story.do(ProposeSolution("补发"), at(7, 17, 30))
    story.do(CustomerAccepts(), at(11, 9, 30), actor=CUSTOMER)  # over weekend + holiday
    clock = story.clock("resolution", at(11, 9, 30))
    assert clock.paused == dt.timedelta(minutes=30 + 30)  # Fri 17:30-18:00, Tue 09:00-09:30


def test_elapsed_targets_pause_in_wall_time() -> None:
    story = Story(at(11, 9), priority="P1")
    story.do(ProposeSolution("退款"), at(11, 10))
    story.do(CustomerAccepts(), at(11, 22), actor=CUSTOMER)
    clock = story.clock("resolution", at(11, 22))
    assert clock.paused == dt.timedelta(hours=12)
    assert clock.due_at == at(12, 9) + dt.timedelta(hours=12)


def test_first_response_never_pauses_by_default() -> None:
    story = Story(at(11, 9))
    story.do(ProposeSolution("补发"), at(11, 10))
    assert story.clock("first_response", at(11, 14)).paused == dt.timedelta(0)


def test_first_response_stops_at_the_first_response() -> None:
    story = Story(at(11, 9)).do(Respond("您好"), at(11, 10))
    clock = story.clock("first_response", at(20, 10))
    assert (clock.state, clock.stopped_at, clock.consumed) == (
        ClockState.MET,
        at(11, 10),
        dt.timedelta(hours=1),
    )


def test_next_response_runs_from_each_customer_message() -> None:
    policy = SlaPolicy(
        version="nr",
        fallback=SlaRule(
            SlaMatch(),
            first_response=BusinessHours(4),
            next_response=BusinessHours(1),
            resolution=None,
        ),
    )
    story = Story(at(11, 9), policy=policy).do(Respond("您好"), at(11, 9, 30))
    story.do(Comment("还没到货？", internal=False), at(11, 10), actor=CUSTOMER)
    story.do(Respond("已催促快递"), at(11, 10, 20))
    story.do(Comment("今天能到吗", internal=False), at(11, 14), actor=CUSTOMER)
    status = measure(story.log, policy, CAL, at(11, 16))
    cycles = [c for c in status.clocks if c.metric == "next_response"]
    assert [(c.cycle, c.state) for c in cycles] == [(1, ClockState.MET), (2, ClockState.BREACHED)]
    assert status.current("resolution") is None  # "no SLA" is expressible


def test_department_step_target_from_hand_over_to_diagnosis() -> None:
    story = Story(at(11, 9))
    story.do(Transfer("technical", "需要技术诊断"), at(11, 10))
    story.do(Investigate(), at(11, 10, 5))
    story.do(ProposeSolution("更换主板"), at(11, 11, 30))
    clock = story.clock("step:technical", at(11, 16))
    assert (clock.state, clock.consumed) == (ClockState.MET, dt.timedelta(minutes=90))


def test_merged_ticket_cancels_its_clocks() -> None:
    story = Story(at(11, 9)).do(Merge("t0"), at(11, 10))
    assert story.clock("resolution", at(20, 9)).state is ClockState.CANCELLED


def _resolved_and_reopened(policy: SlaPolicy) -> Story:
    story = Story(at(11, 9), policy=policy).do(Respond("您好"), at(11, 9, 10))
    story.do(ProposeSolution("补发"), at(11, 10))
    story.do(CustomerAccepts(), at(11, 10), actor=CUSTOMER)
    story.do(Complete(), at(11, 11))
    story.do(RecordSurvey(SurveyResponse.from_csat(1), reopen_to="s1"), at(12, 9), actor=CUSTOMER)
    return story


@pytest.mark.parametrize("mode", list(ReopenMode))
def test_reopen_behaves_per_policy(mode: ReopenMode) -> None:
    policy = SlaPolicy(
        version=f"reopen-{mode}",
        fallback=SlaPolicy.default().fallback,
        reopen={"resolution": mode, "first_response": ReopenMode.CONTINUE},
        resolution_end="resolved",
    )
    story = _resolved_and_reopened(policy)
    status = measure(story.log, policy, CAL, at(12, 10))
    cycles = [c for c in status.clocks if c.metric == "resolution"]
    if mode is ReopenMode.CONTINUE:
        assert [c.cycle for c in cycles] == [1]
        assert cycles[0].state is ClockState.RUNNING
        assert cycles[0].consumed == dt.timedelta(hours=2 + 1)  # 9-11 before, 9-10 after
    elif mode is ReopenMode.NEW_CYCLE:
        assert [(c.cycle, c.state) for c in cycles] == [
            (1, ClockState.MET),
            (2, ClockState.RUNNING),
        ]
        assert cycles[1].started_at == at(12, 9)
    else:
        assert [(c.cycle, c.state) for c in cycles] == [(2, ClockState.RUNNING)]
    assert [c.cycle for c in status.clocks if c.metric == "first_response"] == [1]


def test_reopening_starts_a_new_first_response_cycle_by_default() -> None:
    story = _resolved_and_reopened(POLICY)
    story.do(Respond("再次处理"), at(12, 9, 30))
    status = measure(story.log, POLICY, CAL, at(12, 10))
    cycles = [c for c in status.clocks if c.metric == "first_response"]
    assert [(c.cycle, c.state) for c in cycles] == [(1, ClockState.MET), (2, ClockState.MET)]


def test_staff_reopen_of_a_closed_ticket_restarts_resolution() -> None:
    story = Story(at(11, 9), priority="P2").do(Respond("您好"), at(11, 9, 10))
    story.do(ProposeSolution("补发"), at(11, 10))
    story.do(CustomerAccepts(), at(11, 10), actor=CUSTOMER)
    story.do(Complete(), at(11, 11))
    story.do(RecordSurvey(SurveyResponse.from_csat(5)), at(11, 12), actor=CUSTOMER)
    from complaintflow.domain.commands import Close

    story.do(Close(), at(11, 13, 30))
    story.do(Reopen("客户再次来电"), at(12, 9))
    cycles = [
        c.cycle
        for c in measure(story.log, POLICY, CAL, at(12, 10)).clocks
        if c.metric == "resolution"
    ]
    assert cycles == [1, 2]


def test_policy_version_is_kept_with_the_ticket() -> None:
    story = Story(at(11, 9))
    edited = SlaPolicy.default(version="default-2")
    with pytest.raises(SlaPolicyMismatch) as refused:
        measure(story.log, edited, CAL, at(11, 10))
    assert (refused.value.stamped, refused.value.known) == ("default-1", ("default-2",))
    both = {POLICY.version: POLICY, edited.version: edited}
    assert measure(story.log, both, CAL, at(11, 10)).policy_version == "default-1"
    story.do(RestampSla("default-2", "policy migration"), at(11, 10), actor=SUPERVISOR)
    assert story.ticket.sla_version == "default-2"
    assert measure(story.log, edited, CAL, at(11, 10)).policy_version == "default-2"


def test_measure_refuses_an_empty_log_and_naive_now() -> None:
    from complaintflow import NaiveDatetimeError, ValidationError

    with pytest.raises(ValidationError):
        measure([], POLICY, CAL, at(11, 9))
    with pytest.raises(NaiveDatetimeError):
        measure(Story(at(11, 9)).log, POLICY, CAL, dt.datetime(2024, 6, 11, 9))


def test_events_after_now_are_not_counted() -> None:
    story = Story(at(11, 9)).do(Respond("您好"), at(11, 12))
    assert story.clock("first_response", at(11, 10)).state is ClockState.RUNNING


offsets = st.integers(min_value=0, max_value=60 * 24 * 6)


@given(received=offsets, pause_from=offsets, pause_len=offsets, probe=offsets)
def test_a_pause_never_brings_a_deadline_earlier(
    received: int, pause_from: int, pause_len: int, probe: int
) -> None:
    start = at(3, 0) + dt.timedelta(minutes=received)
    plain = Story(start)
    paused = Story(start)
    paused.do(ProposeSolution("补发"), start + dt.timedelta(minutes=pause_from))
    paused.do(
        CustomerAccepts(), start + dt.timedelta(minutes=pause_from + pause_len), actor=CUSTOMER
    )
    now = start + dt.timedelta(minutes=pause_from + pause_len + probe)
    assert paused.clock("resolution", now).due_at >= plain.clock("resolution", now).due_at


@given(received=offsets, later=offsets)
def test_deadlines_are_monotonic_in_the_start(received: int, later: int) -> None:
    first = at(3, 0) + dt.timedelta(minutes=received)
    second = first + dt.timedelta(minutes=later)
    now = second
    for metric in ("first_response", "resolution"):
        assert Story(first).clock(metric, now).due_at <= Story(second).clock(metric, now).due_at


def test_replay_of_the_log_matches_the_ticket() -> None:
    story = _resolved_and_reopened(POLICY)
    assert Ticket.replay(story.log) == story.ticket
    assert all(isinstance(event, Event) for event in story.log)


def test_business_days_targets_end_at_close_of_business() -> None:
    policy = SlaPolicy(
        version="bd",
        fallback=SlaRule(
            SlaMatch(),
            first_response=Elapsed(hours=1),
            next_response=None,
            resolution=BusinessDays(1),
        ),
    )
    story = Story(at(7, 17, 59), policy=policy)  # Friday, a minute before close
    assert story.clock("resolution", at(7, 18), policy=policy).due_at == at(11, 18)
