"""Lexicons: which words signal which kind, category, priority or emotion.

A lexicon is data.  Each entry maps a term to one or more :class:`Signal`
values, written as a compact spec string::

    "complaint:2 product.quality"      # evidence for complaint (weight 2) and a category
    "P1 tag=duplicate_charge"          # an urgency signal, with a tag for the ticket
    "emotion:2"                        # a strong negative emotion
    "negation"                         # a cue that cancels the term right after it

Spec tokens: a kind (``complaint``, ``suggestion``, ``inquiry``, ``praise``),
a category value (``billing.payment``), a priority (``P1``, ``P2``, ``P4``),
``emotion``, ``public`` (public-opinion risk), ``minor`` (a minor flaw),
``negation`` or ``tag=NAME``; ``:W`` sets a weight (default 1).

Terms are matched on normalised text (:func:`normalize`): Chinese terms as
plain substrings (Chinese has no spaces), terms that begin or end with a
Latin letter or digit only at word boundaries, case-insensitively.  A
trailing ``*`` makes a prefix term (``refund*`` also matches ``refunded``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Literal

import attrs

from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import LexiconError

__all__ = ["Lexicon", "LexiconError", "Signal", "SignalKind", "normalize", "parse_signals"]

SignalKind = Literal[
    "kind", "category", "priority", "emotion", "public", "minor", "negation", "tag"
]


@attrs.frozen
class Signal:
    """One thing a term says about the text, with its weight."""

    kind: SignalKind
    value: str = ""
    weight: float = 1.0


# Traditional -> simplified for the characters of complaint vocabulary, so a
# Hong Kong or Taiwan customer's 質量問題 matches 质量问题.  One char each.
_TRADITIONAL = (
    "質問題態發髮貨運費價錢錯誤換滿應該續號碼賬帳戶務員機體驗檢壞買賣單據銀還給說話電網絡線實際"
    "樣這個們麼為時間後來過對開關門東現點讓聽見覺愛讚謝幫處辦惡遲遞達丟損壓簽驛稅頭專業準確隨護維"
    "規則條優積動贈禮減漲貴標顯詐騙盜洩隱潰癱瘓無錄訂記訴訟師監協會氣憤極爛賠償舊輕議請詢諮嗎裡熱貼"
    "計設軟閃頓當響聲燈產圖顏偽掛斷罵諉轉瑣複雜啟統廣傳導緊嚴舉報擴評論區錶鐘餘衝麵歡強讓護慮態嗎"
)
_SIMPLIFIED = (
    "质问题态发发货运费价钱错误换满应该续号码账账户务员机体验检坏买卖单据银还给说话电网络线实际"
    "样这个们么为时间后来过对开关门东现点让听见觉爱赞谢帮处办恶迟递达丢损压签驿税头专业准确随护维"
    "规则条优积动赠礼减涨贵标显诈骗盗泄隐溃瘫痪无录订记诉讼师监协会气愤极烂赔偿旧轻议请询咨吗里热贴"
    "计设软闪顿当响声灯产图颜伪挂断骂诿转琐复杂启统广传导紧严举报扩评论区表钟余冲面欢强让护虑态吗"
)
_FOLD = str.maketrans(
    dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True)) | {"\u2019": "'", "\u2018": "'", "`": "'"}
)


def normalize(text: str) -> str:
    """NFKC (full-width to half-width), case-folded, traditional to simplified."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_FOLD)


_PRIORITY_SIGNALS = {"P1", "P2", "P3", "P4"}
_FLAGS: dict[str, SignalKind] = {
    "emotion": "emotion",
    "public": "public",
    "minor": "minor",
    "negation": "negation",
}
_KINDS = {kind.value for kind in Kind}
_CATEGORIES = {category.value for category in Category}


def parse_signals(spec: str) -> tuple[Signal, ...]:
    """Parse a spec such as ``"complaint:2 billing.payment P1"``."""
    signals: list[Signal] = []
    for token in spec.split():
        name, _, weight_text = token.partition(":")
        try:
            weight = float(weight_text) if weight_text else 1.0
        except ValueError:
            raise LexiconError(f"weight in {token!r} is not a number", spec=spec) from None
        if name in _KINDS:
            signals.append(Signal("kind", name, weight))
        elif name in _CATEGORIES:
            signals.append(Signal("category", name, weight))
        elif name in _PRIORITY_SIGNALS:
            signals.append(Signal("priority", Priority(name).value, weight))
        elif name in _FLAGS:
            signals.append(Signal(_FLAGS[name], "", weight))
        elif name.startswith("tag=") and len(name) > 4:
            signals.append(Signal("tag", name[4:], weight))
        else:
            raise LexiconError(
                f"unknown signal {name!r} in {spec!r}; use a kind ({', '.join(sorted(_KINDS))}), "
                "a category such as 'billing.payment', P1..P4, emotion, public, minor, "
                "negation or tag=NAME",
                spec=spec,
            )
    if not signals:
        raise LexiconError("a lexicon entry needs at least one signal", spec=spec)
    return tuple(signals)


def _terms(block: str) -> list[str]:
    return [term.strip() for term in block.split("|") if term.strip()]


def _to_entries(value: Mapping[str, tuple[Signal, ...]]) -> dict[str, tuple[Signal, ...]]:
    return dict(value)


@attrs.frozen
class Lexicon:
    """Terms (normalised) and the signals each carries.

    Build one from groups with :meth:`from_groups`, get the built-in zh-CN +
    en lexicon with :meth:`builtin`, and add your own words with
    :meth:`extend`, which returns a new lexicon.
    """

    entries: Mapping[str, tuple[Signal, ...]] = attrs.field(converter=_to_entries)

    @classmethod
    def from_groups(cls, groups: Iterable[tuple[str, str]]) -> Lexicon:
        """``(spec, "term | term | ...")`` pairs; a term in several groups collects all."""
        entries: dict[str, tuple[Signal, ...]] = {}
        for spec, block in groups:
            signals = parse_signals(spec)
            for raw in _terms(block):
                term = normalize(raw)
                if not term.rstrip("*"):
                    raise LexiconError("a term needs a character", term=raw, spec=spec)
                entries[term] = entries.get(term, ()) + signals
        return cls(entries)

    @classmethod
    def builtin(cls) -> Lexicon:
        """The shipped zh-CN and en vocabulary (see ``lexicon_zh`` / ``lexicon_en``)."""
        from complaintflow.classify import lexicon_en, lexicon_zh

        return cls.from_groups([*lexicon_zh.GROUPS, *lexicon_en.GROUPS])

    def extend(self, extra: Mapping[str, str] | Iterable[tuple[str, str]]) -> Lexicon:
        """A new lexicon with more terms: ``{"term": "spec"}`` or ``(spec, block)`` pairs.

        A term that already exists gets the new signals in addition to its own.
        """
        groups = (
            [(spec, term) for term, spec in extra.items()]
            if isinstance(extra, Mapping)
            else list(extra)
        )
        added = Lexicon.from_groups(groups).entries
        merged = dict(self.entries)
        for term, signals in added.items():
            merged[term] = merged.get(term, ()) + signals
        return Lexicon(merged)

    def __len__(self) -> int:
        return len(self.entries)
