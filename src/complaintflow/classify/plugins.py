"""Finding classifiers by name: built-ins, runtime registrations, entry points.

``load_classifier("keyword")`` returns a new :class:`KeywordClassifier`;
``load_classifier("rules", path="rules.toml")`` a :class:`RuleClassifier`;
``load_classifier("trained", path="model.json")`` a trained model chained
before the keyword classifier.
Keyword arguments go to the factory.  Names resolve in this order:

1. names registered at runtime with :func:`register_classifier` (the
   built-ins ``keyword`` and ``rules`` are registered this way);
2. installed packages that declare an entry point in the group
   ``complaintflow.classifiers``::

       # the plugin's pyproject.toml
       [project.entry-points."complaintflow.classifiers"]
       bank = "acme_complaints.classifier:BankClassifier"

   The entry point may name a class or any callable returning a classifier.

Entry points are read only when a name is not registered, never at import.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Any

from complaintflow.classify.base import Classifier
from complaintflow.classify.keyword import KeywordClassifier
from complaintflow.classify.rules import RuleClassifier
from complaintflow.errors import ClassifierNotFound, ClassifierPluginError, ValidationError

__all__ = [
    "ENTRY_POINT_GROUP",
    "available_classifiers",
    "load_classifier",
    "register_classifier",
    "unregister_classifier",
]

ENTRY_POINT_GROUP = "complaintflow.classifiers"

Factory = Callable[..., Classifier]


def _rules(*, path: str | Path | None = None, config: Any = None, **options: Any) -> RuleClassifier:
    if path is not None and config is not None:
        raise ValidationError("pass either path= or config= for the rules classifier, not both")
    if path is not None:
        return RuleClassifier.from_file(path)
    if config is not None:
        return RuleClassifier.from_dict(config)
    return RuleClassifier(**options)


def _trained(*, path: str | Path, min_confidence: float = 0.9, **options: Any) -> Classifier:
    """A trained model file chained before the keyword classifier."""
    from complaintflow.classify.trained import TrainedClassifier, chain_with_keyword

    model = TrainedClassifier.load(path, min_confidence=min_confidence)
    return chain_with_keyword(model, KeywordClassifier(**options))


_BUILTIN: dict[str, Factory] = {"keyword": KeywordClassifier, "rules": _rules, "trained": _trained}
_registry: dict[str, Factory] = dict(_BUILTIN)


def register_classifier(name: str, factory: Factory, *, replace: bool = False) -> None:
    """Make ``load_classifier(name)`` call ``factory(**options)``.

    Refuses to shadow an existing name unless ``replace=True``.
    """
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"a classifier name must be a non-empty string, got {name!r}")
    if not callable(factory):
        raise ValidationError(f"factory for {name!r} must be callable, got {factory!r}")
    if name in _registry and not replace:
        raise ValidationError(
            f"a classifier named {name!r} is already registered; pass replace=True to replace it",
            field="name",
        )
    _registry[name] = factory


def unregister_classifier(name: str) -> None:
    """Forget a runtime registration; a built-in comes back if it was replaced."""
    _registry.pop(name, None)
    if name in _BUILTIN:
        _registry[name] = _BUILTIN[name]


def _entry_points() -> dict[str, EntryPoint]:
    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


def available_classifiers() -> list[str]:
    """Registered and installed classifier names, sorted."""
    return sorted(set(_registry) | set(_entry_points()))


def load_classifier(name: str, /, **options: Any) -> Classifier:
    """A new classifier by name; see the module docstring for the lookup order."""
    factory = _registry.get(name)
    if factory is None:
        point = _entry_points().get(name)
        if point is None:
            raise ClassifierNotFound(name, available_classifiers())
        try:
            factory = point.load()
        except Exception as error:  # a broken plugin must not look like a missing one
            raise ClassifierPluginError(name, f"cannot load {point.value}: {error!r}") from error
        if not callable(factory):
            raise ClassifierPluginError(name, f"{point.value} is not callable")
    classifier = factory(**options)
    if not isinstance(classifier, Classifier):
        raise ClassifierPluginError(
            name, f"factory returned {type(classifier).__name__}, which has no classify(draft)"
        )
    return classifier
