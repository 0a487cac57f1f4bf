"""KeywordClassifier on the seeds' examples, negation, emotion, amounts and tiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from complaintflow.classify import KeywordClassifier, Lexicon, LexiconError, normalize
from complaintflow.classify.amounts import find_amounts, parse_chinese_number
from complaintflow.classify.lexicon import parse_signals
from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import ValidationError

MakeDraft = Callable[..., Any]


def test_seed_duplicate_charge_is_urgent_billing_complaint(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    c = keyword.classify(make_draft("APP订单支付失败，银行卡被扣了两次", "chat"))
    assert (c.kind, c.category, c.priority) == (
        Kind.COMPLAINT,
        Category.BILLING_PAYMENT,
        Priority.P1,
    )
    assert c.needs_human
    assert "duplicate_charge" in c.tags
    assert any(r.field == "priority" and r.evidence == "扣了两次" for r in c.reasons)
    assert 0 < c.confidence <= 1


@pytest.mark.parametrize(
    ("text", "kind", "category", "priority"),
    [
        ("客服态度恶劣，导致购物体验差", "complaint", "service.attitude", "P3"),
        ("产品质量问题，要求退货", "complaint", "product.quality", "P3"),
        ("建议增加订单实时物流追踪功能", "suggestion", "product.design", "P4"),
        ("会员积分如何兑换礼品？", "inquiry", "policy.campaign_terms", "P3"),
        ("优惠券使用规则说明", "inquiry", "policy.campaign_terms", "P3"),
        ("客服小*耐心解答，问题快速解决", "praise", "service.competence", "P4"),
        (
            "购买的智能手表无法开机，充电一晚也无反应，要求换货。",
            "complaint",
            "product.quality",
            "P2",
        ),
        ("系统故障无法下单", "complaint", "product.quality", "P1"),
        ("I was charged twice for the same order", "complaint", "billing.payment", "P1"),
        ("The agent was rude and hung up on me", "complaint", "service.attitude", "P3"),
    ],
)
def test_seed_and_everyday_examples(
    keyword: KeywordClassifier,
    make_draft: MakeDraft,
    text: str,
    kind: str,
    category: str,
    priority: str,
) -> None:
    c = keyword.classify(make_draft(text))
    assert (c.kind.value, c.category and c.category.value, c.priority.value) == (
        kind,
        category,
        priority,
    )


@pytest.mark.parametrize(
    "text",
    [
        "不是质量问题，只是希望能增加一个夜间模式",
        "The kettle is not broken but I wish it had a longer cord",
        "Not a complaint, just a suggestion: add a dark mode please",
    ],
)
def test_negated_problem_with_a_wish_is_a_suggestion(
    keyword: KeywordClassifier, make_draft: MakeDraft, text: str
) -> None:
    c = keyword.classify(make_draft(text))
    assert c.kind is Kind.SUGGESTION
    assert c.priority is Priority.P4
    assert c.category is not Category.PRODUCT_QUALITY


def test_negation_cancels_praise_and_problems(keyword: KeywordClassifier) -> None:
    hits = {hit.term: hit.negated for hit in keyword.hits("质量没有问题，客服态度不是很好")}
    assert hits["很好"] is True
    english = {hit.term: hit.negated for hit in keyword.hits("it is not broken at all")}
    assert english["broken"] is True


def test_negation_does_not_cross_a_clause(keyword: KeywordClassifier) -> None:
    hits = {hit.term: hit.negated for hit in keyword.hits("不是第一次了，又坏了")}
    assert hits["又坏"] is False


def test_questions_are_not_negations(keyword: KeywordClassifier, make_draft: MakeDraft) -> None:
    c = keyword.classify(make_draft("是不是重复扣款了？"))
    assert c.priority is Priority.P1


def test_longer_term_hides_the_term_inside_it(keyword: KeywordClassifier) -> None:
    terms = [hit.term for hit in keyword.hits("我对这次服务很不满意")]
    assert "很不满意" in terms
    assert "满意" not in terms


def test_english_matches_whole_words_only(keyword: KeywordClassifier) -> None:
    assert "late" not in [hit.term for hit in keyword.hits("I ate chocolate")]
    assert "helpful" not in [hit.term for hit in keyword.hits("the agent was unhelpful")]
    assert [h.term for h in keyword.hits("They REFUNDED half")] == ["refunded"]


def test_traditional_chinese_and_full_width_text_are_folded(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    assert normalize("質量問題ＡＢＣ") == "质量问题abc"
    c = keyword.classify(make_draft("客服態度很差，問了好幾次都不回覆"))
    assert c.category is Category.SERVICE_ATTITUDE


def test_negative_emotion_needs_a_human_and_strong_emotion_raises_priority(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    mild = keyword.classify(make_draft("快递太慢了，有点失望"))
    assert mild.needs_human
    assert "negative_emotion" in mild.tags
    assert mild.priority is Priority.P3
    strong = keyword.classify(make_draft("客服态度太差了，我要投诉到底"))
    assert strong.priority is Priority.P2
    furious = keyword.classify(make_draft("I am furious, the courier threw my parcel"))
    assert furious.priority is Priority.P2
    assert furious.needs_human


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("损失了60万元", Money("600000", "CNY")),
        ("涉及金额¥600,000", Money("600000", "CNY")),
        ("五十万元的货款", Money("500000", "CNY")),
        ("这次损失了八十万", Money("800000", "CNY")),
        ("RMB 1.2万", Money("12000", "CNY")),
        ("a loss of $70,000", Money("70000", "USD")),
        ("70k usd", Money("70000", "USD")),
    ],
)
def test_find_amounts(text: str, amount: Money) -> None:
    assert find_amounts(normalize(text)) == [amount]


def test_numbers_without_money_words_are_not_amounts() -> None:
    assert find_amounts(normalize("订单号20240520123，有5万人都遇到了")) == []
    assert find_amounts(normalize("千万别买，十万火急，万一再坏")) == []


def test_parse_chinese_number() -> None:
    assert parse_chinese_number("五十万") == 500_000
    assert parse_chinese_number("一千二百") == 1200
    assert parse_chinese_number("十五") == 15
    assert parse_chinese_number("两亿三千万") == 230_000_000
    assert parse_chinese_number("五十x") is None


def test_large_amount_needs_a_human_and_makes_a_complaint_urgent(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    # Seed 001: a major financial loss is P1 (it was P2 before the concept detectors).
    in_text = keyword.classify(make_draft("设备出现故障，涉及金额120万元"))
    assert in_text.needs_human
    assert "large_amount" in in_text.tags
    assert in_text.priority is Priority.P1
    inquiry = keyword.classify(make_draft("请问采购120万元的设备有什么优惠吗"))
    assert (inquiry.kind, inquiry.priority, inquiry.needs_human) == (
        Kind.INQUIRY,
        Priority.P2,
        True,
    )
    claimed = keyword.classify(make_draft("设备出现故障", claimed_amount=Money("500000.01", "CNY")))
    assert claimed.needs_human
    at_threshold = keyword.classify(
        make_draft("设备出现故障", claimed_amount=Money("500000", "CNY"))
    )
    assert "large_amount" not in at_threshold.tags


def test_amount_thresholds_per_currency(make_draft: MakeDraft) -> None:
    classifier = KeywordClassifier(amount_threshold=[Money("1000", "USD"), Money("5000", "CNY")])
    assert "large_amount" in classifier.classify(make_draft("refund my $2,000 now")).tags
    eur = classifier.classify(make_draft("broken", claimed_amount=Money("99999", "EUR")))
    assert "large_amount" not in eur.tags
    with pytest.raises(ValidationError, match="amount_threshold"):
        KeywordClassifier(amount_threshold=["500"])  # type: ignore[list-item]


def test_vip_complaint_is_at_least_p2(keyword: KeywordClassifier, make_draft: MakeDraft) -> None:
    assert keyword.classify(make_draft("快递太慢了", tier="vip")).priority is Priority.P2
    assert keyword.classify(make_draft("请问怎么开发票", tier="vip")).priority is Priority.P2
    assert keyword.classify(make_draft("建议增加夜间模式", tier="vip")).priority is Priority.P4
    assert keyword.classify(make_draft("快递太慢了", tier="regular")).priority is Priority.P3


def test_public_risk_is_p1_on_social_media_only(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    text = "商家不发货也不理人，大家评评理，千万别买"
    assert keyword.classify(make_draft(text, "social")).priority is Priority.P1
    assert keyword.classify(make_draft(text, "chat")).priority is Priority.P3


@pytest.mark.parametrize(
    "text", ["不解决我就打12315", "I will contact my lawyer", "已经找了媒体记者"]
)
def test_threats_are_p1_on_any_channel(
    keyword: KeywordClassifier, make_draft: MakeDraft, text: str
) -> None:
    c = keyword.classify(make_draft(text, "email"))
    assert c.priority is Priority.P1
    assert c.needs_human


def test_minor_flaw_is_p4(keyword: KeywordClassifier, make_draft: MakeDraft) -> None:
    c = keyword.classify(make_draft("杯子有个小瑕疵，不影响使用"))
    assert (c.kind, c.priority) == (Kind.COMPLAINT, Priority.P4)


def test_unrecognised_text_is_a_defaulted_complaint_for_a_human(
    keyword: KeywordClassifier, make_draft: MakeDraft
) -> None:
    c = keyword.classify(make_draft("zzz"))
    assert (c.kind, c.category, c.priority) == (Kind.COMPLAINT, None, Priority.P3)
    assert c.defaulted == {"kind", "priority"}
    assert c.needs_human
    assert c.confidence == 0


def test_lexicon_can_be_extended(make_draft: MakeDraft) -> None:
    lexicon = Lexicon.builtin().extend({"爆单": "complaint:3 P1 tag=overload"})
    c = KeywordClassifier(lexicon).classify(make_draft("今天爆单了"))
    assert c.priority is Priority.P1
    assert "overload" in c.tags
    assert len(lexicon) == len(Lexicon.builtin()) + 1


def test_custom_lexicon_from_groups(make_draft: MakeDraft) -> None:
    lexicon = Lexicon.from_groups([("complaint:2 logistics.courier", "Fahrer | Paket*")])
    c = KeywordClassifier(lexicon, backend="python").classify(
        make_draft("Der FAHRER war unhöflich")
    )
    assert (c.kind, c.category) == (Kind.COMPLAINT, Category.LOGISTICS_COURIER)


@pytest.mark.parametrize(
    ("spec", "message"),
    [("complaint:x", "not a number"), ("urgent", "unknown signal"), ("", "at least one")],
)
def test_bad_lexicon_specs_are_refused(spec: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_signals(spec)


def test_empty_term_is_refused() -> None:
    with pytest.raises(LexiconError, match="needs a character") as info:
        Lexicon.from_groups([("complaint", "ok | *")])
    assert info.value.term == "*"


def test_negation_window_must_not_be_negative() -> None:
    with pytest.raises(ValueError, match="window"):
        KeywordClassifier(negation_window=-1)


def test_explain_lists_the_reasons(keyword: KeywordClassifier, make_draft: MakeDraft) -> None:
    text = keyword.classify(make_draft("发票开错了")).explain()
    assert "category=billing.invoice by keyword:lexicon" in text
