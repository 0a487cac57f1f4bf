"""Multi-pattern matching: an Aho–Corasick automaton in pure Python.

A naive ``for kw in keywords: if kw in text`` costs one scan of the text per
keyword, so a lexicon ten times larger is ten times slower.  The automaton
reads the text once, one character at a time, whatever the number of
patterns: cost grows with the text and the number of matches, not with the
lexicon.

:class:`Automaton` is the pure-Python engine.  :func:`build_matcher` picks
the C implementation of `pyahocorasick <https://pypi.org/project/pyahocorasick/>`_
(module ``ahocorasick``, the ``fast`` extra) when it is installed and falls
back to the pure engine otherwise; both return exactly the same matches.
``ahocorasick`` is imported only when :func:`build_matcher` runs, never when
this module is imported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Literal, Protocol

__all__ = ["Automaton", "Backend", "Match", "Matcher", "build_matcher", "fast_backend_available"]

#: A match as ``(start, end, pattern_index)``; ``text[start:end]`` is the pattern.
Match = tuple[int, int, int]

Backend = Literal["auto", "python", "pyahocorasick"]


class Matcher(Protocol):
    """Finds every occurrence of every pattern, overlapping ones included."""

    @property
    def patterns(self) -> Sequence[str]: ...

    def find(self, text: str) -> list[Match]:
        """All matches, sorted by ``(start, end, pattern_index)``."""
        ...

    def present(self, text: str) -> set[int]:
        """The indices of the patterns that occur in ``text`` (no positions: cheaper)."""
        ...


class Automaton:
    """Aho–Corasick over a fixed list of non-empty patterns.

    Transitions are precomputed as far as they differ from the root's, so
    the scan does one or two dictionary lookups per character and never
    walks failure links at match time.

    >>> Automaton(["he", "she", "his", "hers"]).find("ushers")
    [(1, 4, 1), (2, 4, 0), (2, 6, 3)]
    """

    __slots__ = ("_getters", "_has_output", "_outputs", "_patterns", "_root_get")

    def __init__(self, patterns: Iterable[str]) -> None:
        self._patterns: tuple[str, ...] = tuple(patterns)
        goto: list[dict[str, int]] = [{}]
        outputs: list[tuple[tuple[int, int], ...]] = [()]
        for index, pattern in enumerate(self._patterns):
            if not pattern:
                raise ValueError(f"pattern {index} is empty; every pattern needs a character")
            state = 0
            for char in pattern:
                nxt = goto[state].get(char)
                if nxt is None:
                    nxt = len(goto)
                    goto[state][char] = nxt
                    goto.append({})
                    outputs.append(())
                state = nxt
            outputs[state] += ((len(pattern), index),)

        fail = [0] * len(goto)
        delta: list[dict[str, int]] = [{} for _ in goto]
        delta[0] = goto[0]
        queue = deque(goto[0].values())
        while queue:
            state = queue.popleft()
            # delta[state] = own edges + the failure state's non-root edges.
            inherited = delta[fail[state]] if fail[state] else {}
            delta[state] = {**inherited, **goto[state]}
            for char, nxt in goto[state].items():
                fallback = delta[fail[state]].get(char) if fail[state] else None
                fail[nxt] = fallback if fallback is not None else goto[0].get(char, 0)
                if fail[nxt] == nxt:
                    fail[nxt] = 0
                outputs[nxt] += outputs[fail[nxt]]
                queue.append(nxt)
        self._outputs = outputs
        self._has_output = [bool(out) for out in outputs]
        self._getters: list[Callable[[str], int | None]] = [edges.get for edges in delta]
        self._root_get = goto[0].get

    @property
    def patterns(self) -> tuple[str, ...]:
        return self._patterns

    def __len__(self) -> int:
        return len(self._patterns)

    def find(self, text: str) -> list[Match]:
        """Every occurrence of every pattern in ``text``, overlaps included."""
        getters = self._getters
        root_get = self._root_get
        has_output = self._has_output
        ends: list[tuple[int, int]] = []
        state = 0
        position = -1
        for char in text:  # the hot loop: keep it this small
            position += 1
            state = getters[state](char) or root_get(char, 0)
            if has_output[state]:
                ends.append((position, state))
        outputs = self._outputs
        matches = [
            (end - length + 1, end + 1, index)
            for end, state in ends
            for length, index in outputs[state]
        ]
        matches.sort()
        return matches

    def present(self, text: str) -> set[int]:
        """The indices of the patterns that occur in ``text``."""
        getters = self._getters
        root_get = self._root_get
        has_output = self._has_output
        states = set()
        state = 0
        for char in text:
            state = getters[state](char) or root_get(char, 0)
            if has_output[state]:
                states.add(state)
        outputs = self._outputs
        return {index for state in states for _, index in outputs[state]}


class _PyAhoCorasick:
    """The same contract over the C automaton of ``pyahocorasick``."""

    __slots__ = ("_automaton", "_patterns")

    def __init__(self, patterns: Iterable[str], module: Any) -> None:
        self._patterns: tuple[str, ...] = tuple(patterns)
        automaton = module.Automaton()
        for index, pattern in enumerate(self._patterns):
            if not pattern:
                raise ValueError(f"pattern {index} is empty; every pattern needs a character")
            found = automaton.get(pattern, None)
            automaton.add_word(pattern, (*found, index) if found else (len(pattern), index))
        if self._patterns:
            automaton.make_automaton()
        self._automaton = automaton

    @property
    def patterns(self) -> tuple[str, ...]:
        return self._patterns

    def find(self, text: str) -> list[Match]:
        if not self._patterns:
            return []
        matches = [
            (end - value[0] + 1, end + 1, index)
            for end, value in self._automaton.iter(text)
            for index in value[1:]
        ]
        matches.sort()
        return matches

    def present(self, text: str) -> set[int]:
        if not self._patterns:
            return set()
        return {index for _, value in self._automaton.iter(text) for index in value[1:]}


def _import_fast() -> Any | None:
    try:
        import ahocorasick  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return ahocorasick


def fast_backend_available() -> bool:
    """True when ``pyahocorasick`` is installed (``pip install complaintflow[fast]``)."""
    return _import_fast() is not None


def build_matcher(patterns: Iterable[str], backend: Backend = "auto") -> Matcher:
    """A matcher over ``patterns``: the C backend when available, else pure Python.

    ``backend="python"`` forces the pure engine; ``"pyahocorasick"`` requires
    the C one and raises :class:`ImportError` naming the extra if it is missing.
    """
    if backend not in ("auto", "python", "pyahocorasick"):
        raise ValueError(f"backend must be 'auto', 'python' or 'pyahocorasick', got {backend!r}")
    if backend == "python":
        return Automaton(patterns)
    module = _import_fast()
    if module is None:
        if backend == "pyahocorasick":
            raise ImportError(
                "backend 'pyahocorasick' needs the pyahocorasick package: "
                "pip install 'complaintflow[fast]'"
            )
        return Automaton(patterns)
    return _PyAhoCorasick(patterns, module)
