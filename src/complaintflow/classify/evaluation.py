"""Measure a classifier against labelled samples.

``evaluate(classifier, samples)`` classifies each sample and returns an
:class:`EvaluationReport`: accuracy per field (kind, top-level category,
category, priority, needs-human), a confusion matrix per field, P1 recall
and precision (recall is what costs most: an urgent ticket handled as
routine), needs-human recall and precision, the same figures per language
and per channel (a classifier that is good on average can still fail one
channel), and the misclassified samples.  ``report.render()`` is plain text.

Samples are JSON lines (see :mod:`~complaintflow.classify.samples`).  From a
shell::

    complaintflow classify --evaluate tests/data/classification_holdout.jsonl
    python -m complaintflow.classify.evaluation tests/data/classification_samples.jsonl
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from complaintflow.classify.base import FIELDS, Classification, Classifier, Field
from complaintflow.classify.samples import NONE, LabelledSample, load_samples
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import SampleError

__all__ = [
    "ConfusionMatrix",
    "EvaluationReport",
    "LabelledSample",
    "Miss",
    "SliceStats",
    "evaluate",
    "load_samples",
    "main",
]


@attrs.frozen
class ConfusionMatrix:
    """Counts of (expected, predicted) label pairs for one field."""

    labels: tuple[str, ...]
    counts: Counter[tuple[str, str]]

    def __getitem__(self, pair: tuple[str, str]) -> int:
        return self.counts.get(pair, 0)

    def recall(self, label: str) -> float | None:
        total = sum(n for (expected, _), n in self.counts.items() if expected == label)
        return None if total == 0 else self[label, label] / total

    def precision(self, label: str) -> float | None:
        total = sum(n for (_, predicted), n in self.counts.items() if predicted == label)
        return None if total == 0 else self[label, label] / total

    def render(self) -> str:
        """Rows are expected labels, numbered; columns the predicted ones, by number."""
        width = max(len(label) for label in self.labels) + 4
        rows = [" " * width + "".join(f"{i + 1:>5}" for i in range(len(self.labels)))]
        for i, label in enumerate(self.labels):
            cells = "".join(f"{self[label, other] or '.':>5}" for other in self.labels)
            rows.append(f"{i + 1:>2} {label}".ljust(width) + cells)
        return "\n".join(rows)


def _ratio(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


@attrs.define
class SliceStats:
    """Running counts for one slice of the samples (all, a language, a channel)."""

    total: int = 0
    correct: Counter[str] = attrs.Factory(Counter)
    p1: Counter[str] = attrs.Factory(Counter)  # tp, fp, fn
    human: Counter[str] = attrs.Factory(Counter)  # tp, fp, fn, tn

    def add(self, sample: LabelledSample, result: Classification) -> None:
        self.total += 1
        for field in FIELDS:
            self.correct[field] += sample.expected(field) == _predicted(result, field)
        self.correct["category_top"] += _top(sample.category) == _top(result.category)
        expected_p1 = sample.priority is Priority.P1
        predicted_p1 = result.priority is Priority.P1
        self.p1[_outcome(expected_p1, predicted_p1)] += 1
        if sample.needs_human is not None:
            self.human[_outcome(sample.needs_human, result.needs_human)] += 1

    def accuracy(self, field: str) -> float | None:
        if field == "needs_human":
            return _ratio(self.human["tp"] + self.human["tn"], sum(self.human.values()))
        return _ratio(self.correct[field], self.total)

    @property
    def p1_recall(self) -> float | None:
        return _ratio(self.p1["tp"], self.p1["tp"] + self.p1["fn"])

    @property
    def p1_precision(self) -> float | None:
        return _ratio(self.p1["tp"], self.p1["tp"] + self.p1["fp"])

    @property
    def human_recall(self) -> float | None:
        return _ratio(self.human["tp"], self.human["tp"] + self.human["fn"])

    @property
    def human_precision(self) -> float | None:
        return _ratio(self.human["tp"], self.human["tp"] + self.human["fp"])


def _outcome(expected: bool, predicted: bool) -> str:
    if expected:
        return "tp" if predicted else "fn"
    return "fp" if predicted else "tn"


def _top(category: Category | None) -> str:
    return NONE if category is None else category.top


@attrs.frozen
class Miss:
    """A sample whose prediction differs from its label in ``fields``."""

    sample: LabelledSample
    predicted: Classification
    fields: tuple[str, ...]


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


_COLUMNS = (
    ("kind", "kind"),
    ("top cat", "category_top"),
    ("category", "category"),
    ("priority", "priority"),
    ("human", "needs_human"),
)


@attrs.frozen
class EvaluationReport:
    """Accuracy, confusion matrices, P1 and needs-human figures, slices and misses."""

    total: int
    accuracy: dict[str, float]
    confusion: dict[str, ConfusionMatrix]
    p1_recall: float | None
    misses: tuple[Miss, ...]
    p1_precision: float | None = None
    human_recall: float | None = None
    human_precision: float | None = None
    slices: dict[str, dict[str, SliceStats]] = attrs.Factory(dict)

    def render(self, *, max_misses: int = 30) -> str:
        lines = [f"samples: {self.total}", "", "field        accuracy"]
        lines += [f"{field:<12} {_pct(self.accuracy.get(field)):>8}" for _, field in _COLUMNS]
        lines += [
            f"P1 recall    {_pct(self.p1_recall):>8}   precision {_pct(self.p1_precision)}",
            f"needs-human recall {_pct(self.human_recall)}   "
            f"precision {_pct(self.human_precision)}",
            "",
        ]
        for by, groups in self.slices.items():
            lines.append(
                f"by {by:<10}{'n':>5}"
                + "".join(f"{name:>10}" for name, _ in _COLUMNS)
                + f"{'P1 rec':>10}{'P1 prec':>10}"
            )
            for group, stats in sorted(groups.items()):
                cells = "".join(f"{_pct(stats.accuracy(f)):>10}" for _, f in _COLUMNS)
                lines.append(
                    f"   {group:<10}{stats.total:>5}{cells}"
                    f"{_pct(stats.p1_recall):>10}{_pct(stats.p1_precision):>10}"
                )
            lines.append("")
        for field in FIELDS:
            lines += [f"confusion: {field}", self.confusion[field].render(), ""]
        lines.append(f"misclassified: {len(self.misses)}")
        for miss in self.misses[:max_misses]:
            wrong = ", ".join(_difference(miss, f) for f in miss.fields)
            text = miss.sample.text
            text = text if len(text) <= 60 else text[:57] + "..."
            lines.append(f"  [{wrong}] {text}")
        if len(self.misses) > max_misses:
            lines.append(f"  ... and {len(self.misses) - max_misses} more")
        return "\n".join(lines)


def _difference(miss: Miss, field: str) -> str:
    if field == "needs_human":
        return f"human {miss.sample.needs_human}->{miss.predicted.needs_human}"
    name: Field = field  # type: ignore[assignment]
    return f"{field} {miss.sample.expected(name)}->{_predicted(miss.predicted, name)}"


def _predicted(result: Classification, field: Field) -> str:
    value = getattr(result, field)
    return NONE if value is None else str(value.value)


_LABELS: dict[str, tuple[str, ...]] = {
    "kind": tuple(kind.value for kind in Kind),
    "category": (*(category.value for category in Category), NONE),
    "priority": tuple(priority.value for priority in Priority),
}


def evaluate(classifier: Classifier, samples: Iterable[LabelledSample]) -> EvaluationReport:
    """Classify every sample and compare with its labels."""
    counts: dict[str, Counter[tuple[str, str]]] = {field: Counter() for field in FIELDS}
    overall = SliceStats()
    slices: dict[str, dict[str, SliceStats]] = {"language": {}, "channel": {}}
    misses: list[Miss] = []
    for sample in samples:
        result = classifier.classify(sample.draft())
        overall.add(sample, result)
        slices["language"].setdefault(sample.language, SliceStats()).add(sample, result)
        slices["channel"].setdefault(sample.channel.value, SliceStats()).add(sample, result)
        wrong: list[str] = []
        for field in FIELDS:
            expected, predicted = sample.expected(field), _predicted(result, field)
            counts[field][expected, predicted] += 1
            if expected != predicted:
                wrong.append(field)
        if sample.needs_human is not None and sample.needs_human != result.needs_human:
            wrong.append("needs_human")
        if wrong:
            misses.append(Miss(sample, result, tuple(wrong)))
    accuracy = {field: overall.accuracy(field) for _, field in _COLUMNS}
    return EvaluationReport(
        total=overall.total,
        accuracy={field: value for field, value in accuracy.items() if value is not None}
        or dict.fromkeys(FIELDS, 0.0),
        confusion={field: ConfusionMatrix(_LABELS[field], counts[field]) for field in FIELDS},
        p1_recall=overall.p1_recall,
        misses=tuple(misses),
        p1_precision=overall.p1_precision,
        human_recall=overall.human_recall,
        human_precision=overall.human_precision,
        slices=slices,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation report of a registered classifier on a samples file."""
    from complaintflow.classify.plugins import load_classifier

    parser = argparse.ArgumentParser(
        prog="python -m complaintflow.classify.evaluation",
        description="Evaluate a classifier on labelled JSON-lines samples.",
    )
    parser.add_argument("samples", type=Path, help="JSON lines: text, channel, kind, category ...")
    parser.add_argument("--classifier", default="keyword", help="registered name (default keyword)")
    parser.add_argument("--max-misses", type=int, default=30, help="misclassified items to list")
    args = parser.parse_args(argv)
    try:
        samples = load_samples(args.samples)
    except (OSError, SampleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    report = evaluate(load_classifier(args.classifier), samples)
    print(report.render(max_misses=args.max_misses))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
