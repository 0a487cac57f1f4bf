"""How a ticket ends, or starts over: survey, reopen, close, merge, withdraw."""

from __future__ import annotations

from typing import ClassVar

import attrs

from complaintflow.domain._facts import Event, Payload
from complaintflow.domain.commands._trigger import (
    STAFF,
    STAFF_OR_CUSTOMER,
    STAFF_OR_SYSTEM,
    Changes,
    Command,
    Guard,
    Situation,
    Trigger,
    instance_of,
    optional_text,
    text,
)
from complaintflow.domain.redaction import redacted_repr
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import SurveyResponse
from complaintflow.domain.vocabulary import Role, SatisfactionLevel
from complaintflow.errors import ValidationError

__all__ = [
    "TRIGGERS",
    "Close",
    "Closed",
    "Merge",
    "Merged",
    "RecordSurvey",
    "Reopen",
    "Reopened",
    "SurveyRecorded",
    "Withdraw",
    "Withdrawn",
]


def _and_reason(reason: str | None) -> str:
    return f": {reason}" if reason else ""


# -- the survey --------------------------------------------------------------------


@attrs.frozen
class RecordSurvey(Command):
    """A survey answer; unsatisfied reopens to ``reopen_to`` (a supervisor)."""

    trigger: ClassVar[str] = "record_survey"
    response: SurveyResponse = attrs.field(validator=instance_of(SurveyResponse))
    reopen_to: str | None = attrs.field(default=None, kw_only=True, validator=optional_text)


@attrs.frozen
class SurveyRecorded(Payload):
    """A survey answer; an unsatisfied one reopened the ticket to ``reopened_to``."""

    type: ClassVar[str] = "survey_recorded"
    response: SurveyResponse
    reopened: bool
    reopened_to: str | None = None


def _record_survey(command: RecordSurvey, now: Situation) -> SurveyRecorded:
    # Seed 000 §2.4.2: an unsatisfied answer restarts the handling, led by a supervisor
    # (the ticket is escalated to one).  A customer answering names no owner, so the
    # colleague who handled it keeps following it up rather than nobody.
    unsatisfied = command.response.level is SatisfactionLevel.UNSATISFIED
    return SurveyRecorded(
        command.response,
        reopened=unsatisfied,
        reopened_to=(command.reopen_to or now.ticket.assignee) if unsatisfied else None,
    )


def restarted_by_survey(t: Ticket, assignee: str | None) -> Changes:
    """An unsatisfied answer restarts the handling under a supervisor (seed 000 §2.4.2).

    One definition for ``record_survey`` and a survey round's answer, so the two
    ways a customer says "not satisfied" reopen a ticket alike.
    """
    return {
        "survey": None,
        "resolved_at": None,
        "reopen_count": t.reopen_count + 1,
        "assignee": assignee,
        "escalated_to": Role.SUPERVISOR,
        "solution": None,
        "resolved_at_first_contact": False,
        "committed_at": None,  # a new cycle: the old promise no longer stands
    }


def _surveyed(t: Ticket, ev: Event, p: SurveyRecorded) -> Changes:
    if not p.reopened:
        return {"survey": p.response}
    return restarted_by_survey(t, p.reopened_to)


def _say_surveyed(p: SurveyRecorded) -> str:
    score = f" (CSAT {p.response.csat})" if p.response.csat is not None else ""
    reopened = f"; reopened to {p.reopened_to or 'a supervisor'}" if p.reopened else ""
    return f"survey: {p.response.level}{score}{reopened}"


def _survey_open(now: Situation, p: SurveyRecorded | None) -> bool:
    return now.ticket.survey is None


def _unsatisfied(now: Situation, p: SurveyRecorded | None) -> bool:
    return (p is None or p.reopened) and _survey_open(now, p)


# -- reopen and close --------------------------------------------------------------


@attrs.frozen
class Reopen(Command):
    trigger: ClassVar[str] = "reopen"
    reason: str = attrs.field(validator=text, repr=redacted_repr)


@attrs.frozen
class Reopened(Payload):
    type: ClassVar[str] = "reopened"
    reason: str = attrs.field(repr=redacted_repr)


