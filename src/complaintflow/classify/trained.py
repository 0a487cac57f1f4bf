"""A classifier trained on a host's own labelled tickets, stored as plain JSON.

:class:`TrainedModel` is the model: character n-gram features (Chinese
needs no word segmenter), TF-IDF weights, and one linear model per field
(kind, category, priority) whose scores become probabilities through a
softmax with a fitted temperature (calibrated confidence).  Training
needs scikit-learn (the ``ml`` extra, see
:mod:`~complaintflow.classify.training`); *using* a model does not: the
file holds numbers only and inference here is plain Python, so a host can
read, diff and load a model file without executing anything from it (no
pickle).  The format:

.. code-block:: text

    {"format": "complaintflow.trained-classifier", "version": 1,
     "features": {"ngrams": [1, 3], "vocabulary": ["退", "退款", "w:refund", ...],
                  "idf": [2.31, ...]},
     "fields": {"kind": {"labels": ["complaint", ...], "intercept": [...],
                         "coef": [[...one row per label...]], "temperature": 1.4},
                "category": {...}, "priority": {...}},
     "training": {"samples": 412, "library": "scikit-learn 1.9.1", ...}}

:class:`TrainedClassifier` proposes the fields the model is confident about
(probability at least ``min_confidence``) and marks the others defaulted,
so ``ClassifierChain([trained, KeywordClassifier()])`` lets the model fill
kind and category where it is sure while the keyword concepts keep their
say over P1 and needs-human (a chain keeps the most urgent priority and ORs
needs-human).  :func:`chain_with_keyword` builds that chain.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from complaintflow.classify.base import FIELDS, Classification, Field, Reason
from complaintflow.classify.chain import ClassifierChain
from complaintflow.classify.lexicon import normalize
from complaintflow.domain.values import TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Priority
from complaintflow.errors import ModelFormatError

__all__ = [
    "FORMAT",
    "FieldModel",
    "TrainedClassifier",
    "TrainedModel",
    "chain_with_keyword",
    "features",
]

FORMAT = "complaintflow.trained-classifier"
_VERSION = 1
_SOURCE = "trained"
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9']+")
_NONE = "none"


def features(text: str, ngrams: tuple[int, int] = (1, 3)) -> Counter[str]:
    """Character n-grams of the normalised text, plus ``w:`` Latin words.

    Characters carry meaning in Chinese and sub-words in English ("refund",
    "refunded"), so the same extractor serves both languages and typos.
    """
    normalized = _SPACE.sub(" ", normalize(text)).strip()
    counts: Counter[str] = Counter()
    low, high = ngrams
    for size in range(low, high + 1):
        for start in range(len(normalized) - size + 1):
            gram = normalized[start : start + size]
            if gram.strip():
                counts[gram] += 1
    for word in _WORD.findall(normalized):
        counts["w:" + word] += 1
    return counts


@attrs.frozen
class FieldModel:
    """One field's linear model: a row of weights per label, and its temperature."""

    labels: tuple[str, ...]
    intercept: tuple[float, ...]
    coef: tuple[tuple[float, ...], ...]
    temperature: float = 1.0

    def probabilities(self, vector: Mapping[int, float]) -> list[float]:
        """Calibrated probabilities per label for a TF-IDF vector."""
        scores = [
            (b + sum(value * row[index] for index, value in vector.items())) / self.temperature
            for b, row in zip(self.intercept, self.coef, strict=True)
        ]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [e / total for e in exps]


