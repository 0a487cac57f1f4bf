"""The monthly report as one self-contained HTML page.

Inline CSS and inline SVG only: no script, no web font, nothing fetched,
so the page can be mailed, archived or printed as it is.  Every string
that did not come from this module goes through :func:`html.escape`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from complaintflow.durations import format_duration
from complaintflow.metrics import _labels as lb
from complaintflow.metrics import _sections as seeds
from complaintflow.metrics import _svg as svg
from complaintflow.metrics._values import Rate
from complaintflow.metrics.labels import Labels

if TYPE_CHECKING:
    from complaintflow.metrics.report import MonthlyReport

esc = lb.escape

CSS = """
body{margin:0;background:#f8fafc;color:#1f2937;font:14px/1.5 "Noto Sans CJK SC",
"PingFang SC","Microsoft YaHei","Helvetica Neue",Arial,sans-serif}
main{max-width:1080px;margin:0 auto;padding:24px}
h1{margin:0;font-size:26px}h2{font-size:18px;margin:0 0 12px}
.sub{color:#64748b;margin:4px 0 20px}
.cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin-bottom:20px}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:10px 12px}
.card b{display:block;font-size:20px}.card span{color:#64748b;font-size:12px}
.card small{display:block;color:#94a3b8;font-size:11px;line-height:1.3}
section{background:#fff;border:1px solid #e2e8f0;border-radius:8px;padding:16px;
margin-bottom:16px}
.row{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
table{border-collapse:collapse;margin:8px 0}
th,td{border-bottom:1px solid #e2e8f0;padding:4px 10px;text-align:left}
th{color:#475569;font-weight:600}td.n{text-align:right}
ol li{margin-bottom:6px}q{color:#334155}
footer{color:#94a3b8;font-size:12px;text-align:center;padding:8px}
"""


def _number(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _table(head: list[str], rows: list[list[object]]) -> str:
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>'
            if isinstance(cell, int | float)
            else f"<td>{esc(str(cell))}</td>"
            for cell in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"


def _counts(
    title: str, counts: Mapping[str, int], share: str, lang: str, labels: Labels | None
) -> str:
    total = sum(counts.values())
    rows: list[list[object]] = [
        [lb.value(key, lang, labels), n, lb.percent(n / total if total else None)]
        for key, n in counts.items()
    ]
    return (
        f"<div><h3>{esc(title)}</h3>"
        + _table([title, lb.word("count", lang), share], rows)
        + "</div>"
    )


def _note(text: str) -> str:
    return f'<p class="sub">{esc(text)}</p>'


def render(report: MonthlyReport, lang: str, labels: Labels | None = None) -> str:
    lb.check_lang(lang)

    def w(key: str) -> str:
        return lb.word(key, lang)

    def dur(span: dt.timedelta | None) -> str:
        return format_duration(span, lang)

    def rate(value: Rate, base: str) -> str:
        return lb.rate(value, base, lang)

    def name(code: str) -> str:
        return lb.value(code, lang, labels)

    zh, en = lb.TEXT["title"]
    title, other = (f"《{zh}》", en) if lang == "zh" else (en, f"《{zh}》")
    sat = report.satisfaction
    resolved_base = lb.phrase("of_resolved", lang, n=report.resolved)
    cards = [
        (w("received"), str(report.received), ""),
        (w("resolved"), str(report.resolved), w("resolved_note")),
        (f"{w('frt')} ({w('business')})", dur(report.first_response.business.mean), ""),
        (w("aht"), dur(report.handle_time.wall.mean), ""),
        (
            w("complaint_fcr"),
            lb.percent(report.complaint_fcr.value),
            lb.phrase("of_complaints", lang, n=report.complaint_fcr.denominator),
        ),
        ("CSAT", lb.percent(sat.csat.value), lb.phrase("of_answers", lang, n=sat.responses)),
        ("NPS", _number(sat.nps), lb.phrase("of_answers", lang, n=sat.nps_answers)),
        ("CES", _number(sat.ces, 2), lb.phrase("of_answers", lang, n=sat.ces_answers)),
        (w("reopen"), lb.percent(report.reopen_rate.value), resolved_base),
        (w("backlog"), str(report.backlog.total), w("backlog_note")),
    ]
    parts = [
        f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
        f"<title>{esc(title)} {report.label}</title><style>{CSS}</style></head><body><main>",
        f"<h1>{esc(title)} {report.label}</h1>",
        f'<p class="sub">{esc(other)} · {report.period.start:%Y-%m-%d} – '
        f"{report.period.end.subtract(microseconds=1):%Y-%m-%d} ({esc(report.zone)}) · "
        f"{esc(w('policy'))} {esc(report.policy_version)}</p>",
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{esc(v)}</b><span>{esc(k)}</span>'
            + (f"<small>{esc(note)}</small>" if note else "")
            + "</div>"
            for k, v, note in cards
        )
        + "</div>",
    ]

    of_received = lb.phrase("share_received", lang, n=report.received)
    kinds = report.distributions["kind"]
    kind_bars = [svg.Bar(name(key), n, str(n)) for key, n in kinds.items()]
    parts.append(
        f'<section id="kinds"><h2>{esc(w("kind"))}</h2>'
        + _note(w("received_note"))
        + '<div class="row">'
        + svg.vbars(kind_bars, title=w("kind"))
        + _counts(w("kind"), kinds, of_received, lang, labels)
        + "</div></section>"
    )

    problems = sum(n for key, n in report.problem_categories.items() if key != "unclassified")
    top = {item.category: rank for rank, item in enumerate(report.top3, 1)}
    ranked = sorted(
        ((k, n) for k, n in report.problem_categories.items() if n), key=lambda kv: -kv[1]
    )
    cat_bars = [
        svg.Bar(
            name(key),
            n,
            f"{n}  TOP{top[key]}" if key in top else str(n),
            svg.TOP if key in top else svg.BAR,
        )
        for key, n in ranked
    ]
    items = "".join(
        f"<li><b>{esc(name(t.category))}</b> — {t.count} "
        f"({esc(lb.phrase('top3_share', lang, p=lb.percent(t.share), n=problems))})"
        f"<br>{esc(w('example'))} {esc(t.example_number)}: <q>{esc(t.example)}</q></li>"
        for t in report.top3
    )
    parts.append(
        f'<section id="top3"><h2>{esc(w("top3"))} · {esc(w("category"))}</h2>'
        f'{_note(w("top3_note"))}<div class="row">'
        + svg.hbars(cat_bars, title=w("category"), label_width=170)
        + f"<ol>{items or esc(w('none'))}</ol></div></section>"
    )

    points = [
        (
            f"{p.period.start:%m-%d}",
            None if p.satisfaction.csat.value is None else 100 * p.satisfaction.csat.value,
        )
        for p in report.trend
    ]
    trend_rows: list[list[object]] = [
        [
            f"{p.period.start:%m-%d}–{p.period.end.subtract(microseconds=1):%m-%d}",
            p.satisfaction.responses,
            rate(p.satisfaction.csat, "rate_answers"),
            _number(p.satisfaction.nps),
            _number(p.satisfaction.ces, 2),
        ]
        for p in report.trend
    ]
    levels = ", ".join(f"{name(key)} {n}" for key, n in sat.levels.items())
    parts.append(
        f'<section id="trend"><h2>{esc(w("trend"))}</h2>'
        + _note(w("responses_note"))
        + '<div class="row">'
        + svg.line(points, title=w("trend") + " CSAT")
        + "<div>"
        + _table([w("week"), w("responses"), "CSAT", "NPS", "CES"], trend_rows)
        + f"<p>{esc(w('levels'))}: {esc(levels)}</p></div></div></section>"
    )

    sla_bars = []
    for c in report.sla:
        for value, note, color in (
            (c.rate, "sla_asis", svg.BAR),
            (c.rate_pauses_running, "sla_strict", svg.MUTED),
        ):
            share = 0.0 if value.value is None else 100 * value.value
            label = lb.percent(value.value) + (
                f" ({value.numerator}/{value.denominator})" if value.denominator else ""
            )
            sla_bars.append(svg.Bar(f"{name(c.metric)} · {w(note)}", share, label, color))
    sla_rows: list[list[object]] = [
        [
            name(c.metric),
            c.finished,
            rate(c.rate, "rate_finished"),
            rate(c.rate_pauses_running, "rate_finished"),
            c.overdue_open,
        ]
        for c in report.sla
    ]
    parts.append(
        f'<section id="sla"><h2>{esc(w("sla"))}</h2>'
        + _note(f"{w('finished')}: {w('finished_note')}")
        + svg.hbars(sla_bars, title=w("sla"), scale=100, track=True, label_width=200, width=640)
        + _table(["", w("finished"), w("sla_asis"), w("sla_strict"), w("overdue_open")], sla_rows)
        + "</section>"
    )

    causes, whom, customer = seeds.staff(report, lang)
    parts.append(
        f'<section id="staff"><h2>{esc(w("staff"))}</h2>'
        + _note(w("staff_note"))
        + '<div class="row">'
        + _table([w("staff_cause"), w("count"), ""], causes)
        + _table([w("recipient"), w("count")], whom)
        + "</div><ul>"
        + "".join(f"<li><b>{esc(label)}</b>: {esc(text)}</li>" for label, text in customer)
        + "</ul></section>"
    )

    times: list[list[object]] = [
        [
            w(key),
            dur(d.wall.mean),
            dur(d.wall.median),
            dur(d.business.mean),
            dur(d.business.median),
            d.wall.count,
            f"{d.pending} {w(pending)}" if pending else "",
        ]
        for key, d, pending in (
            ("frt", report.first_response, "pending_frt"),
            ("aht", report.handle_time, "pending_aht"),
            *seeds.durations(report),
        )
    ]
    parts.append(
        f'<section id="times"><h2>{esc(w("frt"))} / {esc(w("aht"))}</h2>'
        + _note(f"{w('frt_note')}; {w('aht_note')}")
        + _note(f"{w('aht_closed_note')}; {w('solution_note')}; {w('complaint_fcr_note')}")
        + _table(
            [
                "",
                f"{w('mean')} ({w('wall')})",
                f"{w('median')} ({w('wall')})",
                f"{w('mean')} ({w('business')})",
                f"{w('median')} ({w('business')})",
                w("measured"),
                w("pending"),
            ],
            times,
        )
        + _table(
            ["", ""],
            [
                *seeds.rates(report, lang),
                [w("fcr"), rate(report.first_contact_resolution, "rate_resolved")],
                [w("no_handoff"), rate(report.resolved_without_handoff, "rate_resolved")],
                [w("reopen"), rate(report.reopen_rate, "rate_resolved")],
            ],
        )
        + "</section>"
    )

    head, round_rows = seeds.rounds(report, lang)
    parts.append(
        f'<section id="rounds"><h2>{esc(w("rounds"))}</h2>'
        + _note(w("rounds_note"))
        + f"<p>{esc(seeds.sent_line(report, lang))}</p>"
        + (_table(head, round_rows) if round_rows else "")
        + "</section>"
    )
    groups = "".join(
        f"<li><b>{esc(label)}</b> — {count}<ul>"
        + "".join(f"<li>{esc(number)}: <q>{esc(text)}</q></li>" for number, text in examples)
        + "</ul></li>"
        for label, count, examples in seeds.suggestions(report, lang, labels)
    )
    parts.append(
        f'<section id="suggestions"><h2>{esc(w("suggestions"))}</h2>'
        + _note(w("suggestions_note"))
        + f"<ul>{groups or esc(w('none'))}</ul></section>"
    )

    parts.append(
        f'<section id="distributions"><h2>{esc(w("distributions"))}</h2>'
        + _note(w("received_note"))
        + '<div class="row">'
        + "".join(
            _counts(w(dimension), counts, of_received, lang, labels)
            for dimension, counts in report.distributions.items()
            if dimension != "kind"
        )
        + "</div></section>"
    )

    backlog = report.backlog
    age_bars = [svg.Bar(key, n, str(n), svg.MUTED) for key, n in backlog.by_age.items()]
    parts.append(
        f'<section id="backlog"><h2>{esc(w("backlog"))}: {backlog.total}</h2>'
        + _note(w("backlog_note"))
        + '<div class="row">'
        + svg.hbars(age_bars, title=w("age"), width=420, label_width=70)
        + _counts(
            w("status"),
            backlog.by_status,
            lb.phrase("share_backlog", lang, n=backlog.total),
            lang,
            labels,
        )
        + "</div></section>"
    )
    parts.append(
        f"<footer>complaintflow · {esc(title)} {report.label}</footer></main></body></html>"
    )
    return "".join(parts)
