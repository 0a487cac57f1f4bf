"""The words a regex cannot match without: the key to skipping most of a pattern.

The detectors' patterns are long alternations (a hundred ways of saying
"charged twice"), and Python's ``re`` tries every alternative at every
position of the text.  Yet nearly every alternative needs some literal word
(「重复」, "charged"): a text without one of its words cannot match it, so
the alternative can be left out for that text with no change to any match.

:func:`required` reads a pattern's parse tree and returns such a set of
words (every match contains at least one of them), or None when it cannot
tell; it errs only towards None, which keeps the alternative.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["required"]

# re's own parser (private but stable since 3.11); typed loosely, read only here.
_parser: Any = importlib.import_module("re._parser")
_MAX_CHARS = 12  # a class of more characters than this says too little to be worth it


def _score(words: frozenset[str]) -> tuple[int, int]:
    """Longer and fewer words skip more texts."""
    return min(map(len, words)), -len(words)


def _best(a: frozenset[str] | None, b: frozenset[str] | None) -> frozenset[str] | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if _score(a) >= _score(b) else b


def _item(op: Any, arg: Any) -> frozenset[str] | None:
    """The words one of which every match of one parse-tree item holds."""
    if op is _parser.SUBPATTERN:
        _group, add_flags, _del_flags, items = arg
        return None if add_flags & _parser.SRE_FLAG_IGNORECASE else _sequence(items)
    if op is _parser.ATOMIC_GROUP:
        return _sequence(arg)
    if op is _parser.BRANCH:
        found = [_sequence(branch) for branch in arg[1]]
        if any(words is None for words in found):
            return None
        return frozenset().union(*found)  # type: ignore[arg-type]
    if op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT, _parser.POSSESSIVE_REPEAT):
        low, _high, items = arg
        return _sequence(items) if low >= 1 else None
    if op is _parser.IN:
        return _chars(arg)
    return None  # ^, \b, look-arounds, ., [^...]: nothing to require


def _chars(items: Any) -> frozenset[str] | None:
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


def _sequence(items: Any) -> frozenset[str] | None:
    best: frozenset[str] | None = None
    run: list[str] = []
    for op, arg in items:
        if op is _parser.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            best = _best(best, frozenset(["".join(run)]))
            run = []
        best = _best(best, _item(op, arg))
    if run:
        best = _best(best, frozenset(["".join(run)]))
    return best


def required(pattern: str) -> frozenset[str] | None:
    """Words one of which every match of ``pattern`` contains, or None if unknown.

    >>> sorted(required(r"(?:重复|两次)[^。]{0,3}扣款"))
    ['扣款']
    >>> sorted(required(r"\\b(?:double|twice) charged"))
    [' charged']
    >>> required(r"\\d+[.,]?\\d*") is None
    True
    """
    parsed = _parser.parse(pattern)
    if parsed.state.flags & _parser.SRE_FLAG_IGNORECASE:
        return None
    return _sequence(parsed)
