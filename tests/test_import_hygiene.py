"""``import complaintflow`` stays light: no test tools, no drivers, no optional data."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = (
    "pytest",
    "hypothesis",
    "psycopg",
    "psycopg_pool",
    "holidays",
    "chinese_calendar",
    "pandas",
    "ahocorasick",
)


def test_import_complaintflow_pulls_in_no_optional_module() -> None:
    code = (
        "import sys, json, complaintflow; "
        f"print(json.dumps([m for m in {FORBIDDEN!r} if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == []


def test_public_names_are_all_importable() -> None:
    import complaintflow

    for name in complaintflow.__all__:
        assert hasattr(complaintflow, name), name


def test_import_complaintflow_loads_no_submodule_until_a_name_is_used() -> None:
    code = (
        "import sys, json, complaintflow; before = sorted(m for m in sys.modules "
        "if m.startswith('complaintflow.')); complaintflow.Money; "
        "after = sorted(m for m in sys.modules if m.startswith('complaintflow.')); "
        "print(json.dumps([before, 'complaintflow.domain.money' in after]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    before, loaded = json.loads(result.stdout)
    assert before == []
    assert loaded


def test_the_root_is_curated_and_holds_every_name_spec_3_fixes() -> None:
    import complaintflow

    spec = {
        "Ticket",
        "TicketDraft",
        "Customer",
        "Money",
        "Priority",
        "Kind",
        "Category",
        "Channel",
        "Status",
        "Role",
        "Event",
        "SlaPolicy",
        "BusinessHours",
        "Elapsed",
        "BusinessDays",
        "ApprovalPolicy",
        "ComplaintDesk",
        "InMemoryStore",
        "SqliteStore",
        "TicketStore",
        "Classifier",
        "KeywordClassifier",
        "ManualClock",
        "SystemClock",
        "ComplaintflowError",
        "NaiveDatetimeError",
        "InvalidTransition",
        "PermissionDenied",
        "ConcurrencyError",
        "NotFound",
        "BusinessCalendar",
    }
    assert spec <= set(complaintflow.__all__)
    assert len(complaintflow.__all__) <= 62
    assert sorted(dir(complaintflow)) == sorted(complaintflow.__all__)
    with pytest.raises(AttributeError, match="no attribute 'apply'"):
        complaintflow.apply  # noqa: B018 - imported from complaintflow.domain.lifecycle now


def test_the_static_version_is_the_one_the_package_declares() -> None:
    import tomllib
    from pathlib import Path

    import complaintflow

    pyproject = Path(__file__).parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    version = declared.get("version")
    if version is None:  # dynamic: hatch reads it from the package itself
        assert "version" in declared["dynamic"]
    else:
        assert complaintflow.__version__ == version
