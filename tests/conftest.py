"""Shared test setup: hypothesis profiles and the office, actors and instants most tests use.

Hypothesis: ``dev`` is quick for the edit-test loop, ``ci`` thorough.  CI
sets ``CI=true``; anyone can choose with ``--hypothesis-profile``.

Fixtures here are session-scoped because what they hand out is immutable
(a calendar, actors, a function), so module-scoped fixtures and
``@given`` tests can use them too.  The shipped plugin
(:mod:`complaintflow.testing.plugin`) adds ``manual_clock``,
``memory_store``, ``shanghai_office_calendar`` (with China's holidays) and
``complaint_desk``; ``office_week`` here is the plain Mon-Fri week without
holidays that most unit tests count against, so their sums stay easy to
check by hand.  Each fixture hands out a value from :mod:`complaintflow.testing.office`, which
module-level test code (constants, ``parametrize`` arguments, strategies) imports directly.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from complaintflow.domain.values import Actor
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.testing import AGENT, CUSTOMER, SUPERVISOR, At, instants, office

settings.register_profile(
    "ci",
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile("dev", max_examples=40, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

#: Tests left out of the edit-test loop (``pytest -m "not slow"``), by file and test or class
#: name: each takes 5 s to a minute (state machines over a whole desk or store, processes
#: racing, mypy runs).  Tests in tests/test_cli.py and tests/test_docs.py carry the marker
#: themselves.
SLOW = {
    "tests/test_desk_machine.py": {"TestDeskOnMemory", "TestDeskOnSqlite"},
    "tests/test_lifecycle_machine.py": {"TestLifecycle"},
    "tests/test_satisfaction.py": {"test_sample_meets_quotas_and_ignores_input_order"},
    "tests/test_typing.py": {
        "test_mypy_would_catch_a_misuse",
        "test_user_code_type_checks_under_strict",
    },
    "tests/storage/": {
        "test_state_machine_agrees_with_the_in_memory_store",
        "test_processes_contend_without_lost_updates",
    },
}


#: Session fixtures that start a server, and the xdist group of the tests that use one.
SERVERS = {"postgres_conninfo": "postgres", "mariadb_url": "mariadb", "redis_url": "redis"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (``--dist loadgroup``)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path, *names = item.nodeid.split("::")
        for where, slow in SLOW.items():
            if path.startswith(where) and slow.intersection(
                name.partition("[")[0] for name in names
            ):
                item.add_marker(pytest.mark.slow)
        group = _xdist_group(item, path)
        if group:
            item.add_marker(pytest.mark.xdist_group(group))
    if hasattr(config, "workerinput"):  # an xdist worker, whose order the scheduler follows
        # Longest first: xdist hands out single tests in collection order, so a slow test
        # collected last would finish alone on one core while the others wait.
        items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def _xdist_group(item: pytest.Item, path: str) -> str | None:
    """Keep the tests that share an expensive fixture on one xdist worker, so it is built once.

    Under ``-n``, each worker builds its own session and module fixtures: a
    server started per worker, a demo database or a trained model built twice,
    or torn down and rebuilt when the worker's tests of that module are not in
    a row.  Tests that use a server go to that server's group, tests that use
    a module-scoped fixture to their module's group; every other test is
    scheduled on its own, which keeps the long ones spread over the workers.
    """
    if not isinstance(item, pytest.Function):
        return None
    for name in item.fixturenames:
        if name in SERVERS:
            return SERVERS[name]
    for definitions in item._fixtureinfo.name2fixturedefs.values():
        if definitions and definitions[-1].scope == "module":
            return path
    return None


@pytest.fixture(scope="session")
def office_week() -> BusinessCalendar:
    """Mon-Fri 09:00-12:00 and 13:00-18:00 in Shanghai, no holidays."""
    return office.office_week()


@pytest.fixture(scope="session")
def at() -> At:
    """``at(day, hour, minute=0, month=5, year=2024)``: an instant in Shanghai, May 2024 unless
    told otherwise (the month most scenarios play in)."""
    return instants(2024, 5)


@pytest.fixture(scope="session")
def agent() -> Actor:
    return AGENT


@pytest.fixture(scope="session")
def supervisor() -> Actor:
    return SUPERVISOR


@pytest.fixture(scope="session")
def customer() -> Actor:
    return CUSTOMER
