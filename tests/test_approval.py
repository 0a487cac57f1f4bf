"""ApprovalPolicy: thresholds, chains, separation of duties (SPEC §2.5, seed 001 §3.2)."""

from __future__ import annotations

from decimal import Decimal
from itertools import pairwise

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.approval import (
    ApprovalPlan,
    ApprovalPolicy,
    ChainMode,
    NegativeAmountError,
    Tier,
    UnknownCurrencyError,
)
from complaintflow.domain.money import Money
from complaintflow.domain.values import Actor, Approval, Solution
from complaintflow.domain.vocabulary import Role
from complaintflow.errors import (
    MoneyError,
    PermissionDenied,
    SelfApprovalError,
    ValidationError,
)

NOW = pendulum.datetime(2024, 5, 20, 14, 35, tz="Asia/Shanghai")


def cny(amount: str | Decimal) -> Money:
    return Money(amount, "CNY")


def sign(actor: Actor) -> Approval:
    assert actor.role is not None
    return Approval(actor.id, actor.role, NOW)


# -- strategies -----------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=20_000, places=2).map(cny)
roles = st.sampled_from(list(Role))
modes = st.sampled_from(list(ChainMode))


@st.composite
def policies(draw: st.DrawFn) -> ApprovalPolicy:
    """Any valid policy: a sub-ladder of Role, increasing CNY limits, a mode."""
    ladder = draw(st.lists(roles, min_size=1, unique=True).map(sorted))
    limits = draw(
        st.lists(
            st.decimals(min_value=0, max_value=10_000, places=2),
            min_size=len(ladder) - 1,
            max_size=len(ladder) - 1,
            unique=True,
        ).map(sorted)
    )
    tiers = [Tier(role, limit) for role, limit in zip(ladder, [*limits, None], strict=True)]
    return ApprovalPolicy({"CNY": tiers}, ladder, mode=draw(modes))


# -- the seed's scenarios -----------------------------------------------------


def test_stable_surface_boundaries() -> None:
    policy = ApprovalPolicy.default()
    assert policy.required_role(cny("500.00")) == Role.SUPERVISOR
    assert policy.required_role(cny("500.01")) == Role.DEPARTMENT_MANAGER


@pytest.mark.parametrize(
    ("amount", "role"),
    [
        ("0", Role.AGENT),
        ("100.00", Role.AGENT),
        ("100.01", Role.SUPERVISOR),
        ("500", Role.SUPERVISOR),
        ("500.01", Role.DEPARTMENT_MANAGER),
        ("5000.00", Role.DEPARTMENT_MANAGER),
        ("5000.01", Role.DIRECTOR),
        ("1000000", Role.DIRECTOR),
    ],
)
def test_default_tiers(amount: str, role: Role) -> None:
    assert ApprovalPolicy.default().required_role(cny(amount)) == role


def test_agent_grants_a_coupon_of_fifty_on_their_own() -> None:
    """Seed 002 §4: frontline staff may grant small compensation without sign-off."""
    policy = ApprovalPolicy.default()
    assert policy.approvers(cny("50"), Role.AGENT) == ()
    assert policy.approvers(cny("100.00"), Role.AGENT) == ()
    assert policy.approvers(cny("100.01"), Role.AGENT) == (Role.SUPERVISOR,)


def test_compensation_over_500_goes_to_the_department_manager() -> None:
    """Seed 001 §3.2: up to 500 the supervisor signs, above that the department manager."""
    policy = ApprovalPolicy.default()
    assert policy.approvers(cny("480"), Role.AGENT) == (Role.SUPERVISOR,)
    assert policy.approvers(cny("800"), Role.AGENT) == (Role.DEPARTMENT_MANAGER,)
    assert policy.approvers(cny("480"), Role.SUPERVISOR) == ()


def test_ladder_mode_climbs_every_rung() -> None:
    policy = ApprovalPolicy.default(mode="ladder")
    plan = policy.plan(cny("8000"), Role.AGENT)
    assert plan == ApprovalPlan(
        cny("8000"),
        Role.AGENT,
        Role.DIRECTOR,
        ChainMode.LADDER,
        (Role.SUPERVISOR, Role.DEPARTMENT_MANAGER, Role.DIRECTOR),
    )
    assert policy.approvers(cny("8000"), Role.SUPERVISOR) == (
        Role.DEPARTMENT_MANAGER,
        Role.DIRECTOR,
    )


