"""apply() refuses misuse with typed errors that carry their context, and changes nothing."""

from __future__ import annotations

import datetime as dt

import attrs
import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain import events as e
from complaintflow.domain.lifecycle import (
    TRANSITIONS,
    LifecycleRules,
    SupervisorForAnyMoney,
    allowed_commands,
    apply,
    open_ticket,
)
from complaintflow.domain.money import Money
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, Kind, Priority, Role, Status
from complaintflow.errors import (
    InvalidTransition,
    NaiveDatetimeError,
    PermissionDenied,
    SelfApprovalError,
    ValidationError,
)

T0 = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")
AGENT = Actor.staff("wang.fang", Role.AGENT)
AGENT_2 = Actor.staff("zhao.lei", Role.AGENT)
SUPERVISOR = Actor.staff("chen.jing", Role.SUPERVISOR)
SUPERVISOR_2 = Actor.staff("he.min", Role.SUPERVISOR)
CUSTOMER = Actor.customer("C001")
SYSTEM = Actor.system()
TRIAGE = c.Triage(Kind.COMPLAINT, Category.BILLING_PAYMENT, Priority.P1, department="billing")


def new_ticket(kind: Kind | None = None) -> Ticket:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0, kind=kind)
    return open_ticket(draft, ticket_id="T-1", number="TS20240520-0001", actor=AGENT)[0]


def run(
    ticket: Ticket, *steps: tuple[c.Command, Actor], rules: LifecycleRules | None = None
) -> Ticket:
    for command, actor in steps:
        ticket, _ = apply(
            ticket,
            command,
            actor=actor,
            at=ticket.updated_at.add(minutes=1),
            rules=rules or LifecycleRules(),
        )
    return ticket


def investigating() -> Ticket:
    return run(
        new_ticket(), (TRIAGE, AGENT), (c.Assign(AGENT.id), SUPERVISOR), (c.Investigate(), AGENT)
    )


def awaiting_approval() -> Ticket:
    ticket = run(investigating(), (c.ProposeSolution("退款", amount=Money("199", "CNY")), AGENT))
    assert ticket.status is Status.AWAITING_APPROVAL
    return ticket


def resolved() -> Ticket:
    return run(
        investigating(),
        (c.ProposeSolution("道歉并补发"), AGENT),
        (c.CustomerAccepts(), CUSTOMER),
        (c.Complete(), AGENT),
    )


LATER = T0.add(hours=1)


# -- open_ticket --------------------------------------------------------------


def test_open_ticket_is_version_one_received_with_one_event() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    ticket, events = open_ticket(draft, ticket_id="T-1", number="N-1", actor=AGENT)
    assert (ticket.version, ticket.last_seq, ticket.status) == (1, 1, Status.RECEIVED)
    assert ticket.received_at == ticket.updated_at == T0
    (event,) = events
    assert event.payload == e.Received("N-1", draft)
    assert (event.seq, event.version, event.actor) == (1, 1, AGENT)


def test_open_ticket_with_an_sla_version_stamps_it_in_the_same_batch() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    ticket, events = open_ticket(
        draft, ticket_id="T-1", number="N-1", actor=AGENT, sla_version="2024.1"
    )
    assert ticket.version == 1
    assert ticket.sla_version == "2024.1"
    assert [(ev.seq, ev.version, ev.type) for ev in events] == [
        (1, 1, "received"),
        (2, 1, "sla_stamped"),
    ]
    assert Ticket.replay(events) == ticket


def test_open_ticket_refuses_a_non_draft() -> None:
    with pytest.raises(ValidationError) as info:
        open_ticket("订单56", ticket_id="T-1", number="N-1", actor=AGENT)  # type: ignore[arg-type]
    assert info.value.field == "draft"


@pytest.mark.parametrize("field", ["ticket_id", "number"])
def test_open_ticket_refuses_empty_ids(field: str) -> None:
    ids = {"ticket_id": "T-1", "number": "N-1", field: " "}
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    with pytest.raises(ValidationError) as info:
        open_ticket(draft, actor=AGENT, **ids)
    assert info.value.field == field


def test_open_ticket_refuses_a_naive_at() -> None:
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    with pytest.raises(NaiveDatetimeError) as info:
        open_ticket(
            draft, ticket_id="T-1", number="N-1", actor=AGENT, at=dt.datetime(2024, 5, 20, 9, 0)
        )
    assert info.value.field == "at"


# -- InvalidTransition ---------------------------------------------------------


def test_invalid_transition_carries_ticket_state_trigger_and_allowed() -> None:
    ticket = new_ticket()
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, c.Investigate(), actor=AGENT, at=LATER)
    error = info.value
    assert error.ticket_id == "T-1"
    assert error.state == "received"
    assert error.trigger == "investigate"
    assert error.allowed == allowed_commands(ticket, AGENT, at=LATER)
    assert "triage" in error.allowed
    assert "investigate" not in error.allowed
    assert "Allowed from received" in str(error)


