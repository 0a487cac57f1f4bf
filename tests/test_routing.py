"""Routing rules, decisions and assignee strategies (seed 001 §2.2)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import attrs
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import Category, Channel, CustomerTier, Kind, Priority
from complaintflow.errors import ValidationError
from complaintflow.routing import (
    Router,
    RoutingFacts,
    RoutingMode,
    RoutingRule,
    least_loaded,
    round_robin,
)

RECEIVED = pendulum.datetime(2024, 5, 20, 14, 35, 10, tz="Asia/Shanghai")


def draft(description: str = "有问题", **fields: Any) -> TicketDraft:
    tier = fields.pop("tier", None)
    customer = None if tier is None else Customer("VIP20240520001", tier)
    channel = fields.pop("channel", Channel.PHONE)
    return TicketDraft(description, channel, RECEIVED, customer, **fields)


@attrs.frozen
class Classification:
    """A stand-in for a classifier's result: any object with these attributes."""

    kind: Kind | None = None
    category: Category | None = None
    priority: Priority | None = None


# -- the seed's examples -------------------------------------------------------------


def test_product_quality_goes_to_technical_support() -> None:
    decision = Router.default().route(
        draft("购买的智能手表无法开机，充电一晚也无反应，要求换货。", category="product.quality")
    )
    assert decision.department == "technical_support"
    assert not decision.fallback
    assert [m.rule for m in decision.matches] == ["product-quality-to-technical-support"]


def test_logistics_delay_goes_to_the_warehouse() -> None:
    decision = Router.default().route(draft("快递三天了还没发货", category="logistics.timeliness"))
    assert decision.department == "warehouse_logistics"


def test_vip_copies_the_account_manager_and_is_at_least_p2() -> None:
    router = Router.default()
    decision = router.route(draft("态度不好", tier="vip", priority="P3"))
    assert decision.cc == ("account_manager",)
    assert decision.priority == Priority.P2
    assert decision.priority_floor == Priority.P2
    assert decision.department == "customer_service"
    assert decision.fallback
    assert router.route(draft(tier="vip", priority="P1")).priority == Priority.P1
    assert router.route(draft(tier="vip")).priority == Priority.P2
    assert router.route(draft(tier="regular", priority="P3")).cc == ()


@pytest.mark.parametrize(
    "text",
    ["发票一直没开", "APP订单支付失败，银行卡被扣了两次", "Where is my INVOICE?", "Payment failed"],
)
def test_invoice_or_payment_keywords_go_to_finance(text: str) -> None:
    decision = Router.default().route(draft(text))
    assert decision.department == "finance"
    assert "in the description" in decision.explanation


def test_product_quality_p1_goes_to_the_quality_director_and_notifies() -> None:
    decision = Router.default().route(
        draft("手表充电时冒烟", tier="vip"),
        Classification(Kind.COMPLAINT, Category.PRODUCT_QUALITY, Priority.P1),
    )
    assert decision.department == "quality"
    assert decision.assignee == "quality_director"
    # seed 000 §2.2.2 / §2.3.1: the supervisor leads an urgent ticket, its department is synced
    assert decision.notify == ("quality_director", "role:supervisor", "department:quality")
    assert decision.cc == ("account_manager",)
    assert decision.priority == Priority.P1
    assert decision.explanation.splitlines()[0] == (
        "rule 'quality-p1-to-quality-director' matched: "
        "category product.quality in product.quality; priority P1 at least P1"
    )


def test_nothing_matches_goes_to_the_fallback_queue() -> None:
    router = Router.default()
    decision = router.route(draft("谢谢你们的服务", kind="praise"))
    assert decision.department == "customer_service"
    assert decision.fallback
    assert decision.matches == ()
    assert decision.assignee is None
    assert decision.explanation.startswith("no rule matched")
    custom = Router(router.rules, fallback="triage")
    assert custom.route(draft("谢谢")).department == "triage"


