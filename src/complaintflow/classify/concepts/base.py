"""What an urgent-signal detector is, and the few text helpers they share.

A detector looks for one *concept* the seeds name (money taken wrongly,
many people affected, a data leak ...), not for a phrase: it combines small
word classes (a charge word, an amount, "twice") with distance limits, so
that 「会员明明关了还在每个月扣钱」 and "you've charged me every month since
I cancelled" are the same finding.  Each finding carries the words it saw,
so :meth:`Classification.explain` can say why a ticket became P1.

Detectors work on normalised text (:func:`~complaintflow.classify.lexicon.normalize`:
NFKC, case-folded, traditional folded to simplified).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Protocol, runtime_checkable

import attrs

from complaintflow.domain.money import Money
from complaintflow.domain.vocabulary import Channel, Priority

__all__ = [
    "Context",
    "Detector",
    "Finding",
    "alternation",
    "clause_around",
    "hypothetical",
    "negated",
    "words",
]


@attrs.frozen
class Finding:
    """One concept seen in a text: what, how urgent, and the words that showed it.

    ``level`` is the priority the concept asks for (P1: seed 001's urgent
    list; P2: serious but not urgent).  ``human`` says the concept alone
    sends the ticket to a person (seed 002), whatever its priority.
    """

    concept: str
    evidence: str
    level: Priority = Priority.P1
    human: bool = True
    detail: str = ""


@attrs.frozen
class Context:
    """What a detector may know besides the text: thresholds, claimed amount, channel."""

    thresholds: Mapping[str, Money] = attrs.field(factory=dict)
    claimed: Money | None = None
    channel: Channel | None = None


@runtime_checkable
class Detector(Protocol):
    """``name`` and ``detect(text, context) -> Finding | None`` on normalised text."""

    name: str

    def detect(self, text: str, context: Context) -> Finding | None: ...


def words(block: str) -> tuple[str, ...]:
    """``"a|b c|d"`` split on ``|`` and line breaks; spaces inside a phrase are kept."""
    joined = "".join(line.strip() for line in block.splitlines())
    return tuple(word for word in joined.split("|") if word.strip())


def alternation(words: Iterable[str]) -> str:
    """A regex group matching any of ``words`` (longest first, escaped)."""
    ordered = sorted(set(words), key=len, reverse=True)
    return "(?:" + "|".join(re.escape(word) for word in ordered) + ")"


_BREAK = re.compile(r"[.!?;。！？；\n]")
_SOFT_BREAK = re.compile(r"[,，:：、]|\bbut\b|但是?|可是|不过")
_NEGATION_ZH = re.compile(
    r"(?:不太|不怎么|不是很|不够|不会|不想|不打算|不准备|没打算|并没有?|没有|不至于|无意|不用|不必|不再|从没|从来没)"
)
_NEGATION_EN = re.compile(
    r"\b(?:won'?t|will not|not going to|never|don'?t|do not|didn'?t|did not|no intention|"
    r"wouldn'?t|isn'?t|not|no need to|no plans? to)\b"
)
_IF = re.compile(r"(?:^|\s)(?:if|in case)\b|如果|假如|要是|万一|假设")
_QUESTION = re.compile(r"[?？]|吗|会不会|是否|\bwill\b|\bwould\b|\bdo i\b|\bdoes\b")


def clause_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (between ``. ! ? ;`` and newlines) holding ``text[start:end]``."""
    left = max((m.end() for m in _BREAK.finditer(text, 0, start)), default=0)
    right_match = _BREAK.search(text, end)
    return left, right_match.start() if right_match else len(text)


def negated(text: str, start: int, *, zh_window: int = 6, en_window: int = 28) -> bool:
    """A negation right before ``start`` in the same clause ("不会去曝光", "won't post")."""
    low = max(0, start - en_window)
    left = max((m.end() for m in _BREAK.finditer(text, low, start)), default=low)
    left = max((m.end() for m in _SOFT_BREAK.finditer(text, left, start)), default=left)
    zh = text[max(left, start - zh_window) : start]
    en = text[left:start]
    return bool(_NEGATION_ZH.search(zh) or _NEGATION_EN.search(en))


def hypothetical(text: str, start: int, end: int) -> bool:
    """The match sits in an "if ... will/吗?" question: a worry, not an event."""
    left, right = clause_around(text, start, end)
    sentence = text[left : right + 1]
    return bool(_IF.search(sentence) and _QUESTION.search(sentence))
