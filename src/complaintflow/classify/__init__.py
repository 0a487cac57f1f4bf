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
evaluation harness (``evaluation``).  Nothing here imports an optional
dependency: ``pyahocorasick`` is imported only when a matcher is built.
"""

from typing import TYPE_CHECKING, Any

from complaintflow.classify.automaton import Automaton, build_matcher, fast_backend_available
from complaintflow.classify.base import Classification, Classifier, Reason
from complaintflow.classify.chain import ClassifierChain, merge
from complaintflow.classify.keyword import DEFAULT_AMOUNT_THRESHOLD, KeywordClassifier
from complaintflow.classify.lexicon import Lexicon, Signal, normalize
from complaintflow.classify.plugins import (
    ENTRY_POINT_GROUP,
    available_classifiers,
    load_classifier,
    register_classifier,
    unregister_classifier,
)
from complaintflow.classify.rules import Rule, RuleClassifier
from complaintflow.errors import (
    ClassifierNotFound,
    ClassifierPluginError,
    LexiconError,
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

# The evaluation harness loads on first use, so that
# ``python -m complaintflow.classify.evaluation`` runs it as a fresh module.
_LAZY = {"EvaluationReport", "LabelledSample", "evaluate", "load_samples"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from complaintflow.classify import evaluation

        return getattr(evaluation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "DEFAULT_AMOUNT_THRESHOLD",
    "ENTRY_POINT_GROUP",
    "Automaton",
    "Classification",
    "Classifier",
    "ClassifierChain",
    "ClassifierNotFound",
    "ClassifierPluginError",
    "EvaluationReport",
    "KeywordClassifier",
    "LabelledSample",
    "Lexicon",
    "LexiconError",
    "Reason",
    "Rule",
    "RuleClassifier",
    "RuleError",
    "RulePatternError",
    "RuleValueError",
    "SampleError",
    "Signal",
    "UnknownRuleFieldError",
    "available_classifiers",
    "build_matcher",
    "evaluate",
    "fast_backend_available",
    "load_classifier",
    "load_samples",
    "merge",
    "normalize",
    "register_classifier",
    "unregister_classifier",
]
