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
# More everyday characters, so that the concept detectors read 冒煙 / 著火 /
# 訂單資料 as their simplified forms too.
_MORE_TRADITIONAL = (
    "煙著訂資別話車輛廠萬億幾兩醫療藥險燒觸傷瀉衛號碼郵廣權訴訟師聞報紙視頻臺網絡線錯"
    "誤閃頓斷續統據庫貨運費價賬單餘寶媽嬰兒雞魚飯麵湯盤廳樓區鄰國際門開關電腦機歲幫聽"
    "說讀寫認識讓請問題覆復壞舊髒濕熱涼氣驗檢測準確實點麼這們為時間後來過對現見覺愛讚"
    "謝處辦遲達丟損壓簽驛稅頭專業隨維規則條優積動贈禮減漲貴標顯詐騙盜洩隱潰癱瘓無錄記"
    "監會極爛賠償輕議詢諮嗎裡裏貼計設軟當響聲燈產圖顏偽掛罵轉雜啟傳導緊嚴舉擴評論錶鐘"
    "衝歡慮鎖帶鐵鋼絲筆紅綠藍黃顆裝樣換滿應該銷鏈塊張襪褲飲廚團購場補訊簡體鬧駕駛飛週"
    "滾燙災爐灑濺閉鬆緩嚇擊殘診癢腫膚臉髮發鏡齒腸臟爺孫層內結貸還額倉儲櫃擺連調試證護"
    "執財賺項劃撥匯鑰錢銀質態帳戶務員買賣給個惡遞協憤諉瑣複強圍擋鄉鎮縣蘋齊剛雙隻閱壽"
    "麗陽陰臨鍋壺夠漢溫濃淺羅蘭藝術學習謊謠鑒鑑獎勵懲罰搶奪竊賊糾紛爭廢棄墊鋪檯牆簾龍"
    "繳劑軌纜觀蟲塵黴兇跡蹟膠塗釘鑽擰緒歷曆憑貝賀贊騎驅駐輸載輪軸較辭農邊遺遙適選遜鄭"
    "釋鈕鉤銅鋁錫鍵鏟長閘閥陣陳陸隊階雖雲靈韓頁頂順須預領頸顧風飄餅養餓館馬駁騰驚鬥鳥"
    "鹽麥齡"
)
_MORE_SIMPLIFIED = (
    "烟着订资别话车辆厂万亿几两医疗药险烧触伤泻卫号码邮广权诉讼师闻报纸视频台网络线错"
    "误闪顿断续统据库货运费价账单余宝妈婴儿鸡鱼饭面汤盘厅楼区邻国际门开关电脑机岁帮听"
    "说读写认识让请问题复复坏旧脏湿热凉气验检测准确实点么这们为时间后来过对现见觉爱赞"
    "谢处办迟达丢损压签驿税头专业随维规则条优积动赠礼减涨贵标显诈骗盗泄隐溃瘫痪无录记"
    "监会极烂赔偿轻议询咨吗里里贴计设软当响声灯产图颜伪挂骂转杂启传导紧严举扩评论表钟"
    "冲欢虑锁带铁钢丝笔红绿蓝黄颗装样换满应该销链块张袜裤饮厨团购场补讯简体闹驾驶飞周"
    "滚烫灾炉洒溅闭松缓吓击残诊痒肿肤脸发发镜齿肠脏爷孙层内结贷还额仓储柜摆连调试证护"
    "执财赚项划拨汇钥钱银质态账户务员买卖给个恶递协愤诿琐复强围挡乡镇县苹齐刚双只阅寿"
    "丽阳阴临锅壶够汉温浓浅罗兰艺术学习谎谣鉴鉴奖励惩罚抢夺窃贼纠纷争废弃垫铺台墙帘龙"
    "缴剂轨缆观虫尘霉凶迹迹胶涂钉钻拧绪历历凭贝贺赞骑驱驻输载轮轴较辞农边遗遥适选逊郑"
    "释钮钩铜铝锡键铲长闸阀阵陈陆队阶虽云灵韩页顶顺须预领颈顾风飘饼养饿馆马驳腾惊斗鸟"
    "盐麦龄"
)
_FOLD = str.maketrans(
    dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True))
    | dict(zip(_MORE_TRADITIONAL, _MORE_SIMPLIFIED, strict=True))
    | {"\u2019": "'", "\u2018": "'", "`": "'"}
    # Cantonese particles Hong Kong customers write: 唔 (not), 冇 (none), 咗 (done) ...
    | dict(zip("唔冇咗嘅俾哋啲喺睇", "不没了的给们些在看", strict=True))
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
