"""Surveys after resolution: when to ask, whom to ask, and how satisfied (SPEC §2.6).

- :func:`schedule_survey` picks the instant (business hours, the method's
  window, no Monday morning or Friday afternoon) and flags a slot it had to
  take after the window; :func:`default_method` chooses questionnaire, call
  or online rating from the ticket.
- :class:`SurveySampler` draws a stratified, order-independent sample;
  :meth:`SurveySampler.draw` gives each ticket drawn with its stratum's
  figures, for a survey round recorded through ``desk.send_survey``;
  :func:`second_followups` lists the call-backs (二次回访) still owed.
- :func:`csat_percent`, :func:`nps`, :func:`ces`, :func:`level_shares` and
  :class:`SatisfactionSummary` score responses; :func:`unique_responses`
  enforces one response per ticket and survey.

Pure functions over values: nothing here reads a clock or a store.  The
lifecycle, not this package, reopens a ticket on an unsatisfied result.
"""

from complaintflow.satisfaction._followups import SecondFollowUp, second_followups
from complaintflow.satisfaction._sampling import Draw, SurveySampler, must_survey, service_type
from complaintflow.satisfaction._schedule import (
    Blackout,
    SurveyCalendar,
    SurveyMethod,
    SurveyRules,
    SurveySchedulingError,
    SurveySlot,
    SurveyTiming,
    default_method,
    schedule_survey,
)
from complaintflow.satisfaction._scores import (
    DuplicateSurveyResponse,
    SatisfactionSummary,
    ces,
    csat_percent,
    level_shares,
    nps,
    unique_responses,
)

__all__ = [
    "Blackout",
    "Draw",
    "DuplicateSurveyResponse",
    "SatisfactionSummary",
    "SecondFollowUp",
    "SurveyCalendar",
    "SurveyMethod",
    "SurveyRules",
    "SurveySampler",
    "SurveySchedulingError",
    "SurveySlot",
    "SurveyTiming",
    "ces",
    "csat_percent",
    "default_method",
    "level_shares",
    "must_survey",
    "nps",
    "schedule_survey",
    "second_followups",
    "service_type",
    "unique_responses",
]
