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

The values behind the fixtures (the calendar factory ``shanghai_office()``,
``START``, the standard actors, ``instants()``...) live in
:mod:`complaintflow.testing.office`, importable where a fixture cannot reach:
module-level constants, ``parametrize`` arguments, hypothesis strategies.

The plugin needs only pytest; it never imports hypothesis.
"""

from __future__ import annotations

from itertools import count

from complaintflow._extras import needs_extra
from complaintflow.clock import ManualClock
from complaintflow.service.desk import ComplaintDesk
from complaintflow.sla import BusinessCalendar
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage import InMemoryStore
from complaintflow.testing.office import (
    CN_HOLIDAYS,
    CN_MAKE_UP_DAYS,
    HORIZON,
    START,
    shanghai_office,
)

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
