"""Survey rounds as the report shows them: 样本量, 参与率, 有效回收率 (seed 003 §四).

A round is in a month's report when its questionnaire was first sent in
the month; its figures are as of the month's end.  Per stratum and for the
whole round:

- ``population``: tickets eligible in the stratum, ``sample``: tickets
  drawn (both as the sends recorded them);
- ``sent``: tickets the questionnaire went to (second follow-ups aside);
- ``answered``: tickets with at least one answer, valid or not;
- ``refused``: tickets whose customer declined (客户拒访) and never answered;
- ``valid``: tickets with a valid answer; ``invalid``: invalid answers by reason;
- ``flagged``: valid answers marked for a second look;
- ``followups_due`` / ``followups_done``: second follow-ups (二次回访)
  scheduled by unsatisfied or suggesting answers, and those sent.

**Participation rate** is answered / sent; **valid-response rate**
(有效回收率) is valid / sent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import attrs

from complaintflow.domain import events as e
from complaintflow.metrics._facts import Period, TicketFacts
from complaintflow.metrics._values import Rate

__all__ = ["RoundFigures", "SurveyRound", "rounds_of", "sent_in"]


@attrs.frozen
class RoundFigures:
    """One stratum of a round, or the whole round (``stratum == "all"``)."""

    stratum: str
    population: int
    sample: int
    sent: int
    answered: int
    refused: int
    valid: int
    invalid: Mapping[str, int] = attrs.field(hash=False)
    flagged: int
    followups_due: int
    followups_done: int

    @property
    def participation(self) -> Rate:
        return Rate(self.answered, self.sent)

    @property
    def valid_rate(self) -> Rate:
        return Rate(self.valid, self.sent)

    def __add__(self, other: RoundFigures) -> RoundFigures:
        return attrs.evolve(
            self,
            stratum="all",
            invalid=dict(sorted((Counter(self.invalid) + Counter(other.invalid)).items())),
            **{name: getattr(self, name) + getattr(other, name) for name in _COUNTS},
        )


_COUNTS = (
    "population",
    "sample",
    "sent",
    "answered",
    "refused",
    "valid",
    "flagged",
    "followups_due",
    "followups_done",
)


@attrs.frozen
class SurveyRound:
    round: str
    strata: tuple[RoundFigures, ...]

    @property
    def total(self) -> RoundFigures:
        empty = RoundFigures("all", 0, 0, 0, 0, 0, 0, {}, 0, 0, 0)
        return sum(self.strata, empty)


class _Tally:
    def __init__(self) -> None:
        self.population = self.sample = 0
        self.sent: set[str] = set()
        self.answered: set[str] = set()
        self.refused: set[str] = set()
        self.valid: set[str] = set()
        self.invalid: Counter[str] = Counter()
        self.flagged = self.due = self.done = 0

    def figures(self, stratum: str) -> RoundFigures:
        return RoundFigures(
            stratum,
            self.population,
            self.sample,
            len(self.sent),
            len(self.answered),
            len(self.refused - self.answered),
            len(self.valid),
            dict(sorted(self.invalid.items())),
            self.flagged,
            self.due,
            self.done,
        )


def _first_sends(items: Iterable[TicketFacts]) -> dict[str, e.Event]:
    first: dict[str, e.Event] = {}
    for f in items:
        for event in f.events:
            p = event.payload
            if (
                isinstance(p, e.SurveySent)
                and not p.followup
                and (p.round not in first or event.at < first[p.round].at)
            ):
                first[p.round] = event
    return first


def rounds_of(items: Iterable[TicketFacts], period: Period) -> tuple[SurveyRound, ...]:
    """The rounds first sent in ``period``, in the order they started."""
    items = [f for f in items if f.counted]
    starts = _first_sends(items)
    mine = sorted((r for r, ev in starts.items() if ev.at in period), key=lambda r: starts[r].at)
    tallies: dict[str, dict[str, _Tally]] = {r: {} for r in mine}
    for f in items:
        strata: dict[str, str] = {}
        for event in f.events:
            p = event.payload
            if not isinstance(p, e.SurveySent | e.SurveyRefused | e.SurveyAnswered):
                continue
            if p.round not in tallies:
                continue
            if isinstance(p, e.SurveySent):
                strata.setdefault(p.round, p.stratum)
            t = tallies[p.round].setdefault(strata.get(p.round, "all"), _Tally())
            _count(t, f.ticket.id, p)
    return tuple(
        SurveyRound(r, tuple(t.figures(s) for s, t in sorted(tallies[r].items()))) for r in mine
    )


def _count(t: _Tally, ticket: str, p: e.SurveySent | e.SurveyRefused | e.SurveyAnswered) -> None:
    if isinstance(p, e.SurveySent):
        if p.followup:
            t.done += 1
        elif ticket not in t.sent:
            t.sent.add(ticket)
            t.population = max(t.population, p.population)
            t.sample = max(t.sample, p.sample)
    elif isinstance(p, e.SurveyRefused):
        t.refused.add(ticket)
    else:
        t.answered.add(ticket)
        if p.valid:
            t.valid.add(ticket)
            t.flagged += bool(p.flags)
            t.due += p.followup_by is not None
        else:
            t.invalid[p.invalid or "unknown"] += 1


def sent_in(items: Iterable[TicketFacts], period: Period) -> tuple[int, int]:
    """Questionnaires sent in ``period``: first sends and second follow-ups."""
    first = second = 0
    for f in items:
        if not f.counted:
            continue
        for event in f.events:
            p = event.payload
            if isinstance(p, e.SurveySent) and event.at in period:
                second += p.followup
                first += not p.followup
    return first, second
