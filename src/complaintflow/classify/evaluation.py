"""Measure a classifier against labelled samples.

``evaluate(classifier, samples)`` classifies each sample and returns an
:class:`EvaluationReport`: accuracy per field (kind, category, priority),
a confusion matrix per field, P1 recall (how many urgent tickets were
caught: the number that must be 100 %), and the misclassified samples.
``report.render()`` is a plain-text table.

Samples are JSON lines: ``{"text": ..., "channel": "chat", "tier": "vip",
"kind": "complaint", "category": "billing.payment", "priority": "P1"}``
(``tier`` optional, ``category`` may be null).  From a shell::

    python -m complaintflow.classify.evaluation tests/data/classification_samples.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import attrs

from complaintflow.classify.base import FIELDS, Classification, Classifier, Field
from complaintflow.domain.values import Customer, TicketDraft
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    CustomerTier,
    Kind,
    Priority,
    parse_enum,
)
from complaintflow.errors import SampleError, ValidationError

__all__ = [
    "ConfusionMatrix",
    "EvaluationReport",
    "LabelledSample",
    "Miss",
    "evaluate",
    "load_samples",
    "main",
]

#: Samples carry no time; a fixed instant keeps evaluation deterministic.
_RECEIVED_AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
_NONE = "none"


@attrs.frozen
class LabelledSample:
    """A customer text with its expected kind, category and priority."""

    text: str
    channel: Channel
    kind: Kind
    category: Category | None
    priority: Priority
    tier: CustomerTier | None = None

    def draft(self) -> TicketDraft:
        customer = Customer("sample", self.tier) if self.tier is not None else None
        return TicketDraft(self.text, self.channel, _RECEIVED_AT, customer)

    def expected(self, field: Field) -> str:
        value = getattr(self, field)
        return _NONE if value is None else str(value.value)


def _sample(data: object, source: str, line: int) -> LabelledSample:
    if not isinstance(data, dict):
        raise SampleError("each line must be a JSON object", source=source, line=line)
    allowed = {"text", "channel", "tier", "kind", "category", "priority", "note"}
    unknown = set(data) - allowed
    missing = {"text", "channel", "kind", "priority"} - set(data)
    if unknown or missing:
        raise SampleError(
            f"unknown keys {sorted(unknown)}, missing keys {sorted(missing)}",
            source=source, line=line,
        )
    try:
        category = data.get("category")
        tier = data.get("tier")
        return LabelledSample(
            text=data["text"],
            channel=parse_enum(Channel, data["channel"], "channel"),
            kind=parse_enum(Kind, data["kind"], "kind"),
            category=None if category is None else parse_enum(Category, category, "category"),
            priority=parse_enum(Priority, data["priority"], "priority"),
            tier=None if tier is None else parse_enum(CustomerTier, tier, "tier"),
        )
    except ValidationError as error:
        raise SampleError(str(error), source=source, line=line) from None


def load_samples(path: str | Path) -> list[LabelledSample]:
    """Read a JSON-lines sample file; blank lines are skipped."""
    path = Path(path)
    samples = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise SampleError(f"not JSON: {error.msg}", source=str(path), line=number) from None
        samples.append(_sample(data, str(path), number))
    return samples


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

    def render(self) -> str:
        """Rows are expected labels, numbered; columns the predicted ones, by number."""
        width = max(len(label) for label in self.labels) + 4
        rows = [" " * width + "".join(f"{i + 1:>5}" for i in range(len(self.labels)))]
        for i, label in enumerate(self.labels):
            cells = "".join(f"{self[label, other] or '.':>5}" for other in self.labels)
            rows.append(f"{i + 1:>2} {label}".ljust(width) + cells)
        return "\n".join(rows)


@attrs.frozen
class Miss:
    """A sample whose prediction differs from its label in ``fields``."""

    sample: LabelledSample
    predicted: Classification
    fields: tuple[Field, ...]


@attrs.frozen
class EvaluationReport:
    """Accuracy, confusion matrices, P1 recall and the misses of one run."""

    total: int
    accuracy: dict[str, float]
    confusion: dict[str, ConfusionMatrix]
    p1_recall: float | None
    misses: tuple[Miss, ...]

    def render(self, *, max_misses: int = 30) -> str:
        lines = [f"samples: {self.total}", ""]
        lines += ["field      accuracy"] + [
            f"{field:<10} {self.accuracy[field]:7.1%}" for field in FIELDS
        ]
        recall = "n/a" if self.p1_recall is None else f"{self.p1_recall:.1%}"
        lines += [f"P1 recall  {recall:>7}", ""]
        for field in FIELDS:
            lines += [f"confusion: {field}", self.confusion[field].render(), ""]
        lines.append(f"misclassified: {len(self.misses)}")
        for miss in self.misses[:max_misses]:
            wrong = ", ".join(
                f"{f} {miss.sample.expected(f)}->{_predicted(miss.predicted, f)}"
                for f in miss.fields
            )
            text = miss.sample.text
            text = text if len(text) <= 60 else text[:57] + "..."
            lines.append(f"  [{wrong}] {text}")
        if len(self.misses) > max_misses:
            lines.append(f"  ... and {len(self.misses) - max_misses} more")
        return "\n".join(lines)


def _predicted(result: Classification, field: Field) -> str:
    value = getattr(result, field)
    return _NONE if value is None else str(value.value)


_LABELS: dict[str, tuple[str, ...]] = {
    "kind": tuple(kind.value for kind in Kind),
    "category": (*(category.value for category in Category), _NONE),
    "priority": tuple(priority.value for priority in Priority),
}


def evaluate(classifier: Classifier, samples: Iterable[LabelledSample]) -> EvaluationReport:
    """Classify every sample and compare with its labels."""
    counts: dict[str, Counter[tuple[str, str]]] = {field: Counter() for field in FIELDS}
    misses: list[Miss] = []
    total = p1_total = p1_caught = 0
    for sample in samples:
        total += 1
        result = classifier.classify(sample.draft())
        wrong: list[Field] = []
        for field in FIELDS:
            expected, predicted = sample.expected(field), _predicted(result, field)
            counts[field][expected, predicted] += 1
            if expected != predicted:
                wrong.append(field)
        if sample.priority is Priority.P1:
            p1_total += 1
            p1_caught += result.priority is Priority.P1
        if wrong:
            misses.append(Miss(sample, result, tuple(wrong)))
    accuracy: dict[str, float] = {
        field: (sum(n for (e, p), n in counts[field].items() if e == p) / total if total else 0.0)
        for field in FIELDS
    }
    return EvaluationReport(
        total=total,
        accuracy=accuracy,
        confusion={field: ConfusionMatrix(_LABELS[field], counts[field]) for field in FIELDS},
        p1_recall=p1_caught / p1_total if p1_total else None,
        misses=tuple(misses),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """``complaintflow classify --evaluate FILE``: print the report of the keyword classifier."""
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