def test_product_line_and_region_rules() -> None:
    router = Router.from_dict(
        {
            "mode": "first_match",
            "rules": [
                {"name": "line-a", "when": {"product_line": "A"}, "then": {"department": "bu_a"}},
                {"name": "line-b", "when": {"product_line": "B"}, "then": {"department": "bu_b"}},
                {
                    "name": "east",
                    "when": {"region": ["华东", "East"]},
                    "then": {"department": "shanghai_branch"},
                },
                {"name": "south", "when": {"region": "华南"}, "then": {"department": "guangzhou"}},
            ],
        }
    )
    assert router.route(draft(product_line="A", region="华南")).department == "bu_a"
    assert router.route(draft(product_line="b")).department == "bu_b"
    assert router.route(draft(region="east")).department == "shanghai_branch"
    assert router.route(draft(region="华南")).department == "guangzhou"
    assert router.route(draft(region="华北")).fallback


def test_first_match_applies_only_the_first_rule() -> None:
    router = Router(Router.default().rules, mode=RoutingMode.FIRST_MATCH)
    decision = router.route(draft("发票", tier="vip", category="product.quality", priority="P1"))
    assert [m.rule for m in decision.matches] == ["quality-p1-to-quality-director"]
    assert decision.cc == ()
    assert decision.priority == Priority.P1


def test_top_level_category_kind_and_channel_conditions() -> None:
    router = Router(
        [
            RoutingRule(
                name="public-logistics-complaint",
                categories=["logistics"],
                kinds=[Kind.COMPLAINT],
                channels=["social", "marketplace"],
                department="pr",
                notify=["pr_lead"],
            )
        ]
    )
    matching = draft(channel="social", category="logistics.package", kind="complaint")
    assert router.route(matching).department == "pr"
    assert router.route(attrs.evolve(matching, channel=Channel.EMAIL)).fallback
    assert router.route(attrs.evolve(matching, kind=Kind.INQUIRY)).fallback
    assert router.route(attrs.evolve(matching, category=Category.BILLING_PRICE)).fallback
    assert router.route(attrs.evolve(matching, category=None)).fallback


def test_what_the_draft_records_wins_over_the_classification() -> None:
    router = Router.default()
    classified = Classification(category=Category.PRODUCT_QUALITY)
    assert router.route(draft(), classified).department == "technical_support"
    logistics = draft(category="logistics.timeliness")
    assert router.route(logistics, classified).department == "warehouse_logistics"


def test_assignee_stays_with_the_chosen_department() -> None:
    router = Router(
        [
            RoutingRule(name="finance", keywords=["发票"], department="finance"),
            RoutingRule(name="bob", categories=["billing"], department="billing", assignee="bob"),
            RoutingRule(name="any-finance", keywords=["发票"], assignee="alice"),
        ]
    )
    decision = router.route(draft("发票", category="billing.invoice"))
    assert decision.department == "finance"
    assert decision.assignee == "alice"


def test_a_rule_without_conditions_matches_everything() -> None:
    router = Router([RoutingRule(name="audit", notify=["qa"])])
    decision = router.route(draft())
    assert decision.notify == ("qa",)
    assert decision.matches[0].reasons == ("no conditions: matches every ticket",)


def test_default_rules_are_data() -> None:
    assert Router.from_dict(Router.default().to_dict()) == Router.default()


# -- validation ------------------------------------------------------------------------

