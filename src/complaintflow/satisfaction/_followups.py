"""Whom to call back: the second follow-up (二次回访) of seed 003 §四.

「对不满意客户或提出建议的客户进行二次回访，告知改进进展」.  A valid survey-round
answer that was unsatisfied or carried a suggestion records its window
(24-72 hours after the answer, seed 003's call-back window); the follow-up
is done once the round is sent again with ``followup=True``.  This module
lists the follow-ups still owed, and with a calendar picks each one's slot
the way a first call is picked (business hours, no Monday morning, no
Friday afternoon: :func:`schedule_survey` with the call's timing).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
import pendulum

from complaintflow.domain import events as e
from complaintflow.domain.vocabulary import SatisfactionLevel
from complaintflow.errors import ValidationError
from complaintflow.satisfaction._schedule import (
    SurveyCalendar,
    SurveyMethod,
    SurveyRules,
    SurveySlot,
    schedule_survey,
)

__all__ = ["SecondFollowUp", "second_followups"]


@attrs.frozen
class SecondFollowUp:
    """One call-back owed: ``reason`` is ``unsatisfied`` or ``suggestion``."""

    ticket_id: str
    round: str
    reason: str
    answered_at: pendulum.DateTime
    window_from: pendulum.DateTime
    window_by: pendulum.DateTime
    slot: SurveySlot | None = None


def _owed(log: Sequence[e.Event]) -> list[tuple[e.Event, e.SurveyAnswered]]:
    owed: dict[str, tuple[e.Event, e.SurveyAnswered]] = {}
    for event in log:
        p = event.payload
        if isinstance(p, e.SurveyAnswered) and p.valid and p.followup_by is not None:
            owed[p.round] = (event, p)
        elif isinstance(p, e.SurveySent) and p.followup:
            owed.pop(p.round, None)
    return list(owed.values())


def second_followups(
    logs: Iterable[Sequence[e.Event]],
    *,
    calendar: SurveyCalendar | None = None,
    rules: SurveyRules | None = None,
) -> list[SecondFollowUp]:
    """The second follow-ups not yet sent, earliest window first."""
    if isinstance(logs, str | bytes) or not isinstance(logs, Iterable):
        raise ValidationError("logs must be an iterable of event logs", field="logs")
    found: list[SecondFollowUp] = []
    for log in logs:
        for event, p in _owed(log):
            assert p.followup_from is not None
            assert p.followup_by is not None
            unsatisfied = p.response.level is SatisfactionLevel.UNSATISFIED
            slot = (
                None
                if calendar is None
                else schedule_survey(
                    p.answered_at, calendar=calendar, method=SurveyMethod.CALL, rules=rules
                )
            )
            found.append(
                SecondFollowUp(
                    event.ticket_id,
                    p.round,
                    "unsatisfied" if unsatisfied else "suggestion",
                    p.answered_at,
                    p.followup_from,
                    p.followup_by,
                    slot,
                )
            )
    return sorted(found, key=lambda f: (f.window_from, f.ticket_id))