def test_no_money_means_no_approval() -> None:
    policy = ApprovalPolicy.default()
    assert policy.approvers(None, Role.AGENT) == ()
    assert policy.approvers(cny("0"), Role.AGENT) == ()


def test_host_ladder_without_department_manager() -> None:
    policy = ApprovalPolicy.from_dict(
        {
            "ladder": ["agent", "supervisor", "director"],
            "mode": "ladder",
            "tiers": {"CNY": {"agent": "100", "supervisor": "500", "director": None}},
        }
    )
    assert policy.required_role(cny("600")) == Role.DIRECTOR
    assert policy.approvers(cny("600"), Role.AGENT) == (Role.SUPERVISOR, Role.DIRECTOR)
    # an off-ladder department manager has the authority of the rung below
    assert policy.authority(Role.DEPARTMENT_MANAGER, "CNY") == cny("500")
    assert policy.approvers(cny("600"), Role.DEPARTMENT_MANAGER) == (Role.DIRECTOR,)


def test_ladder_starting_above_agent_gives_agents_no_authority() -> None:
    policy = ApprovalPolicy(
        {"USD": {"supervisor": "70", "director": None}}, ["supervisor", "director"]
    )
    assert policy.authority(Role.AGENT, "usd") == Money("0", "USD")
    assert policy.authority(Role.DIRECTOR, "USD") is None
    assert policy.approvers(Money("5", "USD"), Role.AGENT) == (Role.SUPERVISOR,)
    assert policy.approvers(Money("0", "USD"), Role.AGENT) == ()


def test_policy_per_currency() -> None:
    data = ApprovalPolicy.default().to_dict()
    data["tiers"]["USD"] = {
        "agent": "15",
        "supervisor": "70",
        "department_manager": "700",
        "director": None,
    }
    policy = ApprovalPolicy.from_dict(data)
    assert policy.currencies == ("CNY", "USD")
    assert policy.required_role(Money("70.00", "USD")) == Role.SUPERVISOR
    assert policy.required_role(Money("70.01", "USD")) == Role.DEPARTMENT_MANAGER


def test_plan_from_an_actor_records_the_proposer() -> None:
    plan = ApprovalPolicy.default().plan(cny("300"), Actor.staff("A007", Role.AGENT))
    assert plan.proposed_by == "A007"
    assert plan.needs_approval


# -- check: who may sign ----------------------------------------------------------

AGENT = Actor.staff("A007", Role.AGENT)
SUPERVISOR = Actor.staff("S001", Role.SUPERVISOR)
OTHER_SUPERVISOR = Actor.staff("S002", Role.SUPERVISOR)
MANAGER = Actor.staff("M001", Role.DEPARTMENT_MANAGER)
DIRECTOR = Actor.staff("D001", Role.DIRECTOR)


def solution(amount: str, proposer: Actor, policy: ApprovalPolicy) -> Solution:
    assert proposer.role is not None
    return Solution(
        "full refund and a coupon",
        cny(amount),
        proposer,
        NOW,
        required=policy.approvers(cny(amount), proposer.role),
    )


def test_higher_role_may_approve_what_a_lower_may() -> None:
    policy = ApprovalPolicy.default()
    proposal = solution("480", AGENT, policy)
    assert policy.check(proposal, SUPERVISOR) == Role.SUPERVISOR
    assert policy.check(proposal, DIRECTOR) == Role.SUPERVISOR


def test_role_too_low_is_denied_naming_the_role_required() -> None:
    policy = ApprovalPolicy.default()
    proposal = solution("800", AGENT, policy)
    with pytest.raises(PermissionDenied) as caught:
        policy.check(proposal, SUPERVISOR)
    assert caught.value.required == "department_manager"
    assert caught.value.actor_role == "supervisor"
    assert not isinstance(caught.value, SelfApprovalError)


