"""The Aho–Corasick matcher finds exactly what a naive scan finds."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.classify import automaton
from complaintflow.classify.automaton import Automaton, build_matcher


def naive(patterns: list[str], text: str) -> list[tuple[int, int, int]]:
    found = []
    for index, pattern in enumerate(patterns):
        start = text.find(pattern)
        while start != -1:
            found.append((start, start + len(pattern), index))
            start = text.find(pattern, start + 1)
    return sorted(found)


def test_classic_example() -> None:
    assert Automaton(["he", "she", "his", "hers"]).find("ushers") == [
        (1, 4, 1),
        (2, 4, 0),
        (2, 6, 3),
    ]


def test_chinese_overlapping_patterns() -> None:
    patterns = ["扣款", "重复扣款", "扣了两次", "两次"]
    text = "银行卡重复扣款，扣了两次"
    assert Automaton(patterns).find(text) == naive(patterns, text)


def test_duplicate_patterns_report_every_index() -> None:
    assert Automaton(["ab", "ab"]).find("xab") == [(1, 3, 0), (1, 3, 1)]


def test_no_patterns_finds_nothing() -> None:
    assert Automaton([]).find("anything") == []
    assert len(Automaton(["a", "b"])) == 2


def test_empty_pattern_is_refused() -> None:
    with pytest.raises(ValueError, match="pattern 1 is empty"):
        Automaton(["ok", ""])


ALPHABET = st.sampled_from("ab扣款c")
patterns_strategy = st.lists(st.text(ALPHABET, min_size=1, max_size=4), max_size=12)
text_strategy = st.text(ALPHABET, max_size=40)


@given(patterns_strategy, text_strategy)
def test_automaton_matches_naive_scan(patterns: list[str], text: str) -> None:
    assert Automaton(patterns).find(text) == naive(patterns, text)


@given(st.lists(st.text(min_size=1, max_size=5), max_size=8), st.text(max_size=60))
def test_automaton_matches_naive_scan_on_any_unicode(patterns: list[str], text: str) -> None:
    assert Automaton(patterns).find(text) == naive(patterns, text)


@given(patterns_strategy, text_strategy)
def test_fast_backend_agrees_with_pure_python(patterns: list[str], text: str) -> None:
    pytest.importorskip("ahocorasick")
    fast = build_matcher(patterns, "pyahocorasick")
    assert fast.find(text) == Automaton(patterns).find(text)


def test_python_backend_is_the_pure_automaton() -> None:
    assert isinstance(build_matcher(["a"], "python"), Automaton)


def test_missing_fast_backend_falls_back_or_explains(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(automaton, "_import_fast", lambda: None)
    assert isinstance(build_matcher(["a"]), Automaton)
    assert not automaton.fast_backend_available()
    with pytest.raises(ImportError, match=r"complaintflow\[fast\]"):
        build_matcher(["a"], "pyahocorasick")


def test_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="backend must be"):
        build_matcher(["a"], "turbo")  # type: ignore[arg-type]


def test_importing_classify_imports_no_optional_dependency() -> None:
    code = (
        "import sys, complaintflow.classify\n"
        "from complaintflow.classify import KeywordClassifier\n"
        "assert 'ahocorasick' not in sys.modules, 'ahocorasick imported eagerly'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
