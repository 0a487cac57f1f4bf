"""complaintflow: the lifecycle of customer complaints and feedback.

What a host needs on its first day is importable from here: the desk and
its stores, the domain vocabulary and values, SLA policies and calendars,
classifiers, routing, approvals, notifications, the SLA clocks and the
monthly report.  Everything else is imported from its subpackage
(``complaintflow.domain``, ``complaintflow.sla``, ``complaintflow.service``,
``complaintflow.storage``, ``complaintflow.classify``, ``complaintflow.routing``,
``complaintflow.metrics``, ``complaintflow.satisfaction``, ``complaintflow.delivery``,
``complaintflow.testing``).

Names load on first use, so ``import complaintflow`` is about as cheap as
importing its dependencies, and a CLI or a host that needs one part does
not pay for the rest.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0.dev0"

#: Where each root name lives.
_HOME: dict[str, str] = {
    "ApprovalPolicy": "complaintflow.approval",
    "Classification": "complaintflow.classify",
    "Classifier": "complaintflow.classify",
    "ClassifierChain": "complaintflow.classify",
    "KeywordClassifier": "complaintflow.classify",
    "RuleClassifier": "complaintflow.classify",
    "Clock": "complaintflow.clock",
    "ManualClock": "complaintflow.clock",
    "SystemClock": "complaintflow.clock",
    "Command": "complaintflow.domain.commands",
    "Event": "complaintflow.domain.events",
    "LifecycleRules": "complaintflow.domain.lifecycle",
    "Money": "complaintflow.domain.money",
    "Ticket": "complaintflow.domain.ticket",
    "Actor": "complaintflow.domain.values",
    "Attachment": "complaintflow.domain.values",
    "Customer": "complaintflow.domain.values",
    "SurveyResponse": "complaintflow.domain.values",
    "TicketDraft": "complaintflow.domain.values",
    "Category": "complaintflow.domain.vocabulary",
    "Channel": "complaintflow.domain.vocabulary",
    "CustomerTier": "complaintflow.domain.vocabulary",
    "Expectation": "complaintflow.domain.vocabulary",
    "Kind": "complaintflow.domain.vocabulary",
    "Priority": "complaintflow.domain.vocabulary",
    "Role": "complaintflow.domain.vocabulary",
    "SatisfactionLevel": "complaintflow.domain.vocabulary",
    "Status": "complaintflow.domain.vocabulary",
    "ChannelNotifier": "complaintflow.delivery",
    "ComplaintflowError": "complaintflow.errors",
    "ConcurrencyError": "complaintflow.errors",
    "InvalidTransition": "complaintflow.errors",
    "NaiveDatetimeError": "complaintflow.errors",
    "NotFound": "complaintflow.errors",
    "PermissionDenied": "complaintflow.errors",
    "StorageError": "complaintflow.errors",
    "ValidationError": "complaintflow.errors",
    "MonthlyReport": "complaintflow.metrics",
    "monthly_report": "complaintflow.metrics",
    "Router": "complaintflow.routing",
    "ComplaintDesk": "complaintflow.service.desk",
    "Notification": "complaintflow.service.notifications",
    "Notifier": "complaintflow.service.notifications",
    "Templates": "complaintflow.service.notifications",
    "BusinessCalendar": "complaintflow.sla",
    "china_office": "complaintflow.sla",
    "explain": "complaintflow.sla.explain",
    "SlaStatus": "complaintflow.sla.measure",
    "measure": "complaintflow.sla.measure",
    "Escalation": "complaintflow.sla.policy",
    "SlaMatch": "complaintflow.sla.policy",
    "SlaPolicy": "complaintflow.sla.policy",
    "SlaRule": "complaintflow.sla.policy",
    "BusinessDays": "complaintflow.sla.targets",
    "BusinessHours": "complaintflow.sla.targets",
    "Elapsed": "complaintflow.sla.targets",
    "InMemoryStore": "complaintflow.storage",
    "OutboxItem": "complaintflow.storage",
    "SqliteStore": "complaintflow.storage",
    "TicketStore": "complaintflow.storage",
}

if TYPE_CHECKING:
    from complaintflow.approval import ApprovalPolicy as ApprovalPolicy
    from complaintflow.classify import Classification as Classification
    from complaintflow.classify import Classifier as Classifier
    from complaintflow.classify import ClassifierChain as ClassifierChain
    from complaintflow.classify import KeywordClassifier as KeywordClassifier
    from complaintflow.classify import RuleClassifier as RuleClassifier
    from complaintflow.clock import Clock as Clock
    from complaintflow.clock import ManualClock as ManualClock
    from complaintflow.clock import SystemClock as SystemClock
    from complaintflow.delivery import ChannelNotifier as ChannelNotifier
    from complaintflow.domain.commands import Command as Command
    from complaintflow.domain.events import Event as Event
    from complaintflow.domain.lifecycle import LifecycleRules as LifecycleRules
    from complaintflow.domain.money import Money as Money
    from complaintflow.domain.ticket import Ticket as Ticket
    from complaintflow.domain.values import Actor as Actor
    from complaintflow.domain.values import Attachment as Attachment
    from complaintflow.domain.values import Customer as Customer
    from complaintflow.domain.values import SurveyResponse as SurveyResponse
    from complaintflow.domain.values import TicketDraft as TicketDraft
    from complaintflow.domain.vocabulary import Category as Category
    from complaintflow.domain.vocabulary import Channel as Channel
    from complaintflow.domain.vocabulary import CustomerTier as CustomerTier
    from complaintflow.domain.vocabulary import Expectation as Expectation
    from complaintflow.domain.vocabulary import Kind as Kind
    from complaintflow.domain.vocabulary import Priority as Priority
    from complaintflow.domain.vocabulary import Role as Role
    from complaintflow.domain.vocabulary import SatisfactionLevel as SatisfactionLevel
    from complaintflow.domain.vocabulary import Status as Status
    from complaintflow.errors import ComplaintflowError as ComplaintflowError
    from complaintflow.errors import ConcurrencyError as ConcurrencyError
    from complaintflow.errors import InvalidTransition as InvalidTransition
    from complaintflow.errors import NaiveDatetimeError as NaiveDatetimeError
    from complaintflow.errors import NotFound as NotFound
    from complaintflow.errors import PermissionDenied as PermissionDenied
    from complaintflow.errors import StorageError as StorageError
    from complaintflow.errors import ValidationError as ValidationError
    from complaintflow.metrics import MonthlyReport as MonthlyReport
    from complaintflow.metrics import monthly_report as monthly_report
    from complaintflow.routing import Router as Router
    from complaintflow.service.desk import ComplaintDesk as ComplaintDesk
    from complaintflow.service.notifications import Notification as Notification
    from complaintflow.service.notifications import Notifier as Notifier
    from complaintflow.service.notifications import Templates as Templates
    from complaintflow.sla import BusinessCalendar as BusinessCalendar
    from complaintflow.sla import china_office as china_office
    from complaintflow.sla.explain import explain as explain
    from complaintflow.sla.measure import SlaStatus as SlaStatus
    from complaintflow.sla.measure import measure as measure
    from complaintflow.sla.policy import Escalation as Escalation
    from complaintflow.sla.policy import SlaMatch as SlaMatch
    from complaintflow.sla.policy import SlaPolicy as SlaPolicy
    from complaintflow.sla.policy import SlaRule as SlaRule
    from complaintflow.sla.targets import BusinessDays as BusinessDays
    from complaintflow.sla.targets import BusinessHours as BusinessHours
    from complaintflow.sla.targets import Elapsed as Elapsed
    from complaintflow.storage import InMemoryStore as InMemoryStore
    from complaintflow.storage import OutboxItem as OutboxItem
    from complaintflow.storage import SqliteStore as SqliteStore
    from complaintflow.storage import TicketStore as TicketStore


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'complaintflow' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "Actor",
    "ApprovalPolicy",
    "Attachment",
    "BusinessCalendar",
    "BusinessDays",
    "BusinessHours",
    "Category",
    "Channel",
    "ChannelNotifier",
    "Classification",
    "Classifier",
    "ClassifierChain",
    "Clock",
    "Command",
    "ComplaintDesk",
    "ComplaintflowError",
    "ConcurrencyError",
    "Customer",
    "CustomerTier",
    "Elapsed",
    "Escalation",
    "Event",
    "Expectation",
    "InMemoryStore",
    "InvalidTransition",
    "KeywordClassifier",
    "Kind",
    "LifecycleRules",
    "ManualClock",
    "Money",
    "MonthlyReport",
    "NaiveDatetimeError",
    "NotFound",
    "Notification",
    "Notifier",
    "OutboxItem",
    "PermissionDenied",
    "Priority",
    "Role",
    "Router",
    "RuleClassifier",
    "SatisfactionLevel",
    "SlaMatch",
    "SlaPolicy",
    "SlaRule",
    "SlaStatus",
    "SqliteStore",
    "Status",
    "StorageError",
    "SurveyResponse",
    "SystemClock",
    "Templates",
    "Ticket",
    "TicketDraft",
    "TicketStore",
    "ValidationError",
    "__version__",
    "china_office",
    "explain",
    "measure",
    "monthly_report",
]