def test_nobody_approves_their_own_proposal() -> None:
    policy = ApprovalPolicy.default()
    proposal = solution("800", SUPERVISOR, policy)
    with pytest.raises(SelfApprovalError) as caught:
        policy.check(proposal, SUPERVISOR)
    assert caught.value.required == "department_manager"
    plan = policy.plan(cny("800"), SUPERVISOR)
    with pytest.raises(SelfApprovalError):
        policy.check(plan, SUPERVISOR)


def test_ladder_needs_a_different_person_per_step() -> None:
    policy = ApprovalPolicy.default(mode=ChainMode.LADDER)
    proposal = solution("800", AGENT, policy)
    assert policy.check(proposal, MANAGER) == Role.SUPERVISOR
    given_so_far = [sign(MANAGER)]
    with pytest.raises(PermissionDenied, match="earlier step"):
        policy.check(proposal, MANAGER, given_so_far)
    assert policy.check(proposal, DIRECTOR, given_so_far) == Role.DEPARTMENT_MANAGER


def test_check_uses_the_solutions_own_approvals() -> None:
    policy = ApprovalPolicy.default(mode=ChainMode.LADDER)
    proposal = solution("800", AGENT, policy)
    proposal = Solution(
        proposal.text,
        proposal.amount,
        proposal.proposed_by,
        NOW,
        proposal.required,
        (sign(SUPERVISOR),),
    )
    with pytest.raises(PermissionDenied) as caught:
        policy.check(proposal, OTHER_SUPERVISOR)
    assert caught.value.required == "department_manager"


def test_nothing_left_to_approve() -> None:
    policy = ApprovalPolicy.default()
    with pytest.raises(ValidationError, match="nothing left"):
        policy.check(policy.plan(cny("50"), Role.AGENT), SUPERVISOR)


def test_customer_cannot_approve() -> None:
    policy = ApprovalPolicy.default()
    with pytest.raises(PermissionDenied) as caught:
        policy.check(policy.plan(cny("200"), Role.AGENT), Actor.customer("C001"))
    assert caught.value.actor_role is None


# -- typed errors ------------------------------------------------------------------


def test_unknown_currency_names_the_known_ones() -> None:
    with pytest.raises(UnknownCurrencyError) as caught:
        ApprovalPolicy.default().required_role(Money("10", "USD"))
    assert caught.value.currency == "USD"
    assert caught.value.known == ("CNY",)
    assert "CNY" in str(caught.value)
    assert isinstance(caught.value, MoneyError)


def test_negative_amount_is_refused() -> None:
    with pytest.raises(NegativeAmountError) as caught:
        ApprovalPolicy.default().approvers(cny("-0.01"), Role.AGENT)
    assert caught.value.amount == cny("-0.01")


def test_float_amount_is_refused() -> None:
    with pytest.raises(MoneyError):
        ApprovalPolicy.default().required_role(Money(500.0, "CNY"))
    with pytest.raises(MoneyError, match="Money"):
        ApprovalPolicy.default().required_role(500.0)  # type: ignore[arg-type]