def test_closed_ticket_accepts_only_reopen_and_survey_rounds() -> None:
    ticket = run(
        resolved(), (c.RecordSurvey(SurveyResponse.from_csat(5)), CUSTOMER), (c.Close(), AGENT)
    )
    assert ticket.status is Status.CLOSED
    at = ticket.updated_at.add(minutes=1)
    # A monthly survey round (seed 003) samples the month's tickets, closed ones included.
    rounds = ("answer_survey", "refuse_survey", "reopen", "send_survey")
    assert allowed_commands(ticket, SUPERVISOR, at=at) == rounds
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, c.Comment("还在吗"), actor=AGENT, at=at)
    assert info.value.state == "closed"
    assert info.value.allowed == rounds


@pytest.mark.parametrize(
    "command",
    [c.Comment("x"), c.Respond("x"), c.Reopen("x"), c.Withdraw(), c.Assign("a")],
)
@pytest.mark.parametrize("final", [c.Merge("T-0"), c.Withdraw()])
def test_merged_and_withdrawn_tickets_accept_nothing(command: c.Command, final: c.Command) -> None:
    ticket = run(new_ticket(), (final, AGENT))
    assert ticket.status.final
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, command, actor=SUPERVISOR, at=LATER)
    assert info.value.allowed == ()


def test_resolve_now_refused_for_a_complaint_with_the_reason() -> None:
    ticket = run(new_ticket(), (TRIAGE, AGENT))
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, c.ResolveNow("已答复"), actor=AGENT, at=LATER)
    assert info.value.reason == "only inquiries and praise can be resolved at first contact"
    assert "resolve_now" not in info.value.allowed


def test_second_survey_for_one_resolution_is_refused() -> None:
    ticket = run(resolved(), (c.RecordSurvey(SurveyResponse.from_csat(4)), CUSTOMER))
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, c.RecordSurvey(SurveyResponse.from_csat(1)), actor=CUSTOMER, at=LATER)
    assert info.value.reason == "a survey response is already recorded for this resolution"
    assert "record_survey" not in info.value.allowed


def test_close_refused_while_the_survey_is_pending() -> None:
    ticket = resolved()
    with pytest.raises(InvalidTransition) as info:
        apply(ticket, c.Close(), actor=AGENT, at=ticket.updated_at)
    assert info.value.reason is not None
    assert "survey is still pending" in info.value.reason


def test_close_allowed_once_the_survey_window_passed() -> None:
    rules = LifecycleRules(survey_window=dt.timedelta(hours=48))
    ticket = resolved()
    at = ticket.updated_at + dt.timedelta(hours=48)
    closed, _ = apply(ticket, c.Close(), actor=SYSTEM, at=at, rules=rules)
    assert closed.status is Status.CLOSED


def test_close_needs_no_survey_for_kinds_not_surveyed() -> None:
    rules = LifecycleRules(surveyed_kinds=frozenset({Kind.SUGGESTION}))
    ticket = resolved()
    closed, _ = apply(ticket, c.Close(), actor=AGENT, at=ticket.updated_at, rules=rules)
    assert closed.status is Status.CLOSED


# -- PermissionDenied ----------------------------------------------------------


def test_customer_may_not_triage() -> None:
    with pytest.raises(PermissionDenied) as info:
        apply(new_ticket(), TRIAGE, actor=CUSTOMER, at=LATER)
    assert info.value.trigger == "triage"
    assert info.value.actor_id == "C001"
    assert info.value.actor_role is None
    assert info.value.required == "staff (agent or above)"


def test_customer_may_not_reopen_or_close() -> None:
    ticket = resolved()
    for command in (c.Reopen("还是不行"), c.Close()):
        with pytest.raises(PermissionDenied):
            apply(ticket, command, actor=CUSTOMER, at=LATER)


def test_system_may_not_approve() -> None:
    with pytest.raises(PermissionDenied) as info:
        apply(awaiting_approval(), c.Approve(), actor=SYSTEM, at=LATER)
    assert info.value.required == "a staff member"
    assert info.value.actor_id == "system"


def test_system_may_not_propose_or_resolve() -> None:
    for command in (c.ProposeSolution("退款"), c.Complete(), c.Respond("您好")):
        with pytest.raises(PermissionDenied):
            apply(investigating(), command, actor=SYSTEM, at=LATER)


def test_agent_may_not_override() -> None:
    ticket = run(new_ticket(), (TRIAGE, AGENT))
    with pytest.raises(PermissionDenied) as info:
        apply(ticket, c.Override("改为 P2", priority=Priority.P2), actor=AGENT, at=LATER)
    assert (info.value.actor_role, info.value.required) == ("agent", "supervisor")


