"""Skipping pattern alternatives a text lacks the words for changes no match."""

from __future__ import annotations

import gc
import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.classify import KeywordClassifier
from complaintflow.classify.concepts.literals import requirements
from complaintflow.classify.concepts.scripted import Scripted, possible_patterns, scripted
from complaintflow.classify.concepts.scripted import _alternatives as alternatives
from complaintflow.classify.lexicon import normalize

DATA = Path(__file__).resolve().parents[1] / "data"
KeywordClassifier()  # imports every built-in pattern
PATTERNS = [item for item in gc.get_objects() if isinstance(item, Scripted)]
PLAIN = [re.compile(pattern.pattern) for pattern in PATTERNS]
# Pieces of the built-in patterns' words, glued at random: texts that hold some
# words of an alternative but not all, where a wrong skip would show.
PIECES = sorted(
    {
        word
        for pattern in PATTERNS
        for part in alternatives(pattern.pattern)
        for words in requirements(part)
        for word in words
    }
)


def _spans(pattern: Scripted | re.Pattern[str], text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in pattern.finditer(text)]


def _same(text: str) -> None:
    for pattern, plain in zip(PATTERNS, PLAIN, strict=True):
        assert _spans(pattern, text) == _spans(plain, text), (pattern.pattern[:60], text)
        found = plain.search(text)
        assert (pattern.search(text) is None) == (found is None)
        if found is not None:
            assert pattern.possible(text)


def test_requirements_read_the_words_every_match_needs() -> None:
    assert requirements("扣款") == [frozenset({"扣款"})]
    assert [sorted(words) for words in requirements("(?:重复|两次)[^。]{0,3}扣")] == [
        ["两次", "重复"],
        ["扣"],
    ]
    assert requirements(r"\b(?:double|twice)?charged", most=1) == [frozenset({"charged"})]
    assert requirements("[0-9万亿]") == [frozenset("0123456789万亿")]


@pytest.mark.parametrize(
    "pattern",
    [r"\d+", r"[^。]+", r"a?", r"(?i)charged", r"(?:a|\d)b?", ".", r"\w{2,}", r"[a-z]"],
)
def test_requirements_say_nothing_when_any_text_may_match(pattern: str) -> None:
    assert requirements(pattern) == []


def test_every_built_in_pattern_matches_like_re_on_the_labelled_texts() -> None:
    assert len(PATTERNS) > 50
    for name in ("samples", "holdout"):  # the dev set too: benchmarks/classify_same.py
        for line in (DATA / f"classification_{name}.jsonl").read_text("utf-8").splitlines():
            _same(normalize(json.loads(line)["text"]))


@given(st.lists(st.sampled_from(PIECES) | st.text(min_size=1, max_size=3), max_size=8))
def test_every_built_in_pattern_matches_like_re_on_glued_words(pieces: list[str]) -> None:
    _same("".join(pieces))


def test_a_pattern_with_groups_runs_whole_or_not_at_all() -> None:
    pattern = scripted(r"扣了(\d+)元|charged (\d+)")
    assert [m.groups() for m in pattern.finditer("charged 30, 扣了5元")] == [
        (None, "30"),
        ("5", None),
    ]
    assert pattern.search("nothing") is None


def test_possible_patterns_lists_what_may_match() -> None:
    pattern = scripted("扣了钱|charged twice")
    assert pattern.number is not None
    assert pattern.number in possible_patterns("他们扣了钱")
    assert pattern.number not in possible_patterns("nothing here")
    assert scripted(r"\d+|扣").number is None  # a digit run needs no word: always possible
