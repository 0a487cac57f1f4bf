"""A category when the lexicon has none: the urgent concept, then broad topic words.

The lexicon's category terms are specific ("发票开错了", "restocking fee");
text nobody tuned them to often names none of them.  Two fallbacks, in
order, each with its reason:

1. the concept a detector found says where the money or the fault is
   (money taken wrongly: billing.payment; an outage, a safety hazard:
   product.quality);
2. broad topic words of the five top-level categories (客服 / "support" is
   service, 快递 / "parcel" is logistics ...), the most frequent one wins and
   brings the commonest sub-category of that top level.

Top-level accuracy is what routing needs most (SPEC §2.2 routes by the
first level), so a rough top level beats "no category".
"""

from __future__ import annotations

from collections.abc import Sequence

from complaintflow.classify.base import Reason
from complaintflow.classify.concepts import Finding
from complaintflow.classify.concepts.scripted import Scripted, scripted
from complaintflow.vocabulary import Category

__all__ = ["fallback_category"]

_SOURCE = "keyword"
_BY_CONCEPT = {
    "money_taken": Category.BILLING_PAYMENT,
    "outage": Category.PRODUCT_QUALITY,
    "safety": Category.PRODUCT_QUALITY,
}
_TOPICS: tuple[tuple[Category, Scripted], ...] = (
    (Category.LOGISTICS_TIMELINESS, scripted(
        r"快递|物流|发货|寄到|寄来|送货|配送|到货|包裹|驿站|几天到|签收|派送|运单|"
        r"\b(?:ship\w*|deliver\w*|parcel|package|tracking|courier|driver|dispatch\w*|arriv\w*)\b"
    )),
    (Category.SERVICE_PROCESS, scripted(
        r"客服|服务|店员|工作人员|态度|打电话|打不进|回复|回电|人工|热线|师傅|售后人员|"
        r"\b(?:support|agent|rep|staff|service|calls?|called|emails?|answer\w*|on hold|repl\w*|"
        r"chatbot|manager|technician|helpline)\b"
    )),
    (Category.BILLING_PAYMENT, scripted(
        r"付款|支付|扣款|扣费|扣了|账单|收费|费用|价格|价钱|多少钱|发票|银行卡|信用卡|余额|"
        r"\b(?:charg\w*|pay\w*|paid|invoice\w*|bill\w*|fees?|price\w*|cost\w*|card|"
        r"subscription|deposit)\b"
    )),
    (Category.POLICY_REFUND_RULES, scripted(
        r"退货|退款|换货|退换|保修|质保|保固|活动|优惠|积分|会员|政策|规则|赠品|"
        r"\b(?:refund\w*|returns?|warranty|coupon|promo\w*|policy|points|membership|voucher)\b"
    )),
    (Category.PRODUCT_QUALITY, scripted(
        r"质量|产品|东西|商品|机器|买的|买了|开关|手机|电脑|软件|功能|屏幕|电池|网络|宽带|停网|断网|涂层|"
        r"\b(?:app|product|item|device|bought|ordered|purchased|machine|model|version|feature|quality|battery|screen|"
        r"vacuum|laptop|phone|jacket|washable|website|site|wifi|internet)\b"
    )),
)


def fallback_category(text: str, findings: Sequence[Finding]) -> tuple[Category, Reason] | None:
    """The fallback category of normalised ``text`` with its reason, or None."""
    for finding in findings:
        category = _BY_CONCEPT.get(finding.concept)
        if category is not None:
            return category, Reason(_SOURCE, "category", category.value,
                                    f"concept:{finding.concept}", finding.evidence)
    best: tuple[int, int, Category, str] | None = None
    for order, (category, pattern) in enumerate(_TOPICS):
        words = pattern.findall(text)
        if words and (best is None or len(words) > best[0]):
            best = (len(words), order, category, words[0])
    if best is None:
        return None
    _, _, category, word = best
    return category, Reason(_SOURCE, "category", category.value, "topic_words", word)
