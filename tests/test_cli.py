from __future__ import annotations

import subprocess
import sys

import pytest

from complaintflow import __version__
from complaintflow.cli import main
from complaintflow.diagram import mermaid


def test_demo_prints_the_audit_trail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "TS20240520-0001" in out
    assert "closed after 11 versions" in out
    for step in (
        "triaged complaint / billing.payment / P1",
        "needs supervisor",
        "approved as supervisor",
        "survey: satisfied (CSAT 5)",
    ):
        assert step in out
    assert "13812345678" not in out  # contact data never printed


def test_diagram_prints_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram"]) == 0
    assert capsys.readouterr().out == mermaid()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "complaintflow.cli", "diagram"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("stateDiagram-v2")
