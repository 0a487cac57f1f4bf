"""How satisfied: CSAT %, NPS, CES and the three-level result, as pure functions.

Conventions (seed 003, seed 001 §4.2, SPEC §2.6):

- CSAT, 1-5: 1-2 unsatisfied, 3-4 neutral, 5 very satisfied; **CSAT %** is
  the share of responses scoring 4 or 5, in percent (0-100).
- NPS, 0-10: 9-10 promoters, 7-8 passives, 0-6 detractors; **NPS** is
  % promoters - % detractors (-100..100).
- CES, 1-7: the **mean** score; *lower is easier* (1 = very little effort).
- The three-level result 满意 / 基本满意 / 不满意 as shares in percent.

Each score is computed over the responses that carry it, and is ``None``
when none does: "no data" is not zero.  Scores are floats, unrounded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from complaintflow.domain.values import SurveyResponse
from complaintflow.domain.vocabulary import SatisfactionLevel
from complaintflow.errors import DuplicateSurveyResponse, ValidationError

__all__ = [
    "DuplicateSurveyResponse",
    "SatisfactionSummary",
    "ces",
    "csat_percent",
    "level_shares",
    "nps",
    "unique_responses",
]


def _responses(responses: Iterable[SurveyResponse]) -> list[SurveyResponse]:
    if isinstance(responses, str | bytes) or not isinstance(responses, Iterable):
        raise ValidationError(
            f"responses must be an iterable of SurveyResponse, got {type(responses).__name__}",
            field="responses",
        )
    items = list(responses)
    for index, item in enumerate(items):
        if not isinstance(item, SurveyResponse):
            raise ValidationError(
                f"responses[{index}] must be a SurveyResponse (build one with "
                f"SurveyResponse.from_csat(...)), got {type(item).__name__}",
                field="responses",
            )
    return items


def _percent(part: int, whole: int) -> float:
    return 100.0 * part / whole


def csat_percent(responses: Iterable[SurveyResponse]) -> float | None:
    """Share of CSAT scores of 4 or 5, in percent; None without any CSAT score."""
    scores = [r.csat for r in _responses(responses) if r.csat is not None]
    return _percent(sum(s >= 4 for s in scores), len(scores)) if scores else None


def nps(responses: Iterable[SurveyResponse]) -> float | None:
    """% promoters (9-10) - % detractors (0-6); None without any NPS score."""
    scores = [r.nps for r in _responses(responses) if r.nps is not None]
    if not scores:
        return None
    return _percent(sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores), len(scores))


def ces(responses: Iterable[SurveyResponse]) -> float | None:
    """Mean customer effort score, 1-7, lower is easier; None without any CES score."""
    scores = [r.ces for r in _responses(responses) if r.ces is not None]
    return sum(scores) / len(scores) if scores else None


def level_shares(responses: Iterable[SurveyResponse]) -> dict[SatisfactionLevel, float] | None:
    """Percent of responses per level, every level present; None without responses."""
    items = _responses(responses)
    if not items:
        return None
    counts = Counter(r.level for r in items)
    return {level: _percent(counts[level], len(items)) for level in SatisfactionLevel}


def unique_responses(
    pairs: Iterable[tuple[str, SurveyResponse]],
) -> list[SurveyResponse]:
    """The responses of ``(ticket_id, response)`` pairs, in order.

    Raises :class:`DuplicateSurveyResponse` on a second response with the same
    ticket id and ``response.survey``, even an identical one.
    """
    if isinstance(pairs, str | bytes) or not isinstance(pairs, Iterable):
        raise ValidationError(
            "pairs must be an iterable of (ticket_id, SurveyResponse)", field="responses"
        )
    seen: set[tuple[str, str]] = set()
    out: list[SurveyResponse] = []
    for index, pair in enumerate(pairs):
        if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[0], str)):
            raise ValidationError(
                f"pairs[{index}] must be a (ticket_id, SurveyResponse) tuple, got {pair!r}",
                field="responses",
            )
        ticket_id, response = pair
        (response,) = _responses([response])
        key = (ticket_id, response.survey)
        if key in seen:
            raise DuplicateSurveyResponse(ticket_id=ticket_id, survey=response.survey)
        seen.add(key)
        out.append(response)
    return out


@attrs.frozen
class SatisfactionSummary:
    """Counts and scores of a set of responses; every score None when it has no data.

    Build it with :meth:`of`.
    """

    responses: int
    levels: Mapping[SatisfactionLevel, int] = attrs.field(hash=False)
    level_shares: Mapping[SatisfactionLevel, float] | None = attrs.field(hash=False)
    csat_responses: int
    csat_percent: float | None
    nps_responses: int
    promoters: int
    passives: int
    detractors: int
    nps: float | None
    ces_responses: int
    ces: float | None

    @classmethod
    def of(cls, responses: Iterable[SurveyResponse]) -> SatisfactionSummary:
        items = _responses(responses)
        counts = Counter(r.level for r in items)
        nps_scores = [r.nps for r in items if r.nps is not None]
        return cls(
            responses=len(items),
            levels={level: counts[level] for level in SatisfactionLevel},
            level_shares=level_shares(items),
            csat_responses=sum(r.csat is not None for r in items),
            csat_percent=csat_percent(items),
            nps_responses=len(nps_scores),
            promoters=sum(s >= 9 for s in nps_scores),
            passives=sum(7 <= s <= 8 for s in nps_scores),
            detractors=sum(s <= 6 for s in nps_scores),
            nps=nps(items),
            ces_responses=sum(r.ces is not None for r in items),
            ces=ces(items),
        )
