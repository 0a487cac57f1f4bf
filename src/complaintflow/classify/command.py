"""What ``complaintflow classify`` does, kept beside the classifiers it drives.

The CLI parses arguments and maps errors to exit codes; these functions do
the work and return the text to print, so they are testable without a shell.
"""

from __future__ import annotations

import time
from pathlib import Path

from complaintflow.classify.base import Classifier
from complaintflow.classify.evaluation import EvaluationReport, evaluate
from complaintflow.classify.samples import load_samples

__all__ = ["classifier_for", "cross_validate_file", "evaluate_file", "train_file"]


def classifier_for(name: str, model: str | Path | None, min_confidence: float) -> Classifier:
    """The registered classifier ``name``, chained after a trained model if one is given."""
    from complaintflow.classify.plugins import load_classifier

    classifier = load_classifier(name)
    if model is None:
        return classifier
    from complaintflow.classify.trained import TrainedClassifier, chain_with_keyword

    return chain_with_keyword(
        TrainedClassifier.load(model, min_confidence=min_confidence), classifier
    )


def evaluate_file(path: str | Path, classifier: Classifier, *, max_misses: int = 30) -> str:
    return evaluate(classifier, load_samples(path)).render(max_misses=max_misses)


def train_file(path: str | Path, out: str | Path) -> str:
    """Train on a samples file, save the model as JSON, say what was made."""
    from complaintflow.classify.training import train

    samples = load_samples(path)
    start = time.perf_counter()
    model = train(samples)
    seconds = time.perf_counter() - start
    model.save(out)
    temperatures = ", ".join(f"{name} {m.temperature:.2f}" for name, m in model.fields.items())
    return (
        f"trained on {len(samples)} samples in {seconds:.1f} s: "
        f"{len(model.vocabulary):,} features; temperatures {temperatures}\n"
        f"saved {out} ({Path(out).stat().st_size:,} bytes, JSON)"
    )


def _mean(reports: list[EvaluationReport], key: str) -> str:
    values = [r.accuracy[key] for r in reports if key in r.accuracy]
    return "n/a" if not values else f"{sum(values) / len(values):.1%}"


def _mean_recall(reports: list[EvaluationReport]) -> str:
    values = [r.p1_recall for r in reports if r.p1_recall is not None]
    return "n/a" if not values else f"{sum(values) / len(values):.1%}"


def cross_validate_file(path: str | Path, k: int) -> str:
    """K-fold mean accuracy of the model alone and chained with the keyword classifier."""
    from complaintflow.classify.training import cross_validate

    samples = load_samples(path)
    reports = cross_validate(samples, k)
    keys = ("kind", "category_top", "category", "priority")
    lines = [
        f"{k}-fold cross-validation on {len(samples)} samples (mean over folds)",
        f"{'':<16}" + "".join(f"{key:>14}" for key in keys) + f"{'P1 recall':>12}",
    ]
    for name, label in (("model", "model alone"), ("chain", "model + keyword")):
        cells = "".join(f"{_mean(reports[name], key):>14}" for key in keys)
        lines.append(f"{label:<16}{cells}{_mean_recall(reports[name]):>12}")
    return "\n".join(lines)
