"""Every error complaintflow raises, rooted at one class.

A host catches :class:`ComplaintflowError` to handle anything the library
refuses; each subclass carries its context as attributes so a UI or an API
layer can build its own message without parsing ours.  Validation errors
are also :class:`ValueError` and lookups are also :class:`LookupError`, so
code written against the built-ins keeps working.

::

    ComplaintflowError
    ├── ValidationError (ValueError)          bad input; fix the call
    │   ├── NaiveDatetimeError                a datetime without tzinfo
    │   ├── MoneyError                        float amount, bad currency code
    │   │   └── CurrencyMismatchError         two currencies mixed
    │   ├── ClockError                        a manual clock moved backwards
    │   └── CalendarError                     a business calendar that cannot be
    │       └── CalendarHorizonError          past the dates the calendar knows
    ├── InvalidTransition                     command not allowed in this state
    ├── PermissionDenied                      actor's role is too low
    │   └── SelfApprovalError                 nobody approves their own proposal
    ├── ConcurrencyError                      someone saved the ticket first
    ├── NotFound (LookupError)                no such ticket
    ├── ClassifierNotFound (LookupError)      no classifier registered under that name
    ├── ClassifierPluginError                 a plugin that fails to load or is no classifier
    ├── StorageError                          the backend failed; nothing was written
    │   └── CorruptRecord                     a stored row the store cannot decode
    ├── MissingExtraError (ModuleNotFoundError)  an optional package is not installed
    └── DeliveryFailed                        a channel could not reach some recipients

Below ``ValidationError``, by the part of the library that raises them::

    MoneyError        UnknownCurrencyError, NegativeAmountError (approval tiers)
    ValidationError   SlaPolicyMismatch (a ticket stamped with a version not given),
                      SurveySchedulingError, DuplicateSurveyResponse (satisfaction),
                      LexiconError, RuleError (UnknownRuleFieldError, RulePatternError,
                      RuleValueError), SampleError, ModelFormatError (classification)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

__all__ = [
    "CalendarError",
    "CalendarHorizonError",
    "ClassifierNotFound",
    "ClassifierPluginError",
    "ClockError",
    "ComplaintflowError",
    "ConcurrencyError",
    "CorruptRecord",
    "CurrencyMismatchError",
    "DeliveryFailed",
    "DuplicateSurveyResponse",
    "InvalidTransition",
    "LexiconError",
    "MissingExtraError",
    "ModelFormatError",
    "MoneyError",
    "NaiveDatetimeError",
    "NegativeAmountError",
    "NotFound",
    "PermissionDenied",
    "RuleError",
    "RulePatternError",
    "RuleValueError",
    "SampleError",
    "SelfApprovalError",
    "SlaPolicyMismatch",
    "StorageError",
    "SurveySchedulingError",
    "UnknownCurrencyError",
    "UnknownRuleFieldError",
    "ValidationError",
]


class ComplaintflowError(Exception):
    """Root of every error complaintflow raises on purpose."""


class ValidationError(ComplaintflowError, ValueError):
    """An argument is malformed; ``field`` names it when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NaiveDatetimeError(ValidationError):
    """A datetime without a time zone reached the public API.

    A naive datetime is ambiguous across offices and DST changes, so it is
    refused instead of being guessed as UTC or local time.
    """

    def __init__(self, field: str, value: object) -> None:
        super().__init__(
            f"{field} must be timezone-aware, got naive {value!r}; pass e.g. "
            "datetime(..., tzinfo=ZoneInfo('Asia/Shanghai')) or pendulum.datetime(..., tz=...)",
            field=field,
        )
        self.value = value


class MoneyError(ValidationError):
    """An amount or currency that cannot be represented exactly."""


class CurrencyMismatchError(MoneyError):
    """Two amounts in different currencies met in one operation."""

    def __init__(self, left: str, right: str, operation: str) -> None:
        super().__init__(f"cannot {operation} {left} and {right}: convert one currency first")
        self.left = left
        self.right = right
        self.operation = operation


class ClockError(ValidationError):
    """A manual clock was asked to move backwards."""


class CalendarError(ValidationError):
    """A business calendar definition or query is invalid."""


class CalendarHorizonError(CalendarError):
    """A calendar query ran past the last date its holiday data covers."""


class InvalidTransition(ComplaintflowError):
    """A command is not allowed in the ticket's current state."""

    def __init__(
        self,
        *,
        ticket_id: str,
        state: str,
        trigger: str,
        allowed: Iterable[str],
        reason: str | None = None,
    ) -> None:
        self.ticket_id = ticket_id
        self.state = state
        self.trigger = trigger
        self.allowed = tuple(sorted(allowed))
        self.reason = reason
        why = f": {reason}" if reason else ""
        allowed_text = ", ".join(self.allowed) or "none (the ticket is final)"
        super().__init__(
            f"ticket {ticket_id} is {state}; {trigger!r} is not allowed{why}. "
            f"Allowed from {state}: {allowed_text}"
        )


class PermissionDenied(ComplaintflowError):
    """The actor's role does not allow the command."""

    def __init__(
        self,
        *,
        trigger: str,
        actor_id: str,
        actor_role: str | None,
        required: str,
        reason: str | None = None,
    ) -> None:
        self.trigger = trigger
        self.actor_id = actor_id
        self.actor_role = actor_role
        self.required = required
        self.reason = reason
        role = actor_role or "no staff role"
        why = f" ({reason})" if reason else ""
        super().__init__(f"{actor_id} ({role}) may not {trigger}{why}; it requires {required}")


class SelfApprovalError(PermissionDenied):
    """Separation of duties: a proposer cannot approve their own proposal."""


