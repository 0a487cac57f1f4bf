"""Errors of the classify package, all under :class:`~complaintflow.errors.ComplaintflowError`.

::

    ValidationError (ValueError)
    ├── LexiconError               a lexicon term or signal spec is malformed
    ├── RuleError                  a classification rule is malformed
    │   ├── UnknownRuleFieldError  a key the rule format does not have
    │   ├── RulePatternError       a regex that does not compile
    │   └── RuleValueError         a kind / category / priority / channel ... that does not exist
    ├── SampleError                a labelled sample line that cannot be read
    └── ModelFormatError           a trained-model file that is not a valid model
    ComplaintflowError
    ├── MissingExtraError (ImportError)  training needs the ``ml`` extra (scikit-learn)
    ├── ClassifierNotFound (LookupError)  no classifier registered under that name
    └── ClassifierPluginError             a plugin that fails to load or is no classifier
"""

from __future__ import annotations

from collections.abc import Iterable

from complaintflow.errors import ComplaintflowError, ValidationError

__all__ = [
    "ClassifierNotFound",
    "ClassifierPluginError",
    "LexiconError",
    "MissingExtraError",
    "ModelFormatError",
    "RuleError",
    "RulePatternError",
    "RuleValueError",
    "SampleError",
    "UnknownRuleFieldError",
]


class LexiconError(ValidationError):
    """A lexicon entry whose term or signal spec cannot be understood."""

    def __init__(self, message: str, *, term: str | None = None, spec: str | None = None) -> None:
        super().__init__(message, field="lexicon")
        self.term = term
        self.spec = spec


class RuleError(ValidationError):
    """A rule definition is invalid; ``rule`` names it (or its position), ``key`` the key."""

    def __init__(self, message: str, *, rule: str, key: str | None = None) -> None:
        super().__init__(f"rule {rule}: {message}", field=key)
        self.rule = rule
        self.key = key


class UnknownRuleFieldError(RuleError):
    """A key the rule format does not define (a typo such as ``wen`` for ``when``)."""

    def __init__(self, *, rule: str, key: str, section: str, allowed: Iterable[str]) -> None:
        self.section = section
        self.allowed = tuple(sorted(allowed))
        super().__init__(
            f"unknown {section} key {key!r}; allowed: {', '.join(self.allowed)}", rule=rule, key=key
        )


class RulePatternError(RuleError):
    """A ``regex`` condition that Python's ``re`` cannot compile."""

    def __init__(self, *, rule: str, pattern: str, reason: str) -> None:
        self.pattern = pattern
        self.reason = reason
        super().__init__(f"regex {pattern!r} does not compile: {reason}", rule=rule, key="regex")


class RuleValueError(RuleError):
    """A value of the wrong type, or a kind / category / priority that does not exist."""

    def __init__(
        self, *, rule: str, key: str, value: object, expected: str
    ) -> None:
        self.value = value
        self.expected = expected
        super().__init__(f"{key} = {value!r} is invalid; expected {expected}", rule=rule, key=key)


class SampleError(ValidationError):
    """A labelled sample that cannot be read; ``line`` is 1-based."""

    def __init__(self, message: str, *, source: str, line: int) -> None:
        super().__init__(f"{source}:{line}: {message}", field="samples")
        self.source = source
        self.line = line


class ClassifierNotFound(ComplaintflowError, LookupError):
    """No classifier is registered or installed under that name."""

    def __init__(self, name: str, available: Iterable[str]) -> None:
        self.name = name
        self.available = tuple(sorted(available))
        super().__init__(
            f"no classifier named {name!r}; available: {', '.join(self.available)}. Register one "
            "with register_classifier() or the 'complaintflow.classifiers' entry-point group"
        )


class ClassifierPluginError(ComplaintflowError):
    """A registered classifier factory failed or returned something that cannot classify."""

    def __init__(self, name: str, reason: str) -> None:
        self.name = name
        self.reason = reason
        super().__init__(f"classifier plugin {name!r}: {reason}")


class ModelFormatError(ValidationError):
    """A trained-model file that is not JSON of the expected shape; ``path`` names the key."""

    def __init__(self, message: str, *, source: str, path: str = "") -> None:
        where = f" at {path}" if path else ""
        super().__init__(f"{source}: not a complaintflow model{where}: {message}", field="model")
        self.source = source
        self.path = path


class MissingExtraError(ComplaintflowError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    def __init__(self, extra: str, package: str, purpose: str) -> None:
        self.extra = extra
        self.package = package
        super().__init__(
            f"{purpose} needs {package}: pip install 'complaintflow[{extra}]'"
        )