RULE = {"name": "r", "when": {"category": "product"}, "then": {"department": "d"}}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"rules": [], "queue": "x"}, "queue", "unknown field"),
        ({"rules": [{**RULE, "if": {}}]}, "rules[0].if", "unknown field"),
        ({"rules": [{**RULE, "when": {"categry": "product"}}]}, "rules[0].when.categry", "unknown"),
        ({"rules": [{**RULE, "then": {"dept": "d"}}]}, "rules[0].then.dept", "unknown"),
        (
            {"rules": [RULE, {**RULE, "when": {"category": "food"}}]},
            "rules[1].when.category",
            "food",
        ),
        ({"rules": [{**RULE, "when": {"tier": "gold"}}]}, "rules[0].when.tier", "gold"),
        (
            {"rules": [{**RULE, "when": {"priority_at_least": "P0"}}]},
            "rules[0].when.priority_at_least",
            "P0",
        ),
        (
            {"rules": [{**RULE, "then": {"priority_floor": "high"}}]},
            "rules[0].then.priority_floor",
            "high",
        ),
        ({"rules": [{**RULE, "when": {"channel": "fax"}}]}, "rules[0].when.channel", "fax"),
        ({"rules": [{**RULE, "when": {"keywords": [""]}}]}, "rules[0].when.keywords", "non-empty"),
        ({"rules": [{**RULE, "then": {}}]}, "rules[0].then", "no outcome"),
        ({"rules": [{**RULE, "name": None}]}, "rules[0].name", "name"),
        ({"rules": [{**RULE, "when": ["product"]}]}, "rules[0].when", "mapping"),
        ({"rules": ["product -> d"]}, "rules[0].rule", "mapping"),
        ({"rules": [RULE, RULE]}, "rules", "unique"),
        ({"rules": "r"}, "rules", "list"),
        ({"rules": [], "mode": "best_match"}, "mode", "best_match"),
        ({"rules": [], "fallback": ""}, "fallback", "queue"),
    ],
)
def test_router_data_is_validated(data: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        Router.from_dict(data)
    assert caught.value.field is not None
    assert caught.value.field.startswith(field)


def test_rules_must_be_rule_values() -> None:
    with pytest.raises(ValidationError, match="RoutingRule"):
        Router([RULE])


def test_round_robin_refuses_no_candidates_and_a_negative_cursor() -> None:
    with pytest.raises(ValidationError, match="candidates"):
        round_robin([], 0)
    with pytest.raises(ValidationError, match="cursor"):
        round_robin(["a"], -1)


def test_least_loaded_refuses_no_candidates_and_negative_loads() -> None:
    with pytest.raises(ValidationError, match="candidates"):
        least_loaded([], {})
    with pytest.raises(ValidationError, match="load"):
        least_loaded(["a"], {"a": -1})


# -- assignee strategies -------------------------------------------------------------------


def test_round_robin_takes_turns_and_survives_a_shrunk_team() -> None:
    team = ["zhang", "li", "wang"]
    cursor, picked = 0, []
    for _ in range(4):
        who, cursor = round_robin(team, cursor)
        picked.append(who)
    assert picked == ["zhang", "li", "wang", "zhang"]
    assert round_robin(["zhang"], 2) == ("zhang", 0)


def test_least_loaded_breaks_ties_by_candidate_order() -> None:
    assert least_loaded(["zhang", "li", "wang"], {"zhang": 3, "li": 1, "wang": 1}) == "li"
    assert least_loaded(["zhang", "li"], {"zhang": 2}) == "li"
    assert least_loaded(["zhang", "li"], {}) == "zhang"


names = st.sampled_from(["zhang", "li", "wang", "zhao", "chen"])


@given(st.lists(names, min_size=1, max_size=5, unique=True), st.integers(0, 50))
def test_round_robin_is_fair_over_a_cycle(team: list[str], cursor: int) -> None:
    picked = []
    for _ in range(len(team)):
        who, cursor = round_robin(team, cursor)
        picked.append(who)
    assert Counter(picked) == Counter(team)


@given(
    st.lists(names, min_size=1, max_size=5, unique=True),
    st.dictionaries(names, st.integers(0, 5)),
)
def test_least_loaded_picks_a_minimum_and_the_earliest(
    team: list[str], loads: dict[str, int]
) -> None:
    chosen = least_loaded(team, loads)
    load = [loads.get(name, 0) for name in team]
    assert loads.get(chosen, 0) == min(load)
    assert team.index(chosen) == load.index(min(load))


# -- properties over generated routers and drafts ------------------------------------------

texts = st.lists(
    st.sampled_from(["发票", "支付", "invoice", "PAYMENT", "手表", "快递", "态度", "退款"]),
    min_size=1,
    max_size=3,
).map(" ".join)


def optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | values


@st.composite
def drafts(draw: st.DrawFn) -> TicketDraft:
    return draft(
        draw(texts),
        tier=draw(optional(st.sampled_from(list(CustomerTier)))),
        channel=draw(st.sampled_from(list(Channel))),
        kind=draw(optional(st.sampled_from(list(Kind)))),
        category=draw(optional(st.sampled_from(list(Category)))),
        priority=draw(optional(st.sampled_from(list(Priority)))),
        product_line=draw(optional(st.sampled_from(["A", "B"]))),
        region=draw(optional(st.sampled_from(["华东", "华南"]))),
    )


def some(values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[Any]]:
    return st.lists(values, max_size=2, unique=True)


@st.composite
def rules(draw: st.DrawFn, name: str) -> RoutingRule:
    tops = sorted({c.top for c in Category})
    return RoutingRule(
        name=name,
        categories=draw(some(st.sampled_from([*tops, *(c.value for c in Category)]))),
        kinds=draw(some(st.sampled_from(list(Kind)))),
        tiers=draw(some(st.sampled_from(list(CustomerTier)))),
        product_lines=draw(some(st.sampled_from(["A", "B"]))),
        regions=draw(some(st.sampled_from(["华东", "华南"]))),
        channels=draw(some(st.sampled_from(list(Channel)))),
        min_priority=draw(optional(st.sampled_from(list(Priority)))),
        keywords=draw(some(st.sampled_from(["发票", "invoice", "快递"]))),
        department=draw(optional(st.sampled_from(["finance", "quality", "warehouse"]))),
        assignee=draw(optional(names)),
        cc=draw(some(names)),
        priority_floor=draw(optional(st.sampled_from(list(Priority)))),
        notify=["lead"],
    )


@st.composite
def routers(draw: st.DrawFn) -> Router:
    count = draw(st.integers(0, 6))
    return Router(
        [draw(rules(f"rule-{index}")) for index in range(count)],
        mode=draw(st.sampled_from(list(RoutingMode))),
    )


def facts_of(ticket: TicketDraft) -> RoutingFacts:
    return RoutingFacts(
        kind=ticket.kind,
        category=ticket.category,
        priority=ticket.priority,
        tier=None if ticket.customer is None else ticket.customer.tier,
        product_line=ticket.product_line,
        region=ticket.region,
        channel=ticket.channel,
        text=ticket.description,
    )


@given(routers())
def test_router_round_trips_through_data(router: Router) -> None:
    assert Router.from_dict(router.to_dict()) == router


@given(routers(), drafts())
def test_decision_merges_the_matching_rules(router: Router, ticket: TicketDraft) -> None:
    decision = router.route(ticket)
    matching = [r for r in router.rules if r.explain(facts_of(ticket)) is not None]
    if router.mode is RoutingMode.FIRST_MATCH:
        matching = matching[:1]
    assert [m.rule for m in decision.matches] == [r.name for r in matching]
    departments = [r.department for r in matching if r.department]
    assert decision.fallback == (not departments)
    assert decision.department == (departments[0] if departments else router.fallback)
    assert set(decision.cc) == {name for r in matching for name in r.cc}
    for rule in matching:
        if rule.priority_floor is not None:
            assert decision.priority is not None
            assert decision.priority >= rule.priority_floor
    if ticket.priority is not None:
        assert decision.priority is not None
        assert decision.priority >= ticket.priority


@given(routers(), drafts())
def test_first_match_is_the_head_of_all_match(router: Router, ticket: TicketDraft) -> None:
    first = attrs.evolve(router, mode=RoutingMode.FIRST_MATCH).route(ticket)
    every = attrs.evolve(router, mode=RoutingMode.ALL_MATCH).route(ticket)
    assert first.matches == every.matches[:1]


@given(drafts())
def test_default_router_vip_is_at_least_p2_with_the_account_manager(ticket: TicketDraft) -> None:
    decision = Router.default().route(ticket)
    vip = ticket.customer is not None and ticket.customer.tier is CustomerTier.VIP
    assert ("account_manager" in decision.cc) == vip
    if vip:
        assert decision.priority is not None
        assert decision.priority >= Priority.P2


# -- the docs run ------------------------------------------------------------------------

DOC = Path(__file__).parents[1] / "docs" / "routing.md"


def test_doc_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    assert blocks
    namespace: dict[str, object] = {"__name__": "doc"}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)
    printed = re.findall(r"```text\n(.*?)```", text, re.DOTALL)
    assert capsys.readouterr().out == "".join(printed)
