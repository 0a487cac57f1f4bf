"""The monthly report, 《客户反馈月度报告》 (seed 000 §2.5.1; seed 001 FAQ 2).

:func:`monthly_report` computes every KPI of :mod:`.kpis` for one calendar
month in one zone, reading each log up to the end of the month, so the
report of a past month never changes.  The :class:`MonthlyReport` renders
as data (:meth:`~MonthlyReport.to_dict`, JSON-safe), Markdown and a
self-contained HTML page with inline SVG charts.  Customer text appears
only as short, escaped excerpts with contact details masked; contact data
of the customer record is never read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from complaintflow.domain.events import Event
from complaintflow.metrics import _labels as lb
from complaintflow.metrics import kpis as k
from complaintflow.metrics._digest import SuggestionGroup, suggestions_of
from complaintflow.metrics._facts import Period, TicketFacts, collect
from complaintflow.metrics._handling import (
    SolutionTimes,
    aht_closed_of,
    complaint_fcr_of,
    solution_times_of,
)
from complaintflow.metrics._rounds import RoundFigures, SurveyRound, rounds_of, sent_in
from complaintflow.metrics._staff import StaffNotices, staff_notices_of
from complaintflow.metrics.labels import Labels
from complaintflow.sla.targets import BusinessTime

__all__ = ["MonthlyReport", "TopProblem", "monthly_report"]


@attrs.frozen
class TopProblem:
    """One of the top-3 categories, with an example in the customer's words (redacted)."""

    category: str
    count: int
    share: float
    example_number: str
    example: str


@attrs.frozen
class MonthlyReport:
    """Every KPI of one month; see :mod:`complaintflow.metrics.kpis` for definitions."""

    year: int
    month: int
    zone: str
    period: Period
    policy_version: str
    received: int
    resolved: int
    first_response: k.Durations
    handle_time: k.Durations
    first_contact_resolution: k.Rate
    resolved_without_handoff: k.Rate
    reopen_rate: k.Rate
    satisfaction: k.Satisfaction
    trend: tuple[k.TrendPoint, ...]
    sla: tuple[k.Compliance, ...]
    backlog: k.Backlog
    distributions: Mapping[str, Mapping[str, int]]
    problem_categories: Mapping[str, int]
    top3: tuple[TopProblem, ...]
    #: Seed 001 FAQ 2's FCR: complaints solved at first contact (metrics._handling).
    complaint_fcr: k.Rate = attrs.field(factory=lambda: k.Rate(0, 0))
    #: Seed 001 FAQ 2's AHT: ticket created → final close.
    handle_time_closed: k.Durations | None = None
    #: Seed 000 §2.3.2: receipt → solution given (办结), and its execution.
    solution_times: SolutionTimes | None = None
    #: Seed 003: the survey rounds started this month, and questionnaires sent
    #: this month (first sends, second follow-ups).
    survey_rounds: tuple[SurveyRound, ...] = ()
    surveys_sent: tuple[int, int] = (0, 0)
    #: Seed 000 §2.3.1: the month's suggestions for the product team.
    suggestions: tuple[SuggestionGroup, ...] = ()
    #: Issue 13: staff notifications queued this month, and the customer's delay
    #: notices and apologies (metrics._staff).
    staff_notices: StaffNotices = attrs.field(factory=StaffNotices.empty)

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def to_dict(self) -> dict[str, Any]:
        """Plain data: numbers, strings, lists and dicts; ``json.dumps`` takes it as is."""
        return {
            "report": "customer_feedback_monthly",
            "month": self.label,
            "zone": self.zone,
            "period": _period(self.period),
            "policy_version": self.policy_version,
            "received": self.received,
            "resolved": self.resolved,
            "first_response": _durations(self.first_response),
            "handle_time": _durations(self.handle_time),
            "first_contact_resolution": _rate(self.first_contact_resolution),
            "resolved_without_handoff": _rate(self.resolved_without_handoff),
            "reopen_rate": _rate(self.reopen_rate),
            "satisfaction": _satisfaction(self.satisfaction),
            "trend": [
                {"period": _period(p.period), "satisfaction": _satisfaction(p.satisfaction)}
                for p in self.trend
            ],
            "sla": [_compliance(c) for c in self.sla],
            "backlog": {
                "at": self.backlog.at.isoformat(),
                "total": self.backlog.total,
                "by_status": dict(self.backlog.by_status),
                "by_age": dict(self.backlog.by_age),
            },
            "distributions": {name: dict(d) for name, d in self.distributions.items()},
            "problem_categories": dict(self.problem_categories),
            "top3": [attrs.asdict(top) for top in self.top3],
            **_seed_figures(self),
        }

    def to_markdown(self, lang: str = "zh", *, labels: Labels | None = None) -> str:
        """Markdown with every section; ``lang`` is ``"zh"`` (default) or ``"en"``.

        ``labels`` names the codes (departments above all) as the host's
        readers know them; the default catalogue covers the vocabulary.
        """
        from complaintflow.metrics._markdown import render

        return render(self, lang, labels)

    def to_html(self, lang: str = "zh", *, labels: Labels | None = None) -> str:
        """A self-contained HTML page: inline CSS and SVG charts, no script, no fetches."""
        from complaintflow.metrics._html import render

        return render(self, lang, labels)


def _seconds(span: dt.timedelta | None) -> float | None:
    return None if span is None else span.total_seconds()


def _period(period: Period) -> dict[str, str]:
    return {"start": period.start.isoformat(), "end": period.end.isoformat()}


def _stats(stats: k.TimeStats) -> dict[str, Any]:
    return {
        "count": stats.count,
        "mean_seconds": _seconds(stats.mean),
        "median_seconds": _seconds(stats.median),
    }