@attrs.frozen
class TrainedModel:
    """Vocabulary, IDF weights and one :class:`FieldModel` per field."""

    vocabulary: tuple[str, ...]
    idf: tuple[float, ...]
    fields: Mapping[str, FieldModel]
    ngrams: tuple[int, int] = (1, 3)
    training: Mapping[str, Any] = attrs.field(factory=dict)
    _index: dict[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {gram: i for i, gram in enumerate(self.vocabulary)})

    def vector(self, text: str) -> dict[int, float]:
        """The text's TF-IDF vector (sublinear tf, L2-normalised), by vocabulary index."""
        vector: dict[int, float] = {}
        for gram, count in features(text, self.ngrams).items():
            index = self._index.get(gram)
            if index is not None:
                vector[index] = (1.0 + math.log(count)) * self.idf[index]
        norm = math.sqrt(sum(v * v for v in vector.values()))
        return {i: v / norm for i, v in vector.items()} if norm else vector

    def predict(self, text: str) -> dict[str, tuple[str, float]]:
        """Per field, the most probable label and its calibrated probability."""
        vector = self.vector(text)
        result = {}
        for name, model in self.fields.items():
            probabilities = model.probabilities(vector)
            best = max(range(len(probabilities)), key=probabilities.__getitem__)
            result[name] = (model.labels[best], probabilities[best])
        return result

    # -- the JSON file ---------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": _VERSION,
            "features": {
                "ngrams": list(self.ngrams),
                "vocabulary": list(self.vocabulary),
                "idf": [round(v, 6) for v in self.idf],
            },
            "fields": {
                name: {
                    "labels": list(m.labels),
                    "intercept": [round(v, 6) for v in m.intercept],
                    "coef": [[round(v, 6) for v in row] for row in m.coef],
                    "temperature": round(m.temperature, 6),
                }
                for name, m in self.fields.items()
            },
            "training": dict(self.training),
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> TrainedModel:
        """Read a model file; anything but a well-formed model raises ModelFormatError."""
        source = str(path)
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ModelFormatError(f"not JSON ({error.msg})", source=source) from None
        return cls.from_json(data, source=source)

    @classmethod
    def from_json(cls, data: object, *, source: str = "<model>") -> TrainedModel:
        root = _mapping(data, source, "")
        if root.get("format") != FORMAT or root.get("version") != _VERSION:
            raise ModelFormatError(
                f"format must be {FORMAT!r} version {_VERSION}", source=source, path="format"
            )
        feats = _mapping(root.get("features"), source, "features")
        vocabulary = _strings(feats.get("vocabulary"), source, "features.vocabulary")
        idf = _numbers(feats.get("idf"), source, "features.idf", len(vocabulary))
        ngrams = _numbers(feats.get("ngrams"), source, "features.ngrams", 2)
        fields: dict[str, FieldModel] = {}
        for name, raw in _mapping(root.get("fields"), source, "fields").items():
            if name not in FIELDS:
                raise ModelFormatError(f"unknown field {name!r}", source=source, path="fields")
            fields[name] = _field(raw, source, f"fields.{name}", len(vocabulary))
        training = root.get("training", {})
        return cls(
            vocabulary,
            idf,
            fields,
            (int(ngrams[0]), int(ngrams[1])),
            training if isinstance(training, dict) else {},
        )


def _mapping(value: object, source: str, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ModelFormatError("expected an object", source=source, path=path or "top level")
    return value


def _strings(value: object, source: str, path: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ModelFormatError("expected a list of strings", source=source, path=path)
    return tuple(value)


def _numbers(value: object, source: str, path: str, length: int) -> tuple[float, ...]:
    if (
        not isinstance(value, list)
        or len(value) != length
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        raise ModelFormatError(f"expected {length} finite numbers", source=source, path=path)
    return tuple(float(v) for v in value)


def _field(value: object, source: str, path: str, width: int) -> FieldModel:
    raw = _mapping(value, source, path)
    labels = _strings(raw.get("labels"), source, f"{path}.labels")
    coef = raw.get("coef")
    if not isinstance(coef, list) or len(coef) != len(labels):
        raise ModelFormatError("expected one coef row per label", source=source, path=path)
    rows = tuple(_numbers(row, source, f"{path}.coef", width) for row in coef)
    intercept = _numbers(raw.get("intercept"), source, f"{path}.intercept", len(labels))
    (temperature,) = _numbers([raw.get("temperature", 1.0)], source, f"{path}.temperature", 1)
    if temperature <= 0:
        raise ModelFormatError("temperature must be positive", source=source, path=path)
    return FieldModel(labels, intercept, rows, temperature)


_PARSE = {"kind": Kind, "category": Category, "priority": Priority}


class TrainedClassifier:
    """Proposes the fields its model is confident about; the rest are left to a chain."""

    name = _SOURCE

    def __init__(self, model: TrainedModel, *, min_confidence: float = 0.9) -> None:
        if not 0 <= min_confidence <= 1:
            raise ValueError(f"min_confidence must be from 0 to 1, got {min_confidence}")
        self.model = model
        self.min_confidence = min_confidence

    @classmethod
    def load(cls, path: str | Path, *, min_confidence: float = 0.9) -> TrainedClassifier:
        return cls(TrainedModel.load(path), min_confidence=min_confidence)

    def __repr__(self) -> str:
        return f"TrainedClassifier({len(self.model.vocabulary)} features)"

    def classify(self, draft: TicketDraft) -> Classification:
        predicted = self.model.predict(draft.description)
        values: dict[str, Any] = {"kind": Kind.COMPLAINT, "category": None, "priority": Priority.P3}
        defaulted: set[Field] = set()
        reasons = []
        for field in FIELDS:
            if field not in predicted:
                defaulted.add(field)
                continue
            label, probability = predicted[field]
            if probability < self.min_confidence:
                defaulted.add(field)
                continue
            values[field] = None if label == _NONE else _PARSE[field](label)
            reasons.append(Reason(_SOURCE, field, label, "model", f"p={probability:.2f}"))
        confidence = predicted["kind"][1] if "kind" in predicted else 0.0
        return Classification(
            confidence=round(confidence, 3), reasons=reasons, defaulted=defaulted, **values
        )


def chain_with_keyword(trained: TrainedClassifier, keyword: Any = None) -> ClassifierChain:
    """``ClassifierChain([trained, keyword])``: the model first, the concepts always heard."""
    from complaintflow.classify.keyword import KeywordClassifier

    return ClassifierChain([trained, keyword if keyword is not None else KeywordClassifier()])
