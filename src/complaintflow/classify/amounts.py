"""Amounts of money named in a customer's text (seed 002 §1: "金额超50万 → 人工").

:func:`find_amounts` reads ``¥600,000``, ``60万元``, ``五十万元``,
``RMB 1.2万``, ``600000 CNY``, ``$70,000`` or ``70k USD`` and returns
:class:`~complaintflow.domain.money.Money` values.  A number without a currency
word is not an amount (``订单号 2024052012``), except a number with 万/亿,
which in a complaint is money unless a measure word follows (``5万人``).
"""

from __future__ import annotations

import re
from decimal import Decimal

import attrs

from complaintflow.domain.money import Money

__all__ = ["Claim", "find_amounts", "find_claims", "parse_chinese_number"]

_NUMBER = r"(\d+(?:,\d{3})*(?:\.\d+)?)"
_MULTIPLIER = r"\s*(万|千|亿|k|w)?"
_CNY_BEFORE = r"(?:¥|rmb|cny|人民币)"
_CNY_AFTER = r"(?:元|块钱|块|rmb|cny|yuan|人民币)"
_USD_BEFORE = r"(?:us\$|\$|usd)"
_USD_AFTER = r"(?:美元|美金|usd|dollars?|bucks)"
_MEASURE = "人个次件台名户条位家单粉张份只套辆平米公"

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(_CNY_BEFORE + r"\s*" + _NUMBER + _MULTIPLIER), "CNY"),
    (re.compile(_USD_BEFORE + r"\s*" + _NUMBER + _MULTIPLIER), "USD"),
    (re.compile(_NUMBER + _MULTIPLIER + r"\s*" + _USD_AFTER), "USD"),
    (re.compile(_NUMBER + _MULTIPLIER + r"\s*" + _CNY_AFTER), "CNY"),
    (re.compile(_NUMBER + r"\s*(万|亿)(?![" + _MEASURE + r"])"), "CNY"),
]
_NUMERAL = r"([一二两三四五六七八九十][零一二两三四五六七八九十百千万亿]*"
# 五十万元 / 三千块: a spoken number with a money word.  Without one (千万别买,
# 十万火急) only after a money context word: 损失五十万, 涉及金额两亿.
_CHINESE = [
    re.compile(_NUMERAL + r")\s*(?:元|块)"),
    re.compile(
        r"(?:损失|金额|价值|赔偿|货款|投资|亏损|亏了|共计|总计|合计|涉及)了?\s*"
        + _NUMERAL
        + r"[万亿])"
    ),
]

_FACTORS = {"万": 10_000, "w": 10_000, "千": 1_000, "k": 1_000, "亿": 100_000_000}
_DIGITS = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}


def parse_chinese_number(text: str) -> int | None:
    """``五十万`` -> 500000, ``一千二百`` -> 1200, ``十五`` -> 15; None if not a number."""
    total = section = digit = 0
    seen = False
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
            seen = True
        elif char in _SMALL_UNITS:
            section += (digit or 1) * _SMALL_UNITS[char]
            digit = 0
            seen = True
        elif char == "亿":
            total = (total + section + digit) * 100_000_000
            section = digit = 0
            seen = True
        elif char == "万":
            total += (section + digit) * 10_000
            section = digit = 0
            seen = True
        else:
            return None
    return total + section + digit if seen else None


def _money(number: str, multiplier: str | None, currency: str) -> Money:
    amount = Decimal(number.replace(",", ""))
    if multiplier:
        amount *= _FACTORS[multiplier]
    return Money(amount, currency)


def _spans(normalized: str) -> list[tuple[int, int, Money]]:
    found: list[tuple[int, int, Money]] = []
    taken: list[tuple[int, int]] = []
    for pattern, currency in _PATTERNS:
        for match in pattern.finditer(normalized):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((start, end, _money(match.group(1), match.group(2), currency)))
    for pattern in _CHINESE:
        for match in pattern.finditer(normalized):
            start, end = match.span(1)
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            value = parse_chinese_number(match.group(1))
            if value:
                found.append((start, end, Money(value, "CNY")))
    found.sort(key=lambda item: item[0])
    return found


def find_amounts(normalized: str) -> list[Money]:
    """Every amount in ``normalized`` text (see :func:`~.lexicon.normalize`), in order."""
    return [money for _, _, money in _spans(normalized)]


# -- amounts as claims: vague Chinese numbers, million units, "more than" ---------
@attrs.frozen
class Claim:
    """An amount named in a text, and whether the text said "more than" it.

    ``超过50万`` / ``50万以上`` / ``more than $70k`` / ``三百多万`` / ``上百万``
    name a lower bound that is itself exceeded, so they pass a threshold
    equal to that bound; ``50万`` alone does not (a threshold is exceeded
    strictly, seed 002 §1: 超过 = strictly greater).
    """

    money: Money
    more_than: bool
    text: str

    def exceeds(self, threshold: Money) -> bool:
        if self.money.currency != threshold.currency:
            return False
        return self.money > threshold or (self.more_than and self.money == threshold)


