"""The words of the simulated month: customer feedback, staff replies, holidays.

Plain data for :mod:`complaintflow.demo.simulation`.  Each piece of feedback is
what a customer wrote, in Chinese or English, with the channels it
typically arrives through, what the customer expects, and the refund or
compensation (CNY) an agent would propose, if any.  The classifier, not
this table, decides kind, category and priority.
"""

from __future__ import annotations

import datetime as dt

import attrs

__all__ = [
    "AGENTS",
    "CHANNEL_WEIGHTS",
    "CHINA_HOLIDAYS",
    "CHINA_MAKEUP_DAYS",
    "DEPARTMENT_MANAGERS",
    "DIRECTORS",
    "FEEDBACK",
    "REPLIES",
    "SUGGESTIONS",
    "SUPERVISORS",
    "Feedback",
]


@attrs.frozen
class Feedback:
    text: str
    channels: tuple[str, ...]
    expectation: str | None = None
    amount: int | None = None  # CNY an agent proposes; None: no money involved
    lang: str = "zh"
    praised: str | None = None  # the colleague the praise names (tagged ``praised:NAME``)


def _d(*days: str) -> frozenset[dt.date]:
    return frozenset(dt.date.fromisoformat(day) for day in days)


def _span(first: str, last: str) -> list[str]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=n)).isoformat() for n in range((end - start).days + 1)]


#: Mainland China's statutory days off, 2024-2025 (State Council notices).
CHINA_HOLIDAYS = _d(
    "2024-01-01",
    *_span("2024-02-10", "2024-02-17"),
    *_span("2024-04-04", "2024-04-06"),
    *_span("2024-05-01", "2024-05-05"),
    "2024-06-10",
    *_span("2024-09-15", "2024-09-17"),
    *_span("2024-10-01", "2024-10-07"),
    "2025-01-01",
    *_span("2025-01-28", "2025-02-04"),
    *_span("2025-04-04", "2025-04-06"),
    *_span("2025-05-01", "2025-05-05"),
    *_span("2025-05-31", "2025-06-02"),
    *_span("2025-10-01", "2025-10-08"),
)
#: Weekend days worked to make up for bridge days off (调休).
CHINA_MAKEUP_DAYS = _d(
    "2024-02-04",
    "2024-02-18",
    "2024-04-07",
    "2024-04-28",
    "2024-05-11",
    "2024-09-14",
    "2024-09-29",
    "2024-10-12",
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
)

#: How feedback reaches the desk (seed 000 §2.1.1), relative weights.
CHANNEL_WEIGHTS = {
    "phone": 22,
    "chat": 26,
    "email": 12,
    "social": 9,
    "marketplace": 16,
    "store": 8,
    "survey": 7,
}

AGENTS = (
    "wang.li",
    "zhao.min",
    "liu.yang",
    "sun.hao",
    "zhou.xin",
    "wu.tong",
    "kate.lee",
    "tom.chen",
)
SUPERVISORS = ("chen.jie", "lin.na")
DEPARTMENT_MANAGERS = ("he.qiang",)
DIRECTORS = ("ma.lan",)

_ZH = "zh"
_EN = "en"
_VOICE = ("phone", "store")
_WRITTEN = ("chat", "email", "marketplace")
_PUBLIC = ("social", "marketplace")

