"""The month's survey round, as seed 003 runs one: sample, send, answer, call back.

The simulated office runs one round a month (``2024-05``) and fills it as
the month's work is resolved: every morning it draws yesterday's
resolutions stratum by stratum (:meth:`SurveySampler.draw`, 20 %, every
complaint and VIP in full), and each drawn ticket gets its questionnaire or
call when :func:`schedule_survey` says.  The sends record the stratum's
population and sample *to date*, so the report's 样本量 at the month's end
is the month's.

Customers then behave as customers do: some refuse (客户拒访), some never
answer, most answer; a few answers are the kind seed 003 discards (filled
in within seconds, the same score to every question, sent twice), and
some carry a suggestion.  An unsatisfied valid answer reopens the ticket
to a supervisor; unsatisfied and suggesting customers are called back
(二次回访) in the slot :func:`second_followups` picks.

Every random choice comes from the office's seeded ``random.Random``, in
agenda order, so a seed replays the same round.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import partial
from typing import TYPE_CHECKING

from complaintflow.demo.data import SUGGESTIONS, SUPERVISORS
from complaintflow.domain import events as e
from complaintflow.domain.values import Actor, SurveyResponse
from complaintflow.domain.vocabulary import Role, Status
from complaintflow.satisfaction import (
    SurveySampler,
    schedule_survey,
    second_followups,
    service_type,
)

if TYPE_CHECKING:
    from complaintflow.demo.office import OfficeMonth

__all__ = ["MonthlyRound"]

#: Scores 5..1 as the month's customers give them.
_CSAT_WEIGHTS = (45, 30, 13, 7, 5)


class MonthlyRound:
    """One survey round over the month's resolutions, and what came of it."""

    def __init__(self, office: OfficeMonth, name: str) -> None:
        self.office = office
        self.name = name
        self.population: Counter[str] = Counter()
        self.sample: Counter[str] = Counter()
        self.figures: Counter[str] = Counter()
        self.owed: set[str] = set()  # answers that ask for a call-back
        self.booked: set[str] = set()
        self.reached: set[str] = set()  # a ticket is in the round once, reopened or not

    # -- the morning draw -------------------------------------------------------
    def draw(self, day: dt.date) -> None:
        """Sample yesterday's resolutions, book each send; book the call-backs owed."""
        o = self.office
        batch = [o.desk.get(tid) for tid in dict.fromkeys(o.resolved)]
        o.resolved.clear()
        batch = [t for t in batch if t.status is Status.RESOLVED]
        eligible = [
            t for t in batch if t.kind in o.desk.rules.surveyed_kinds and t.id not in self.reached
        ]
        drawn = SurveySampler(0.2, seed=f"{o.seed}:{day}").draw(eligible)
        self.population.update(service_type(t) for t in eligible)
        self.sample.update(d.stratum for d in drawn)
        self.reached.update(d.ticket.id for d in drawn)
        chosen = {d.ticket.id for d in drawn}
        for d in drawn:
            slot = schedule_survey(d.ticket, calendar=o.calendar)
            o.at(
                slot.at + dt.timedelta(minutes=o.rng.uniform(0, 240)),
                partial(self.send, d.ticket.id, d.stratum, str(slot.method)),
            )
        for t in batch:
            if t.id not in chosen:  # not surveyed: close once the survey window is over
                self.close_after_window(t.id)
        self.call_backs()

    def close_after_window(self, ticket_id: str) -> None:
        o = self.office
        resolved_at = o.desk.get(ticket_id).resolved_at
        assert resolved_at is not None
        o.at(
            max(resolved_at + o.desk.rules.survey_window, o.clock.now()),
            partial(o.staff, o.rng.uniform(5, 120), partial(o.close, ticket_id)),
        )

    # -- sending and the customer's reply -------------------------------------------
    def send(self, ticket_id: str, stratum: str, method: str) -> None:
        o = self.office
        if (t := o.active(ticket_id, Status.RESOLVED)) is None or t.customer is None:
            return
        o.desk.send_survey(
            ticket_id,
            self.name,
            actor=o.agent(),
            stratum=stratum,
            population=self.population[stratum],
            sample=self.sample[stratum],
            method=method,
        )
        self.figures["sent"] += 1
        chance = o.rng.random()
        if chance < 0.1:
            o.later(o.rng.uniform(0.05, 3), partial(self.refuse, ticket_id))
        elif chance < 0.18:  # never answers
            self.close_after_window(ticket_id)
        else:
            o.later(o.rng.uniform(0.1, 20), partial(self.answer, ticket_id))

    def refuse(self, ticket_id: str) -> None:
        o = self.office
        if o.active(ticket_id, Status.RESOLVED) is None:
            return
        o.desk.refuse_survey(ticket_id, self.name, actor=o.agent())
        self.figures["refused"] += 1
        self.close_after_window(ticket_id)

    def answer(self, ticket_id: str) -> None:
        o = self.office
        if (t := o.active(ticket_id, Status.RESOLVED)) is None or t.customer is None:
            return
        rng = o.rng
        csat = rng.choices((5, 4, 3, 2, 1), _CSAT_WEIGHTS)[0]
        nps = min(10, max(0, 2 * csat + rng.choice((-2, -1, 0, 0, 1))))
        # Three scored questions (overall, speed, attitude); a considered answer differs somewhere.
        other = csat + rng.choice((-1, 1))
        answers = [
            csat,
            _score(csat + rng.choice((-1, 0, 1))),
            other if 1 <= other <= 5 else 2 * csat - other,
        ]
        now = o.clock.now()
        started = now - dt.timedelta(minutes=rng.uniform(1, 8))
        anomaly = rng.random()
        if anomaly < 0.04:  # clicked through in seconds
            started = now - dt.timedelta(seconds=rng.randint(4, 20))
        elif anomaly < 0.08:  # the same score everywhere
            answers = [answers[0]] * 3
        lang = "en" if t.description.isascii() else "zh"
        suggestion = rng.choice(SUGGESTIONS[lang]) if rng.random() < 0.12 else None
        customer = Actor.customer(t.customer.id)
        response = SurveyResponse.from_csat(csat, nps=nps, ces=rng.randint(1, 7))
        t = o.desk.answer_survey(
            ticket_id,
            self.name,
            response,
            actor=customer,
            answers=answers,
            started_at=started,
            suggestion=suggestion,
            reopen_to=rng.choice(SUPERVISORS),
        )
        self.figures["answered"] += 1
        answered = self._answered(ticket_id)
        if not answered.valid:
            self.figures["invalid"] += 1
        else:
            o.surveys += 1
            if answered.followup_by is not None:
                self.owed.add(ticket_id)
        if t.status is Status.INVESTIGATING:
            o.reopened.add(ticket_id)
            o.staff(rng.uniform(10, 240), lambda: o.respond(ticket_id))
            return
        if not answered.valid:  # counts nowhere: the ticket waits out its survey window
            self.close_after_window(ticket_id)
            return
        if rng.random() < 0.03:  # the form is submitted twice
            o.later(rng.uniform(0.01, 0.1), partial(self.again, ticket_id, response, answers))
        o.staff(rng.uniform(5, 120), partial(o.close, ticket_id))

    def again(self, ticket_id: str, response: SurveyResponse, answers: list[int]) -> None:
        o = self.office
        if (t := o.active(ticket_id, Status.RESOLVED, Status.CLOSED)) is None or not t.customer:
            return
        o.desk.answer_survey(
            ticket_id, self.name, response, actor=Actor.customer(t.customer.id), answers=answers
        )
        self.figures["answered"] += 1
        self.figures["invalid"] += not self._answered(ticket_id).valid

    def _answered(self, ticket_id: str) -> e.SurveyAnswered:
        for event in reversed(self.office.desk.history(ticket_id)):
            if isinstance(event.payload, e.SurveyAnswered):
                return event.payload
        raise AssertionError(f"{ticket_id} has no survey answer")

    # -- the second follow-up (二次回访) ---------------------------------------------
    def call_backs(self) -> None:
        """Book a supervisor's call for each follow-up owed, in the slot it is owed."""
        o = self.office
        waiting = sorted(self.owed - self.booked)
        owed = second_followups([o.desk.history(tid) for tid in waiting], calendar=o.calendar)
        for followup in owed:
            self.booked.add(followup.ticket_id)
            at = followup.slot.at if followup.slot is not None else followup.window_from
            o.at(
                max(at, o.clock.now()) + dt.timedelta(minutes=o.rng.uniform(0, 90)),
                partial(self.call_back, followup.ticket_id),
            )

    def call_back(self, ticket_id: str) -> None:
        o = self.office
        if o.desk.get(ticket_id).status in (Status.MERGED, Status.WITHDRAWN):
            return
        o.desk.send_survey(
            ticket_id, self.name, actor=o.person(Role.SUPERVISOR), method="call", followup=True
        )
        self.figures["followups"] += 1


def _score(n: int) -> int:
    return min(5, max(1, n))
