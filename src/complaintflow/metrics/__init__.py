"""KPIs and the monthly report, computed from event logs only (SPEC §2.7).

Pure functions: logs and a :class:`Period` in, values out; nothing is read
from a store or a clock.  :func:`monthly_report` bundles every KPI of one
month into a :class:`MonthlyReport` that renders as data, Markdown and a
self-contained HTML page.  See ``docs/metrics.md`` for the definitions.
"""

from complaintflow.metrics._facts import Period
from complaintflow.metrics._values import (
    Backlog,
    Compliance,
    Durations,
    Rate,
    Satisfaction,
    TimeStats,
    TrendPoint,
)
from complaintflow.metrics.kpis import (
    AGE_BUCKETS,
    DIMENSIONS,
    PROBLEM_KINDS,
    backlog,
    distribution,
    first_contact_resolution,
    first_response_time,
    handle_time,
    reopen_rate,
    resolved_without_handoff,
    satisfaction,
    satisfaction_trend,
    sla_compliance,
    top_categories,
)
from complaintflow.metrics.labels import DEFAULT_LABELS, Labels
from complaintflow.metrics.report import MonthlyReport, TopProblem, monthly_report

__all__ = [
    "AGE_BUCKETS",
    "DEFAULT_LABELS",
    "DIMENSIONS",
    "PROBLEM_KINDS",
    "Backlog",
    "Compliance",
    "Durations",
    "Labels",
    "MonthlyReport",
    "Period",
    "Rate",
    "Satisfaction",
    "TimeStats",
    "TopProblem",
    "TrendPoint",
    "backlog",
    "distribution",
    "first_contact_resolution",
    "first_response_time",
    "handle_time",
    "monthly_report",
    "reopen_rate",
    "resolved_without_handoff",
    "satisfaction",
    "satisfaction_trend",
    "sla_compliance",
    "top_categories",
]
