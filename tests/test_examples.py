"""Every script in examples/ runs as a user would run it, and says what it should."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

#: Lines (substrings) each example must print; every file in examples/ needs an entry.
EXPECTED: dict[str, list[str]] = {
    "quickstart.py": [
        "received TS20240607-0001 from C-8801 (vip, 138****5678): received",
        "proposed a refund of 300.00 CNY: awaiting_approval",
        "approved as supervisor: photos confirm the damage",
        "TS20240607-0001 is closed (version 11)",
        "SLA first_response: met (target 4 business hours, due Tue 2024-06-11 12:00",
        "Skipped 2024-06-10 (Monday), a holiday.",
    ],
    "crm_embedding.py": [
        "TS20240605-0001 CU-1002 (regular, l***@example.com): complaint/billing.payment/P1",
        "stale screen: expected version 4, the ticket is at 5; reloading",
        "sweep: checked 1, warnings 2, breaches 2, escalations 3",
        "[customer] to CU-1001: 您的投诉已受理（TS20240605-0002）",
        "[staff] to role:supervisor: 工单 TS20240605-0001：first_response escalation",
        "[staff] to role:supervisor: 工单 TS20240605-0001 请您跟进（P1 billing.payment）",
        "sun.hao       investigating internal note: Courier says",
    ],
    "property_testing_sla.py": [
        "ok: p1 first response is two business hours on our calendar",
        "ok: our business deadlines never fall on a holiday",
        "ok: first response follows the oracle whatever hours we configure",
        "a wall-clock rule is wrong: received",
    ],
    "custom_classifier.py": [
        "ATM吞卡了，卡里还有工资，怎么办\n  -> complaint / billing.payment / P1 / needs_human=True",
    ],
    "json_file_store.py": [],  # a module for the storage tutorial; it must import cleanly
}

SCRIPTS = sorted(path.name for path in EXAMPLES.glob("*.py"))


def test_every_example_is_checked() -> None:
    assert sorted(EXPECTED) == SCRIPTS


@pytest.mark.parametrize("name", SCRIPTS)
def test_example_runs(name: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8", "PYTHONWARNINGS": "error"}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"{name} failed:\n{done.stdout}\n{done.stderr}"
    for line in EXPECTED[name]:
        assert line in done.stdout, f"{name} did not print {line!r}:\n{done.stdout}"
    left = [path.name for path in tmp_path.iterdir() if path.name != ".hypothesis"]  # its cache
    assert left == [], f"{name} left files in the working directory"
