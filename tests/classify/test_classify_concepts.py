"""Each urgent-signal detector on its own: what it finds, what it must not."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from complaintflow.classify.amounts import find_claims
from complaintflow.classify.concepts import (
    Context,
    DataExposed,
    Detector,
    DetectorSet,
    LargeAmount,
    MajorLoss,
    MassImpact,
    MoneyTaken,
    Outage,
    PublicExposure,
    Safety,
    StrongEmotion,
    default_detectors,
    detect,
)
from complaintflow.classify.concepts.scripted import scripted
from complaintflow.classify.lexicon import normalize
from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Channel, Priority

CNY = Context({"CNY": Money("500000", "CNY")})
DATA = Path(__file__).resolve().parents[1] / "data"


def found(detector: Detector, text: str, context: Context = CNY) -> str | None:
    finding = detector.detect(normalize(text), context)
    return None if finding is None else finding.concept


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        (MoneyTaken(), "会员明明关了还在每个月扣钱"),
        (MoneyTaken(), "付款显示失败，钱却没了"),
        (MoneyTaken(), "标价59，实际扣了5900"),
        (MoneyTaken(), "同一个月被收了两次月费"),
        (MoneyTaken(), "I cancelled in March and you've charged me every month since"),
        (MoneyTaken(), "The payment page said declined but the money left my account anyway"),
        (MoneyTaken(), "ur app charged me twice for one ride"),
        (MoneyTaken(), "I see a charge every month even though I closed the account"),
        (LargeAmount(), "合同金额上百万，设备到货就是坏的"),
        (LargeAmount(), "货值超过50万"),
        (LargeAmount(), "Our firm paid 1.2m for the licences"),
        (MajorLoss(), "整条线停了"),
        (MajorLoss(), "production is stopped"),
        (MassImpact(), "我们整栋楼的快递全都没到"),
        (MassImpact(), "办公室二十多个同事都登不上去"),
        (MassImpact(), "群里好几十号人都在说"),
        (MassImpact(), "half my team can't check out"),
        (MassImpact(), "multiple accounts were emptied"),
        (DataExposed(), "骑手把我的地址电话发到了外卖群里"),
        (DataExposed(), "I can see someone else's order with their address"),
        (DataExposed(), "我的账号被人登录了"),
        (Safety(), "插头烧黑了还冒烟"),
        (Safety(), "the heater caught fire"),
        (Outage(), "你们网站崩了吗"),
        (Outage(), "error 503 since this morning"),
        (PublicExposure(), "视频我已经发到小红书了"),
        (PublicExposure(), "明天还不退款我就找电视台"),
        (PublicExposure(), "my post about this already has 10k views"),
        (PublicExposure(), "I've filed a complaint with the FTC"),
        (StrongEmotion(), "气死我了，第三次了"),
        (StrongEmotion(), "I am absolutely livid"),
    ],
)
def test_detector_finds_its_concept(detector: Detector, text: str) -> None:
    assert found(detector, text) == detector.name


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        (MoneyTaken(), "If I cancel my plan now, will I still be charged for this month?"),
        (MoneyTaken(), "扣款金额是对的，就是账单上的商品名写错了"),
        (MoneyTaken(), "快递显示已签收但我根本没收到"),
        (LargeAmount(), "货值50万"),  # at the threshold: not above it
        (LargeAmount(), "千万别买，十万火急"),
        (LargeAmount(), "my post has 10k views"),
        (MassImpact(), "我朋友也买了，她的就没问题"),
        (MassImpact(), "我家三个人"),
        (DataExposed(), "我的地址写错了，麻烦改一下"),
        (Safety(), "我不会让孩子用这个"),
        (Outage(), "客服说两句就把我电话挂了"),
        (PublicExposure(), "我不会去网上曝光的，只希望换个新的"),
        (PublicExposure(), "I won't be posting a review about this"),
        (PublicExposure(), "大家评评理，千万别买"),  # the crowd is only on social media
        (StrongEmotion(), "这不是什么大问题"),
    ],
)
def test_detector_stays_quiet(detector: Detector, text: str) -> None:
    assert found(detector, text) is None


def test_crowd_appeal_counts_on_the_social_channel() -> None:
    social = Context(CNY.thresholds, channel=Channel.SOCIAL)
    assert found(PublicExposure(), "大家评评理，千万别买", social) == "public_exposure"


def test_levels_and_reasons() -> None:
    one_user = Outage().detect(normalize("app登录不了"), CNY)
    assert one_user is not None
    assert (one_user.level, one_user.human) == (Priority.P2, False)
    mild = Safety().detect(normalize("敷完脸上过敏红肿"), CNY)
    assert mild is not None
    assert mild.level is Priority.P2
    taken = MoneyTaken().detect(normalize("标价59，实际扣了5900"), CNY)
    assert taken is not None
    assert "5900" in taken.detail


def test_claimed_amount_is_compared_strictly() -> None:
    above = Context(CNY.thresholds, claimed=Money("500000.01", "CNY"))
    at = Context(CNY.thresholds, claimed=Money("500000", "CNY"))
    assert found(LargeAmount(), "设备故障", above) == "large_amount"
    assert found(LargeAmount(), "设备故障", at) is None


@pytest.mark.parametrize(
    ("text", "amount", "more_than"),
    [
        ("合同金额三百多万", Money("3000000", "CNY"), True),
        ("设备价值一百五十万", Money("1500000", "CNY"), False),
        ("超过50万元", Money("500000", "CNY"), True),
        ("50万以上", Money("500000", "CNY"), True),
        ("more than $70,000", Money("70000", "USD"), True),
        ("worth usd 90,000", Money("90000", "USD"), False),
    ],
)
def test_claims(text: str, amount: Money, more_than: bool) -> None:
    claims = find_claims(normalize(text))
    assert [(c.money, c.more_than) for c in claims] == [(amount, more_than)]


def test_strictly_greater_edges() -> None:
    threshold = Money("500000", "CNY")
    (exact,) = find_claims(normalize("货值50万"))
    (over,) = find_claims(normalize("货值超过50万"))
    assert not exact.exceeds(threshold)
    assert over.exceeds(threshold)
    assert not over.exceeds(Money("500000", "USD"))


def test_detector_set_finds_what_every_detector_finds() -> None:
    detectors = default_detectors()
    gated = DetectorSet(detectors, backend="python")
    for name in ("samples", "dev", "holdout"):
        for line in (DATA / f"classification_{name}.jsonl").read_text("utf-8").splitlines():
            text = normalize(json.loads(line)["text"])
            assert gated.detect(text, CNY) == detect(text, CNY, detectors), text


def test_host_detector_without_triggers_always_runs() -> None:
    class Recall:
        name = "recall"

        def detect(self, text: str, context: Context) -> None:
            self.seen = text

    recall = Recall()
    DetectorSet([recall]).detect("anything", CNY)
    assert recall.seen == "anything"


def test_scripted_patterns_match_like_re() -> None:
    pattern = scripted(r"扣款|\bcharged\b|\d{3}|[!！]{2,}")
    assert [m.group(0) for m in pattern.finditer("被扣款了")] == ["扣款"]
    assert pattern.search("I was charged") is not None
    assert pattern.search("error 503") is not None
    assert pattern.findall("wow!!") == ["!!"]
    assert pattern.search("nothing here") is None
    plain = re.compile(pattern.pattern)
    for text in ("我被 charged 了", "我被charged了", "扣款 503!!", "nothing"):
        assert pattern.findall(text) == [m.group(0) for m in plain.finditer(text)]
