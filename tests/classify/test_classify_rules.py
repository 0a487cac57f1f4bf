"""RuleClassifier: conditions, loading from dict / JSON / TOML, and every validation error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from complaintflow.classify import (
    Rule,
    RuleClassifier,
    RuleError,
    RulePatternError,
    RuleValueError,
    UnknownRuleFieldError,
)
from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import ValidationError

MakeDraft = Callable[..., Any]

TOML = """
[[rules]]
name = "vip wealth"
when = { tier = "vip", product_line = ["Wealth"], keywords = ["亏损", "loss"] }
then = { kind = "complaint", category = "billing.payment", priority = "P1", needs_human = true }

[[rules]]
name = "test accounts"
when = { regex = "^TEST:" }
then = { priority = "P4", tags = ["test"] }
override = true
stop = true
"""


def test_toml_rules_match_on_tier_product_line_and_keywords(make_draft: MakeDraft) -> None:
    rules = RuleClassifier.from_toml(TOML)
    c = rules.classify(make_draft("理财产品亏损严重", tier="vip", product_line="wealth"))
    assert (c.kind, c.category, c.priority) == (
        Kind.COMPLAINT,
        Category.BILLING_PAYMENT,
        Priority.P1,
    )
    assert c.needs_human
    assert c.confidence == 1.0
    assert {r.rule for r in c.reasons} == {"vip wealth"}
    other = rules.classify(make_draft("理财产品亏损严重", tier="regular", product_line="wealth"))
    assert other.defaulted == {"kind", "priority"}
    assert other.category is None


def test_override_and_stop(make_draft: MakeDraft) -> None:
    rules = RuleClassifier.from_toml(TOML)
    c = rules.classify(make_draft("TEST: 理财 loss", tier="vip", product_line="wealth"))
    assert c.priority is Priority.P4  # rules merge like a chain: the override wins
    assert c.category is Category.BILLING_PAYMENT
    assert c.overrides == {"priority"}
    assert c.tags == ("test",)
    stopped = RuleClassifier(
        [
            {"name": "first", "when": {"regex": "x"}, "then": {"tags": ["a"]}, "stop": True},
            {"name": "second", "then": {"tags": ["b"]}},
        ]
    ).classify(make_draft("x"))
    assert stopped.tags == ("a",)


def test_json_and_list_forms(make_draft: MakeDraft) -> None:
    data = [{"when": {"channel": ["social"], "keywords": "refund"}, "then": {"priority": "P2"}}]
    for rules in (
        RuleClassifier.from_json(json.dumps({"rules": data})),
        RuleClassifier.from_dict(data),
    ):
        assert rules.classify(make_draft("no REFUND yet", "social")).priority is Priority.P2
        assert rules.classify(make_draft("no refunds yet", "social")).defaulted  # whole words
        assert rules.classify(make_draft("no refund yet", "email")).defaulted


def test_amount_region_and_keyword_sets(make_draft: MakeDraft) -> None:
    rule = {
        "name": "big east",
        "when": {
            "region": "East",
            "min_amount": {"amount": "10000", "currency": "CNY"},
            "all_keywords": ["发票", "错"],
            "none_keywords": ["测试"],
        },
        "then": {"category": "billing.invoice", "confidence": 0.5},
    }
    rules = RuleClassifier([rule])
    hit = make_draft("发票开错了", region="east", claimed_amount=Money("10000", "CNY"))
    assert rules.classify(hit).category is Category.BILLING_INVOICE
    for miss in (
        make_draft("发票开错了", region="east", claimed_amount=Money("9999.99", "CNY")),
        make_draft("发票开错了", region="east", claimed_amount=Money("10000", "USD")),
        make_draft("发票开错了", region="west", claimed_amount=Money("10000", "CNY")),
        make_draft("发票", region="east", claimed_amount=Money("10000", "CNY")),
        make_draft("测试发票开错了", region="east", claimed_amount=Money("10000", "CNY")),
    ):
        assert rules.classify(miss).category is None
    assert RuleClassifier([{**rule, "when": {"min_amount": "100 CNY"}}]).classify(hit).category


def test_rule_files(tmp_path: Path, make_draft: MakeDraft) -> None:
    (tmp_path / "rules.toml").write_text(TOML, encoding="utf-8")
    assert len(RuleClassifier.from_file(tmp_path / "rules.toml").rules) == 2
    (tmp_path / "rules.json").write_text('{"rules": []}', encoding="utf-8")
    assert RuleClassifier.from_file(tmp_path / "rules.json").rules == ()
    (tmp_path / "rules.yaml").write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"\.json or \.toml"):
        RuleClassifier.from_file(tmp_path / "rules.yaml")


@pytest.mark.parametrize(
    ("rule", "error", "key"),
    [
        ({"wen": {}, "then": {"kind": "praise"}}, UnknownRuleFieldError, "wen"),
        ({"when": {"chanel": "chat"}, "then": {"kind": "praise"}}, UnknownRuleFieldError, "chanel"),
        ({"then": {"urgency": "P1"}}, UnknownRuleFieldError, "urgency"),
        ({"when": {"regex": "(unclosed"}, "then": {"kind": "praise"}}, RulePatternError, "regex"),
        ({"when": {"regex": 5}, "then": {"kind": "praise"}}, RuleValueError, "regex"),
        ({"then": {"priority": "P0"}}, RuleValueError, "priority"),
        ({"then": {"kind": "rant"}}, RuleValueError, "kind"),
        ({"then": {"category": "billing"}}, RuleValueError, "category"),
        ({"when": {"channel": "fax"}, "then": {"kind": "praise"}}, RuleValueError, "channel"),
        ({"when": {"tier": ["gold"]}, "then": {"kind": "praise"}}, RuleValueError, "tier"),
        ({"when": {"keywords": []}, "then": {"kind": "praise"}}, RuleValueError, "keywords"),
        (
            {"when": {"min_amount": "lots"}, "then": {"kind": "praise"}},
            RuleValueError,
            "min_amount",
        ),
        (
            {"when": {"min_amount": "1.5 XXX"}, "then": {"kind": "praise"}},
            RuleValueError,
            "min_amount",
        ),
        ({"then": {}}, RuleValueError, "then"),
        ({"when": {}}, RuleValueError, "then"),
        ({"when": [], "then": {"kind": "praise"}}, RuleValueError, "when"),
        ({"then": {"kind": "praise"}, "override": "yes"}, RuleValueError, "override"),
        ({"then": {"needs_human": 1}}, RuleValueError, "needs_human"),
        ({"then": {"confidence": 2}}, RuleValueError, "confidence"),
        ({"then": {"tags": "x", "kind": "praise"}, "name": ""}, RuleValueError, "name"),
    ],
)
def test_invalid_rules_raise_typed_errors(
    rule: dict[str, Any], error: type[RuleError], key: str
) -> None:
    with pytest.raises(error) as info:
        RuleClassifier([{"name": "bad", **rule}] if "name" not in rule else [rule])
    assert info.value.key == key
    assert isinstance(info.value, ValidationError)
    assert "rule #1" in str(info.value)


def test_unknown_field_error_lists_the_allowed_keys() -> None:
    with pytest.raises(UnknownRuleFieldError) as info:
        Rule.from_dict({"when": {"chanel": "chat"}, "then": {"kind": "praise"}})
    assert info.value.section == "when"
    assert "channel" in info.value.allowed
    assert "allowed: " in str(info.value)


def test_bad_documents() -> None:
    with pytest.raises(RuleValueError, match="table"):
        RuleClassifier(["not a rule"])  # type: ignore[list-item]
    with pytest.raises(UnknownRuleFieldError):
        RuleClassifier.from_dict({"rule": []})
    with pytest.raises(RuleValueError, match="list of rules"):
        RuleClassifier.from_dict({"rules": "x"})
    with pytest.raises(ValidationError, match="not valid JSON"):
        RuleClassifier.from_json("{")
    with pytest.raises(ValidationError, match="not valid TOML"):
        RuleClassifier.from_toml("rules = [")
