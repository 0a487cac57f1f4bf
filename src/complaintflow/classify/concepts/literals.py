"""The words a regex cannot match without: the key to skipping most of a pattern.

The detectors' patterns are long alternations (a hundred ways of saying
"charged twice"), and Python's ``re`` tries every alternative at every
position of the text.  Yet nearly every alternative needs some literal word
(「重复」, "charged"): a text without one of its words cannot match it, so
the alternative can be left out for that text with no change to any match.

:func:`requirements` reads a pattern's parse tree and returns such sets of
words (every match contains at least one word of each set), or none when
it cannot tell; it errs only towards fewer sets, which keeps the
alternative.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Words", "requirements", "weight"]

# re's own parser (private but stable since 3.11); typed loosely, read only here.
_parser: Any = importlib.import_module("re._parser")
_MAX_CHARS = 12  # a class of more characters than this says too little to be worth it


Words = frozenset[str]  # a match holds at least one of these words


def weight(word: str) -> int:
    """How rare a word is, roughly: a Chinese character says as much as three Latin letters."""
    return sum(1 if char.isascii() else 3 for char in word)


def _score(words: Words) -> tuple[int, int, list[str]]:
    """Rarer and fewer words skip more texts (then any fixed order)."""
    return min(map(weight, words)), -len(words), sorted(words)


def _item(op: Any, arg: Any) -> list[Words]:
    """Word sets every match of one parse-tree item holds a word of (each of them)."""
    if op is _parser.SUBPATTERN:
        _group, add_flags, _del_flags, items = arg
        return [] if add_flags & _parser.SRE_FLAG_IGNORECASE else _sequence(items)
    if op is _parser.ATOMIC_GROUP:
        return _sequence(arg)
    if op is _parser.BRANCH:
        # a branch holds one of its alternatives' words: the best set of each, united
        found = [_sequence(branch) for branch in arg[1]]
        if not all(found):
            return []
        return [frozenset().union(*(sets[0] for sets in found))]
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, _high, items = arg
        return _sequence(items) if low >= 1 else []
    if op is _parser.IN:
        chars = _chars(arg)
        return [chars] if chars else []
    return []  # ^, \b, look-arounds, ., [^...]: nothing to require


def _chars(items: Any) -> Words | None:
    """The characters of a class such as ``[两三四]`` or ``[0-9万亿]``, if few."""
    chars: set[str] = set()
    for kind, value in items:
        if kind is _parser.LITERAL:
            chars.add(chr(value))
        elif kind is _parser.RANGE and value[1] - value[0] < _MAX_CHARS:
            chars.update(chr(code) for code in range(value[0], value[1] + 1))
        else:
            return None  # a negated class or \d: anything may match
    return frozenset(chars) if len(chars) <= _MAX_CHARS else None


def _sequence(items: Any) -> list[Words]:
    """Every set found in a sequence, the most selective first."""
    found: list[Words] = []
    run: list[str] = []
    for op, arg in items:
        if op is _parser.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            found.append(frozenset(["".join(run)]))
            run = []
        found.extend(_item(op, arg))
    if run:
        found.append(frozenset(["".join(run)]))
    return sorted(set(found), key=_score, reverse=True)


def requirements(pattern: str, most: int = 3) -> list[Words]:
    """Up to ``most`` word sets: every match of ``pattern`` holds a word of each.

    Empty when nothing is known (then every text may match).

    >>> [sorted(words) for words in requirements(r"(?:送|赠)[^。]{0,12}(?:收|扣)款")]
    [['款'], ['赠', '送'], ['扣', '收']]
    >>> requirements(r"\\b(?:double|twice) charged", most=1)
    [frozenset({' charged'})]
    >>> requirements(r"\\d+[.,]?\\d*")
    []
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & _parser.SRE_FLAG_IGNORECASE:
        return []
    return _sequence(parsed)[:most]