_MORE_BEFORE = re.compile(
    r"(?:超过|超出|高达|多于|不止|大于|超|逾|more than|over|above|"
    r"upwards of|in excess of|greater than)\s*$"
)
_MORE_AFTER = re.compile(r"^\s*(?:以上|多|余|出头|plus|\+)")
_VAGUE = re.compile(r"(上|几|数|好几)?([一二两三四五六七八九十百千]*)(多|余)?([万亿])")
_VAGUE_CONTEXT = re.compile(
    r"(?:金额|价值|合同|货款|款|工程|欠|拖欠|尾款|结算|损失|涉及|共计|总计|合计|投入|花了|采购|订单|标的|"
    r"预算|营收|"
    r"赔偿|亏损|亏了|投资|一共|总共|货值|上|几|数)"
)
_MONEY_CONTEXT_EN = re.compile(
    r"(?:paid|pay|worth|cost|costs|spent|spend|contract|invest\w*|licen[cs]es?|budget|order|"
    r"loss|lost|value[d]?|deal|purchase[d]?|bought|charged|billed|owe[sd]?|price)\W+(?:\w+\W+){0,3}$"
)
_BIG_EN = re.compile(
    r"((?:us\$|\$|usd|¥|rmb|cny|€|eur|£|gbp)\s*)?(\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(k|m|mn|million|bn|billion)?\b\s*(usd|dollars?|cny|rmb|yuan|eur|euros?|gbp|pounds?)?"
)
_BIG_FACTORS = {
    "k": 1_000,
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
}
_CURRENCY = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "¥": "CNY",
    "rmb": "CNY",
    "cny": "CNY",
    "yuan": "CNY",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
}


def _strict(text: str, start: int, end: int) -> bool:
    return bool(
        _MORE_BEFORE.search(text[max(0, start - 16) : start])
        or _MORE_AFTER.match(text[end : end + 3])
    )


def find_claims(normalized: str, default_currency: str = "CNY") -> list[Claim]:
    """Amounts in ``normalized`` with their "more than" flag (see :class:`Claim`).

    Besides :func:`find_amounts` it reads vague Chinese amounts (``上百万``,
    ``三百多万``, ``几十万`` as its lower bound) after a money word, and
    English ``1.2m`` / ``90k`` after a money word; a number with no currency
    is taken in ``default_currency`` (the policy's own).
    """
    claims: list[Claim] = []
    taken: list[tuple[int, int]] = []
    for start, end, money in _spans(normalized):
        taken.append((start, end))
        claims.append(Claim(money, _strict(normalized, start, end), normalized[start:end]))

    def free(start: int, end: int) -> bool:
        return not any(start < t_end and t_start < end for t_start, t_end in taken)

    for match in _VAGUE.finditer(normalized):
        if not free(*match.span()):
            continue
        lead, digits, more, unit = match.groups()
        if not (lead or digits):
            continue
        before = normalized[max(0, match.start() - 8) : match.start()]
        after = normalized[match.end() : match.end() + 1]
        if after and after in _MEASURE:
            continue
        vague_more = bool(more) and bool(digits)  # 两百多万: a spoken sum of money
        if not (lead or vague_more or _VAGUE_CONTEXT.search(before) or after in ("元", "块", "的")):
            continue
        base = (digits or "一").replace("两", "二")
        if lead in ("几", "数", "好几"):
            base = "二" + base if base[0] in "十百千" else base
        value = parse_chinese_number(base + unit)
        if value:
            strict = bool(lead == "上" or more) or _strict(normalized, *match.span())
            claims.append(Claim(Money(value, "CNY"), strict, match.group(0)))
    for match in _BIG_EN.finditer(normalized):
        if not free(*match.span()):
            continue
        before_sign, number, unit, after_sign = match.groups()
        if not unit and not before_sign and not after_sign:
            continue
        sign = (before_sign or after_sign or "").strip()
        currency = _CURRENCY.get(sign, default_currency) if sign else default_currency
        if not sign and not _MONEY_CONTEXT_EN.search(
            normalized[max(0, match.start() - 40) : match.start()]
        ):
            continue
        amount = Decimal(number.replace(",", "")) * _BIG_FACTORS.get(unit or "", 1)
        strict = _strict(normalized, *match.span())
        claims.append(Claim(Money(amount, currency), strict, match.group(0).strip()))
    return claims
