"""The pytest plugin: a host's test file gets the fixtures with ``-p``."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

pytest_plugins = ["pytester"]

HOST_TESTS = """
import datetime as dt

from complaintflow import BusinessCalendar, ComplaintDesk, InMemoryStore, ManualClock


def test_the_clock_starts_on_a_monday_morning_in_shanghai(manual_clock):
    assert isinstance(manual_clock, ManualClock)
    now = manual_clock.now()
    assert (now.isoformat(), now.weekday()) == ("2024-05-20T10:00:00+08:00", 0)
    manual_clock.advance(hours=2)
    assert manual_clock.now().hour == 12


def test_the_store_starts_empty(memory_store):
    assert isinstance(memory_store, InMemoryStore)
    assert memory_store.find().items == ()


def test_the_calendar_knows_national_day_and_the_make_up_days(shanghai_office_calendar):
    cal = shanghai_office_calendar
    assert isinstance(cal, BusinessCalendar)
    sh = dt.timezone(dt.timedelta(hours=8))
    assert not cal.is_open(dt.datetime(2024, 10, 1, 10, tzinfo=sh))    # National Day
    assert cal.is_open(dt.datetime(2024, 9, 29, 10, tzinfo=sh))         # a make-up Sunday
    assert not cal.is_open(dt.datetime(2024, 5, 20, 12, 30, tzinfo=sh)) # lunch
    friday = dt.datetime(2024, 9, 30, 17, tzinfo=sh)
    assert cal.add(friday, dt.timedelta(hours=2)).isoformat() == "2024-10-08T10:00:00+08:00"


def test_the_desk_stamps_the_default_sla(complaint_desk, manual_clock, memory_store):
    assert isinstance(complaint_desk, ComplaintDesk)
    from complaintflow import Actor, Channel, Customer, Role, TicketDraft

    draft = TicketDraft("快递一周还没到", Channel.PHONE, manual_clock.now(),
                        Customer("C1", phone="13812345678"))
    ticket = complaint_desk.intake(draft)
    assert (ticket.id, ticket.number, ticket.sla_version) == (
        "T0001", "TS20240520-0001", "default-1")
    assert memory_store.get("T0001") == ticket
    agent = Actor.staff("a1", Role.AGENT)
    complaint_desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=agent)
    manual_clock.advance(hours=3)          # 13:00: two of the four business hours used
    assert complaint_desk.sweep().warnings == 0
    manual_clock.advance(hours=1)          # 14:00: 75 % used, the warning is due
    assert complaint_desk.sweep().warnings == 1
"""


@pytest.fixture
def no_autoload(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load only what ``-p`` names, whether or not the entry point is installed."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")


@pytest.mark.usefixtures("no_autoload")
def test_a_host_test_file_uses_the_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_host=HOST_TESTS)
    result = pytester.runpytest_subprocess("-p", "complaintflow.testing.plugin", "-q")
    result.assert_outcomes(passed=4)


@pytest.mark.usefixtures("no_autoload")
def test_each_test_gets_fresh_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_fresh="""
def test_one(complaint_desk, manual_clock):
    manual_clock.advance(days=1)
    from complaintflow import Channel, TicketDraft
    assert complaint_desk.intake(TicketDraft("a", Channel.EMAIL, manual_clock.now())).id == "T0001"


def test_two(complaint_desk, manual_clock, memory_store):
    assert manual_clock.now().day == 20
    assert memory_store.find().items == ()
    from complaintflow import Channel, TicketDraft
    assert complaint_desk.intake(TicketDraft("b", Channel.EMAIL, manual_clock.now())).id == "T0001"
"""
    )
    result = pytester.runpytest_subprocess("-p", "complaintflow.testing.plugin", "-q")
    result.assert_outcomes(passed=2)


@pytest.mark.usefixtures("no_autoload")
def test_without_the_plugin_the_fixtures_are_unknown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_bare="def test_it(complaint_desk):\n    pass\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'complaint_desk' not found*"])


def test_the_plugin_imports_without_hypothesis() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None  # makes `import hypothesis` fail\n"
        "import complaintflow.testing.plugin as plugin\n"
        "assert 'hypothesis' not in [m.split('.')[0] for m in sys.modules if sys.modules[m]]\n"
        "print(plugin.START)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "2024-05-20" in done.stdout


def test_the_entry_point_loads_the_plugin_by_itself(pytester: pytest.Pytester) -> None:
    found = [
        ep for ep in entry_points(group="pytest11") if ep.value == "complaintflow.testing.plugin"
    ]
    if not found:
        pytest.skip("the pytest11 entry point is not installed (editable install predates it)")
    pytester.makepyfile(test_auto="def test_it(complaint_desk):\n    assert complaint_desk\n")
    result = pytester.runpytest_subprocess("-q")
    result.assert_outcomes(passed=1)
