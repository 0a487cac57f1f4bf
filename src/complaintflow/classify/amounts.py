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

from complaintflow.domain.money import Money

__all__ = ["find_amounts", "parse_chinese_number"]

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
_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
           "八": 8, "九": 9}
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


def find_amounts(normalized: str) -> list[Money]:
    """Every amount in ``normalized`` text (see :func:`~.lexicon.normalize`), in order."""
    found: list[tuple[int, Money]] = []
    taken: list[tuple[int, int]] = []
    for pattern, currency in _PATTERNS:
        for match in pattern.finditer(normalized):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((start, _money(match.group(1), match.group(2), currency)))
    for pattern in _CHINESE:
        for match in pattern.finditer(normalized):
            start, end = match.span(1)
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            value = parse_chinese_number(match.group(1))
            if value:
                found.append((start, Money(value, "CNY")))
    found.sort(key=lambda item: item[0])
    return [money for _, money in found]
