"""The report's seed sections as rows, shared by the Markdown and HTML renderers.

Issue 13 added seed 001's FCR and AHT, seed 000's 办结 and execution times,
seed 003's survey rounds, seed 000's monthly suggestions digest and the
staff notifications with the customer's delay notices.  Each
renderer escapes the cells its own way; this module only chooses the words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintflow.metrics import _labels as lb
from complaintflow.metrics._digest import SURVEY_GROUP
from complaintflow.metrics._rounds import RoundFigures
from complaintflow.metrics._staff import RECIPIENTS, STAFF_KINDS
from complaintflow.metrics._values import Durations
from complaintflow.metrics.labels import Labels

if TYPE_CHECKING:
    from complaintflow.metrics.report import MonthlyReport

__all__ = ["Rows", "durations", "rates", "rounds", "staff", "suggestions"]

Rows = list[list[object]]


def durations(report: MonthlyReport) -> list[tuple[str, Durations, str | None]]:
    """(label key, durations, key of what ``pending`` counts) for the times table."""
    found: list[tuple[str, Durations, str | None]] = []
    if report.handle_time_closed is not None:
        found.append(("aht_closed", report.handle_time_closed, "pending_closed"))
    if report.solution_times is not None:
        found.append(("solution_given", report.solution_times.to_solution, None))
        found.append(("execution", report.solution_times.execution, None))
    return found


def rates(report: MonthlyReport, lang: str) -> Rows:
    return [
        [lb.word("complaint_fcr", lang), lb.rate(report.complaint_fcr, "rate_complaints", lang)]
    ]


def _figures(f: RoundFigures, lang: str) -> list[object]:
    invalid = ", ".join(f"{lb.word(reason, lang)} {n}" for reason, n in f.invalid.items())
    return [
        f.population,
        f.sample,
        f.sent,
        f.answered,
        f.refused,
        f.valid,
        f"{sum(f.invalid.values())}" + (f" ({invalid})" if invalid else ""),
        f.flagged,
        lb.rate(f.participation, "rate_sent", lang),
        lb.rate(f.valid_rate, "rate_sent", lang),
        f"{f.followups_due}/{f.followups_done}",
    ]


def rounds(report: MonthlyReport, lang: str) -> tuple[list[str], Rows]:
    """One row per stratum of every round, then the round's total."""
    head = [
        lb.word(key, lang)
        for key in (
            "round",
            "stratum",
            "population",
            "sample",
            "sent",
            "answered",
            "refused",
            "valid",
            "invalid",
            "flagged",
            "participation",
            "valid_rate",
            "followups",
        )
    ]
    rows: Rows = []
    for r in report.survey_rounds:
        rows += [[r.round, f.stratum, *_figures(f, lang)] for f in r.strata]
        rows.append([r.round, lb.word("all_strata", lang), *_figures(r.total, lang)])
    return head, rows


def sent_line(report: MonthlyReport, lang: str) -> str:
    first, second = report.surveys_sent
    line = lb.phrase("surveys_sent_line", lang, a=first, b=second)
    return f"{lb.word('surveys_sent', lang)}: {line}"


def suggestions(
    report: MonthlyReport, lang: str, labels: Labels | None
) -> list[tuple[str, int, tuple[tuple[str, str], ...]]]:
    """(category as readers know it, count, examples) per group, most frequent first."""

    def name(code: str) -> str:
        return (
            lb.word("survey_suggestions", lang)
            if code == SURVEY_GROUP
            else lb.value(code, lang, labels)
        )

    return [(name(g.category), g.count, g.examples) for g in report.suggestions]


def staff(report: MonthlyReport, lang: str) -> tuple[Rows, Rows, list[tuple[str, str]]]:
    """(rows by cause, rows by recipient, the customer's lines) of the staff section."""
    s = report.staff_notices
    alerts = lb.phrase(
        "alerts_line", lang, a=s.alerts["warning"], b=s.alerts["breach"], c=s.alerts["escalation"]
    )
    causes: Rows = [
        [lb.word(f"staff_{kind}", lang), s.by_kind[kind], alerts if kind == "sla_alert" else ""]
        for kind in STAFF_KINDS
    ]
    causes.append([lb.word("total", lang), s.total, ""])
    whom: Rows = [[lb.word(f"recipient_{kind}", lang), s.by_recipient[kind]] for kind in RECIPIENTS]
    line = lb.phrase(
        "delay_line", lang, n=s.delay_notices, k=s.committed, b=s.breached_after_notice
    )
    customer = [
        (lb.word("delay_notices", lang), line),
        (lb.word("apologies", lang), str(s.apologies)),
    ]
    return causes, whom, customer
