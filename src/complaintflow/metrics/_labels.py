"""Words of the monthly report in zh-CN and English, and text made safe to show.

Codes of the vocabulary (kinds, categories, departments…) are labelled by
:class:`~complaintflow.metrics.labels.Labels`; this module holds the
report's own sentences.
"""

from __future__ import annotations

import html

from complaintflow.domain.redaction import redact as redact_contacts
from complaintflow.errors import ValidationError
from complaintflow.metrics._values import Rate
from complaintflow.metrics.labels import DEFAULT_LABELS, Labels

LANGS = ("zh", "en")

TEXT: dict[str, tuple[str, str]] = {
    "title": ("客户反馈月度报告", "Customer feedback monthly report"),
    "period": ("统计周期", "Period"),
    "overview": ("概览", "Overview"),
    "received": ("受理工单", "Tickets received"),
    "resolved": ("已解决工单", "Tickets resolved"),
    "frt": ("首次响应时间", "First response time"),
    "aht": ("处理时长（受理→解决）", "Handle time (received → resolved)"),
    "aht_closed": ("平均处理时间 AHT（创建→关闭）", "AHT (created → closed)"),
    "aht_closed_note": (
        "种子 001：从工单创建到最终关闭；本月关闭的工单",
        "seed 001: from the ticket's creation to its final close; tickets closed this month",
    ),
    "pending_closed": ("本月受理仍未关闭", "received this month, not closed"),
    "solution_given": ("办结（受理→给出解决方案）", "Solution given (received → 办结)"),
    "execution": ("方案执行（给出方案→执行完毕）", "Execution (solution given → done)"),
    "solution_note": (
        "种子 000 §2.3.2：办结即给出解决方案；执行阶段单独计时。当场解决的工单不计入",
        "seed 000 §2.3.2: 办结 is the solution given; its execution is timed on its own. "
        "Tickets resolved on the spot are left out",
    ),
    "mean": ("平均", "mean"),
    "median": ("中位数", "median"),
    "wall": ("自然时间", "wall clock"),
    "business": ("工作时间", "business time"),
    "pending_frt": ("尚未响应", "awaiting a first response"),
    "pending_aht": ("本月受理仍未解决", "received this month, still open"),
    "fcr": ("当场解决率（咨询、表扬 resolve_now）", "Resolved on the spot (resolve_now)"),
    "complaint_fcr": ("一次性解决率（投诉，种子 001）", "First contact resolution (complaints)"),
    "complaint_fcr_note": (
        "投诉在第一次沟通时解决：解决前至多一次联系客户、方案一次提出即被接受、"
        "客户无需再次来信、无转派、无重开",
        "complaints solved at first contact: at most one contact before resolution, the "
        "solution proposed once and accepted, no further customer message, no transfer, "
        "no reopen",
    ),
    "rate_complaints": ("{p}（{k}/本月解决投诉 {n} 件）", "{p} ({k} of {n} complaints resolved)"),
    "rounds": ("回访调查轮次", "Survey rounds"),
    "rounds_note": (
        "本月开始的回访轮次，数据截至月末。参与率=回答/发出；有效回收率=有效回答/发出",
        "rounds started this month, as of the month's end. Participation = answered / "
        "sent; valid-response rate = valid answers / sent",
    ),
    "round": ("轮次", "Round"),
    "stratum": ("分层", "Stratum"),
    "population": ("总体", "Population"),
    "sample": ("样本量", "Sample"),
    "sent": ("已发出", "Sent"),
    "answered": ("已回答", "Answered"),
    "refused": ("客户拒访", "Refused"),
    "valid": ("有效", "Valid"),
    "invalid": ("无效（原因）", "Invalid (reason)"),
    "flagged": ("待核实", "Flagged"),
    "participation": ("参与率", "Participation"),
    "valid_rate": ("有效回收率", "Valid-response rate"),
    "followups": ("二次回访（应访/已访）", "Second follow-ups (due/sent)"),
    "surveys_sent": ("本月发出问卷", "Questionnaires sent this month"),
    "surveys_sent_line": ("{a} 份首次回访，{b} 份二次回访", "{a} first, {b} second follow-ups"),
    "all_strata": ("合计", "All"),
    "duplicate": ("重复回访", "duplicate"),
    "not_sent": ("未发出即回答", "never sent"),
    "answered_before_sent": ("早于发出", "answered before sent"),
    "too_fast": ("用时过短", "too fast"),
    "same_answer": ("所有题同一分", "same answer to every question"),
    "rate_sent": ("{p}（{k}/{n}）", "{p} ({k} of {n})"),
    "suggestions": ("本月建议汇总（供产品/运营部）", "Suggestions of the month (for product)"),
    "survey_suggestions": ("回访中的改进建议", "Improvement suggestions from surveys"),
    "suggestions_note": (
        "本月受理的建议类反馈按分类汇总，另列回访中的改进建议",
        "suggestions received this month by category, and the improvement suggestions "
        "of this month's survey answers",
    ),
    "staff": ("员工通知", "Staff notifications"),
    "staff_note": (
        "本月排入发件箱的员工通知，按原因和收件人类型统计；客户的提前告知与超时致歉另列",
        "staff notifications queued this month, by cause and by kind of recipient; the "
        "customer's in-advance delay notices and overdue apologies below",
    ),
    "staff_cause": ("通知原因", "Cause"),
    "staff_routed": ("分派通知（路由指定的人员）", "Routed (as routing names)"),
    "staff_sla_alert": ("SLA 告警", "SLA alerts"),
    "staff_survey_reopened": ("回访不满意重开（客服主管）", "Reopened after an unsatisfied survey"),
    "staff_approval_waiting": ("方案待审批", "Solutions waiting for approval"),
    "staff_praise_forwarded": ("表扬转达被表扬员工", "Praise forwarded to the colleague"),
    "alerts_line": ("预警 {a}，超时 {b}，升级 {c}", "warnings {a}, breaches {b}, escalations {c}"),
    "recipient": ("收件人类型", "Recipient"),
    "recipient_role": ("岗位", "Role"),
    "recipient_department": ("部门", "Department"),
    "recipient_user": ("个人", "Named colleague"),
    "total": ("合计", "Total"),
    "delay_notices": ("提前告知客户延期", "Delay notices to customers, in advance"),
    "delay_line": (
        "{n} 次，其中 {k} 次为负责人承诺的新时间；告知后仍超时的工单 {b} 件",
        "{n}; with a time the assignee committed: {k}; tickets still breached after a notice: {b}",
    ),
    "apologies": ("超时致歉", "Overdue apologies"),
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
    "measured": ("计入工单", "Tickets measured"),
    "pending": ("未计入", "Not yet measurable"),
    # What each count counts, where it can differ from "tickets received".
    "received_note": (
        "按客户来信时间计入本月的工单（不含被合并的重复工单）",
        "tickets whose customer contact fell in this month (merged duplicates left out)",
    ),
    "resolved_note": (
        "本月解决的工单，含此前受理的",
        "resolved this month, including tickets received earlier",
    ),
    "frt_note": (
        "首次响应：本月受理且已响应的工单；未响应的列在右栏",
        "first response: tickets received this month that were answered; the "
        "unanswered are in the last column",
    ),
    "aht_note": (
        "处理时长：本月解决的工单（含此前受理的）；本月受理仍未解决的列在右栏",
        "handle time: tickets resolved this month, received earlier included; "
        "tickets received this month and still open are in the last column",
    ),
    "responses_note": (
        "本月记录的问卷回答，工单可能受理于此前各月",
        "survey answers recorded this month, for tickets of any month",
    ),
    "finished_note": (
        "本月结束（达标或超时）的计时，含此前受理的工单；仍在计时、已取消的不计，"
        "一张工单重开后可有多个计时",
        "clocks that finished (met or breached) this month, tickets received "
        "earlier included; running and cancelled clocks are not counted, and a "
        "reopened ticket can have more than one",
    ),
    "backlog_note": (
        "期末仍未办结的工单，含此前各月受理的",
        "tickets still open at the period's end, received in any month",
    ),
    # Every percentage with its base.
    "share_received": ("占本月受理 {n} 件", "share of the {n} tickets received"),
    "share_backlog": ("占积压 {n} 件", "share of the {n} open tickets"),
    "top3_share": (
        "{p}，占本月有分类的投诉、建议、咨询 {n} 件",
        "{p} of the {n} complaints, suggestions and inquiries with a category",
    ),
    "rate_resolved": ("{p}（{k}/本月解决 {n} 件）", "{p} ({k} of {n} tickets resolved)"),
    "rate_answers": ("{p}（{k}/{n} 份回答）", "{p} ({k} of {n} answers)"),
    "rate_finished": ("{p}（{k}/{n} 个已结束计时）", "{p} ({k} of {n} finished clocks)"),
    "of_resolved": ("占本月解决 {n} 件", "of {n} tickets resolved"),
    "of_complaints": ("占本月解决投诉 {n} 件", "of {n} complaints resolved"),
    "of_answers": ("占 {n} 份回答", "of {n} answers"),
}


def check_lang(lang: str) -> int:
    if lang not in LANGS:
        raise ValidationError(f"lang must be 'zh' or 'en', got {lang!r}", field="lang")
    return LANGS.index(lang)


def word(key: str, lang: str) -> str:
    return TEXT[key][check_lang(lang)]


def value(key: str, lang: str, labels: Labels | None = None) -> str:
    """A vocabulary code as a reader sees it (codes without a label pass through)."""
    return (labels or DEFAULT_LABELS).label(key, lang)


def phrase(key: str, lang: str, **numbers: object) -> str:
    """A sentence of :data:`TEXT` with its numbers filled in."""
    return word(key, lang).format(**numbers)


def redact(text: str, limit: int = 80) -> str:
    """Customer text for a report: contacts masked, one line, at most ``limit`` characters."""
    text = " ".join(redact_contacts(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def percent(share: float | None) -> str:
    return "—" if share is None else f"{100 * share:.1f}%"


def rate(value: Rate, base: str, lang: str) -> str:
    """``12.5% (40 of 320 tickets resolved)``: a percentage never travels without its base."""
    if not value.denominator:
        return "—"
    return phrase(base, lang, p=percent(value.value), k=value.numerator, n=value.denominator)
