"""Several classifiers, one proposal: ordered composition and its merge rules.

``ClassifierChain([rules, keyword]).classify(draft)`` runs each classifier
in order and merges their classifications with :func:`merge`:

- **kind, category** — the first classification that *decided* the field
  wins (a defaulted kind, a None category, do not count), so later
  classifiers fill what earlier ones left open;
- **priority** — the most urgent decided priority wins;
- **override** — a field listed in a classification's ``overrides`` (an
  explicit ``override = true`` rule) beats all of the above, even towards
  a lower priority; among several overrides the last one wins;
- **needs_human** — OR; **tags** — union in order; **reasons** —
  concatenated in order; **defaulted** — the fields nobody decided;
- **confidence** — that of the classification whose kind was taken.

With no decision at all for a field, the first classification's value
stands (still marked defaulted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from complaintflow.classify.base import FIELDS, Classification, Classifier, Field
from complaintflow.domain.values import TicketDraft
from complaintflow.errors import ValidationError

__all__ = ["ClassifierChain", "merge"]


def _pick(results: Sequence[Classification], field: Field) -> Classification:
    overriding = [result for result in results if field in result.overrides]
    if overriding:
        return overriding[-1]
    decided = [result for result in results if result.decided(field)]
    if not decided:
        return results[0]
    if field == "priority":
        # max() keeps the first of equals, so ties go to the earlier classifier
        return max(decided, key=lambda result: result.priority)
    return decided[0]


def merge(results: Sequence[Classification]) -> Classification:
    """Merge classifications in chain order (see the module docstring)."""
    if not results:
        raise ValidationError("merge needs at least one classification", field="results")
    if len(results) == 1:
        return results[0]
    kind_from = _pick(results, "kind")
    category_from = _pick(results, "category")
    priority_from = _pick(results, "priority")
    defaulted = {
        field
        for field in FIELDS
        if not any(r.decided(field) or field in r.overrides for r in results)
    }
    return Classification(
        kind=kind_from.kind,
        category=category_from.category,
        priority=priority_from.priority,
        tags=[tag for result in results for tag in result.tags],
        needs_human=any(result.needs_human for result in results),
        confidence=kind_from.confidence,
        reasons=[reason for result in results for reason in result.reasons],
        defaulted=defaulted,
        overrides=frozenset().union(*(result.overrides for result in results)),
    )


class ClassifierChain:
    """Runs classifiers in order and merges their proposals with :func:`merge`."""

    name = "chain"

    def __init__(self, classifiers: Iterable[Classifier]) -> None:
        self.classifiers: tuple[Classifier, ...] = tuple(classifiers)
        if not self.classifiers:
            raise ValidationError("a ClassifierChain needs at least one classifier")
        for classifier in self.classifiers:
            if not isinstance(classifier, Classifier):
                raise ValidationError(
                    f"{classifier!r} is not a classifier: it needs a classify(draft) method",
                    field="classifiers",
                )

    def __repr__(self) -> str:
        return f"ClassifierChain({list(self.classifiers)!r})"

    def classify(self, draft: TicketDraft) -> Classification:
        return merge([classifier.classify(draft) for classifier in self.classifiers])
