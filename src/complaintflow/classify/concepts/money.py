"""Money concepts: money taken wrongly, a large amount, a business brought to a stop.

Seed 001 puts "major financial loss (e.g. a duplicate charge)" in P1 and
seed 002 sends amounts above the policy's threshold to a person.  Customers
rarely say "duplicate charge"; they say what happened: they were charged
twice, charged although the payment failed, charged after cancelling, or
charged 5900 for a 59 item.  Each of those shapes is one pattern here.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from complaintflow.classify.amounts import find_claims, parse_chinese_number
from complaintflow.classify.concepts.base import Context, Finding, hypothetical, negated
from complaintflow.classify.concepts.charges import SHAPES
from complaintflow.classify.concepts.scripted import Scripted, scripted

__all__ = ["LargeAmount", "MajorLoss", "MoneyTaken"]

# Paid 100, credited 10: the money did not all arrive.
_SHORT = scripted(
    r"(?:充|付|交|转|存)了?\s*(\d+(?:\.\d+)?)[^。！？]{0,12}(?:到账|收到|显示)(?:只有|才|就)?\s*"
    r"(\d+(?:\.\d+)?)|\bpaid\s*\D{0,3}(\d+(?:\.\d+)?)[^.!?]{0,30}\b(?:only|just) "
    r"(?:got|received|credited|shows?)\s*\D{0,3}(\d+(?:\.\d+)?)"
)
# "listed at 45, charged 4500": two numbers, the charged one out of all proportion.
_PRICE = scripted(
    r"(\d+(?:\.\d+)?)\s*(?:块|元|块钱)的|(?:月租|月费|年费|单价|平时|标价|写的|写着|显示|售价|价格|定价|明明是|页面|原价|"
    r"listed|listing said|priced|price|"
    r"said|costs?|for a|for an|for the)\D{0,6}?(\d+(?:,\d{3})*(?:\.\d+)?)"
)
_CHARGED = scripted(
    r"(?:扣了?我?|收了?我?|付了|结算|实扣|实际|charged|billed|paid|took|debited)\D{0,8}?"
    r"(\d+(?:,\d{3})*(?:\.\d+)?)"
)


# "扣了三百块运费，商品才五十块": both sums in words, the charge out of proportion.
_NUMERAL = r"([\d一二两三四五六七八九十百千万]+)"
_ZH_PROPORTION = scripted(
    r"(?:扣了?|收了?)我?" + _NUMERAL + r"(?:块|元)[^。！？]{0,12}(?:商品|东西|价格|单价|才|"
    r"只)[^。！？]{0,4}" + _NUMERAL + r"(?:块|元)"
)


def _int(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _filled(match: re.Match[str]) -> int:
    """The index of the group that matched (a pattern with alternative number groups)."""
    return next(i for i, group in enumerate(match.groups(), 1) if group is not None)


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


# "I paid twice by mistake": the customer's own slip, not money taken from them.
_OWN_DOING = scripted(
    r"我自己|手滑|不小心|误操作|点错|\b(?:by mistake|accidentally|my (?:own )?(?:mistake|fault|"
    r"bad)|"
    r"on my (?:side|end)|i (?:mistakenly|accidentally))\b"
)
# "Has my refund for the double payment arrived?": already being put right.
_BEING_REFUNDED = scripted(
    r"退款[^。！？]{0,6}(?:到账了吗|到了吗|进度|什么时候到)|客服说[^。！？]{0,10}工作日|"
    r"\brefund\w*\b[^.!?]{0,30}\b(?:on its way|processing|being processed|issued|arrived yet|"
    r"come through yet|status)\b"
)
# Money words: a finding in a text with none of them is not money taken.  Broad
# (a class of single characters), so it is checked on a finding only.
_GATE = scripted(
    r"[扣收刷划付交缴费钱款充转存骗续汇退送赠]|消费|used|notice|warning|征信|信用记录|贷款记录|没借|credit|催收|"
    r"debt collect|bailiff|collections|余额|"
    r"储值|莫名|无缘无故|free trial|orders?|"
    r"purchases?|"
    r"transactions?|押金|"
    r"somebody|someone|deposit|refunded|recogni|unknown|scam|fraud|pending|结算|实际|少了|未经|谁|账单|多了|多出|到账|charg|bill|debit|deduct|took|taken|take|paid|"
    r"pay|withdr|drain|empt|renew|money|gone|unauthori|never agreed|without|only"
)
_AMOUNT_GATE = scripted(r"[0-9万亿]")


class MoneyTaken:
    """Money taken wrongly: twice, despite a failed payment, after cancelling, unasked, too much."""

    name = "money_taken"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (
        *(pattern for _, pattern in SHAPES),
        _SHORT,
        _ZH_PROPORTION,
        _CHARGED,
    )

    def __init__(self, proportion: float = 1.8) -> None:
        self.proportion = Decimal(str(proportion))

    def detect(self, text: str, context: Context) -> Finding | None:
        finding = self._find(text)
        if finding is None or _GATE.search(text) is None:
            return None
        return finding

    def _find(self, text: str) -> Finding | None:
        for detail, pattern in SHAPES:
            for match in pattern.finditer(text):
                if negated(text, match.start()) or hypothetical(text, *match.span()):
                    continue
                if _OWN_DOING.search(text) or _BEING_REFUNDED.search(text):
                    return None
                return Finding(self.name, match.group(0), detail=detail)
        if not _AMOUNT_GATE.search(text) and "块" not in text and "元" not in text:
            return None
        for match in _SHORT.finditer(text):
            numbers = [_number(g) for g in match.groups() if g is not None]
            if len(numbers) == 2 and None not in numbers and numbers[1] < numbers[0]:  # type: ignore[operator]
                return Finding(self.name, match.group(0), detail="paid more than arrived")
        return self._out_of_proportion(text)

    def _out_of_proportion(self, text: str) -> Finding | None:
        for match in _ZH_PROPORTION.finditer(text):
            paid = parse_chinese_number(match.group(1)) or _int(match.group(1))
            cost = parse_chinese_number(match.group(2)) or _int(match.group(2))
            if paid and cost and paid >= cost * self.proportion:
                return Finding(
                    self.name, match.group(0), detail=f"charged {paid} against a price of {cost}"
                )
        prices = [(m, _number(m.group(_filled(m)))) for m in _PRICE.finditer(text)]
        charged = [(m, _number(m.group(1))) for m in _CHARGED.finditer(text)]
        for price_match, price in prices:
            for charge_match, amount in charged:
                if price is None or amount is None or price <= 0:
                    continue
                if price_match.start(_filled(price_match)) == charge_match.start(1):
                    continue
                if amount >= price * self.proportion:
                    evidence = f"{price_match.group(0)} ... {charge_match.group(0)}"
                    return Finding(
                        self.name, evidence, detail=f"charged {amount} against a price of {price}"
                    )
        return None


class LargeAmount:
    """An amount above the policy's threshold in its currency (strictly; "超过" counts)."""

    name = "large_amount"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_AMOUNT_GATE,)

    def detect(self, text: str, context: Context) -> Finding | None:
        default = next(iter(context.thresholds), "CNY")
        if context.claimed is not None:
            threshold = context.thresholds.get(context.claimed.currency)
            if threshold is not None and context.claimed > threshold:
                return Finding(
                    self.name, str(context.claimed), detail=f"claimed amount above {threshold}"
                )
        if _AMOUNT_GATE.search(text) is None:
            return None
        for claim in find_claims(text, default):
            threshold = context.thresholds.get(claim.money.currency)
            if threshold is not None and claim.exceeds(threshold):
                more = "more than " if claim.more_than else ""
                return Finding(
                    self.name, claim.text, detail=f"{more}{claim.money} above {threshold}"
                )
        return None