def test_agent_may_not_approve_and_error_names_the_role_required() -> None:
    with pytest.raises(PermissionDenied) as info:
        apply(awaiting_approval(), c.Approve(), actor=AGENT_2, at=LATER)
    assert info.value.required == "supervisor"
    assert info.value.actor_role == "agent"
    assert "199 CNY" in str(info.value)


def test_agent_may_not_reject_either() -> None:
    with pytest.raises(PermissionDenied) as info:
        apply(awaiting_approval(), c.Reject("不同意"), actor=AGENT_2, at=LATER)
    assert info.value.required == "supervisor"


def test_nobody_approves_their_own_proposal() -> None:
    ticket = awaiting_approval()
    promoted = Actor.staff(AGENT.id, Role.DIRECTOR)
    with pytest.raises(SelfApprovalError) as info:
        apply(ticket, c.Approve(), actor=promoted, at=LATER)
    assert info.value.actor_id == AGENT.id
    assert info.value.reason == "nobody approves their own proposal"
    assert "approve" not in allowed_commands(ticket, promoted, at=LATER)


def test_the_same_person_does_not_sign_two_steps() -> None:
    class TwoSupervisors:
        def approvers(self, amount: Money | None, proposer: Role) -> tuple[Role, ...]:
            return (Role.SUPERVISOR, Role.SUPERVISOR) if amount else ()

    rules = LifecycleRules(approvals=TwoSupervisors())
    ticket = run(
        investigating(),
        (c.ProposeSolution("赔偿", amount=Money("1", "CNY")), AGENT),
        (c.Approve(), SUPERVISOR),
        rules=rules,
    )
    with pytest.raises(PermissionDenied) as info:
        apply(ticket, c.Approve(), actor=SUPERVISOR, at=LATER, rules=rules)
    assert info.value.reason == "each approval step needs a different person"
    done, _ = apply(ticket, c.Approve(), actor=SUPERVISOR_2, at=LATER, rules=rules)
    assert done.status is Status.AWAITING_CUSTOMER


def test_role_is_checked_before_state() -> None:
    with pytest.raises(PermissionDenied):
        apply(new_ticket(), c.Approve(), actor=CUSTOMER, at=LATER)


# -- time ----------------------------------------------------------------------


def test_at_going_backwards_is_refused() -> None:
    ticket = run(new_ticket(), (TRIAGE, AGENT))
    before = ticket.updated_at - dt.timedelta(seconds=1)
    with pytest.raises(ValidationError, match="must not go back in time") as info:
        apply(ticket, c.Comment("补记"), actor=AGENT, at=before)
    assert info.value.field == "at"


def test_at_equal_to_the_last_change_is_fine() -> None:
    ticket = run(new_ticket(), (TRIAGE, AGENT))
    same, _ = apply(ticket, c.Comment("补记"), actor=AGENT, at=ticket.updated_at)
    assert same.version == ticket.version + 1


def test_naive_at_is_refused() -> None:
    with pytest.raises(NaiveDatetimeError) as info:
        apply(new_ticket(), TRIAGE, actor=AGENT, at=dt.datetime(2024, 5, 21, 9, 0))
    assert info.value.field == "at"


def test_at_in_another_zone_is_kept_as_given() -> None:
    at = dt.datetime(2024, 5, 20, 2, 0, tzinfo=dt.UTC)
    _, (event,) = apply(new_ticket(), TRIAGE, actor=AGENT, at=at)
    assert isinstance(event.at, pendulum.DateTime)
    assert event.at == T0.add(hours=1)


# -- commands against the ticket -----------------------------------------------


def test_transfer_that_goes_nowhere_is_refused() -> None:
    ticket = investigating()
    with pytest.raises(ValidationError, match="goes nowhere") as info:
        apply(
            ticket, c.Transfer("billing", "转给自己", to_assignee=AGENT.id), actor=AGENT, at=LATER
        )
    assert info.value.field == "to_department"


def test_merge_into_itself_is_refused() -> None:
    with pytest.raises(ValidationError) as info:
        apply(new_ticket(), c.Merge("T-1"), actor=AGENT, at=LATER)
    assert info.value.field == "into"


def test_refusal_changes_nothing() -> None:
    ticket = awaiting_approval()
    snapshot = attrs.asdict(ticket, recurse=True)
    with pytest.raises(PermissionDenied):
        apply(ticket, c.Approve(), actor=AGENT_2, at=LATER)
    assert attrs.asdict(ticket, recurse=True) == snapshot


def test_accepted_command_leaves_its_input_untouched() -> None:
    ticket = investigating()
    snapshot = attrs.asdict(ticket, recurse=True)
    after, (event,) = apply(ticket, c.Respond("您好"), actor=AGENT, at=LATER)
    assert attrs.asdict(ticket, recurse=True) == snapshot
    assert after.first_response_at == LATER
    assert (after.version, event.seq, event.version) == (ticket.version + 1,) * 3
    assert event.payload == e.Responded("您好", first=True)


