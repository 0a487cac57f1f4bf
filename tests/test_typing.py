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


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One mypy cache for both runs: the second checks its own file, not complaintflow again.

    mypy re-checks a cached module whenever its source changed, so sharing the
    cache between the two runs cannot hide an error.
    """
    return tmp_path_factory.mktemp("mypy-cache")


def test_user_code_type_checks_under_strict(cache: Path) -> None:
    result = mypy(API, cache)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_would_catch_a_misuse(tmp_path: Path, cache: Path) -> None:
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "from complaintflow import Ticket, apply\nversion: str = Ticket.replay([]).version\n",
        encoding="utf-8",
    )
    result = mypy(wrong, cache)
    assert result.returncode == 1
    assert 'incompatible types in assignment (expression has type "int"' in result.stdout.lower()