_STOPPED = scripted(
    r"(?:生产线|产线|整条线|流水线|工厂|工地|项目|业务|店铺|门店|公司)[^。！？]{0,8}"
    r"(?:停了|停摆|停工|停产|瘫痪|停滞|停下|损失很大|损失惨重|没法开工|无法开工|开不了工)"
    r"|停产|停工|损失惨重|办砸了|搞砸了|活动[^。！？]{0,3}(?:泡汤|取消了|毁了)|被迫关门|提前关门|"
    r"\bhad to close\b|\bclosed early\b|\bruined (?:our|the) (?:event|wedding|party|launch)\b|"
    r"跑了[^。！？]{0,6}(?:单|生意|客人)|生意都做不了|没法做生意|"
    r"损失了?(?:几|好几|上|数)?[十百千]?万|\b(?:halted|stopped|shut down|"
    r"paralys\w*|paralyz\w*) (?:our |the )?"
    r"(?:production|factory|line|business|operations?|shop|store|plant)|"
    r"\bproduction (?:line )?(?:is |has |was )?(?:stopped|halted|down|"
    r"stalled|at a standstill)|\blosing (?:sales|money|business|customers)\b|"
    r"\b(?:lost|losing) (?:\d+|dozens of|hundreds of) (?:bookings|orders|sales|customers|clients|"
    r"reservations)\b|"
    r"\b(?:business|operations?|shop|store|restaurant) (?:is |are |has |have )?"
    r"(?:stopped|shut|halted|at a standstill|losing money)"
)


class MajorLoss:
    """A customer's business stopped by the problem: a major loss even with no figure named."""

    name = "major_loss"

    #: The patterns one of which must match for a finding: the rest of the time
    #: the detector does not run (:class:`~complaintflow.classify.concepts.DetectorSet`).
    patterns: tuple[Scripted, ...] = (_STOPPED,)

    def detect(self, text: str, context: Context) -> Finding | None:
        match = _STOPPED.search(text)
        if match is None or negated(text, match.start()):
            return None
        return Finding(self.name, match.group(0), detail="the customer's business is stopped")
