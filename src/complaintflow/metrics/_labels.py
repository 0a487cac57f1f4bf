"""Words of the monthly report in zh-CN and English, and text made safe to show."""

from __future__ import annotations

import datetime as dt
import html

from complaintflow.domain.redaction import redact as redact_contacts
from complaintflow.errors import ValidationError

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("客户反馈月度报告", "Customer feedback monthly report"),
    "period": ("统计周期", "Period"),
    "overview": ("概览", "Overview"),
    "received": ("受理工单", "Tickets received"),
    "resolved": ("已解决工单", "Tickets resolved"),
    "frt": ("首次响应时间", "First response time"),
    "aht": ("平均处理时长", "Handle time (received → resolved)"),
    "mean": ("平均", "mean"),
    "median": ("中位数", "median"),
    "wall": ("自然时间", "wall clock"),
    "business": ("工作时间", "business time"),
    "pending_frt": ("尚未响应", "awaiting a first response"),
    "pending_aht": ("本月受理仍未解决", "received this month, still open"),
    "fcr": ("一次性解决率", "First contact resolution"),
    "no_handoff": ("无转派无重开解决率", "Resolved without transfer or reopen"),
    "reopen": ("重开率", "Reopen rate"),
    "satisfaction": ("满意度", "Satisfaction"),
    "responses": ("问卷回收", "Survey responses"),
    "csat": ("CSAT（4–5 分占比）", "CSAT (share of 4–5)"),
    "nps": ("NPS（推荐者% − 贬损者%）", "NPS (% promoters − % detractors)"),
    "ces": ("CES（平均费力度，1–7）", "CES (mean effort, 1–7)"),
    "levels": ("三级评价", "Three-level result"),
    "trend": ("满意度趋势（按周）", "Satisfaction trend (by week)"),
    "sla": ("SLA 达标率", "SLA compliance"),
    "sla_asis": ("扣除客户等待时间", "pauses excluded"),
    "sla_strict": ("等待时间也计入", "pauses counted"),
    "finished": ("已结束计时", "finished clocks"),
    "overdue_open": ("进行中且已超时", "still running, already breached"),
    "first_response": ("首次响应", "First response"),
    "resolution": ("解决", "Resolution"),
    "distributions": ("类型分布", "Distributions"),
    "kind": ("反馈类型", "Kind"),
    "category": ("问题分类", "Category"),
    "channel": ("渠道", "Channel"),
    "priority": ("优先级", "Priority"),
    "department": ("处理部门", "Department"),
    "top3": ("高频问题 TOP3", "Top 3 problems"),
    "top3_note": ("统计投诉、建议、咨询（不含表扬）", "complaints, suggestions and inquiries"),
    "example": ("示例", "example"),
    "backlog": ("积压工单（期末未结）", "Backlog (open at period end)"),
    "status": ("状态", "Status"),
    "age": ("工单时长", "Age"),
    "count": ("数量", "Count"),
    "share": ("占比", "Share"),
    "week": ("周", "Week"),
    "none": ("—", "—"),
    "policy": ("SLA 策略版本", "SLA policy version"),
}

VALUES: dict[str, str] = {
    "complaint": "投诉", "suggestion": "建议", "inquiry": "咨询", "praise": "表扬",
    "product.quality": "产品-质量", "product.design": "产品-设计",
    "product.mismatch": "产品-与描述不符", "service.attitude": "服务-态度",
    "service.competence": "服务-专业能力", "service.process": "服务-流程",
    "logistics.timeliness": "物流-时效", "logistics.package": "物流-破损丢件",
    "logistics.courier": "物流-快递员", "billing.price": "费用-价格",
    "billing.payment": "费用-支付", "billing.invoice": "费用-发票",
    "policy.warranty": "政策-保修", "policy.refund_rules": "政策-退款规则",
    "policy.campaign_terms": "政策-活动条款",
    "phone": "电话", "email": "邮件", "social": "社交媒体", "chat": "在线客服",
    "marketplace": "电商评价", "store": "门店", "survey": "问卷", "other": "其他",
    "P1": "P1 紧急", "P2": "P2 高", "P3": "P3 中", "P4": "P4 低",
    "received": "已受理", "triaged": "已分类", "assigned": "已分派",
    "investigating": "处理中", "awaiting_approval": "待审批",
    "awaiting_customer": "待客户确认", "executing": "执行中",
    "satisfied": "满意", "basically_satisfied": "基本满意", "unsatisfied": "不满意",
    "unclassified": "未分类", "unassigned": "未分派",
    "first_response": "首次响应", "resolution": "解决",
}


def check_lang(lang: str) -> int:
    if lang not in LANGS:
        raise ValidationError(f"lang must be 'zh' or 'en', got {lang!r}", field="lang")
    return LANGS.index(lang)


def word(key: str, lang: str) -> str:
    return TEXT[key][check_lang(lang)]


def value(key: str, lang: str) -> str:
    """A vocabulary value as a reader sees it (free-text keys pass through)."""
    return VALUES.get(key, key) if lang == "zh" else key


def redact(text: str, limit: int = 80) -> str:
    """Customer text for a report: contacts masked, one line, at most ``limit`` characters."""
    text = " ".join(redact_contacts(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def duration(span: dt.timedelta | None) -> str:
    """``1d 2h 05m`` style; seconds are dropped, under a minute shows ``<1m``."""
    if span is None:
        return "—"
    minutes = int(span.total_seconds() // 60)
    if minutes < 1:
        return "<1m"
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = ([f"{days}d"] if days else []) + ([f"{hours}h"] if hours or days else [])
    return " ".join([*parts, f"{mins:02d}m" if parts else f"{mins}m"])
