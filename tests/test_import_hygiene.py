"""``import complaintflow`` stays light: no test tools, no drivers, no optional data."""

from __future__ import annotations

import json
import subprocess
import sys

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
