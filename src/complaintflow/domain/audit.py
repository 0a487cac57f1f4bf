"""The audit trail in words: one line per event, for people, not programs.

Seed 001 asks that every hand-over leaves a trace ("no ball kicking");
:func:`describe` turns each event into the sentence a supervisor reads
(each command's trigger declares the wording of its payload),
and :func:`render_table` lines them up, counting CJK characters as two
columns so Chinese descriptions stay aligned in a terminal.  Both pass
every cell through :func:`~complaintflow.domain.redaction.redact`: a phone
number typed into a description or a comment is shown masked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from complaintflow.domain import events as e
from complaintflow.domain.commands import TRIGGERS
from complaintflow.domain.commands._trigger import short, width
from complaintflow.domain.redaction import redact

__all__ = ["describe", "render_table"]


#: Each payload kind's sentence, as its command's trigger declares it.
_WORDING = {trigger.payload: trigger.describe for trigger in TRIGGERS.values()}


def describe(event: e.Event) -> str:
    """What happened, in one English sentence (contact data never appears)."""
    return redact(_describe(event))


def _describe(event: e.Event) -> str:
    p = event.payload
    if isinstance(p, e.Received):
        return f"received {p.number} via {p.draft.channel}: “{short(p.draft.description)}”"
    wording = _WORDING.get(type(p))
    return event.type if wording is None else wording(p)


def _pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def render_table(events: Iterable[e.Event], *, zone: str | None = None) -> str:
    """A plain-text table: #, time, actor, status after, what happened."""
    rows: list[Sequence[str]] = [("#", "when", "who", "status", "what")]
    for event in events:
        at = event.at if zone is None else event.at.in_timezone(zone)
        rows.append(
            (
                str(event.seq),
                at.format("YYYY-MM-DD HH:mm"),
                redact(str(event.actor)),
                event.status.value,
                describe(event),
            )
        )
    widths = [max(width(row[i]) for row in rows) for i in range(4)]
    lines = []
    for index, row in enumerate(rows):
        cells = [_pad(cell, widths[i]) for i, cell in enumerate(row[:4])]
        lines.append("  ".join([*cells, row[4]]).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(lines)