def test_only_the_first_response_stops_the_clock() -> None:
    ticket = run(investigating(), (c.Respond("您好"), AGENT), (c.Respond("还在处理"), AGENT))
    assert ticket.first_response_at == T0.add(minutes=4)  # after triage, assign, investigate


def test_reject_returns_to_investigating_with_the_reason() -> None:
    ticket, (event,) = apply(awaiting_approval(), c.Reject("金额有误"), actor=SUPERVISOR, at=LATER)
    assert ticket.status is Status.INVESTIGATING
    assert ticket.solution is None
    assert event.payload == e.Rejected("金额有误")


def test_customer_declines_returns_to_investigating() -> None:
    ticket = run(investigating(), (c.ProposeSolution("补发"), AGENT))
    declined, _ = apply(ticket, c.CustomerDeclines("要退款不要补发"), actor=CUSTOMER, at=LATER)
    assert declined.status is Status.INVESTIGATING
    assert declined.solution is None


# -- approval gate --------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "proposer", "approvers"),
    [
        (None, Role.AGENT, ()),
        (Money("0", "CNY"), Role.AGENT, ()),
        (Money("0.01", "CNY"), Role.AGENT, (Role.SUPERVISOR,)),
        (Money("9999", "USD"), Role.AGENT, (Role.SUPERVISOR,)),
        (Money("50", "CNY"), Role.SUPERVISOR, ()),
        (Money("50", "CNY"), Role.DIRECTOR, ()),
    ],
)
def test_default_gate_any_money_needs_a_supervisor(
    amount: Money | None, proposer: Role, approvers: tuple[Role, ...]
) -> None:
    gate = SupervisorForAnyMoney()
    assert gate.approvers(amount, proposer) == approvers


def test_a_supervisor_proposing_money_needs_no_other_supervisor() -> None:
    ticket = run(
        investigating(), (c.ProposeSolution("退款", amount=Money("50", "CNY")), SUPERVISOR)
    )
    assert ticket.status is Status.AWAITING_CUSTOMER


# -- allowed_commands ------------------------------------------------------------


def test_allowed_commands_for_a_customer_awaiting_their_answer() -> None:
    ticket = run(investigating(), (c.ProposeSolution("补发"), AGENT))
    assert allowed_commands(ticket, CUSTOMER, at=LATER) == (
        "attach",
        "comment",
        "customer_accepts",
        "customer_declines",
        "withdraw",
    )


def test_allowed_commands_is_sorted_and_only_names_triggers() -> None:
    triggers = {row.trigger for row in TRANSITIONS}
    for actor in (AGENT, SUPERVISOR, CUSTOMER, SYSTEM):
        allowed = allowed_commands(investigating(), actor, at=LATER)
        assert list(allowed) == sorted(allowed)
        assert set(allowed) <= triggers


def test_allowed_commands_refuses_a_naive_at() -> None:
    with pytest.raises(NaiveDatetimeError):
        allowed_commands(new_ticket(), AGENT, at=dt.datetime(2024, 5, 20))


# -- the fold ---------------------------------------------------------------------


def test_replay_refuses_an_empty_log() -> None:
    with pytest.raises(ValidationError) as info:
        Ticket.replay([])
    assert info.value.field == "events"


def test_replay_refuses_a_log_that_does_not_start_with_received() -> None:
    _, events = apply(new_ticket(), TRIAGE, actor=AGENT, at=LATER)
    with pytest.raises(ValidationError, match="starts with a 'received' event"):
        Ticket.replay(events)


def test_replay_refuses_a_gap_in_the_log() -> None:
    ticket = new_ticket()
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    _, opened = open_ticket(draft, ticket_id="T-1", number="TS20240520-0001", actor=AGENT)
    ticket, first = apply(ticket, TRIAGE, actor=AGENT, at=LATER)
    _, second = apply(ticket, c.Comment("x"), actor=AGENT, at=LATER)
    with pytest.raises(ValidationError, match="does not follow") as info:
        Ticket.replay([*opened, *second])
    assert info.value.field == "events"
    assert Ticket.replay([*opened, *first, *second]).version == 3


def test_replay_refuses_an_event_of_another_ticket() -> None:
    ticket = new_ticket()
    _, (event,) = apply(ticket, TRIAGE, actor=AGENT, at=LATER)
    draft = TicketDraft("订单56重复扣款", Channel.CHAT, T0)
    _, other = open_ticket(draft, ticket_id="T-2", number="N-2", actor=AGENT)
    with pytest.raises(ValidationError):
        Ticket.replay([*other, event])
