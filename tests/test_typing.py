"""The public API type-checks as a user would write it (``tests/typing/api.py``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy", reason="mypy is not installed (pip install complaintflow[dev])")

ROOT = Path(__file__).resolve().parent.parent
API = ROOT / "tests" / "typing" / "api.py"


def mypy(path: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


def test_user_code_type_checks_under_strict(tmp_path: Path) -> None:
    result = mypy(API, tmp_path / "cache")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_would_catch_a_misuse(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from complaintflow import Ticket, apply\nversion: str = Ticket.replay([]).version\n",
        encoding="utf-8",
    )
    result = mypy(wrong, tmp_path / "cache")
    assert result.returncode == 1
    assert 'incompatible types in assignment (expression has type "int"' in result.stdout.lower()
