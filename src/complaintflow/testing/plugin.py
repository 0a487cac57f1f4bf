"""pytest fixtures for hosts that test their complaintflow integration.

Installed with complaintflow, the plugin loads by itself (a ``pytest11``
entry point); without the entry point, enable it with
``pytest -p complaintflow.testing.plugin`` or
``pytest_plugins = ["complaintflow.testing.plugin"]`` in a ``conftest.py``.

Fixtures (each function-scoped, so every test starts afresh):

``manual_clock``
    A :class:`~complaintflow.ManualClock` at :data:`START`, Monday
    20 May 2024 10:00 in Shanghai.  Move it with ``advance(hours=2)``.
``memory_store``
    An empty :class:`~complaintflow.InMemoryStore`.
``shanghai_office_calendar``
    Mon-Fri 09:00-12:00 and 13:00-18:00 in Asia/Shanghai with mainland
    China's statutory holidays and make-up working days (调休) of 2024-2026
    written out, so no holiday package is needed.  Its horizon is
    31 December 2026: a deadline past it raises ``CalendarHorizonError``.
``complaint_desk``
    A :class:`~complaintflow.ComplaintDesk` on ``memory_store`` and
    ``manual_clock`` with ``SlaPolicy.default()`` on that calendar, and
    ticket ids ``T0001``, ``T0002``, ... in intake order.  No classifier:
    tests triage explicitly.  Override the fixture in your ``conftest.py``
    to wire your own classifier, router or policy.

The plugin needs only pytest; it never imports hypothesis.
"""

from __future__ import annotations

import datetime as dt
from itertools import count

import pendulum

from complaintflow._extras import needs_extra
from complaintflow.clock import ManualClock
from complaintflow.service.desk import ComplaintDesk
from complaintflow.sla import BusinessCalendar
from complaintflow.sla.holidays import CHINA_OFFICE_HOURS
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage import InMemoryStore

with needs_extra("testing", __name__):
    import pytest

__all__ = [
    "CN_HOLIDAYS",
    "CN_MAKE_UP_DAYS",
    "HORIZON",
    "START",
    "complaint_desk",
    "manual_clock",
    "memory_store",
    "shanghai_office",
    "shanghai_office_calendar",
]

#: Where ``manual_clock`` starts: Monday 20 May 2024, 10:00 in Shanghai.
START = pendulum.datetime(2024, 5, 20, 10, 0, tz="Asia/Shanghai")

#: The last date the written-out holidays cover.
HORIZON = dt.date(2026, 12, 31)


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
    """The calendar behind the ``shanghai_office_calendar`` fixture."""
    hours = list(CHINA_OFFICE_HOURS)
    return BusinessCalendar(
        tz="Asia/Shanghai",
        week=dict.fromkeys(range(5), hours),
        holidays=CN_HOLIDAYS,
        workdays=dict.fromkeys(CN_MAKE_UP_DAYS, hours),
        horizon=HORIZON,
    )


@pytest.fixture
def manual_clock() -> ManualClock:
    """A clock at :data:`START` that moves only when the test says so."""
    return ManualClock(START)


@pytest.fixture
def memory_store() -> InMemoryStore:
    """An empty in-memory store."""
    return InMemoryStore()


@pytest.fixture
def shanghai_office_calendar() -> BusinessCalendar:
    """A Shanghai office week with China's 2024-2026 holidays and make-up days."""
    return shanghai_office()


@pytest.fixture
def complaint_desk(
    memory_store: InMemoryStore,
    manual_clock: ManualClock,
    shanghai_office_calendar: BusinessCalendar,
) -> ComplaintDesk:
    """A desk with the default SLA policy on the Shanghai office calendar."""
    serial = count(1)
    return ComplaintDesk(
        memory_store,
        manual_clock,
        sla=SlaPolicy.default(),
        calendar=shanghai_office_calendar,
        ids=lambda: f"T{next(serial):04d}",
    )
