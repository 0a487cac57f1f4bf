"""Regexes that run, on each text, only the alternatives the text can match.

Python's ``re`` tries every alternative of a pattern at every position; the
detectors' patterns have dozens of alternatives each, so a text paid for
all of them in both languages.  Yet almost every alternative needs some
literal word (:func:`~.literals.required`): 「重复」, 「扣」, "charged".
Every :class:`Scripted` pattern registers its alternatives' words in one
shared automaton; the first pattern to meet a new text runs it once, which
tells every pattern which of its alternatives may match there.  A pattern
then runs the alternation of those alternatives (compiled once per
combination and kept), or nothing at all when none may.  Leaving out an
alternative that cannot match anywhere in the text changes no match: same
matches, same order, same spans.  A pattern with capture groups keeps its
numbering, so it runs whole or not at all.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterator, Sequence

from complaintflow.classify.automaton import Matcher, build_matcher
from complaintflow.classify.concepts.literals import Words, requirements, weight

__all__ = ["Scripted", "possible_patterns", "scripted"]

# A further word set is checked only when its words are this rare (a Chinese
# character, three Latin letters): "s" or "on" is in nearly every English text.
_RARE = 3
_KEPT = 512  # compiled combinations kept per pattern; beyond that re's own cache serves


def _alternatives(pattern: str) -> list[str]:
    parts, depth, in_class, escaped, start = [], 0, False, False, 0
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return parts


# Per word: the (pattern, alternatives) it makes possible outright, and the
# (pattern, alternative, other word sets) that also need a word of each set.
_Owners = tuple[
    tuple[tuple[int, int], ...], tuple[tuple[int, int, tuple[frozenset[int], ...]], ...]
]


class _Index:
    """The words of every registered pattern's alternatives, found in one pass per text."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._words: dict[str, int] = {}
        self._plain: dict[int, dict[int, int]] = {}  # word -> pattern -> alternatives
        self._checked: dict[int, list[tuple[int, int, tuple[frozenset[int], ...]]]] = {}
        self._count = 0
        self._built: tuple[Matcher, tuple[_Owners, ...]] | None = None
        self.last: tuple[str, dict[int, int]] | None = None  # one text, one pass

    def _ids(self, words: Words) -> frozenset[int]:
        return frozenset(self._words.setdefault(word, len(self._words)) for word in words)

    def add(self, anchors: Sequence[list[Words]]) -> int:
        """Register a pattern's alternatives by their word sets; its number."""
        with self._lock:
            number = self._count
            self._count += 1
            for bit, sets in enumerate(anchors):
                if not sets:
                    continue
                first, *others = [
                    self._ids(words)
                    for number, words in enumerate(sets)
                    if not number or min(map(weight, words)) >= _RARE
                ]
                for word in first:
                    if others:
                        entry = (number, 1 << bit, tuple(others))
                        self._checked.setdefault(word, []).append(entry)
                    else:
                        plain = self._plain.setdefault(word, {})
                        plain[number] = plain.get(number, 0) | 1 << bit
            self._built = self.last = None
            return number

    def _build(self) -> tuple[Matcher, tuple[_Owners, ...]]:
        with self._lock:
            if self._built is None:
                owners = tuple(
                    (
                        tuple(self._plain.get(word, {}).items()),
                        tuple(self._checked.get(word, ())),
                    )
                    for word in range(len(self._words))
                )
                self._built = (build_matcher(list(self._words)), owners)
            return self._built

    def live(self, text: str) -> dict[int, int]:
        """Pattern number -> the alternatives ``text`` has the words for (as bits)."""
        last = self.last
        if last is not None and last[0] == text:
            return last[1]
        matcher, owners = self._built or self._build()
        present = matcher.present(text)
        found: dict[int, int] = {}
        for word in present:
            plain, checked = owners[word]
            for number, bits in plain:
                found[number] = found.get(number, 0) | bits
            for number, bit, others in checked:
                if all(not words.isdisjoint(present) for words in others):
                    found[number] = found.get(number, 0) | bit
        self.last = (text, found)
        return found


_INDEX = _Index()


class Scripted:
    """A compiled pattern that skips, per text, the alternatives the text lacks words for."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._full = re.compile(pattern)
        self._parts = _alternatives(pattern)
        anchors = [requirements(part) for part in self._parts]
        self._always = sum(1 << bit for bit, sets in enumerate(anchors) if not sets)
        everything = (1 << len(self._parts)) - 1
        self._cache: dict[int, re.Pattern[str] | None] = {0: None, everything: self._full}
        self._id = None if self._always == everything else _INDEX.add(anchors)
        #: Set when every alternative needs a word: then :func:`possible_patterns`
        #: lists this number for exactly the texts the pattern may match.
        self.number = self._id if not self._always else None

    def _compiled(self, text: str) -> re.Pattern[str] | None:
        if self._id is None:
            return self._full
        last = _INDEX.last
        live = last[1] if last is not None and last[0] == text else _INDEX.live(text)
        mask = live.get(self._id, 0) | self._always
        try:
            return self._cache[mask]
        except KeyError:
            pass
        if self._full.groups:  # group numbers must not move: all or nothing
            compiled: re.Pattern[str] | None = self._full
        else:
            compiled = re.compile(
                "|".join(part for bit, part in enumerate(self._parts) if mask >> bit & 1)
            )
        if len(self._cache) < _KEPT:
            self._cache[mask] = compiled
        return compiled

    def possible(self, text: str) -> bool:
        """False when no alternative can match ``text``: one look-up, no regex run."""
        return self._compiled(text) is not None

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        compiled = self._compiled(text)
        return iter(()) if compiled is None else compiled.finditer(text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        compiled = self._compiled(text)
        return None if compiled is None else compiled.search(text, pos)

    def findall(self, text: str) -> list[str]:
        return [match.group(0) for match in self.finditer(text)]


def possible_patterns(text: str) -> Collection[int]:
    """The :attr:`Scripted.number` of every pattern that may match ``text``."""
    return _INDEX.live(text).keys()


def scripted(pattern: str) -> Scripted:
    """Compile ``pattern`` to skip what a text cannot match (see the module docstring)."""
    return Scripted(pattern)
