"""Docs are executed: every ```python block in README.md and docs/ runs here,
and every ```text block that shows output is compared with what the code prints.

Excerpts that cannot run alone (a method lifted out of a class, a snippet
that needs a database server) are fenced as ```py instead: highlighted the
same, not executed.

A ```text block must say, in an HTML comment right above it, where its
text comes from, so that no shown output can go stale:

- ``<!-- output: above -->``: what the ```python block before it prints;
- ``<!-- output: cli -->``: ``$ complaintflow ...`` lines, each followed by
  what the command prints (stdout and stderr, in order), run in the page's
  folder one after the other;
- ``<!-- output: errors -->``: the tree of :mod:`complaintflow.errors`.

A line ``...`` (or ``...`` inside a line) stands for text left out, as in a
doctest; a run time (``in 10.5 s``) is not compared.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow import errors
from complaintflow.cli import main
from complaintflow.domain.diagram import mermaid

ROOT = Path(__file__).resolve().parent.parent
#: Pages whose shown output takes a whole simulated month to produce.
SLOW_PAGES = {"cli.md"}
TUTORIALS = sorted((ROOT / "docs").glob("tutorial-*.md"))
#: The tutorials are left to test_a_tutorial_runs_twice_in_one_folder, whose first run is this
#: test's run: running them a third time here would check nothing more.
PAGES = [
    pytest.param(page, id=page.name, marks=[pytest.mark.slow] if page.name in SLOW_PAGES else [])
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    if page not in TUTORIALS
]
FENCE = re.compile(r"^```(python|text)\n(.*?)^```", re.S | re.M)
MARK = re.compile(r"<!-- output: (above|cli|errors) -->\s*\Z")
#: A line of the errors tree without the words that follow each name.
TREE_LINE = re.compile(r"[│ ]*(?:[├└]── )?\w+(?: \(\w+\))?")
TIMING = re.compile(r"\bin \d+(?:\.\d+)? s\b")


@pytest.mark.parametrize("page", PAGES)
def test_python_blocks_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of one page run top to bottom in one namespace, like a reader would.

    A block written as an interactive session (``>>>``) is run as a doctest,
    so the output it shows is checked too; so is every ```text block.
    """
    monkeypatch.chdir(tmp_path)
    run_page(page)


@pytest.mark.parametrize("page", TUTORIALS, ids=lambda p: p.name)
def test_a_tutorial_runs_twice_in_one_folder(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader who runs a tutorial again where they ran it first gets no traceback."""
    monkeypatch.chdir(tmp_path)
    run_page(page)
    run_page(page)


def run_page(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    printed = ""
    for number, match in enumerate(FENCE.finditer(text), 1):
        lang, block = match.groups()
        name = f"{page.name}[block {number}]"
        if lang == "python":
            printed = run_python(block, namespace, name)
            continue
        mark = MARK.search(text[: match.start()])
        assert mark, (
            f"{name} is a ```text block: say where its text comes from with "
            "<!-- output: above|cli|errors --> right above it"
        )
        if mark.group(1) == "above":
            assert_shown(block, printed, name)
        elif mark.group(1) == "cli":
            run_commands(block, name)
        else:
            drawn = "".join(
                f"{TREE_LINE.match(line)[0]}\n"  # type: ignore[index]
                for line in block.splitlines()
            )
            assert drawn == error_tree(), f"{name} is not the tree of complaintflow.errors"


def run_python(block: str, namespace: dict[str, object], name: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if block.lstrip().startswith(">>>"):
            test = doctest.DocTestParser().get_doctest(block, namespace, name, name, 0)
            runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
            runner.run(test, clear_globs=False, out=out.write)
            namespace.update(test.globs)  # DocTest works on a copy
            assert runner.summarize(verbose=False).failed == 0, (
                f"{name} printed otherwise:\n{out.getvalue()}"
            )
        else:
            exec(compile(block, name, "exec"), namespace)
    return out.getvalue()


def assert_shown(shown: str, printed: str, name: str) -> None:
    want, got = (TIMING.sub("in 0 s", text) for text in (shown, printed))
    assert doctest.OutputChecker().check_output(want, got, doctest.ELLIPSIS), (
        f"{name} shows output the code no longer prints; it prints:\n{printed}"
    )


def run_commands(block: str, name: str) -> None:
    """Each ``$ complaintflow ...`` line runs in-process; what follows it is its output."""
    steps = re.split(r"^\$ ", block, flags=re.M)
    assert steps[0] == "", f"{name} must start with a $ command line"
    for step in steps[1:]:
        command, _, shown = step.partition("\n")
        argv = shlex.split(command)
        while "&&" in argv:  # `cd /tmp && complaintflow demo`: the folder is the test's own
            argv = argv[argv.index("&&") + 1 :]
        assert argv[0] == "complaintflow", f"{name}: only complaintflow commands run: {command}"
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            try:
                main(argv[1:])
            except SystemExit as done:  # --help, --version, usage errors
                print(f"(exit {done.code})")
        assert_shown(shown, out.getvalue(), f"{name} `{command}`")


def error_tree() -> str:
    """The hierarchy under ComplaintflowError as docs/errors.md draws it."""
    lines = ["ComplaintflowError"]

    def walk(cls: type, prefix: str) -> None:
        mine = sorted(
            (c for c in cls.__subclasses__() if c.__module__ == errors.__name__), key=ORDER.index
        )
        for n, child in enumerate(mine):
            last = n == len(mine) - 1
            builtin = next(
                (b.__name__ for b in child.__bases__ if b.__module__ == "builtins"), None
            )
            label = child.__name__ + (f" ({builtin})" if builtin else "")
            lines.append(f"{prefix}{'└── ' if last else '├── '}{label}")
            walk(child, prefix + ("    " if last else "│   "))

    walk(errors.ComplaintflowError, "")
    return "\n".join(lines) + "\n"


#: The order the errors page lists them in: input, state, permission, races, lookup, storage,
#: installation.
#: The error classes in the order complaintflow.errors defines them.
ORDER = [
    value
    for value in vars(errors).values()
    if isinstance(value, type) and issubclass(value, errors.ComplaintflowError)
]


def test_lifecycle_page_shows_the_current_machine() -> None:
    page = (ROOT / "docs" / "lifecycle.md").read_text(encoding="utf-8")
    assert mermaid() in page, "docs/lifecycle.md is stale: paste `complaintflow diagram` output"


@pytest.mark.slow  # a whole mkdocs build
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
