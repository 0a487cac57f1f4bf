"""What the desk reads from a ticket's log before a survey round's answer or refusal.

Whether an answer is a duplicate, or came before the questionnaire was
sent, depends on the round's earlier events; the snapshot does not keep
them (a round is rare beside the commands every ticket sees), so the desk
reads the log for these two commands only and hands the decision a
:class:`~complaintflow.domain.commands.rounds.RoundContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from complaintflow.domain import events as e
from complaintflow.domain.commands import Command
from complaintflow.domain.commands.rounds import AnswerSurvey, RefuseSurvey, RoundContext

__all__ = ["round_context", "with_round_context"]


def round_context(log: Sequence[e.Event], round_id: str) -> RoundContext:
    """When ``round_id`` was first sent on this ticket, and whether it was answered since."""
    sent_at = None
    answered = False
    for event in log:
        payload = event.payload
        if isinstance(payload, e.SurveySent) and payload.round == round_id:
            if sent_at is None:
                sent_at = event.at
            if payload.followup:
                answered = False  # a second follow-up may be answered in its turn
        elif isinstance(payload, e.SurveyAnswered) and payload.round == round_id:
            answered = answered or payload.valid
    return RoundContext(sent_at, answered)


def with_round_context(command: Command, log: Callable[[], Sequence[e.Event]]) -> Command:
    """``command`` with its round context filled in; any other command unchanged."""
    if isinstance(command, AnswerSurvey | RefuseSurvey) and command.context is None:
        return attrs.evolve(command, context=round_context(log(), command.round))
    return command
