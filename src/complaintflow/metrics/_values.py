"""The values KPIs come as: rates, duration statistics, satisfaction, compliance, backlog."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence

import attrs
import pendulum

from complaintflow.domain.values import SurveyResponse
from complaintflow.domain.vocabulary import SatisfactionLevel
from complaintflow.metrics._facts import Period

__all__ = ["Backlog", "Compliance", "Durations", "Rate", "Satisfaction", "TimeStats", "TrendPoint"]


@attrs.frozen
class Rate:
    """``numerator`` out of ``denominator``; ``value`` is None when nothing was counted."""

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator


@attrs.frozen
class TimeStats:
    """Count, mean and median of some durations (None when there are none)."""

    count: int
    mean: dt.timedelta | None
    median: dt.timedelta | None

    @classmethod
    def of(cls, spans: Sequence[dt.timedelta]) -> TimeStats:
        if not spans:
            return cls(0, None, None)
        unit = dt.timedelta(microseconds=1)
        micros = [dt.timedelta.__floordiv__(span, unit) for span in spans]
        mean = dt.timedelta(microseconds=round(sum(micros) / len(micros)))
        median = dt.timedelta(microseconds=round(statistics.median(micros)))
        return cls(len(spans), mean, median)


@attrs.frozen
class Durations:
    """Durations on the wall clock and in business time; ``pending`` still waiting."""

    wall: TimeStats
    business: TimeStats
    pending: int


@attrs.frozen
class Satisfaction:
    """Survey answers of a period (SPEC §2.6).

    ``csat``: share of CSAT answers that are 4 or 5.  ``nps``: %promoters
    (9-10) minus %detractors (0-6), from -100 to 100.  ``ces``: mean
    customer effort score (1-7).  Each is over the answers that carry it.
    """

    responses: int
    csat: Rate
    promoters: int
    passives: int
    detractors: int
    ces_answers: int
    ces: float | None
    levels: Mapping[str, int]

    @property
    def nps_answers(self) -> int:
        return self.promoters + self.passives + self.detractors

    @property
    def nps(self) -> float | None:
        if not self.nps_answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.nps_answers

    @classmethod
    def of(cls, answers: Sequence[SurveyResponse]) -> Satisfaction:
        csat = [a.csat for a in answers if a.csat is not None]
        nps = [a.nps for a in answers if a.nps is not None]
        ces = [a.ces for a in answers if a.ces is not None]
        levels = {
            level.value: sum(a.level is level for a in answers) for level in SatisfactionLevel
        }
        return cls(
            responses=len(answers),
            csat=Rate(sum(score >= 4 for score in csat), len(csat)),
            promoters=sum(score >= 9 for score in nps),
            passives=sum(7 <= score <= 8 for score in nps),
            detractors=sum(score <= 6 for score in nps),
            ces_answers=len(ces),
            ces=statistics.fmean(ces) if ces else None,
            levels=levels,
        )


@attrs.frozen
class Compliance:
    """SLA compliance of one metric over the cycles that finished in a period.

    ``met`` counts cycles met as :func:`~complaintflow.sla.measure.measure`
    reports them: time paused (waiting on the customer) does not count.
    ``met_pauses_running`` counts them as if no pause had stopped the clock
    (``consumed + paused <= budget``), the stricter customer's-eye view.
    ``overdue_open`` counts cycles still running at the end, already breached.
    """

    metric: str
    finished: int
    met: int
    met_pauses_running: int
    overdue_open: int

    @property
    def rate(self) -> Rate:
        return Rate(self.met, self.finished)

    @property
    def rate_pauses_running(self) -> Rate:
        return Rate(self.met_pauses_running, self.finished)


@attrs.frozen
class Backlog:
    """Open tickets at ``at``, by status and by age since receipt."""

    at: pendulum.DateTime
    total: int
    by_status: Mapping[str, int]
    by_age: Mapping[str, int]


@attrs.frozen
class TrendPoint:
    period: Period
    satisfaction: Satisfaction
