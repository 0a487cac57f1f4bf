"""The standard test office: Shanghai hours, calendars, instants and actors, as plain values.

The pytest plugin's fixtures are built from these names, and they are
importable on their own because fixtures cannot reach everywhere a test
needs them: module-level constants, helpers, ``@pytest.mark.parametrize``
arguments and hypothesis strategies are evaluated before any fixture exists.
One definition serves both, so a test file never re-declares the office.

Everything here is immutable (calendars, actors, functions), so sharing one
value between tests is safe.  Importing this module needs neither pytest nor
hypothesis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from types import MappingProxyType

import pendulum

from complaintflow.domain.values import Actor
from complaintflow.domain.vocabulary import Role
from complaintflow.sla._windows import WindowSpec
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.holidays import CHINA_OFFICE_HOURS

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
    "instant",
    "instants",
    "office_week",
    "shanghai_office",
]

#: The office's time zone.
SHANGHAI = "Asia/Shanghai"

#: One working day: 09:00-12:00 and 13:00-18:00 (lunch closed).
OFFICE_HOURS: tuple[WindowSpec, ...] = CHINA_OFFICE_HOURS

#: Monday to Friday at :data:`OFFICE_HOURS`, as ``BusinessCalendar(week=...)`` takes it;
#: read-only, since every test file shares it (``{**OFFICE_WEEK, 5: ...}`` adds a Saturday).
OFFICE_WEEK: Mapping[int, tuple[WindowSpec, ...]] = MappingProxyType(
    dict.fromkeys(range(5), OFFICE_HOURS)
)

#: The standard actors: one of each staff role, a customer and the system.
AGENT = Actor.staff("a1", Role.AGENT)
SUPERVISOR = Actor.staff("s1", Role.SUPERVISOR)
MANAGER = Actor.staff("m1", Role.DEPARTMENT_MANAGER)
DIRECTOR = Actor.staff("d1", Role.DIRECTOR)
CUSTOMER = Actor.customer("c1")
SYSTEM = Actor.system()

#: Where the plugin's ``manual_clock`` starts: Monday 20 May 2024, 10:00 in Shanghai.
START = pendulum.datetime(2024, 5, 20, 10, 0, tz=SHANGHAI)

#: The last date the written-out holidays cover.
HORIZON = dt.date(2026, 12, 31)

#: ``at(day, hour, minute=0, *, month=..., year=...)``, as :func:`instants` returns it.
At = Callable[..., pendulum.DateTime]


def instant(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> pendulum.DateTime:
    """A wall-clock time in Shanghai, the zone every standard calendar counts in."""
    return pendulum.datetime(year, month, day, hour, minute, tz=SHANGHAI)


def instants(year: int = 2024, month: int = 5) -> At:
    """``at(day, hour, minute=0)`` in one month, so a scenario's times read as the day and hour.

    May 2024 by default, the month most scenarios play in (Monday the 20th is
    :data:`START`); ``month=`` and ``year=`` on a call step outside it.
    """

    def at(
        day: int, hour: int, minute: int = 0, *, month: int = month, year: int = year
    ) -> pendulum.DateTime:
        return instant(year, month, day, hour, minute)

    return at


def office_week() -> BusinessCalendar:
    """Mon-Fri office hours in Shanghai without holidays, so sums are easy to check by hand."""
    return BusinessCalendar(tz=SHANGHAI, week=OFFICE_WEEK)


def _days(year: int, month: int, *days: int) -> list[dt.date]:
    return [dt.date(year, month, day) for day in days]


#: Statutory holidays that fall on weekdays (weekends are closed anyway), as
#: published by the State Council for 2024, 2025 and 2026.
CN_HOLIDAYS: tuple[dt.date, ...] = tuple(
    sorted(
        [
            *_days(2024, 1, 1),
            *_days(2024, 2, 12, 13, 14, 15, 16),
            *_days(2024, 4, 4, 5),
            *_days(2024, 5, 1, 2, 3),
            *_days(2024, 6, 10),
            *_days(2024, 9, 16, 17),
            *_days(2024, 10, 1, 2, 3, 4, 7),
            *_days(2025, 1, 1, 28, 29, 30, 31),
            *_days(2025, 2, 3, 4),
            *_days(2025, 4, 4),
            *_days(2025, 5, 1, 2, 5),
            *_days(2025, 6, 2),
            *_days(2025, 10, 1, 2, 3, 6, 7, 8),
            *_days(2026, 1, 1, 2),
            *_days(2026, 2, 16, 17, 18, 19, 20, 23),
            *_days(2026, 4, 6),
            *_days(2026, 5, 1, 4, 5),
            *_days(2026, 6, 19),
            *_days(2026, 9, 25),
            *_days(2026, 10, 1, 2, 5, 6, 7),
        ]
    )
)

#: Weekend dates worked to make up for bridge days off (调休).
CN_MAKE_UP_DAYS: tuple[dt.date, ...] = tuple(
    sorted(
        [
            *_days(2024, 2, 4, 18),
            *_days(2024, 4, 7, 28),
            *_days(2024, 5, 11),
            *_days(2024, 9, 14, 29),
            *_days(2024, 10, 12),
            *_days(2025, 1, 26),
            *_days(2025, 2, 8),
            *_days(2025, 4, 27),
            *_days(2025, 9, 28),
            *_days(2025, 10, 11),
            *_days(2026, 1, 4),
            *_days(2026, 2, 14, 28),
            *_days(2026, 5, 9),
            *_days(2026, 9, 20),
            *_days(2026, 10, 10),
        ]
    )
)


def shanghai_office() -> BusinessCalendar:
    """The office week with China's 2024-2026 holidays and make-up days; horizon :data:`HORIZON`."""
    return BusinessCalendar(
        tz=SHANGHAI,
        week=OFFICE_WEEK,
        holidays=CN_HOLIDAYS,
        workdays=dict.fromkeys(CN_MAKE_UP_DAYS, OFFICE_HOURS),
        horizon=HORIZON,
    )
