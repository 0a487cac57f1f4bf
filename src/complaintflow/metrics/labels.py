"""What a reader sees for a stored value, in zh-CN and English.

Tickets store codes (``logistics.timeliness``, ``basically_satisfied``,
``warehouse_logistics``) so that reports, rules and databases agree; a
person reading the monthly report should see 物流-时效 or "Logistics –
delivery time" instead.  :class:`Labels` is that catalogue: every kind,
category, satisfaction level, status, channel and priority of the
vocabulary, the departments of the default router, and whatever a host
adds (its own departments above all, which no library can know)::

    labels = Labels.default().with_departments({"after_sales": ("售后服务部", "After-sales")})
    html = report.to_html("en", labels=labels)

A code without a label shows as itself, so a new department is never
hidden, only untranslated.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from complaintflow.errors import ValidationError

__all__ = ["DEFAULT_LABELS", "Labels"]

Pair = tuple[str, str]

KINDS: dict[str, Pair] = {
    "complaint": ("投诉", "Complaint"),
    "suggestion": ("建议", "Suggestion"),
    "inquiry": ("咨询", "Inquiry"),
    "praise": ("表扬", "Praise"),
}
CATEGORIES: dict[str, Pair] = {
    "product.quality": ("产品-质量", "Product – quality"),
    "product.design": ("产品-设计", "Product – design"),
    "product.mismatch": ("产品-与描述不符", "Product – not as described"),
    "service.attitude": ("服务-态度", "Service – attitude"),
    "service.competence": ("服务-专业能力", "Service – competence"),
    "service.process": ("服务-流程", "Service – process"),
    "logistics.timeliness": ("物流-时效", "Logistics – delivery time"),
    "logistics.package": ("物流-破损丢件", "Logistics – damaged or lost"),
    "logistics.courier": ("物流-快递员", "Logistics – courier"),
    "billing.price": ("费用-价格", "Billing – price"),
    "billing.payment": ("费用-支付", "Billing – payment"),
    "billing.invoice": ("费用-发票", "Billing – invoice"),
    "policy.warranty": ("政策-保修", "Policy – warranty"),
    "policy.refund_rules": ("政策-退款规则", "Policy – refund rules"),
    "policy.campaign_terms": ("政策-活动条款", "Policy – campaign terms"),
}
CHANNELS: dict[str, Pair] = {
    "phone": ("电话", "Phone"),
    "email": ("邮件", "Email"),
    "social": ("社交媒体", "Social media"),
    "chat": ("在线客服", "Online chat"),
    "marketplace": ("电商评价", "Marketplace review"),
    "store": ("门店", "Store"),
    "survey": ("问卷", "Survey"),
    "other": ("其他", "Other"),
}
PRIORITIES: dict[str, Pair] = {
    "P1": ("P1 紧急", "P1 urgent"),
    "P2": ("P2 高", "P2 high"),
    "P3": ("P3 中", "P3 normal"),
    "P4": ("P4 低", "P4 low"),
}
STATUSES: dict[str, Pair] = {
    "received": ("已受理", "Received"),
    "triaged": ("已分类", "Triaged"),
    "assigned": ("已分派", "Assigned"),
    "investigating": ("处理中", "Investigating"),
    "awaiting_approval": ("待审批", "Awaiting approval"),
    "awaiting_customer": ("待客户确认", "Awaiting the customer"),
    "executing": ("执行中", "Executing"),
    "resolved": ("已解决", "Resolved"),
    "closed": ("已关闭", "Closed"),
    "merged": ("已合并", "Merged"),
    "withdrawn": ("已撤回", "Withdrawn"),
}
LEVELS: dict[str, Pair] = {
    "satisfied": ("满意", "Satisfied"),
    "basically_satisfied": ("基本满意", "Basically satisfied"),
    "unsatisfied": ("不满意", "Unsatisfied"),
}
#: The queues of ``Router.default()`` and the simulated office.
DEPARTMENTS: dict[str, Pair] = {
    "customer_service": ("客服中心", "Customer service"),
    "finance": ("财务部", "Finance"),
    "technical_support": ("技术支持部", "Technical support"),
    "warehouse_logistics": ("仓储物流部", "Warehouse & logistics"),
    "quality": ("质量部", "Quality"),
}
#: Keys the report uses for a missing value, and the SLA metrics.
OTHERS: dict[str, Pair] = {
    "unclassified": ("未分类", "Unclassified"),
    "unassigned": ("未分派", "Unassigned"),
    "first_response": ("首次响应", "First response"),
    "resolution": ("解决", "Resolution"),
}

_GROUPS = {
    "kind": KINDS,
    "category": CATEGORIES,
    "channel": CHANNELS,
    "priority": PRIORITIES,
    "status": STATUSES,
    "level": LEVELS,
    "department": DEPARTMENTS,
    "other": OTHERS,
}


def _pairs(value: Mapping[str, Pair]) -> Mapping[str, Pair]:
    checked: dict[str, Pair] = {}
    for code, pair in value.items():
        if (
            not isinstance(code, str)
            or not code
            or not isinstance(pair, tuple)
            or len(pair) != 2
            or not all(isinstance(p, str) and p.strip() for p in pair)
        ):
            raise ValidationError(
                f"a label is a code and a (zh, en) pair of non-empty texts, got {code!r}: {pair!r}",
                field="labels",
            )
        checked[code] = pair
    return checked


@attrs.frozen
class Labels:
    """Codes to ``(zh, en)`` texts; :meth:`default` has the whole vocabulary."""

    pairs: Mapping[str, Pair] = attrs.field(converter=_pairs)

    @classmethod
    def default(cls) -> Labels:
        return DEFAULT_LABELS

    def with_departments(self, departments: Mapping[str, Pair]) -> Labels:
        """These departments' names added (or replacing the default ones)."""
        return self.extend(departments)

    def extend(self, pairs: Mapping[str, Pair]) -> Labels:
        """A copy with ``pairs`` added; a code already labelled takes the new label."""
        return Labels({**self.pairs, **_pairs(pairs)})

    def label(self, code: str, lang: str) -> str:
        """The reader's text for ``code`` in ``lang`` (``zh``/``en``); unknown codes as is."""
        if lang not in ("zh", "en"):
            raise ValidationError(f"lang must be 'zh' or 'en', got {lang!r}", field="lang")
        pair = self.pairs.get(code)
        return code if pair is None else pair[lang == "en"]

    @staticmethod
    def group(name: str) -> Mapping[str, Pair]:
        """The default labels of one group: ``kind``, ``category``, ``channel``, ``priority``,
        ``status``, ``level``, ``department`` or ``other``."""
        return _GROUPS[name]


DEFAULT_LABELS = Labels({code: pair for group in _GROUPS.values() for code, pair in group.items()})
