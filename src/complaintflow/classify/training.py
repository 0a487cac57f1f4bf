"""Fit a :class:`~complaintflow.classify.trained.TrainedModel` on labelled samples (scikit-learn).

Needs the ``ml`` extra (``pip install 'complaintflow[ml]'``); scikit-learn
is imported when a function here runs, never by ``import complaintflow``.

- :func:`train` fits one linear SVM per field (kind, category, priority)
  on TF-IDF character n-grams (liblinear: a second for thousands of
  tickets, where a logistic regression took a hundred times longer), turns
  its margins into probabilities with a softmax whose temperature is fitted
  on a held-back fifth of the samples (minimum log-loss: calibrated
  confidence), and refits on everything;
- :func:`cross_validate` reports K-fold accuracy of the model alone and of
  the model chained with the keyword classifier;
- :func:`learning_curve` trains on growing subsets and evaluates on a fixed
  test set: how many labelled tickets a host needs before the model helps.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from typing import Any

from complaintflow._extras import needs_extra
from complaintflow.classify.base import FIELDS
from complaintflow.classify.evaluation import EvaluationReport, evaluate
from complaintflow.classify.samples import LabelledSample
from complaintflow.classify.trained import (
    FieldModel,
    TrainedClassifier,
    TrainedModel,
    chain_with_keyword,
    features,
)
from complaintflow.errors import ValidationError

__all__ = ["cross_validate", "learning_curve", "train"]

_TEMPERATURES = [0.05 * 1.1**step for step in range(80)]


def _sklearn() -> Any:
    with needs_extra("ml", __name__):  # training needs scikit-learn; using a model does not
        import numpy
        from sklearn.feature_extraction.text import (  # type: ignore[import-untyped]
            TfidfVectorizer,
        )
        from sklearn.svm import LinearSVC  # type: ignore[import-untyped]
    return numpy, TfidfVectorizer, LinearSVC


def _fit_field(x: Any, labels: list[str], c: float, seed: int) -> Any:
    _, _, svm = _sklearn()
    model = svm(C=c, random_state=seed)
    model.fit(x, labels)
    return model


def _rows(numpy: Any, model: Any) -> tuple[list[list[float]], list[float]]:
    """Coefficients as one row per label (a binary model's single row split in two)."""
    coef, intercept = model.coef_, model.intercept_
    if len(model.classes_) == 2:
        half = coef[0] / 2
        return [list(-half), list(half)], [-intercept[0] / 2, intercept[0] / 2]
    return [list(row) for row in numpy.asarray(coef)], list(intercept)


def _scores(numpy: Any, model: Any, x: Any) -> Any:
    scores = model.decision_function(x)
    if scores.ndim == 1:
        return numpy.stack([-scores / 2, scores / 2], axis=1)
    return scores


def _temperature(numpy: Any, model: Any, x: Any, labels: list[str]) -> float:
    """The temperature that minimises the log-loss on held-back samples."""
    known = {label: i for i, label in enumerate(model.classes_)}
    rows = [i for i, label in enumerate(labels) if label in known]
    if not rows:
        return 1.0
    scores = _scores(numpy, model, x[rows])
    truth = numpy.array([known[labels[i]] for i in rows])
    best, best_loss = 1.0, float("inf")
    for temperature in _TEMPERATURES:
        scaled = scores / temperature
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_p = scaled - numpy.log(numpy.exp(scaled).sum(axis=1, keepdims=True))
        loss = -log_p[numpy.arange(len(truth)), truth].mean()
        if loss < best_loss:
            best, best_loss = temperature, float(loss)
    return best


def _analyzer(ngrams: tuple[int, int]) -> Any:
    def analyze(text: str) -> list[str]:
        return list(features(text, ngrams).elements())

    return analyze


def train(
    samples: Sequence[LabelledSample],
    *,
    ngrams: tuple[int, int] = (1, 3),
    min_df: int = 2,
    max_features: int = 30_000,
    c: float = 1.0,
    calibrate: bool = True,
    seed: int = 0,
) -> TrainedModel:
    """Fit a model on ``samples`` (see the module docstring)."""
    if len(samples) < 10:
        raise ValidationError(
            f"training needs at least 10 samples, got {len(samples)}", field="samples"
        )
    numpy, tfidf, _ = _sklearn()
    vectorizer = tfidf(
        analyzer=_analyzer(ngrams), sublinear_tf=True, min_df=min_df, max_features=max_features
    )
    texts = [sample.text for sample in samples]
    x = vectorizer.fit_transform(texts)
    order = sorted(vectorizer.vocabulary_.items(), key=lambda item: item[1])
    vocabulary = tuple(gram for gram, _ in order)
    shuffled = list(range(len(samples)))
    random.Random(seed).shuffle(shuffled)
    cut = len(shuffled) // 5
    held, kept = shuffled[:cut], shuffled[cut:]
    fields: dict[str, FieldModel] = {}
    counts: dict[str, dict[str, int]] = {}
    for field in FIELDS:
        labels = [sample.expected(field) for sample in samples]
        counts[field] = dict(Counter(labels))
        if len(set(labels)) == 1:
            fields[field] = FieldModel((labels[0],), (0.0,), ((0.0,) * len(vocabulary),))
            continue
        temperature = 1.0
        kept_labels = [labels[i] for i in kept]
        if calibrate and held and len(set(kept_labels)) > 1:
            probe = _fit_field(x[kept], kept_labels, c, seed)
            temperature = _temperature(numpy, probe, x[held], [labels[i] for i in held])
        model = _fit_field(x, labels, c, seed)
        coef, intercept = _rows(numpy, model)
        fields[field] = FieldModel(
            tuple(str(label) for label in model.classes_),
            tuple(float(v) for v in intercept),
            tuple(tuple(float(v) for v in row) for row in coef),
            temperature,
        )
    import sklearn  # type: ignore[import-untyped]

    training = {
        "samples": len(samples),
        "library": f"scikit-learn {sklearn.__version__}",
        "min_df": min_df,
        "max_features": max_features,
        "C": c,
        "labels": counts,
    }
    return TrainedModel(
        vocabulary, tuple(float(v) for v in vectorizer.idf_), fields, ngrams, training
    )


def _folds(count: int, k: int, seed: int) -> list[list[int]]:
    order = list(range(count))
    random.Random(seed).shuffle(order)
    return [order[i::k] for i in range(k)]


def cross_validate(
    samples: Sequence[LabelledSample], k: int = 5, *, seed: int = 0, **options: Any
) -> dict[str, list[EvaluationReport]]:
    """K-fold reports of the model alone (``"model"``) and chained with keywords (``"chain"``)."""
    if not 2 <= k <= len(samples):
        raise ValidationError(f"K must be from 2 to the number of samples, got {k}", field="k")
    reports: dict[str, list[EvaluationReport]] = {"model": [], "chain": []}
    for fold in _folds(len(samples), k, seed):
        test = set(fold)
        model = train([s for i, s in enumerate(samples) if i not in test], seed=seed, **options)
        held = [samples[i] for i in fold]
        reports["model"].append(evaluate(TrainedClassifier(model, min_confidence=0.0), held))
        reports["chain"].append(evaluate(chain_with_keyword(TrainedClassifier(model)), held))
    return reports


def learning_curve(
    train_samples: Sequence[LabelledSample],
    test_samples: Sequence[LabelledSample],
    sizes: Sequence[int],
    *,
    seed: int = 0,
    **options: Any,
) -> list[tuple[int, EvaluationReport, EvaluationReport]]:
    """For each size: (size, model-alone report, chained report) on ``test_samples``."""
    shuffled = list(train_samples)
    random.Random(seed).shuffle(shuffled)
    curve = []
    for size in sizes:
        model = train(shuffled[:size], seed=seed, **options)
        alone = evaluate(TrainedClassifier(model, min_confidence=0.0), test_samples)
        chained = evaluate(chain_with_keyword(TrainedClassifier(model)), test_samples)
        curve.append((size, alone, chained))
    return curve
