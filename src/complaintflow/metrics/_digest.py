"""The month's suggestions for the product team (seed 000 §2.3.1).

Seed 000 has suggestions 「收集整理，每月汇总至产品/运营部」.  The digest
groups the suggestions received in the month by category, most frequent
first, with the count and up to :data:`EXAMPLES` examples each (oldest
first, as short redacted excerpts, like the top-3's).  The improvement
suggestions customers gave in survey answers that month (seed 003 改进建议)
are one more group, ``survey``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pendulum

from complaintflow.domain import events as e
from complaintflow.domain.vocabulary import Kind
from complaintflow.metrics import _labels as lb
from complaintflow.metrics._facts import Period, TicketFacts
from complaintflow.metrics.kpis import UNSET, received

__all__ = ["EXAMPLES", "SURVEY_GROUP", "SuggestionGroup", "suggestions_of"]

#: Examples shown per group.
EXAMPLES = 3
#: The group of suggestions written in survey answers.
SURVEY_GROUP = "survey"


@attrs.frozen
class SuggestionGroup:
    """One category of the month's suggestions: ``examples`` are (ticket number, excerpt)."""

    category: str
    count: int
    examples: tuple[tuple[str, str], ...]


def suggestions_of(items: Iterable[TicketFacts], period: Period) -> tuple[SuggestionGroup, ...]:
    items = list(items)
    groups: dict[str, list[tuple[pendulum.DateTime, str, str]]] = {}
    for f in received(items, period):
        if f.ticket.kind is Kind.SUGGESTION:
            key = f.ticket.category.value if f.ticket.category is not None else UNSET
            groups.setdefault(key, []).append(
                (f.received_at, f.ticket.number, f.ticket.description)
            )
    for f in items:
        if not f.counted:
            continue
        for event in f.events:
            p = event.payload
            if isinstance(p, e.SurveyAnswered) and p.valid and p.suggestion and event.at in period:
                groups.setdefault(SURVEY_GROUP, []).append(
                    (event.at, f.ticket.number, p.suggestion)
                )
    ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return tuple(
        SuggestionGroup(
            key,
            len(found),
            tuple(
                (number, lb.redact(text))
                for _, number, text in sorted(found, key=lambda x: (x[0], x[1]))[:EXAMPLES]
            ),
        )
        for key, found in ranked
    )
