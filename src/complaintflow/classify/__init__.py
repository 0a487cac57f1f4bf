"""Classification: kind, category and priority proposals for a draft (SPEC §2.2).

Quick start::

    from complaintflow.classify import KeywordClassifier
    c = KeywordClassifier().classify(draft)
    c.kind, c.category, c.priority, c.needs_human, c.reasons

Pieces: the :class:`Classifier` protocol and :class:`Classification` value
(``base``), the lexicon-driven :class:`KeywordClassifier` (``keyword``,
``lexicon``, ``lexicon_zh``, ``lexicon_en``, ``matching``, ``automaton``,
``amounts``), declarative :class:`RuleClassifier` (``rules``),
:class:`ClassifierChain` (``chain``), plugins (``plugins``) and the
evaluation harness (``evaluation``, ``samples``).  Urgent signals are
concept detectors (``concepts``), the kind reads the whole message
(``kinds``), a category falls back on topic words (``topics``).  A host's
own model: :class:`TrainedClassifier` (``trained``: JSON file, plain-Python
inference) fitted by ``train`` (``training``, the ``ml`` extra).  Nothing
here imports an optional dependency: ``pyahocorasick`` is imported only when
a matcher is built, scikit-learn only when ``train`` runs.
"""

from typing import TYPE_CHECKING, Any

from complaintflow.classify.automaton import Automaton, build_matcher, fast_backend_available
from complaintflow.classify.base import Classification, Classifier, Reason
from complaintflow.classify.chain import ClassifierChain, merge
from complaintflow.classify.concepts import Context, Detector, DetectorSet, Finding
from complaintflow.classify.keyword import (
    DEFAULT_AMOUNT_THRESHOLD,
    DEFAULT_AMOUNT_THRESHOLDS,
    KeywordClassifier,
)
from complaintflow.classify.lexicon import Lexicon, Signal, normalize
from complaintflow.classify.plugins import (
    ENTRY_POINT_GROUP,
    available_classifiers,
    load_classifier,
    register_classifier,
    unregister_classifier,
)
from complaintflow.classify.rules import Rule, RuleClassifier
from complaintflow.classify.trained import TrainedClassifier, TrainedModel, chain_with_keyword
from complaintflow.errors import (
    ClassifierNotFound,
    ClassifierPluginError,
    LexiconError,
    MissingExtraError,
    ModelFormatError,
    RuleError,
    RulePatternError,
    RuleValueError,
    SampleError,
    UnknownRuleFieldError,
)

if TYPE_CHECKING:
    from complaintflow.classify.evaluation import (
        EvaluationReport,
        LabelledSample,
        evaluate,
        load_samples,
    )
    from complaintflow.classify.training import cross_validate, learning_curve, train

# The evaluation harness loads on first use, so that
# ``python -m complaintflow.classify.evaluation`` runs it as a fresh module.
_LAZY = {"EvaluationReport", "LabelledSample", "evaluate", "load_samples"}
# Training loads scikit-learn when it runs; the module itself loads on first use.
_TRAINING = {"cross_validate", "learning_curve", "train"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from complaintflow.classify import evaluation

        return getattr(evaluation, name)
    if name in _TRAINING:
        from complaintflow.classify import training

        return getattr(training, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_AMOUNT_THRESHOLD",
    "DEFAULT_AMOUNT_THRESHOLDS",
    "ENTRY_POINT_GROUP",
    "Automaton",
    "Classification",
    "Classifier",
    "ClassifierChain",
    "ClassifierNotFound",
    "ClassifierPluginError",
    "Context",
    "Detector",
    "DetectorSet",
    "EvaluationReport",
    "Finding",
    "KeywordClassifier",
    "LabelledSample",
    "Lexicon",
    "LexiconError",
    "MissingExtraError",
    "ModelFormatError",
    "Reason",
    "Rule",
    "RuleClassifier",
    "RuleError",
    "RulePatternError",
    "RuleValueError",
    "SampleError",
    "Signal",
    "TrainedClassifier",
    "TrainedModel",
    "UnknownRuleFieldError",
    "available_classifiers",
    "build_matcher",
    "chain_with_keyword",
    "cross_validate",
    "evaluate",
    "fast_backend_available",
    "learning_curve",
    "load_classifier",
    "load_samples",
    "merge",
    "normalize",
    "register_classifier",
    "train",
    "unregister_classifier",
]
