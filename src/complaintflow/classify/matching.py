"""From text to lexicon hits: automaton, word boundaries, containment, negation.

:class:`LexiconMatcher` turns a :class:`~.lexicon.Lexicon` into one
automaton and, for a text, returns the :class:`Hit` values the classifier
scores:

1. normalise the text (:func:`~.lexicon.normalize`) and run the automaton;
2. keep Latin terms only at word boundaries; extend prefix terms
   (``refund*``) to the end of the word;
3. drop a hit that lies inside a longer hit (``不满意`` hides ``满意``,
   ``not happy`` hides ``happy``): the longer term is the more specific;
4. mark a hit *negated* when a negation cue (``不是``, ``没有``, ``not``,
   ``never`` ...) ends at most ``window`` words or Chinese characters before
   it, in the same clause.  Only evaluative terms can be negated (those
   carrying a kind, priority, emotion, risk or minor-flaw signal); topic
   words such as ``发票`` or ``refund`` keep their category either way.
"""

from __future__ import annotations

import re

import attrs

from complaintflow.classify.automaton import Backend, Matcher, build_matcher
from complaintflow.classify.lexicon import Lexicon, Signal, normalize

__all__ = ["Hit", "LexiconMatcher"]

_NEGATABLE = frozenset({"kind", "priority", "emotion", "public", "minor"})
_CLAUSE_BREAK = re.compile(r"[,.!?;:\n。，！？；：、…]|\bbut\b|但|可是|不过|只是")
_UNIT = re.compile(r"[a-z0-9']+|[\u3400-\u9fff]")


def _word_char(char: str) -> bool:
    return char.isascii() and char.isalnum()


@attrs.frozen
class Hit:
    """One lexicon term found in the normalised text."""

    start: int
    end: int
    term: str
    signals: tuple[Signal, ...]
    negated: bool = False

    @property
    def is_cue(self) -> bool:
        return any(signal.kind == "negation" for signal in self.signals)


@attrs.frozen
class _Entry:
    term: str
    signals: tuple[Signal, ...]
    prefix: bool
    check_left: bool
    check_right: bool
    cue: bool


class LexiconMatcher:
    """Finds lexicon terms in text; see the module docstring for the steps."""

    def __init__(self, lexicon: Lexicon, *, backend: Backend = "auto", window: int = 2) -> None:
        if window < 0:
            raise ValueError(f"negation window must be >= 0, got {window}")
        self.window = window
        self._entries: list[_Entry] = []
        for term, signals in lexicon.entries.items():
            prefix = term.endswith("*")
            stem = term.rstrip("*")
            self._entries.append(
                _Entry(
                    term=stem,
                    signals=signals,
                    prefix=prefix,
                    check_left=_word_char(stem[0]),
                    check_right=_word_char(stem[-1]) and not prefix,
                    cue=any(signal.kind == "negation" for signal in signals),
                )
            )
        self.matcher: Matcher = build_matcher([entry.term for entry in self._entries], backend)

    def hits(self, text: str) -> tuple[str, list[Hit]]:
        """The normalised text and its hits, in text order."""
        normalized = normalize(text)
        candidates: list[Hit] = []
        cue = False
        for start, end, index in self.matcher.find(normalized):
            entry = self._entries[index]
            if entry.check_left and start > 0 and _word_char(normalized[start - 1]):
                continue
            if entry.check_right and end < len(normalized) and _word_char(normalized[end]):
                continue
            if entry.prefix:
                while end < len(normalized) and _word_char(normalized[end]):
                    end += 1
            candidates.append(Hit(start, end, normalized[start:end], entry.signals))
            cue = cue or entry.cue
        if len(candidates) > 1:
            candidates = _drop_contained(candidates)
        # most texts hold no negation cue: then nothing is negated
        return normalized, self._negate(normalized, candidates) if cue else candidates

    def _negate(self, text: str, hits: list[Hit]) -> list[Hit]:
        cues = [hit for hit in hits if hit.is_cue]
        if not cues:
            return hits
        result: list[Hit] = []
        for hit in hits:
            if hit.is_cue or not any(s.kind in _NEGATABLE for s in hit.signals):
                result.append(hit)
                continue
            negated = False
            for cue in cues:
                if cue.end > hit.start:
                    continue
                gap = text[cue.end : hit.start]
                if not _CLAUSE_BREAK.search(gap) and len(_UNIT.findall(gap)) <= self.window:
                    negated = True
            result.append(attrs.evolve(hit, negated=True) if negated else hit)
        return result


def _drop_contained(hits: list[Hit]) -> list[Hit]:
    """Keep a hit unless a strictly longer hit covers it."""
    ordered = sorted(hits, key=lambda hit: (hit.start, -hit.end))
    kept: list[Hit] = []
    reach_start, reach_end = -1, -1  # the longest span seen so far that started earliest
    for hit in ordered:
        covered = (
            reach_start <= hit.start
            and hit.end <= reach_end
            and (reach_end - reach_start) > (hit.end - hit.start)
        )
        if covered:
            continue
        if hit.end > reach_end:
            reach_start, reach_end = hit.start, hit.end
        kept.append(hit)
    return kept
