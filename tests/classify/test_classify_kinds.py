"""Kind from the whole message, and urgent concepts through the keyword classifier."""

from __future__ import annotations

import pytest

from complaintflow.classify import KeywordClassifier
from complaintflow.classify.concepts import Finding
from complaintflow.classify.kinds import apply_kind_rules
from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Kind, Priority

from .conftest import MakeDraft


@pytest.mark.parametrize(
    ("text", "kind", "rule"),
    [
        (
            "开始以为被重复扣款了，后来客服当天就把多扣的退回来了，服务很到位",
            Kind.PRAISE,
            "praise_after_fix",
        ),
        (
            "I was double charged but support refunded it within an hour. Impressed.",
            Kind.PRAISE,
            "praise_after_fix",
        ),
        ("能不能出一个小一点的尺寸，现在这个太占地方了", Kind.SUGGESTION, None),
        ("Could you make the invoices downloadable as PDF?", Kind.SUGGESTION, "proposal_question"),
        ("为什么说好的赠品没有送？", Kind.COMPLAINT, None),
        ("积分说好一年有效，怎么三个月就清零了？", Kind.COMPLAINT, None),
        (
            "How is it acceptable that my order has been processing for 12 days?",
            Kind.COMPLAINT,
            "rhetorical_question",
        ),
        ("你们网站崩了吗？群里好多人都下不了单", Kind.COMPLAINT, None),
        ("Could you check why I was charged twice for one order?", Kind.COMPLAINT, None),
        ("If I cancel my plan now, will I still be charged?", Kind.INQUIRY, "conditional_question"),
        (
            "The staff were lovely but the food took an hour to arrive",
            Kind.COMPLAINT,
            "problem_after_praise",
        ),
    ],
)
def test_kind_rules_say_why(
    keyword: KeywordClassifier, make_draft: MakeDraft, text: str, kind: Kind, rule: str | None
) -> None:
    # rule None: the lexicon already gets it right; the rule must not undo that.
    result = keyword.classify(make_draft(text))
    assert result.kind is kind, result.explain()
    if rule is not None:
        assert any(r.field == "kind" and r.rule == rule for r in result.reasons), result.explain()


def test_a_request_for_a_fix_is_not_praise(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    result = keyword.classify(make_draft("东西坏了，希望尽快处理好，谢谢"))
    assert result.kind is Kind.COMPLAINT


@pytest.mark.parametrize(
    "text",
    [
        "我们整栋楼的快递全都没到",
        "会员明明关了还在每个月扣钱",
        "骑手把我的地址电话发到了外卖群里",
        "明天还不退款我就找电视台",
        "合同金额上百万，设备到货就是坏的，整条线停了",
        "my post about this already has 10k views",
    ],
)
def test_urgent_concepts_make_p1_for_a_human(
    keyword: KeywordClassifier, make_draft: MakeDraft, text: str
) -> None:
    result = keyword.classify(make_draft(text))
    assert (result.kind, result.priority, result.needs_human) == (Kind.COMPLAINT, Priority.P1, True)
    assert "concept:" in result.explain()


def test_praise_and_suggestions_are_never_p1(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    praise = keyword.classify(make_draft("Everyone in the office loves the new coffee machine!"))
    assert (praise.kind, praise.priority, praise.needs_human) == (Kind.PRAISE, Priority.P4, False)


def test_host_detectors_replace_the_builtin_ones(make_draft: MakeDraft) -> None:
    bare = KeywordClassifier(detectors=())
    assert bare.classify(make_draft("我们整栋楼的快递全都没到")).priority is not Priority.P1


def test_thresholds_reach_the_detectors(make_draft: MakeDraft) -> None:
    low = KeywordClassifier(amount_threshold=Money("1000", "CNY"))
    assert low.classify(make_draft("设备坏了，损失2000元")).priority is Priority.P1


def test_urgent_question_rule_on_its_own() -> None:
    finding = Finding("money_taken", "扣了两次")
    kind, why = apply_kind_rules("请问扣了两次是正常的吗", Kind.INQUIRY, [], [finding], {})
    assert kind is Kind.COMPLAINT
    assert why[0].rule == "urgent_question"
    amplifier = Finding("mass_impact", "大家")
    kind, _ = apply_kind_rules("请问大家都可以用吗", Kind.INQUIRY, [], [amplifier], {})
    assert kind is Kind.INQUIRY