def _durations(d: k.Durations) -> dict[str, Any]:
    return {"wall": _stats(d.wall), "business": _stats(d.business), "pending": d.pending}


def _rate(rate: k.Rate) -> dict[str, Any]:
    return {"numerator": rate.numerator, "denominator": rate.denominator, "value": rate.value}


def _satisfaction(s: k.Satisfaction) -> dict[str, Any]:
    return {
        "responses": s.responses,
        "csat": _rate(s.csat),
        "nps": s.nps,
        "nps_answers": s.nps_answers,
        "promoters": s.promoters,
        "passives": s.passives,
        "detractors": s.detractors,
        "ces": s.ces,
        "ces_answers": s.ces_answers,
        "levels": dict(s.levels),
    }


def _compliance(c: k.Compliance) -> dict[str, Any]:
    return {
        "metric": c.metric,
        "finished": c.finished,
        "met": c.met,
        "met_pauses_running": c.met_pauses_running,
        "overdue_open": c.overdue_open,
        "rate": c.rate.value,
        "rate_pauses_running": c.rate_pauses_running.value,
    }


def _seed_figures(report: MonthlyReport) -> dict[str, Any]:
    """The figures issue 13 added: seed 001's FCR and AHT, 办结, surveys, suggestions, notices."""
    times = report.solution_times
    return {
        "complaint_first_contact_resolution": _rate(report.complaint_fcr),
        "handle_time_closed": (
            None if report.handle_time_closed is None else _durations(report.handle_time_closed)
        ),
        "solution_given": None if times is None else _durations(times.to_solution),
        "execution": None if times is None else _durations(times.execution),
        "surveys_sent": {"first": report.surveys_sent[0], "followups": report.surveys_sent[1]},
        "survey_rounds": [
            {
                "round": r.round,
                "strata": [_round_figures(f) for f in r.strata],
                "total": _round_figures(r.total),
            }
            for r in report.survey_rounds
        ],
        "suggestions": [
            {
                "category": g.category,
                "count": g.count,
                "examples": [{"number": n, "text": t} for n, t in g.examples],
            }
            for g in report.suggestions
        ],
        "staff_notifications": _staff(report.staff_notices),
    }


def _staff(s: StaffNotices) -> dict[str, Any]:
    return {
        "total": s.total,
        "by_kind": dict(s.by_kind),
        "sla_alerts": dict(s.alerts),
        "by_recipient": dict(s.by_recipient),
        "delay_notices": {
            "sent": s.delay_notices,
            "committed_time": s.committed,
            "breached_after": s.breached_after_notice,
        },
        "overdue_apologies": s.apologies,
    }


def _round_figures(f: RoundFigures) -> dict[str, Any]:
    return {
        **{key: value for key, value in attrs.asdict(f).items() if key != "invalid"},
        "invalid": dict(f.invalid),
        "participation": _rate(f.participation),
        "valid_rate": _rate(f.valid_rate),
    }


def _top3(items: Sequence[TicketFacts], period: Period) -> tuple[TopProblem, ...]:
    mine = k.received(items, period)
    problems = sum(f.ticket.kind in k.PROBLEM_KINDS and f.ticket.category is not None for f in mine)
    found = []
    for category, count in k.top_of(items, period, 3):
        first = min(
            (f for f in mine if f.ticket.category is category and f.ticket.kind in k.PROBLEM_KINDS),
            key=lambda f: f.received_at,
        )
        found.append(
            TopProblem(
                category.value,
                count,
                count / problems,
                first.ticket.number,
                lb.redact(first.ticket.description),
            )
        )
    return tuple(found)


def monthly_report(
    logs: Iterable[Sequence[Event]],
    *,
    year: int,
    month: int,
    zone: str,
    policy: k.Policies,
    calendar: BusinessTime,
) -> MonthlyReport:
    """The report of ``year-month`` in ``zone`` from the logs of every ticket.

    Pass all logs you have (older tickets matter for the backlog, resolution
    and SLA sections); ``policy`` is one :class:`~complaintflow.SlaPolicy`
    or a mapping of versions to policies, as for ``measure``.
    """
    period = Period.month(year, month, zone)
    items = collect(logs, period.end)
    version = policy.version if not isinstance(policy, Mapping) else ", ".join(sorted(policy))
    return MonthlyReport(
        year=year,
        month=month,
        zone=zone,
        period=period,
        policy_version=version,
        received=len(k.received(items, period)),
        resolved=len(k.resolved(items, period)),
        first_response=k.first_response_of(items, period, calendar),
        handle_time=k.handle_time_of(items, period, calendar),
        first_contact_resolution=k.fcr_of(items, period),
        resolved_without_handoff=k.no_handoff_of(items, period),
        reopen_rate=k.reopen_of(items, period),
        satisfaction=k.satisfaction_of(items, period),
        trend=tuple(k.TrendPoint(week, k.satisfaction_of(items, week)) for week in period.weeks()),
        sla=k.compliance_of(items, period, policy, calendar),
        backlog=k.backlog_of(items, period.end),
        distributions={name: k.distribution_of(items, period, name) for name in k.DIMENSIONS},
        problem_categories=k.distribution_of(items, period, "category", k.PROBLEM_KINDS),
        top3=_top3(items, period),
        complaint_fcr=complaint_fcr_of(items, period),
        handle_time_closed=aht_closed_of(items, period, calendar),
        solution_times=solution_times_of(items, period, calendar),
        survey_rounds=rounds_of(items, period),
        surveys_sent=sent_in(items, period),
        suggestions=suggestions_of(items, period),
        staff_notices=staff_notices_of(items, period),
    )
