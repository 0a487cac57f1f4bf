"""A category when the lexicon has none: the urgent concept, then broad topic words.

The lexicon's category terms are specific ("发票开错了", "restocking fee");
text nobody tuned them to often names none of them.  Two fallbacks, in
order, each with its reason:

1. the concept a detector found says where the money or the fault is
   (money taken wrongly: billing.payment; an outage, a safety hazard:
   product.quality);
2. broad topic words of the five top-level categories (客服 / "support" is
   service, 快递 / "parcel" is logistics ...): the top level with most words
   wins, and within it the sub-category with most words.

Top-level accuracy is what routing needs most (SPEC §2.2 routes by the
first level), so a rough top level beats "no category".
"""

from __future__ import annotations

from collections.abc import Sequence

from complaintflow.classify.base import Reason
from complaintflow.classify.concepts import Finding
from complaintflow.classify.concepts.scripted import Scripted, scripted
from complaintflow.domain.vocabulary import Category, Kind

__all__ = ["fallback_category"]

_SOURCE = "keyword"
_BY_CONCEPT = {
    "money_taken": Category.BILLING_PAYMENT,
    "outage": Category.PRODUCT_QUALITY,
    "safety": Category.PRODUCT_QUALITY,
}
# Within a top level the first pattern is its commonest sub-category; the
# others are narrower and win their top level when they have more words.
_TOPICS: tuple[tuple[Category, Scripted], ...] = (
    (
        Category.LOGISTICS_TIMELINESS,
        scripted(
            r"快递|物流|发货|寄到|寄来|送货|配送|到货|包裹|驿站|几天到|签收|派送|运单|"
            r"等货|没到货|没收到货|还没到|"
            r"\b(?:ship\w*|deliver\w*|parcel|package|tracking|dispatch\w*|arriv\w*|"
            r"waiting (?:on|for) "
            r"(?:my |the )?order)\b"
        ),
    ),
    (
        Category.LOGISTICS_PACKAGE,
        scripted(
            r"包装|箱子|盒子|纸箱|破损|压坏|压扁|少发|漏发|少了一|缺了|"
            r"\b(?:box|bag|packag\w*|missing|only \d+|damaged|crushed|dented)\b"
        ),
    ),
    (
        Category.LOGISTICS_COURIER,
        scripted(
            r"快递员|快递小哥|骑手|送货员|派送员|外卖员|司机|"
            r"\b(?:courier|driver|delivery (?:guy|man|person)|postman)\b"
        ),
    ),
    (
        Category.SERVICE_PROCESS,
        scripted(
            r"客服|服务|工作人员|电话|打不进|回复|回电|人工|热线|售后人员|上门|维修|修好|修理|安装|"
            r"\b(?:support|agent|service|calls?|called|emails?|answer\w*|on hold|repl\w*|"
            r"chatbot|manager|technician|helpline)\b"
        ),
    ),
    (
        Category.SERVICE_ATTITUDE,
        scripted(
            r"态度|店员|不耐烦|翻白眼|爱答不理|骂|凶|"
            r"\b(?:rude|staff|attitude|polite|friendly|rolled (?:her|his|their) eyes|"
            r"till|cashier)\b"
        ),
    ),
    (
        Category.BILLING_PAYMENT,
        scripted(
            r"付款|支付|扣款|扣费|扣了|收费|银行卡|信用卡|余额|到账|"
            r"\b(?:charg\w*|pay\w*|paid|card|subscription|deposit)\b"
        ),
    ),
    (
        Category.BILLING_PRICE,
        scripted(
            r"价格|价钱|多少钱|费用|贵|便宜|降价|涨价|"
            r"\b(?:price\w*|cost\w*|fees?|expensive|cheap\w*|discount\w*|\d+ more|more expensive)\b"
        ),
    ),
    (Category.BILLING_INVOICE, scripted(r"发票|账单|收据|\b(?:invoice\w*|bill|receipt)\b")),
    (
        Category.POLICY_REFUND_RULES,
        scripted(r"退货|退款|换货|退换|政策|规则|\b(?:refund\w*|returns?|policy)\b"),
    ),
    (
        Category.POLICY_WARRANTY,
        scripted(r"保修|质保|保固|售后政策|延保|\b(?:warranty|guarantee)\b"),
    ),
    (
        Category.POLICY_CAMPAIGN_TERMS,
        scripted(
            r"活动|优惠|积分|会员|赠品|满减|券|\b(?:coupon|promo\w*|points|membership|voucher)\b"
        ),
    ),
    (
        Category.PRODUCT_QUALITY,
        scripted(
            r"质量|产品|东西|商品|机器|买的|买了|开关|衣服|裤子|鞋|沙发|床|桌|椅|灯|"
            r"冰箱|空调|洗衣机|电视|耳机|手表|电脑|平板|充电|电池|屏|杯|锅|壶|奶粉|零食|化妆品|面膜|"
            r"这(?:件|款|台|双|部|套|瓶|支|张)|手机|软件|网络|宽带|停网|断网|涂层|"
            r"\b(?:app|product|item|device|bought|ordered|purchased|machine|quality|battery|screen|"
            r"vacuum|laptop|phone|jacket|website|site|wifi|internet|shirts?|shoes?|"
            r"sofa|chair|table|lamp|fridge|tv|headphones?|kettle|blender|charger|cable)\b"
        ),
    ),
    (
        Category.PRODUCT_MISMATCH,
        scripted(
            r"说是|标的|写的是|宣传|描述|图片|实物|色差|假货|正品|"
            r"\b(?:it says|listed as|described as|advertised as|claims? to be|supposed to be|"
            r"not as described|fake|genuine|looks nothing like)\b"
        ),
    ),
    (
        Category.PRODUCT_DESIGN,
        scripted(
            r"功能|设计|尺寸|尺码|大小|颜色|款式|版本|界面|模式|"
            r"\b(?:design|feature|size|colou?r|model|version|layout|option|washable)\b"
        ),
    ),
)


def fallback_category(
    text: str, findings: Sequence[Finding], kind: Kind | None = None
) -> tuple[Category, Reason] | None:
    """The fallback category of normalised ``text`` with its reason, or None.

    A suggestion about a product asks for a different product: its design.
    """
    for finding in findings:
        category = _BY_CONCEPT.get(finding.concept)
        if category is not None:
            return category, Reason(
                _SOURCE, "category", category.value, f"concept:{finding.concept}", finding.evidence
            )
    counts: dict[str, int] = {}
    best_sub: dict[str, tuple[int, Category, str]] = {}
    for category, pattern in _TOPICS:
        words = pattern.findall(text)
        if not words:
            continue
        top = category.top
        counts[top] = counts.get(top, 0) + len(words)
        if top not in best_sub or len(words) > best_sub[top][0]:
            best_sub[top] = (len(words), category, words[0])
    if not counts:
        return None
    # the top level with most topic words (ties: the one listed first)
    top = max(counts, key=lambda name: counts[name])
    _, category, word = best_sub[top]
    if kind is Kind.SUGGESTION and top == "product":
        category = Category.PRODUCT_DESIGN
    return category, Reason(_SOURCE, "category", category.value, "topic_words", word)
