"""The built-in wording of every notification, zh-CN and English: the customer's
nodes, the staff's notifications, the in-advance notice and the per-kind replies.

Kept apart from :mod:`complaintflow.service.notifications` so that module
stays readable; keys are the :class:`~complaintflow.service.notifications.NotificationKind`
values (and, for :data:`BY_FEEDBACK`, ``(kind, feedback kind)`` pairs), so
this module imports nothing.  Hosts override any of them through
:class:`~complaintflow.service.notifications.Templates`.

Staff wording names the ticket, its classification and a *redacted*
summary; the customer appears as a masked id and contact, never raw.
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["BY_FEEDBACK", "CUSTOMER", "MORE"]

#: The customer's five nodes and the staff's SLA alert, by language and kind value.
CUSTOMER: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "zh-CN": {
        "accepted": (
            "您的反馈已受理（{number}）",
            "您好，您的反馈已受理，工单号 {number}。我们将在 {expected} 前与您联系，感谢您的反馈！",
        ),
        "in_progress": (
            "工单 {number} 处理中",
            "您好，工单 {number} 已由{department}处理中，预计 {expected} 前给出解决方案。",
        ),
        "solution_ready": (
            "工单 {number} 的解决方案",
            "您好，针对工单 {number}，我们的解决方案是：{solution}。请确认是否接受。",
        ),
        "overdue_apology": (
            "工单 {number} 处理延迟致歉",
            "非常抱歉，工单 {number} 的处理超出了承诺时间。我们正在加紧处理，"
            "新的预计完成时间为 {expected}。",
        ),
        "sla_alert": (
            "工单 {number}：{metric} {alert}",
            "工单 {number} 的 {metric} 时限为 {expected}（{remaining}），现已{alert}；"
            "请 {role} 跟进。",
        ),
        "result": (
            "工单 {number} 已办结",
            "您好，工单 {number} 已处理完毕：{result}。如有疑问，欢迎随时联系我们。",
        ),
    },
    "en": {
        "accepted": (
            "We have received your feedback ({number})",
            "Hello, we have recorded your feedback as ticket {number} and will contact you "
            "by {expected}. Thank you for telling us.",
        ),
        "in_progress": (
            "Ticket {number} is in progress",
            "Hello, ticket {number} is being handled by {department}; we expect to propose "
            "a solution by {expected}.",
        ),
        "solution_ready": (
            "A solution for ticket {number}",
            "Hello, for ticket {number} we propose: {solution}. Please tell us whether you "
            "accept it.",
        ),
        "overdue_apology": (
            "Ticket {number} is late: our apologies",
            "We are sorry that ticket {number} has taken longer than we promised. We are "
            "working on it and now expect to finish by {expected}.",
        ),
        "sla_alert": (
            "Ticket {number}: {metric} {alert}",
            "Ticket {number}: {metric} is due {expected} ({remaining}) and has reached "
            "{alert}; {role}, please follow up.",
        ),
        "result": (
            "Ticket {number} is resolved",
            "Hello, ticket {number} is resolved: {result}. Contact us any time if anything "
            "is unclear.",
        ),
    },
}

#: Staff kinds and the in-advance notice, by language and kind value.
MORE: Mapping[str, Mapping[str, tuple[str, str]]] = {
    "zh-CN": {
        "routed": (
            "工单 {number} 请您跟进（{priority} {category}）",
            "工单 {number}（{category}，{priority}）已分派至{department}，负责人：{assignee}。"
            "客户：{customer}。内容摘要：{summary}。请及时处理。",
        ),
        "survey_reopened": (
            "工单 {number} 客户不满意，已重新打开",
            "客户对工单 {number} 的处理结果不满意（{reason}），工单已重新打开，由 {assignee} "
            "跟进。请客服主管牵头分析原因、调整解决方案。",
        ),
        "approval_waiting": (
            "工单 {number} 的解决方案待审批",
            "工单 {number} 的解决方案（{solution}）需要 {role} 审批，请尽快处理。",
        ),
        "praise_forwarded": (
            "客户表扬：工单 {number}",
            "客户 {customer} 在工单 {number} 中表扬了您：{summary}。感谢您的付出！",
        ),
        "delay_notice": (
            "工单 {number} 处理时间说明",
            "您好，工单 {number} 的处理预计将超过原先承诺的时间（{promised}）。{reason}"
            "新的预计完成时间为 {expected}，给您带来不便，敬请谅解。",
        ),
    },
    "en": {
        "routed": (
            "Ticket {number} needs you ({priority} {category})",
            "Ticket {number} ({category}, {priority}) went to {department}, owner: {assignee}. "
            "Customer: {customer}. Summary: {summary}. Please follow up.",
        ),
        "survey_reopened": (
            "Ticket {number} reopened: the customer is unsatisfied",
            "The customer is unsatisfied with the outcome of ticket {number} ({reason}); the "
            "ticket is open again and {assignee} follows it up. Supervisor, please lead the "
            "review and adjust the solution.",
        ),
        "approval_waiting": (
            "Ticket {number}: a solution awaits approval",
            "The solution for ticket {number} ({solution}) needs approval by {role}; please "
            "decide soon.",
        ),
        "praise_forwarded": (
            "Praise from a customer: ticket {number}",
            "Customer {customer} praised you in ticket {number}: {summary}. Thank you!",
        ),
        "delay_notice": (
            "Ticket {number}: a new expected time",
            "Hello, ticket {number} will take longer than we promised ({promised}). {reason}"
            "We now expect to finish by {expected}. We are sorry for the wait.",
        ),
    },
}

#: Seed 000 §2.3.3: the reply differs per kind of feedback.  ``(kind, feedback kind)``.
BY_FEEDBACK: Mapping[str, Mapping[tuple[str, str], tuple[str, str]]] = {
    "zh-CN": {
        ("accepted", "complaint"): (
            "您的投诉已受理（{number}）",
            "给您带来不便，我们已记录您的问题（工单号 {number}），将在 {expected} 前联系您处理，"
            "感谢您的反馈！",
        ),
        ("accepted", "suggestion"): (
            "感谢您的建议（{number}）",
            "感谢您的宝贵建议（工单号 {number}），我们将整理后反馈给相关部门，"
            "如有进展会及时同步您。",
        ),
        ("accepted", "inquiry"): (
            "您的咨询已收到（{number}）",
            "您的问题已知晓（工单号 {number}），我们将在 {expected} 前为您解答，"
            "如有疑问，欢迎随时联系我们。",
        ),
        ("accepted", "praise"): (
            "感谢您的表扬（{number}）",
            "感谢您的认可与表扬（工单号 {number}），我们已记录并将转达给相关同事。",
        ),
        ("result", "complaint"): (
            "工单 {number} 已办结",
            "您好，您反馈的问题（工单 {number}）已处理完毕：{result}。"
            "再次为给您带来的不便致歉，感谢您的耐心与理解。",
        ),
        ("result", "suggestion"): (
            "工单 {number}：您的建议已处理",
            "感谢您的宝贵建议（工单 {number}）：{result}。我们已反馈给相关部门，"
            "如有进展会及时同步您。",
        ),
        ("result", "inquiry"): (
            "工单 {number}：您的咨询已解答",
            "您的问题已知晓，解答如下：{result}。如有疑问，欢迎随时联系我们。",
        ),
        ("result", "praise"): (
            "工单 {number}：感谢您的表扬",
            "感谢您的认可（工单 {number}）：{result}。您的表扬已转达给相关同事。",
        ),
    },
    "en": {
        ("accepted", "complaint"): (
            "We have recorded your complaint ({number})",
            "We are sorry for the trouble. We have recorded your problem as ticket {number} "
            "and will contact you by {expected}. Thank you for telling us.",
        ),
        ("accepted", "suggestion"): (
            "Thank you for your suggestion ({number})",
            "Thank you for your suggestion (ticket {number}). We will pass it on to the "
            "teams concerned and let you know when something comes of it.",
        ),
        ("accepted", "inquiry"): (
            "We have your question ({number})",
            "We have your question (ticket {number}) and will answer by {expected}. Contact "
            "us any time if anything is unclear.",
        ),
        ("accepted", "praise"): (
            "Thank you for your kind words ({number})",
            "Thank you for your praise (ticket {number}). We have recorded it and will pass "
            "it on to the colleagues concerned.",
        ),
        ("result", "complaint"): (
            "Ticket {number} is resolved",
            "Hello, the problem you reported (ticket {number}) is resolved: {result}. Our "
            "apologies again for the trouble, and thank you for your patience.",
        ),
        ("result", "suggestion"): (
            "Ticket {number}: your suggestion",
            "Thank you for your suggestion (ticket {number}): {result}. We passed it on to "
            "the teams concerned and will keep you posted.",
        ),
        ("result", "inquiry"): (
            "Ticket {number}: the answer to your question",
            "Here is the answer to your question: {result}. Contact us any time if anything "
            "is unclear.",
        ),
        ("result", "praise"): (
            "Ticket {number}: thank you",
            "Thank you for your kind words (ticket {number}): {result}. We passed your "
            "praise on to the colleagues concerned.",
        ),
    },
}
