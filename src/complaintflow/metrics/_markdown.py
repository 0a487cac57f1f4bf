"""The monthly report as Markdown (zh-CN or English headings)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from complaintflow.durations import format_duration
from complaintflow.metrics import _labels as lb
from complaintflow.metrics import _sections as seeds
from complaintflow.metrics._values import Durations, Rate
from complaintflow.metrics.labels import Labels

if TYPE_CHECKING:
    from complaintflow.metrics.report import MonthlyReport

_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")


def md(text: str) -> str:
    """Text from outside (customers, host names) that renders as itself, HTML included."""
    return _SPECIAL.sub(r"\\\1", lb.escape(text))


def _table(head: Iterable[str], rows: Iterable[Iterable[object]]) -> list[str]:
    head = list(head)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return [*lines, ""]


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _shares(
    counts: Mapping[str, int], lang: str, labels: Labels | None
) -> list[tuple[str, int, str]]:
    total = sum(counts.values())
    return [
        (md(lb.value(key, lang, labels)), n, lb.percent(n / total if total else None))
        for key, n in counts.items()
    ]


def render(report: MonthlyReport, lang: str, labels: Labels | None = None) -> str:
    lb.check_lang(lang)

    def w(key: str) -> str:
        return lb.word(key, lang)

    def dur(span: dt.timedelta | None) -> str:
        return format_duration(span, lang)

    def rate(value: Rate, base: str) -> str:
        return lb.rate(value, base, lang)

    def name(code: str) -> str:
        return md(lb.value(code, lang, labels))

    title = lb.TEXT["title"]
    out = (
        [f"# 《{title[0]}》 {report.label}", "", f"*{title[1]}*", ""]
        if lang == "zh"
        else [f"# {title[1]} — {report.label}", "", f"《{title[0]}》", ""]
    )
    start, end = report.period.start, report.period.end
    out += [
        f"{w('period')}: {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} ({report.zone}); "
        f"{w('policy')}: {md(report.policy_version)}",
        "",
    ]

    out += [f"## {w('overview')}", ""]
    sat = report.satisfaction
    out += _table(
        ["", "", ""],
        [
            (w("received"), report.received, w("received_note")),
            (w("resolved"), report.resolved, w("resolved_note")),
            (
                f"{w('frt')} ({w('mean')}, {w('business')})",
                dur(report.first_response.business.mean),
                "",
            ),
            (f"{w('aht')} ({w('mean')}, {w('wall')})", dur(report.handle_time.wall.mean), ""),
            *(
                (f"{w(key)} ({w('mean')}, {w('wall')})", dur(d.wall.mean), "")
                for key, d, _ in seeds.durations(report)[:1]
            ),
            (w("complaint_fcr"), lb.rate(report.complaint_fcr, "rate_complaints", lang), ""),
            (w("fcr"), rate(report.first_contact_resolution, "rate_resolved"), ""),
            (w("no_handoff"), rate(report.resolved_without_handoff, "rate_resolved"), ""),
            (w("reopen"), rate(report.reopen_rate, "rate_resolved"), ""),
            (w("csat"), rate(sat.csat, "rate_answers"), w("responses_note")),
            (w("nps"), _number(sat.nps), lb.phrase("of_answers", lang, n=sat.nps_answers)),
            (w("ces"), _number(sat.ces, 2), lb.phrase("of_answers", lang, n=sat.ces_answers)),
            (w("backlog"), report.backlog.total, w("backlog_note")),
        ],
    )

    out += [f"## {w('frt')} / {w('aht')}", ""]

    def times(key: str, d: Durations, pending: str | None) -> list[object]:
        return [
            w(key),
            dur(d.wall.mean),
            dur(d.wall.median),
            dur(d.business.mean),
            dur(d.business.median),
            d.wall.count,
            f"{d.pending} {w(pending)}" if pending else "",
        ]

    out += _table(
        [
            "",
            f"{w('mean')} ({w('wall')})",
            f"{w('median')} ({w('wall')})",
            f"{w('mean')} ({w('business')})",
            f"{w('median')} ({w('business')})",
            w("measured"),
            w("pending"),
        ],
        [
            times("frt", report.first_response, "pending_frt"),
            times("aht", report.handle_time, "pending_aht"),
            *(times(*row) for row in seeds.durations(report)),
        ],
    )
    out += [f"*{w('frt_note')}; {w('aht_note')}*", ""]
    for note in ("aht_closed_note", "solution_note", "complaint_fcr_note"):
        out += [f"*{w(note)}*", ""]

    out += [f"## {w('satisfaction')}", "", f"*{w('responses_note')}*", ""]
    out += _table(
        [w("responses"), w("csat"), w("nps"), w("ces")],
        [(sat.responses, rate(sat.csat, "rate_answers"), _number(sat.nps), _number(sat.ces, 2))],
    )
    out += [f"{w('levels')}: " + ", ".join(f"{name(key)} {n}" for key, n in sat.levels.items()), ""]
    out += [f"### {w('trend')}", ""]
    out += _table(
        [w("week"), w("responses"), w("csat"), w("nps"), w("ces")],
        [
            (
                f"{p.period.start:%m-%d}–{p.period.end.subtract(microseconds=1):%m-%d}",
                p.satisfaction.responses,
                rate(p.satisfaction.csat, "rate_answers"),
                _number(p.satisfaction.nps),
                _number(p.satisfaction.ces, 2),
            )
            for p in report.trend
        ],
    )

    out += [f"### {w('rounds')}", "", f"*{w('rounds_note')}*", ""]
    out += [md(seeds.sent_line(report, lang)), ""]
    head, rows = seeds.rounds(report, lang)
    out += _table(head, [[md(str(cell)) for cell in row] for row in rows]) if rows else []

    out += [f"## {w('sla')}", "", f"*{w('finished')}: {w('finished_note')}*", ""]
    out += _table(
        ["", w("finished"), w("sla_asis"), w("sla_strict"), w("overdue_open")],
        [
            (
                name(c.metric),
                c.finished,
                rate(c.rate, "rate_finished"),
                rate(c.rate_pauses_running, "rate_finished"),
                c.overdue_open,
            )
            for c in report.sla
        ],
    )

    causes, whom, customer = seeds.staff(report, lang)
    out += [f"## {w('staff')}", "", f"*{w('staff_note')}*", ""]
    out += _table([w("staff_cause"), w("count"), ""], causes)
    out += _table([w("recipient"), w("count")], whom)
    out += [f"- {label}: {text}" for label, text in customer] + [""]

    problems = sum(report.problem_categories.values()) - report.problem_categories.get(
        "unclassified", 0
    )
    out += [f"## {w('top3')}", "", f"*{w('top3_note')}*", ""]
    for rank, top in enumerate(report.top3, 1):
        share = lb.phrase("top3_share", lang, p=lb.percent(top.share), n=problems)
        out.append(
            f"{rank}. **{name(top.category)}** — {top.count} ({share}); "
            f"{w('example')} {md(top.example_number)}: “{md(top.example)}”"
        )
    out += ["" if report.top3 else w("none"), ""]

    out += [f"## {w('suggestions')}", "", f"*{w('suggestions_note')}*", ""]
    for label, count, examples in seeds.suggestions(report, lang, labels):
        out.append(f"- **{md(label)}** — {count}")
        out += [f"  - {md(number)}: “{md(text)}”" for number, text in examples]
    out += ["" if report.suggestions else w("none"), ""]

    out += [f"## {w('distributions')}", ""]
    of_received = lb.phrase("share_received", lang, n=report.received)
    for dimension, counts in report.distributions.items():
        out += [f"### {w(dimension)}", ""]
        out += _table([w(dimension), w("count"), of_received], _shares(counts, lang, labels))

    backlog = report.backlog
    out += [f"## {w('backlog')}", "", f"{w('count')}: {backlog.total} ({w('backlog_note')})", ""]
    out += _table(
        [w("status"), w("count"), lb.phrase("share_backlog", lang, n=backlog.total)],
        _shares(backlog.by_status, lang, labels),
    )
    out += _table([w("age"), w("count")], list(backlog.by_age.items()))
    return "\n".join(out).rstrip() + "\n"