FEEDBACK: tuple[Feedback, ...] = (
    # -- complaints: product
    Feedback(
        "买的电热水壶用了不到一周就坏了，按开关完全没反应，要求换新", _WRITTEN + _VOICE, "exchange"
    ),
    Feedback("耳机左边有杂音，听歌的时候滋滋响，能处理一下吗", _WRITTEN, "repair"),
    Feedback(
        "充电宝充着充着冒烟了！！差点引起火灾，你们这是什么产品",
        (*_VOICE, "social"),
        "compensation",
        800,
    ),
    Feedback(
        "收到的衣服颜色和详情页图片差别太大，跟描述不符，要求退货退款", _WRITTEN, "refund", 239
    ),
    Feedback("新买的冰箱不制冷，冷藏室跟常温一样，里面的菜都坏了", _VOICE, "compensation", 450),
    Feedback(
        "The blender stopped working after three days, the motor smells burnt. "
        "I want a replacement.",
        ("email", "chat"),
        "exchange",
        lang=_EN,
    ),
    Feedback(
        "The jacket I received looks nothing like the photos, wrong colour and "
        "material. Please refund.",
        ("email", "marketplace"),
        "refund",
        189,
        lang=_EN,
    ),
    # -- complaints: logistics
    Feedback("下单一周了物流一直没更新，快递到底什么时候能到", (*_WRITTEN, "phone")),
    Feedback("包裹外箱破损严重，里面的杯子碎了两个", _WRITTEN + _VOICE, "compensation", 60),
    Feedback(
        "快递员态度很差，没打电话就把包裹放在门口，结果丢了", (*_VOICE, "chat"), "compensation", 320
    ),
    Feedback(
        "My parcel has been stuck in transit for 10 days, tracking has not updated.",
        ("email", "chat"),
        lang=_EN,
    ),
    Feedback(
        "The box arrived crushed and the glass vase inside was broken.",
        ("email", "chat"),
        "compensation",
        90,
        lang=_EN,
    ),
    # -- complaints: service
    Feedback("客服态度很差，问了三遍都不耐烦，直接挂我电话", _VOICE, "explanation"),
    Feedback("门店店员服务态度恶劣，当着其他顾客的面嘲讽我", ("store", "social"), "explanation"),
    Feedback("退货流程太复杂了，提交了三次申请都被驳回，没人给解释", _WRITTEN, "refund", 159),
    Feedback(
        "The support agent was rude and closed the chat without answering my question.",
        ("chat", "email"),
        "explanation",
        lang=_EN,
    ),
    # -- complaints: billing
    Feedback("APP订单支付失败，银行卡被扣了两次，未收到订单确认", ("chat", "phone"), "refund", 299),
    Feedback(
        "同一笔订单被重复扣款，银行流水显示扣了两次1299元",
        ("phone", "chat", "email"),
        "refund",
        1299,
    ),
    Feedback("申请的增值税发票一个月了还没开出来，财务急着报销", ("email", "phone"), "other"),
    Feedback("买完第二天就降价了200元，要求补差价", _WRITTEN, "refund", 200),
    Feedback(
        "I was charged twice for the same order, please refund the duplicate payment.",
        ("email", "chat"),
        "refund",
        560,
        lang=_EN,
    ),
    Feedback(
        "I still have not received the invoice for my company order.", ("email",), "other", lang=_EN
    ),
    # -- complaints: policy, public opinion
    Feedback("说好的七天无理由退货，现在又说拆封了不能退，这是什么规定", _WRITTEN, "refund", 129),
    Feedback("保修期内维修还要收检测费，不合理", (*_VOICE, "email"), "repair", 80),
    Feedback("满300减50的活动结算时没有生效，活动规则写得不清楚", _WRITTEN, "refund", 50),
    Feedback(
        "我已经在微博曝光你们了，再不处理就找媒体和消费者协会", ("social",), "compensation", 1500
    ),
    Feedback(
        "Your warranty says two years but the repair centre refused to fix it for free.",
        ("email", "phone"),
        "repair",
        lang=_EN,
    ),
    Feedback(
        "数据泄露了吗？我刚在你们平台注册就接到诈骗电话，知道我的订单信息",
        ("phone", "social"),
        "explanation",
    ),
    # -- suggestions
    Feedback("建议APP增加夜间模式，晚上看着太刺眼了", ("survey", "chat", "email")),
    Feedback("希望门店能延长营业时间到晚上十点", ("survey", "store")),
    Feedback("建议包装用可回收材料，现在的泡沫太多了", ("survey", "marketplace")),
    Feedback(
        "Suggestion: please add an option to schedule the delivery time.",
        ("survey", "email"),
        lang=_EN,
    ),
    # -- inquiries
    Feedback("请问这款洗衣机支持以旧换新吗？怎么申请", ("chat", "phone")),
    Feedback("咨询一下会员积分怎么兑换优惠券", ("chat", "phone", "store")),
    Feedback("请问订单可以修改收货地址吗", ("chat", "phone")),
    Feedback("How do I change the delivery address of my order?", ("chat", "email"), lang=_EN),
    Feedback("Do you ship to Hong Kong, and how long does it take?", ("chat", "email"), lang=_EN),
    # -- praise
    Feedback(
        "感谢客服小王耐心解答，问题很快就解决了，点赞",
        ("chat", "survey", "social"),
        praised="wang.li",
    ),
    Feedback("门店的师傅修得又快又好，非常满意，表扬一下", ("store", "survey")),
    Feedback(
        "Thank you, the agent was very helpful and solved my problem quickly!",
        ("chat", "survey", "email"),
        lang=_EN,
    ),
)

#: Improvement suggestions customers write into a survey answer (改进建议), by language.
SUGGESTIONS: dict[str, tuple[str, ...]] = {
    _ZH: (
        "希望增加夜间在线客服",
        "退款进度能在APP里实时查看就好了",
        "处理结果希望短信通知一下",
    ),
    _EN: (
        "Please add live chat in the evening.",
        "Show the refund's progress in the app.",
    ),
}

#: What staff write to the customer, by step and language.
REPLIES: dict[str, dict[str, str]] = {
    "respond": {
        _ZH: "您好，您反馈的问题已收到，我们正在核实处理，请保持电话畅通。",
        _EN: "Hello, we have received your feedback and are looking into it.",
    },
    "answer": {
        _ZH: "您好，已为您解答，如有其他问题欢迎随时联系我们。",
        _EN: "Hello, here is the answer; contact us any time if anything else comes up.",
    },
    "thanks": {_ZH: "感谢您的认可，我们会继续努力！", _EN: "Thank you for the kind words!"},
    "solution_money": {
        _ZH: "经核实，为您办理退款/补偿 {amount} 元。",
        _EN: "We will refund or compensate CNY {amount}.",
    },
    "solution": {
        _ZH: "已安排专人跟进处理，并为您提供解决方案。",
        _EN: "We have arranged a solution and a dedicated follow-up.",
    },
    "commit": {
        _ZH: "需与相关部门进一步核实，方案将稍晚给出",
        _EN: "the other team's records take longer to check",
    },
    "again": {
        _ZH: "根据您的意见调整了方案，请确认。",
        _EN: "We revised the solution after your feedback; please confirm.",
    },
}