def test_float_limit_is_refused() -> None:
    with pytest.raises(MoneyError, match="float"):
        Tier(Role.AGENT, 100.0)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tiers": {"CNY": {"agent": "500", "director": "100"}}}, "no limit"),
        (
            {"tiers": {"CNY": {"agent": "500", "supervisor": "100", "director": None}}},
            "must increase",
        ),
        ({"tiers": {"CNY": {"agent": None, "director": None}}}, "only the top"),
        ({"tiers": {"CNY": {"agent": "-1", "director": None}}}, "non-negative"),
        ({"tiers": {"CNY": {"agent": "lots", "director": None}}}, "non-negative"),
        ({"tiers": {"CNY": {"intern": "1", "director": None}}}, "role must be one of"),
        ({"tiers": {"XYZ": {"director": None}}}, "ISO-4217"),
        ({"tiers": {}}, "at least one currency"),
        ({"ladder": ["agent"]}, "tiers is required"),
        ({"tiers": {"CNY": {"director": None}}, "limit": 5}, "unknown field"),
        ({"tiers": {"CNY": {"director": None}}, "mode": "vote"}, "mode must be one of"),
        (
            {"ladder": ["director", "agent"], "tiers": {"CNY": {"agent": "1", "director": None}}},
            "lowest first",
        ),
        (
            {"ladder": ["agent", "director"], "tiers": {"CNY": {"director": None}}},
            "one limit per ladder role",
        ),
        ({"ladder": [], "tiers": {"CNY": {"director": None}}}, "at least one role"),
        ({"tiers": {"CNY": "100"}}, "mapping role -> limit"),
    ],
)
def test_policy_data_is_validated(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ApprovalPolicy.from_dict(data)


# -- properties -------------------------------------------------------------------


@given(policies(), amounts, amounts)
def test_required_role_is_monotonic_in_the_amount(
    policy: ApprovalPolicy, a: Money, b: Money
) -> None:
    low, high = sorted([a, b], key=lambda m: m.amount)
    assert policy.required_role(low) <= policy.required_role(high)


@given(policies())
def test_boundaries_are_inclusive(policy: ApprovalPolicy) -> None:
    rungs = policy.tiers["CNY"]
    for tier, above in pairwise(rungs):
        assert tier.up_to is not None
        assert policy.required_role(cny(str(tier.up_to))) == tier.role
        assert policy.required_role(cny(str(tier.up_to + Decimal("0.01")))) == above.role


@given(amounts)
def test_default_boundaries_by_the_cent(amount: Money) -> None:
    policy = ApprovalPolicy.default()
    expected = (
        Role.AGENT
        if amount.amount <= 100
        else Role.SUPERVISOR
        if amount.amount <= 500
        else Role.DEPARTMENT_MANAGER
        if amount.amount <= 5000
        else Role.DIRECTOR
    )
    assert policy.required_role(amount) == expected
    assert bool(policy.approvers(amount, Role.AGENT)) == (amount.amount > 100)


@given(policies(), amounts, roles)
def test_plan_shape(policy: ApprovalPolicy, amount: Money, proposer: Role) -> None:
    plan = policy.plan(amount, proposer)
    assert plan.required == policy.required_role(amount)
    assert policy.approvers(amount, proposer) == plan.steps
    if not plan.steps:
        return
    assert plan.steps[-1] == plan.required
    assert plan.steps[0] > proposer
    if policy.mode is ChainMode.SINGLE:
        assert plan.steps == (plan.required,)
    else:
        assert all(low < high for low, high in pairwise(plan.steps))
        # prefix-closed: every ladder rung between proposer and required, none skipped
        assert plan.steps == tuple(r for r in policy.ladder if proposer < r <= plan.required)


@given(policies(), amounts, roles, roles)
def test_higher_proposer_never_needs_more_steps(
    policy: ApprovalPolicy, amount: Money, a: Role, b: Role
) -> None:
    low, high = sorted([a, b])
    assert len(policy.approvers(amount, high)) <= len(policy.approvers(amount, low))


@given(policies(), amounts)
def test_zero_needs_no_approval_and_round_trip(policy: ApprovalPolicy, amount: Money) -> None:
    assert policy.approvers(cny("0"), Role.AGENT) == ()
    again = ApprovalPolicy.from_dict(policy.to_dict())
    assert again == policy
    assert again.approvers(amount, Role.AGENT) == policy.approvers(amount, Role.AGENT)


@given(policies(), amounts, roles)
def test_the_planned_roles_can_sign_in_order(
    policy: ApprovalPolicy, amount: Money, proposer: Role
) -> None:
    plan = policy.plan(amount, Actor.staff("proposer", proposer))
    so_far: list[Approval] = []
    for index, step in enumerate(plan.steps):
        approver = Actor.staff(f"approver-{index}", step)
        assert policy.check(plan, approver, so_far) == step
        so_far.append(sign(approver))
        if step > Role.AGENT:
            lower = list(Role)[step.rank - 1]
            with pytest.raises(PermissionDenied):
                policy.check(plan, Actor.staff("someone-lower", lower), so_far[:-1])
