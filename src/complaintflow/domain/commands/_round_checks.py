"""The checks a survey round's answer passes (seed 003 §三), and their settings.

Kept apart from the round's commands (:mod:`.rounds`) so each reads in one
sitting; the lifecycle never sees this module, only the decision that uses it.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import attrs
import pendulum

from complaintflow.clock import instant
from complaintflow.domain.commands._trigger import flag
from complaintflow.errors import ValidationError

__all__ = [
    "LOW_SCORE_NO_REASON",
    "REFUSAL_NOTE",
    "InvalidAnswer",
    "RoundContext",
    "RoundRules",
    "check_answer",
    "natural",
    "optional_instant",
    "scores",
]

#: Seed 003 §二 特殊情况处理: what is written when the customer declines the call.
REFUSAL_NOTE = "客户拒访，建议线上渠道跟进"
#: A flag, not a rejection: the lowest score with no reason given (seed 003 §三).
LOW_SCORE_NO_REASON = "low_score_no_reason"


class InvalidAnswer(enum.StrEnum):
    """Why an answer is left out of the round's valid responses."""

    DUPLICATE = "duplicate"  # 重复回访: the round was already answered on this ticket
    NOT_SENT = "not_sent"  # this ticket was never sent the round: 信息明显错误
    BEFORE_SENT = "answered_before_sent"  # impossible timing: 信息明显错误
    TOO_FAST = "too_fast"  # answered in less time than the questionnaire takes to read
    SAME_ANSWER = "same_answer"  # the same score to every question: 随意填写


def _span(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise ValidationError(
            f"RoundRules.{attribute.name} must be a timedelta of zero or more, got {value!r}",
            field=attribute.name,
        )


def natural(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(
            f"{type(instance).__name__}.{attribute.name} must be an integer of 0 or more, "
            f"got {value!r}",
            field=attribute.name,
        )


@attrs.frozen(kw_only=True)
class RoundRules:
    """The checks an answer passes and the second follow-up's window.

    ``min_duration``: an answer completed faster than this after it was
    started is impossible (seed 003's call takes 3 minutes; 30 s is generous).
    ``same_answer_from``: with at least this many scored questions, one
    score to all of them is not an answer.  ``followup_earliest`` /
    ``followup_latest``: seed 003's 24-72 hours, counted from the answer.
    """

    min_duration: dt.timedelta = attrs.field(default=dt.timedelta(seconds=30), validator=_span)
    same_answer_from: int = attrs.field(default=3, validator=natural)
    followup_earliest: dt.timedelta = attrs.field(default=dt.timedelta(hours=24), validator=_span)
    followup_latest: dt.timedelta = attrs.field(default=dt.timedelta(hours=72), validator=_span)

    def __attrs_post_init__(self) -> None:
        if self.followup_latest < self.followup_earliest:
            raise ValidationError(
                "followup_latest must not be before followup_earliest", field="followup_latest"
            )


def optional_instant(value: object) -> pendulum.DateTime | None:
    return None if value is None else instant(value, "instant")


@attrs.frozen
class RoundContext:
    """What the ticket's log says about one round: filled in by the desk."""

    sent_at: pendulum.DateTime | None = attrs.field(converter=optional_instant)
    answered: bool = attrs.field(default=False, validator=flag)


def scores(value: object) -> tuple[int, ...]:
    items = tuple(value) if isinstance(value, list | tuple) else None
    if items is None or any(isinstance(i, bool) or not isinstance(i, int) or i < 0 for i in items):
        raise ValidationError(
            f"answers must be a sequence of scores (integers of 0 or more), got {value!r}",
            field="answers",
        )
    return items


def check_answer(
    answers: tuple[int, ...],
    started: pendulum.DateTime | None,
    at: pendulum.DateTime,
    context: RoundContext,
    rules: RoundRules,
) -> InvalidAnswer | None:
    """Why an answer finished ``at`` does not count, or None when it does."""
    sent_at = context.sent_at
    if sent_at is None:
        return InvalidAnswer.NOT_SENT
    if context.answered:
        return InvalidAnswer.DUPLICATE
    if at < sent_at or (started is not None and (started < sent_at or started > at)):
        return InvalidAnswer.BEFORE_SENT
    if started is not None and at - started < rules.min_duration:
        return InvalidAnswer.TOO_FAST
    if rules.same_answer_from and len(answers) >= rules.same_answer_from and len(set(answers)) == 1:
        return InvalidAnswer.SAME_ANSWER
    return None
