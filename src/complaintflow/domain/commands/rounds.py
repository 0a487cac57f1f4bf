"""Survey rounds (seed 003): a questionnaire sent, refused or answered, per ticket.

A *round* is one survey campaign, e.g. ``"2024-05"``: the host draws a
stratified sample of resolved tickets (see
:meth:`complaintflow.satisfaction.SurveySampler.draw`) and records, on each
ticket drawn, that the round's questionnaire was sent, with the ticket's
stratum, the stratum's population and its sample size, so the log alone
rebuilds the round's 样本量 / 参与率 / 有效回收率 (seed 003 §四).

An answer is checked before it counts (seed 003 §三 剔除无效数据): a
second answer to the same round (重复回访), one to a round never sent to
the ticket, one given before the questionnaire was sent or faster than
anyone can read it (信息明显错误), and the same score to every question
(随意填写) are recorded as *invalid* with the reason, and never reach the
ticket's survey or the CSAT.  A valid lowest score without a word of why
is kept but flagged for a second look
(seed 003: 某客户打1分但未说明原因, 需二次核实).  A valid unsatisfied answer,
or one with a suggestion, schedules the second follow-up (二次回访) in the
seed's 24-72 hour window.

What the log says about the round so far (when it was sent, whether it was
already answered) is read by the desk and handed to the command as its
:class:`RoundContext`, as a restamp's clocks are: the decision stays pure.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pendulum

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._round_checks import (
    LOW_SCORE_NO_REASON,
    REFUSAL_NOTE,
    InvalidAnswer,
    RoundContext,
    RoundRules,
    check_answer,
    natural,
    optional_instant,
    scores,
)
from complaintflow.domain.commands._trigger import (
    ANYONE,
    STAFF_OR_CUSTOMER,
    STAFF_OR_SYSTEM,
    Changes,
    Command,
    Guard,
    Situation,
    Trigger,
    flag,
    instance_of,
    optional_text,
    short,
    text,
)
from complaintflow.domain.commands.outcome import restarted_by_survey
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import SurveyResponse
from complaintflow.domain.vocabulary import SatisfactionLevel, Status
from complaintflow.errors import ValidationError

__all__ = [
    "REFUSAL_NOTE",
    "TRIGGERS",
    "AnswerSurvey",
    "InvalidAnswer",
    "RefuseSurvey",
    "RoundContext",
    "RoundRules",
    "SendSurvey",
    "SurveyAnswered",
    "SurveyRefused",
    "SurveySent",
]

# -- sent --------------------------------------------------------------------------


@attrs.frozen
class SendSurvey(Command):
    """The round's questionnaire went to this ticket's customer.

    ``population`` and ``sample`` are the sizes of the ticket's stratum in
    the round (all tickets eligible, tickets drawn); ``followup`` marks the
    second follow-up (二次回访) of an earlier answer in the round.
    """

    trigger: ClassVar[str] = "send_survey"
    round: str = attrs.field(validator=text)
    stratum: str = attrs.field(default="all", kw_only=True, validator=text)
    population: int = attrs.field(default=1, kw_only=True, validator=natural)
    sample: int = attrs.field(default=1, kw_only=True, validator=natural)
    method: str = attrs.field(default="questionnaire", kw_only=True, validator=text)
    followup: bool = attrs.field(default=False, kw_only=True, validator=flag)

    def __attrs_post_init__(self) -> None:
        if not 1 <= self.sample <= self.population:
            raise ValidationError(
                f"a stratum's sample ({self.sample}) must be 1 to its population "
                f"({self.population})",
                field="sample",
            )


@attrs.frozen
class SurveySent(Payload):
    type: ClassVar[str] = "survey_sent"
    round: str
    stratum: str
    population: int
    sample: int
    method: str
    followup: bool = False


def _round_reaches(now: Situation, p: SurveySent | None) -> bool:
    """A round surveys finished work; its second follow-up may reach a reopened ticket."""
    return p is None or p.followup or now.ticket.status in (Status.RESOLVED, Status.CLOSED)


def _say_sent(p: SurveySent) -> str:
    what = "second follow-up" if p.followup else f"survey sent ({p.method})"
    return f"{what}, round {p.round}, stratum {p.stratum} ({p.sample} of {p.population})"


# -- refused -----------------------------------------------------------------------


@attrs.frozen
class RefuseSurvey(Command):
    """The customer declined (客户拒访); the note says how to follow up instead."""

    trigger: ClassVar[str] = "refuse_survey"
    round: str = attrs.field(validator=text)
    note: str = attrs.field(default=REFUSAL_NOTE, kw_only=True, validator=text, repr=redacted_repr)
    context: RoundContext | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class SurveyRefused(Payload):
    type: ClassVar[str] = "survey_refused"
    round: str
    note: str = attrs.field(repr=redacted_repr)


def _context(command: AnswerSurvey | RefuseSurvey) -> RoundContext:
    if command.context is None:
        raise ValidationError(
            "the round's context is read from the ticket's log: call "
            "ComplaintDesk.answer_survey / refuse_survey",
            field="context",
        )
    return command.context


def _refuse(command: RefuseSurvey, now: Situation) -> SurveyRefused:
    _context(command)  # a refusal on a call made without a recorded send still counts
    return SurveyRefused(command.round, command.note)


# -- answered ----------------------------------------------------------------------


@attrs.frozen
class AnswerSurvey(Command):
    """One customer's answer to a round, with what the checks need.

    ``answers``: the score given to each scored question, in order;
    ``started_at`` / ``answered_at``: when the customer began and finished
    (``answered_at`` defaults to now); ``suggestion``: the answer to the
    improvement question (改进建议).
    """

    trigger: ClassVar[str] = "answer_survey"
    round: str = attrs.field(validator=text)
    response: SurveyResponse = attrs.field(validator=instance_of(SurveyResponse))
    answers: tuple[int, ...] = attrs.field(default=(), kw_only=True, converter=scores)
    started_at: pendulum.DateTime | None = attrs.field(
        default=None, kw_only=True, converter=optional_instant
    )
    answered_at: pendulum.DateTime | None = attrs.field(
        default=None, kw_only=True, converter=optional_instant
    )
    suggestion: str | None = attrs.field(
        default=None, kw_only=True, validator=optional_text, repr=redacted_repr
    )
    reopen_to: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)
    rules: RoundRules = attrs.field(factory=RoundRules, kw_only=True)
    context: RoundContext | None = attrs.field(default=None, kw_only=True)


@attrs.frozen
class SurveyAnswered(Payload):
    """An answer to a round; ``invalid`` says why it does not count, if it does not."""

    type: ClassVar[str] = "survey_answered"
    round: str
    response: SurveyResponse
    answered_at: pendulum.DateTime
    invalid: str | None = None
    flags: tuple[str, ...] = ()
    suggestion: str | None = attrs.field(default=None, repr=redacted_repr)
    reopened: bool = False
    reopened_to: str | None = None
    #: The second follow-up's window (二次回访), for an unsatisfied or suggesting answer.
    followup_from: pendulum.DateTime | None = None
    followup_by: pendulum.DateTime | None = None

    @property
    def valid(self) -> bool:
        return self.invalid is None


def _answer(command: AnswerSurvey, now: Situation) -> SurveyAnswered:
    context = _context(command)
    at = command.answered_at or now.at
    if at > now.at:
        raise ValidationError(f"answered_at {at} is after now ({now.at})", field="answered_at")
    invalid = check_answer(command.answers, command.started_at, at, context, command.rules)
    response = command.response
    unsatisfied = invalid is None and response.level is SatisfactionLevel.UNSATISFIED
    low = response.csat == 1 or (response.csat is None and unsatisfied)
    flags = (LOW_SCORE_NO_REASON,) if invalid is None and low and not response.comment else ()
    reopens = unsatisfied and now.ticket.status is Status.RESOLVED and now.ticket.survey is None
    follow = invalid is None and (unsatisfied or command.suggestion is not None)
    return SurveyAnswered(
        command.round,
        response,
        at,
        None if invalid is None else str(invalid),
        flags,
        command.suggestion,
        reopened=reopens,
        reopened_to=command.reopen_to if reopens else None,
        followup_from=at + command.rules.followup_earliest if follow else None,
        followup_by=at + command.rules.followup_latest if follow else None,
    )


def _answered(t: Ticket, ev: Event, p: SurveyAnswered) -> Changes:
    if p.reopened:  # as record_survey: an unsatisfied result restarts the handling
        return restarted_by_survey(t, p.reopened_to)
    if p.valid and t.status is Status.RESOLVED and t.survey is None:
        return {"survey": p.response}
    return {}


def _say_answered(p: SurveyAnswered) -> str:
    score = f" (CSAT {p.response.csat})" if p.response.csat is not None else ""
    said = f"survey answered, round {p.round}: {p.response.level}{score}"
    if p.invalid is not None:
        return f"{said}; invalid: {p.invalid}"
    if p.flags:
        said += f"; flagged: {', '.join(p.flags)}"
    if p.suggestion:
        said += f"; suggestion: {short(p.suggestion)}"
    if p.reopened:
        said += f"; reopened to {p.reopened_to or 'a supervisor'}"
    if p.followup_by is not None:
        said += f"; second follow-up by {p.followup_by:%Y-%m-%d %H:%M}"
    return said


def _round_reopens(now: Situation, p: SurveyAnswered | None) -> bool:
    return p is not None and p.reopened


TRIGGERS = (
    Trigger(
        SendSurvey,
        SurveySent,
        lambda command, now: SurveySent(
            command.round,
            command.stratum,
            command.population,
            command.sample,
            command.method,
            command.followup,
        ),
        lambda t, ev, p: {},
        _say_sent,
        guards=(
            Guard(
                "round_reaches",
                _round_reaches,
                "a survey round reaches resolved or closed tickets; only its second "
                "follow-up (followup=True) may reach a ticket still being handled",
            ),
        ),
        by=STAFF_OR_SYSTEM,
    ),
    Trigger(
        RefuseSurvey,
        SurveyRefused,
        _refuse,
        lambda t, ev, p: {},
        lambda p: f"survey refused, round {p.round}: {short(p.note)}",
        by=STAFF_OR_CUSTOMER,
    ),
    Trigger(
        AnswerSurvey,
        SurveyAnswered,
        _answer,
        _answered,
        _say_answered,
        guards=(Guard("round_reopens", _round_reopens),),
        by=ANYONE,
    ),
)
