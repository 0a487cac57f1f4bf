"""ClassifierChain merge semantics."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from complaintflow.classify import (
    Classification,
    ClassifierChain,
    KeywordClassifier,
    Reason,
    RuleClassifier,
    merge,
)
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import ValidationError

MakeDraft = Callable[..., Any]


def c(**fields: Any) -> Classification:
    fields.setdefault("kind", "complaint")
    fields.setdefault("priority", "P3")
    return Classification(**fields)


def test_first_decided_kind_and_category_win_later_ones_fill_gaps() -> None:
    merged = merge(
        [
            c(kind="inquiry", defaulted={"kind"}, category=None, confidence=0.1),
            c(kind="praise", category="billing.invoice", confidence=0.7),
            c(kind="suggestion", category="logistics.courier", confidence=0.9),
        ]
    )
    assert merged.kind is Kind.PRAISE
    assert merged.category is Category.BILLING_INVOICE
    assert merged.confidence == 0.7
    assert merged.defaulted == frozenset()


def test_most_urgent_decided_priority_wins() -> None:
    merged = merge([c(priority="P3"), c(priority="P1", defaulted={"priority"}), c(priority="P2")])
    assert merged.priority is Priority.P2
    none_decided = merge(
        [c(priority="P4", defaulted={"priority"}), c(priority="P1", defaulted={"priority"})]
    )
    assert none_decided.priority is Priority.P4
    assert "priority" in none_decided.defaulted


def test_override_wins_even_downwards_and_last_override_wins() -> None:
    merged = merge(
        [
            c(priority="P1", kind="complaint"),
            c(priority="P4", overrides={"priority"}),
            c(priority="P3", overrides={"priority"}, kind="praise"),
        ]
    )
    assert merged.priority is Priority.P3
    assert merged.kind is Kind.COMPLAINT
    assert merged.overrides == {"priority"}


def test_flags_tags_and_reasons_combine() -> None:
    a = c(needs_human=False, tags=["x", "y"], reasons=[Reason("a", "kind", "complaint", "r1")])
    b = c(needs_human=True, tags=["y", "z"], reasons=[Reason("b", "kind", "praise", "r2")])
    merged = merge([a, b])
    assert merged.needs_human
    assert merged.tags == ("x", "y", "z")
    assert [r.source for r in merged.reasons] == ["a", "b"]
    assert merge([a]) is a
    with pytest.raises(ValidationError):
        merge([])


def test_rules_then_keyword_chain(make_draft: MakeDraft) -> None:
    rules = RuleClassifier(
        [
            {"name": "vip floor", "when": {"tier": "vip"}, "then": {"priority": "P2"}},
            {
                "name": "demo",
                "when": {"keywords": ["demo"]},
                "then": {"priority": "P4"},
                "override": True,
            },
        ]
    )
    chain = ClassifierChain([rules, KeywordClassifier()])
    vip = chain.classify(make_draft("建议增加夜间模式", tier="vip"))
    assert (vip.kind, vip.category, vip.priority) == (
        Kind.SUGGESTION,
        Category.PRODUCT_DESIGN,
        Priority.P2,
    )
    assert {r.source for r in vip.reasons} == {"rules", "keyword"}
    demo = chain.classify(make_draft("demo: 银行卡被扣了两次"))
    assert demo.priority is Priority.P4
    assert demo.category is Category.BILLING_PAYMENT
    assert demo.needs_human


def test_chain_needs_classifiers() -> None:
    with pytest.raises(ValidationError):
        ClassifierChain([])
    with pytest.raises(ValidationError, match="classify"):
        ClassifierChain([object()])  # type: ignore[list-item]


def test_classification_validates() -> None:
    with pytest.raises(ValidationError, match="confidence"):
        c(confidence=1.5)
    with pytest.raises(ValidationError, match="unknown field"):
        c(defaulted={"colour"})
    with pytest.raises(ValidationError, match="kind"):
        c(kind="rant")


class Fixed:
    def classify(self, draft: TicketDraft) -> Classification:
        return c(kind="praise", priority="P4", category="service.attitude")


def test_any_object_with_classify_joins_a_chain(make_draft: MakeDraft) -> None:
    result = ClassifierChain([Fixed(), KeywordClassifier()]).classify(make_draft("客服态度很差"))
    assert result.kind is Kind.PRAISE
    assert result.priority is Priority.P3