def _reopened(t: Ticket, ev: Event, p: Reopened) -> Changes:
    return {
        "survey": None,
        "resolved_at": None,
        "closed_at": None,
        "solution": None,
        "reopen_count": t.reopen_count + 1,
        "resolved_at_first_contact": False,
        "committed_at": None,
    }


def _within_reopen_window(now: Situation, p: Reopened | None) -> bool:
    closed = now.ticket.closed_at
    return closed is not None and now.at <= closed + now.rules.reopen_window


@attrs.frozen
class Close(Command):
    trigger: ClassVar[str] = "close"
    reason: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class Closed(Payload):
    type: ClassVar[str] = "closed"
    reason: str | None = attrs.field(default=None, repr=redacted_repr)


def _closed(t: Ticket, ev: Event, p: Closed) -> Changes:
    return {"closed_at": ev.at}


def _survey_settled(now: Situation, p: Closed | None) -> bool:
    t, rules = now.ticket, now.rules
    return (
        t.survey is not None
        or (t.kind is not None and t.kind not in rules.surveyed_kinds)
        or (t.resolved_at is not None and now.at >= t.resolved_at + rules.survey_window)
    )


# -- merge and withdraw ------------------------------------------------------------


@attrs.frozen
class Merge(Command):
    """This ticket duplicates ``into``; it ends merged, its events stay."""

    trigger: ClassVar[str] = "merge"
    into: str = attrs.field(validator=text)
    reason: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class Merged(Payload):
    type: ClassVar[str] = "merged"
    into: str
    reason: str | None = attrs.field(default=None, repr=redacted_repr)


def _merge(command: Merge, now: Situation) -> Merged:
    if command.into == now.ticket.id:
        raise ValidationError("a ticket cannot be merged into itself", field="into")
    return Merged(command.into, command.reason)


def _merged(t: Ticket, ev: Event, p: Merged) -> Changes:
    return {"merged_into": p.into}


@attrs.frozen
class Withdraw(Command):
    """The customer withdrew the complaint."""

    trigger: ClassVar[str] = "withdraw"
    reason: str | None = attrs.field(default=None, validator=optional_text, repr=redacted_repr)


@attrs.frozen
class Withdrawn(Payload):
    type: ClassVar[str] = "withdrawn"
    reason: str | None = attrs.field(default=None, repr=redacted_repr)


def _withdrawn(t: Ticket, ev: Event, p: Withdrawn) -> Changes:
    return {}


TRIGGERS = (
    Trigger(
        RecordSurvey,
        SurveyRecorded,
        _record_survey,
        _surveyed,
        _say_surveyed,
        guards=(
            Guard("unsatisfied", _unsatisfied),
            Guard(
                "survey_open",
                _survey_open,
                "a survey response is already recorded for this resolution",
            ),
        ),
        by=STAFF_OR_CUSTOMER,
    ),
    Trigger(
        Reopen,
        Reopened,
        lambda command, now: Reopened(command.reason),
        _reopened,
        lambda p: f"reopened: {p.reason}",
        guards=(
            Guard(
                "within_reopen_window",
                _within_reopen_window,
                "the reopen window after closing has passed",
            ),
        ),
        by=STAFF,
    ),
    Trigger(
        Close,
        Closed,
        lambda command, now: Closed(command.reason),
        _closed,
        lambda p: "closed" + _and_reason(p.reason),
        guards=(
            Guard(
                "survey_settled",
                _survey_settled,
                "the survey is still pending; record it or wait for the survey window",
            ),
        ),
        by=STAFF_OR_SYSTEM,
    ),
    Trigger(
        Merge,
        Merged,
        _merge,
        _merged,
        lambda p: f"merged into {p.into}" + _and_reason(p.reason),
        by=STAFF,
    ),
    Trigger(
        Withdraw,
        Withdrawn,
        lambda command, now: Withdrawn(command.reason),
        _withdrawn,
        lambda p: "withdrawn by the customer" + _and_reason(p.reason),
        by=STAFF_OR_CUSTOMER,
    ),
)
