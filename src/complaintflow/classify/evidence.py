"""What the lexicon hits of one text add up to: scores and the terms behind them.

Kept apart from the classifier so the scoring (one pass over the hits) can
be read, and tested, on its own.
"""

from __future__ import annotations

from collections import defaultdict

from complaintflow.classify.matching import Hit
from complaintflow.domain.vocabulary import Category, Kind, Priority

__all__ = ["Evidence"]

# value -> member by dict: the same members as Kind(value), without the enum machinery
_KINDS = {kind.value: kind for kind in Kind}
_CATEGORIES = {category.value: category for category in Category}
_PRIORITIES = {priority.value: priority for priority in Priority}


class Evidence:
    """Scores collected from the hits of one text."""

    def __init__(self, hits: list[Hit]) -> None:
        self.kinds: dict[Kind, float] = defaultdict(float)
        self.kind_terms: dict[Kind, list[str]] = defaultdict(list)
        self.categories: dict[Category, float] = defaultdict(float)
        self.category_terms: dict[Category, list[str]] = defaultdict(list)
        self.priorities: dict[Priority, list[str]] = defaultdict(list)
        self.emotion = 0.0
        self.emotion_terms: list[str] = []
        self.complaint_ends: list[int] = []
        self.public: list[str] = []
        self.minor: list[str] = []
        self.tags: list[str] = []
        for hit in hits:
            if hit.negated or hit.is_cue:
                continue
            for signal in hit.signals:
                if signal.kind == "kind" and signal.weight:
                    kind = _KINDS[signal.value]
                    self.kinds[kind] += signal.weight
                    self.kind_terms[kind].append(hit.term)
                    if signal.value == Kind.COMPLAINT.value:
                        self.complaint_ends.append(hit.end)
                elif signal.kind == "category":
                    category = _CATEGORIES[signal.value]
                    self.categories[category] += signal.weight
                    self.category_terms[category].append(hit.term)
                elif signal.kind == "priority":
                    self.priorities[_PRIORITIES[signal.value]].append(hit.term)
                elif signal.kind == "emotion":
                    self.emotion += signal.weight
                    self.emotion_terms.append(hit.term)
                elif signal.kind == "public":
                    self.public.append(hit.term)
                elif signal.kind == "minor":
                    self.minor.append(hit.term)
                elif signal.kind == "tag":
                    self.tags.append(signal.value)
