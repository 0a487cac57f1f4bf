"""Docs are executed: every ```python block in README.md and docs/ runs here.

Excerpts that cannot run alone (a method lifted out of a class, a snippet
that needs a database server) are fenced as ```py instead: highlighted the
same, not executed.
"""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow.domain.diagram import mermaid

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of one page run top to bottom in one namespace, like a reader would.

    A block written as an interactive session (``>>>``) is run as a doctest,
    so the output it shows is checked too.
    """
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        name = f"{page.name}[block {number}]"
        if block.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(block, namespace, name, name, 0)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # DocTest works on a copy
            assert runner.summarize(verbose=False).failed == 0, f"{name} printed otherwise"
        else:
            exec(compile(block, name, "exec"), namespace)


def test_lifecycle_page_shows_the_current_machine() -> None:
    page = (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert mermaid() in page, "docs/lifecycle.md is stale: paste `complaintflow diagram` output"


def test_mkdocs_build_is_strict_clean(tmp_path: Path) -> None:
    pytest.importorskip("mkdocs")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
