"""The audit trail in words: one line per event, for people, not programs.

Seed 001 asks that every hand-over leaves a trace ("no ball kicking");
:func:`describe` turns each event into the sentence a supervisor reads,
and :func:`render_table` lines them up, counting CJK characters as two
columns so Chinese descriptions stay aligned in a terminal.  Both pass
every cell through :func:`~complaintflow.domain.redaction.redact`: a phone
number typed into a description or a comment is shown masked.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from complaintflow.domain import events as e
from complaintflow.domain.redaction import redact

__all__ = ["describe", "render_table"]


def _short(text: str, limit: int = 40) -> str:
    # Redact before cutting: a phone number cut in half is no longer recognised.
    flat = " ".join(redact(text).split())
    return flat if _width(flat) <= limit else _cut(flat, limit - 1) + "…"


def describe(event: e.Event) -> str:
    """What happened, in one English sentence (contact data never appears)."""
    return redact(_describe(event))


def _describe(event: e.Event) -> str:
    p = event.payload
    match p:
        case e.Received():
            return f"received {p.number} via {p.draft.channel}: “{_short(p.draft.description)}”"
        case e.Triaged():
            return f"triaged {p.kind} / {p.category or 'uncategorised'} / {p.priority}" + (
                f" → {p.department}" if p.department else ""
            )
        case e.Overridden():
            changes = ", ".join(
                f"{name}={value}"
                for name, value in (("kind", p.kind), ("category", p.category),
                                    ("priority", p.priority), ("complex", p.complex))
                if value is not None
            )
            return f"classification overridden ({changes}): {p.reason}"
        case e.Assigned():
            return f"assigned to {p.assignee or 'the queue'}" + (
                f" in {p.department}" if p.department else ""
            )
        case e.InvestigationStarted():
            return "investigation started"
        case e.Responded():
            return ("first response" if p.first else "responded") + f": {_short(p.message)}"
        case e.Transferred():
            return (f"transferred {p.from_department or '-'}/{p.from_assignee or '-'} → "
                    f"{p.to_department or '-'}/{p.to_assignee or '-'}: {p.reason}")
        case e.Commented():
            audience = "internal note" if p.internal else "comment to customer"
            return f"{audience}: {_short(p.text)}"
        case e.Attached():
            return f"attached {p.attachment.name} ({p.attachment.media_type})"
        case e.SolutionProposed():
            amount = f" [{p.amount}]" if p.amount else ""
            needs = f", needs {' → '.join(p.required)}" if p.required else ""
            return f"solution proposed{amount}: {_short(p.text)}{needs}"
        case e.Approved():
            return f"approved as {p.role}" + (f": {p.note}" if p.note else "")
        case e.Rejected():
            return f"rejected: {p.reason}"
        case e.CustomerAccepted():
            return "customer accepted the solution"
        case e.CustomerDeclined():
            return f"customer declined: {p.reason}"
        case e.Completed():
            return "solution carried out" + (f": {p.note}" if p.note else "")
        case e.ResolvedAtFirstContact():
            return f"resolved at first contact: {_short(p.answer)}"
        case e.SurveyRecorded():
            score = f" (CSAT {p.response.csat})" if p.response.csat is not None else ""
            reopened = f"; reopened to {p.reopened_to or 'a supervisor'}" if p.reopened else ""
            return f"survey: {p.response.level}{score}{reopened}"
        case e.Reopened():
            return f"reopened: {p.reason}"
        case e.Closed():
            return "closed" + (f": {p.reason}" if p.reason else "")
        case e.Merged():
            return f"merged into {p.into}" + (f": {p.reason}" if p.reason else "")
        case e.Withdrawn():
            return "withdrawn by the customer" + (f": {p.reason}" if p.reason else "")
    return event.type


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    out, used = [], 0
    for ch in text:
        used += _width(ch)
        if used > limit:
            break
        out.append(ch)
    return "".join(out)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_table(events: Iterable[e.Event], *, zone: str | None = None) -> str:
    """A plain-text table: #, time, actor, status after, what happened."""
    rows: list[Sequence[str]] = [("#", "when", "who", "status", "what")]
    for event in events:
        at = event.at if zone is None else event.at.in_timezone(zone)
        rows.append((str(event.seq), at.format("YYYY-MM-DD HH:mm"), redact(str(event.actor)),
                     event.status.value, describe(event)))
    widths = [max(_width(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:4])]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(lines)
