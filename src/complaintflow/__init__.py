"""complaintflow: the lifecycle of customer complaints and feedback.

Everything a host needs is importable from here; the submodules are
implementation.  Optional parts (PostgreSQL, holiday data, the testing
kit) are imported only when asked for.
"""

from importlib.metadata import PackageNotFoundError, version

from complaintflow.clock import Clock, ManualClock, SystemClock
from complaintflow.commands import (
    Approve,
    Assign,
    Attach,
    Close,
    Command,
    Comment,
    Complete,
    CustomerAccepts,
    CustomerDeclines,
    Investigate,
    Merge,
    Override,
    ProposeSolution,
    RecordSurvey,
    Reject,
    Reopen,
    ResolveNow,
    Respond,
    Transfer,
    Triage,
    Withdraw,
)
from complaintflow.desk import ComplaintDesk
from complaintflow.errors import (
    CalendarError,
    CalendarHorizonError,
    ClockError,
    ComplaintflowError,
    ConcurrencyError,
    CurrencyMismatchError,
    InvalidTransition,
    MoneyError,
    NaiveDatetimeError,
    NotFound,
    PermissionDenied,
    SelfApprovalError,
    StorageError,
    ValidationError,
)
from complaintflow.events import Event
from complaintflow.lifecycle import (
    ApprovalGate,
    LifecycleRules,
    allowed_commands,
    apply,
    open_ticket,
)
from complaintflow.model import (
    Actor,
    Attachment,
    Customer,
    Solution,
    SurveyResponse,
    Ticket,
    TicketDraft,
)
from complaintflow.money import Money
from complaintflow.storage import InMemoryStore, TicketStore
from complaintflow.vocabulary import (
    ActorKind,
    Category,
    Channel,
    CustomerTier,
    Expectation,
    Kind,
    Priority,
    Role,
    SatisfactionLevel,
    Status,
)

try:
    __version__ = version("complaintflow")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"

__all__ = [
    "Actor",
    "ActorKind",
    "ApprovalGate",
    "Approve",
    "Assign",
    "Attach",
    "Attachment",
    "CalendarError",
    "CalendarHorizonError",
    "Category",
    "Channel",
    "Clock",
    "ClockError",
    "Close",
    "Command",
    "Comment",
    "ComplaintDesk",
    "ComplaintflowError",
    "Complete",
    "ConcurrencyError",
    "CurrencyMismatchError",
    "Customer",
    "CustomerAccepts",
    "CustomerDeclines",
    "CustomerTier",
    "Event",
    "Expectation",
    "InMemoryStore",
    "InvalidTransition",
    "Investigate",
    "Kind",
    "LifecycleRules",
    "ManualClock",
    "Merge",
    "Money",
    "MoneyError",
    "NaiveDatetimeError",
    "NotFound",
    "Override",
    "PermissionDenied",
    "Priority",
    "ProposeSolution",
    "RecordSurvey",
    "Reject",
    "Reopen",
    "ResolveNow",
    "Respond",
    "Role",
    "SatisfactionLevel",
    "SelfApprovalError",
    "Solution",
    "Status",
    "StorageError",
    "SurveyResponse",
    "SystemClock",
    "Ticket",
    "TicketDraft",
    "TicketStore",
    "Transfer",
    "Triage",
    "ValidationError",
    "Withdraw",
    "__version__",
    "allowed_commands",
    "apply",
    "open_ticket",
]