class ConcurrencyError(ComplaintflowError):
    """The ticket was saved by someone else since it was loaded."""

    def __init__(self, *, ticket_id: str, expected: int, actual: int | None) -> None:
        self.ticket_id = ticket_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"ticket {ticket_id} is at version {actual}, expected {expected}: "
            "reload it and apply the command again (see ComplaintDesk.retrying)"
        )


class NotFound(ComplaintflowError, LookupError):
    """No ticket with that id (or number) exists in this store."""

    def __init__(self, what: str, key: str) -> None:
        self.what = what
        self.key = key
        super().__init__(f"no {what} {key!r} in this store")


class StorageError(ComplaintflowError):
    """The storage backend failed; the operation wrote nothing."""


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

    def __init__(self, *, rule: str, key: str, value: object, expected: str) -> None:
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


class UnknownCurrencyError(MoneyError):
    """The policy has no tiers for the amount's currency; ``known`` lists those it has."""

    def __init__(self, currency: str, known: Iterable[str]) -> None:
        self.currency = currency
        self.known = tuple(sorted(known))
        super().__init__(
            f"the approval policy has no tiers for {currency}; it knows "
            f"{', '.join(self.known)}. Convert the amount or add tiers for {currency}",
            field="currency",
        )


class NegativeAmountError(MoneyError):
    """A compensation amount below zero: record a charge some other way."""

    def __init__(self, amount: object) -> None:
        self.amount = amount
        super().__init__(
            f"compensation {amount} is negative; approval amounts must be zero or more",
            field="amount",
        )


class SlaPolicyMismatch(ValidationError):
    """The ticket was stamped with a policy version the caller did not supply."""

    def __init__(self, ticket_id: str, stamped: str, known: Iterable[str]) -> None:
        super().__init__(
            f"ticket {ticket_id} is measured under SLA policy {stamped!r}, but only "
            f"{', '.join(map(repr, known)) or 'none'} was given; keep old policy versions "
            "available, or restamp the ticket explicitly",
            field="policy",
        )
        self.ticket_id = ticket_id
        self.stamped = stamped
        self.known = tuple(known)


class SurveySchedulingError(ValidationError):
    """No acceptable instant within the search limit: the rules leave no room."""

    def __init__(self, *, method: str, after: dt.datetime, until: dt.datetime) -> None:
        super().__init__(
            f"no open instant outside the blackouts for a {method} survey between {after} "
            f"and {until}; open the calendar, narrow the blackouts or raise "
            "SurveyRules.search_limit",
            field="rules",
        )
        self.method = method
        self.after = after
        self.until = until


class DuplicateSurveyResponse(ValidationError):
    """A second response to the same survey of the same ticket."""

    def __init__(self, *, ticket_id: str, survey: str) -> None:
        super().__init__(
            f"ticket {ticket_id} already has a response to survey {survey!r}; "
            "one response per ticket and survey",
            field="responses",
        )
        self.ticket_id = ticket_id
        self.survey = survey


class MissingExtraError(ComplaintflowError, ModuleNotFoundError):
    """An optional package is missing; the message names the extra that installs it.

    Also a :class:`ModuleNotFoundError` (``name`` is the missing module), so
    ``except ImportError`` around an optional feature keeps working.
    """

    def __init__(self, module: str, missing: str, extra: str) -> None:
        super().__init__(
            f"{module} needs the optional package {missing!r}: "
            f"pip install 'complaintflow[{extra}]'",
            name=missing,
        )
        self.module = module
        self.extra = extra


class CorruptRecord(StorageError):
    """A stored row the store cannot decode (bad JSON, a missing field, an unknown value).

    Raised by reads of that one record (``get``, ``events``); ``find`` and
    the claims skip it, report its id and log it, and go on serving the
    healthy rows.  ``table`` is ``"tickets"``, ``"events"`` (``key`` is
    ``"<ticket id>#<seq>"``) or ``"outbox"``.
    """

    def __init__(self, *, tenant: str, table: str, key: str, reason: str) -> None:
        self.tenant = tenant
        self.table = table
        self.key = key
        self.reason = reason
        super().__init__(
            f"tenant {tenant!r}: the {table} record {key!r} cannot be decoded "
            f"({reason}); repair or delete that row"
        )


class ModelFormatError(ValidationError):
    """A trained-model file that is not JSON of the expected shape; ``path`` names the key."""

    def __init__(self, message: str, *, source: str, path: str = "") -> None:
        where = f" at {path}" if path else ""
        super().__init__(f"{source}: not a complaintflow model{where}: {message}", field="model")
        self.source = source
        self.path = path


class DeliveryFailed(ComplaintflowError):
    """A delivery channel could not reach some recipients of a notification.

    ``recipients`` names exactly the addresses that failed (e-mail
    addresses, phone numbers, webhook URLs), ``reasons`` what each one was
    told, ``channel`` which channel failed (``"email"``, ``"webhook"``,
    ``"sms"``, joined with ``+`` when several did).  ``permanent`` is the
    delivery loop's cue: true when sending the same message again cannot
    succeed (a refused address, a 4xx webhook answer, a customer without a
    usable contact), so the item goes to the dead letters at once; false
    for timeouts, lost connections and 5xx answers, which are retried.
    The message masks customer contacts; the attributes keep them whole.
    """

    def __init__(
        self,
        message: str,
        *,
        recipients: Iterable[str] = (),
        permanent: bool = False,
        channel: str = "",
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.recipients = tuple(recipients)
        self.permanent = permanent
        self.channel = channel
        self.reasons = dict(reasons or {})
