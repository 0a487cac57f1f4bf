"""The monthly report as Markdown (zh-CN or English headings)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from complaintflow.durations import format_duration
from complaintflow.metrics import _labels as lb
from complaintflow.metrics._values import Durations, Rate

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


def _rate(rate: Rate) -> str:
    share = lb.percent(rate.value)
    return f"{share} ({rate.numerator}/{rate.denominator})" if rate.denominator else share


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _shares(counts: Mapping[str, int], lang: str) -> list[tuple[str, int, str]]:
    total = sum(counts.values())
    return [(md(lb.value(key, lang)), n, lb.percent(n / total if total else None))
            for key, n in counts.items()]


def render(report: MonthlyReport, lang: str) -> str:
    lb.check_lang(lang)

    def w(key: str) -> str:
        return lb.word(key, lang)

    def dur(span: dt.timedelta | None) -> str:
        return format_duration(span, lang)

    title = lb.TEXT["title"]
    out = ([f"# 《{title[0]}》 {report.label}", "", f"*{title[1]}*", ""] if lang == "zh"
           else [f"# {title[1]} — {report.label}", "", f"《{title[0]}》", ""])
    start, end = report.period.start, report.period.end
    out += [f"{w('period')}: {start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} ({report.zone}); "
            f"{w('policy')}: {md(report.policy_version)}", ""]

    out += [f"## {w('overview')}", ""]
    sat = report.satisfaction
    out += _table(["", ""], [
        (w("received"), report.received),
        (w("resolved"), report.resolved),
        (f"{w('frt')} ({w('mean')}, {w('business')})",
         dur(report.first_response.business.mean)),
        (f"{w('aht')} ({w('mean')}, {w('wall')})", dur(report.handle_time.wall.mean)),
        (w("fcr"), _rate(report.first_contact_resolution)),
        (w("no_handoff"), _rate(report.resolved_without_handoff)),
        (w("reopen"), _rate(report.reopen_rate)),
        (w("csat"), _rate(sat.csat)),
        (w("nps"), _number(sat.nps)),
        (w("ces"), _number(sat.ces, 2)),
        (w("backlog"), report.backlog.total),
    ])

    out += [f"## {w('frt')} / {w('aht')}", ""]

    def times(name: str, d: Durations, pending: str) -> list[object]:
        return [w(name), dur(d.wall.mean), dur(d.wall.median),
                dur(d.business.mean), dur(d.business.median), d.wall.count,
                f"{d.pending} {w(pending)}"]

    out += _table(["", f"{w('mean')} ({w('wall')})", f"{w('median')} ({w('wall')})",
                   f"{w('mean')} ({w('business')})", f"{w('median')} ({w('business')})",
                   w("count"), ""],
                  [times("frt", report.first_response, "pending_frt"),
                   times("aht", report.handle_time, "pending_aht")])

    out += [f"## {w('satisfaction')}", ""]
    out += _table([w("responses"), w("csat"), w("nps"), w("ces")],
                  [(sat.responses, _rate(sat.csat), _number(sat.nps), _number(sat.ces, 2))])
    out += [f"{w('levels')}: " + ", ".join(f"{lb.value(key, lang)} {n}"
                                           for key, n in sat.levels.items()), ""]
    out += [f"### {w('trend')}", ""]
    out += _table([w("week"), w("responses"), w("csat"), w("nps"), w("ces")], [
        (f"{p.period.start:%m-%d}–{p.period.end.subtract(microseconds=1):%m-%d}",
         p.satisfaction.responses, _rate(p.satisfaction.csat), _number(p.satisfaction.nps),
         _number(p.satisfaction.ces, 2)) for p in report.trend])

    out += [f"## {w('sla')}", ""]
    out += _table(["", w("finished"), w("sla_asis"), w("sla_strict"), w("overdue_open")], [
        (w(c.metric), c.finished, _rate(c.rate), _rate(c.rate_pauses_running), c.overdue_open)
        for c in report.sla])

    out += [f"## {w('top3')}", "", f"*{w('top3_note')}*", ""]
    for rank, top in enumerate(report.top3, 1):
        out.append(f"{rank}. **{md(lb.value(top.category, lang))}** — {top.count} "
                   f"({lb.percent(top.share)}); {w('example')} {md(top.example_number)}: "
                   f"“{md(top.example)}”")
    out += ["" if report.top3 else w("none"), ""]

    out += [f"## {w('distributions')}", ""]
    for name, counts in report.distributions.items():
        out += [f"### {w(name)}", ""]
        out += _table([w(name), w("count"), w("share")], _shares(counts, lang))

    out += [f"## {w('backlog')}", "", f"{w('count')}: {report.backlog.total}", ""]
    out += _table([w("status"), w("count")], [
        (lb.value(key, lang), n) for key, n in report.backlog.by_status.items()])
    out += _table([w("age"), w("count")], list(report.backlog.by_age.items()))
    return "\n".join(out).rstrip() + "\n"
