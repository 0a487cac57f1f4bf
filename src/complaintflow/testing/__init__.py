"""Test helpers for hosts: the standard office, the reference oracle and hypothesis strategies.

``from complaintflow.testing import AGENT, instants, shanghai_office`` gives
the same values the pytest plugin's fixtures are built from, for test code
that runs before any fixture exists (module constants, hypothesis
strategies).  ``from complaintflow.testing import strategies`` needs
hypothesis (the ``testing`` extra); the root ``complaintflow`` package never
imports it.
"""

from complaintflow.testing.office import (
    AGENT,
    CN_HOLIDAYS,
    CN_MAKE_UP_DAYS,
    CUSTOMER,
    DIRECTOR,
    HORIZON,
    MANAGER,
    OFFICE_HOURS,
    OFFICE_WEEK,
    SHANGHAI,
    START,
    SUPERVISOR,
    SYSTEM,
    At,
    instant,
    instants,
    office_week,
    shanghai_office,
)
from complaintflow.testing.oracle import ReferenceCalendar, same_instant

__all__ = [
    "AGENT",
    "CN_HOLIDAYS",
    "CN_MAKE_UP_DAYS",
    "CUSTOMER",
    "DIRECTOR",
    "HORIZON",
    "MANAGER",
    "OFFICE_HOURS",
    "OFFICE_WEEK",
    "SHANGHAI",
    "START",
    "SUPERVISOR",
    "SYSTEM",
    "At",
    "ReferenceCalendar",
    "instant",
    "instants",
    "office_week",
    "same_instant",
    "shanghai_office",
]
