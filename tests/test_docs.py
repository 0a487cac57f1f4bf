"""Docs are executed: every ```python block in README.md and docs/ runs here."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow.diagram import mermaid

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of one page run top to bottom in one namespace, like a reader would."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for number, block in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
        code = compile(block, f"{page.name}[block {number}]", "exec")
        exec(code, namespace)


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
