"""The error hierarchy: one root, context as attributes, messages that say what to do."""

from __future__ import annotations

import builtins
import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest

from complaintflow import (
    Actor,
    ApprovalPolicy,
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    Customer,
    InMemoryStore,
    ManualClock,
    Money,
    Role,
    SlaPolicy,
    SurveyResponse,
    TicketDraft,
    errors,
)
from complaintflow.domain import commands as c
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


@pytest.mark.parametrize("name", errors.__all__)
def test_every_error_is_a_complaintflow_error_and_drawn_in_the_tree(name: str) -> None:
    cls = getattr(errors, name)
    assert issubclass(cls, ComplaintflowError)
    assert errors.__doc__ is not None
    assert name in errors.__doc__


@pytest.mark.parametrize(
    ("cls", "builtin"),
    [
        (ValidationError, ValueError),
        (NaiveDatetimeError, ValueError),
        (MoneyError, ValueError),
        (CurrencyMismatchError, ValueError),
        (ClockError, ValueError),
        (CalendarError, ValueError),
        (CalendarHorizonError, ValueError),
        (NotFound, LookupError),
    ],
)
def test_errors_subclass_the_builtin_they_are(cls: type[Exception], builtin: type) -> None:
    assert issubclass(cls, builtin)


def test_validation_error_names_its_field() -> None:
    error = ValidationError("description must not be empty", field="description")
    assert error.field == "description"
    assert str(error) == "description must not be empty"
    assert ValidationError("no field").field is None


def test_naive_datetime_error_says_what_to_pass() -> None:
    naive = dt.datetime(2024, 5, 20, 9, 0)
    error = NaiveDatetimeError("received_at", naive)
    assert (error.field, error.value) == ("received_at", naive)
    assert "received_at must be timezone-aware" in str(error)
    assert "tzinfo=ZoneInfo" in str(error)


def test_currency_mismatch_names_both_currencies_and_the_operation() -> None:
    error = CurrencyMismatchError("CNY", "USD", "add")
    assert (error.left, error.right, error.operation) == ("CNY", "USD", "add")
    assert isinstance(error, MoneyError)
    assert "cannot add CNY and USD" in str(error)


def test_invalid_transition_carries_state_trigger_and_sorted_allowed() -> None:
    error = InvalidTransition(
        ticket_id="T-1",
        state="resolved",
        trigger="approve",
        allowed=["reopen", "comment", "close"],
        reason="nothing to approve",
    )
    assert error.ticket_id == "T-1"
    assert error.state == "resolved"
    assert error.trigger == "approve"
    assert error.allowed == ("close", "comment", "reopen")
    assert error.reason == "nothing to approve"
    assert str(error) == (
        "ticket T-1 is resolved; 'approve' is not allowed: nothing to approve. "
        "Allowed from resolved: close, comment, reopen"
    )


def test_invalid_transition_from_a_final_state_says_so() -> None:
    error = InvalidTransition(ticket_id="T-1", state="merged", trigger="comment", allowed=())
    assert error.allowed == ()
    assert error.reason is None
    assert "none (the ticket is final)" in str(error)


def test_permission_denied_carries_the_role_required() -> None:
    error = PermissionDenied(
        trigger="override", actor_id="wang.fang", actor_role="agent", required="supervisor"
    )
    assert (error.trigger, error.actor_id, error.actor_role, error.required) == (
        "override",
        "wang.fang",
        "agent",
        "supervisor",
    )
    assert error.reason is None
    assert str(error) == "wang.fang (agent) may not override; it requires supervisor"


def test_permission_denied_without_a_staff_role() -> None:
    error = PermissionDenied(
        trigger="approve",
        actor_id="C001",
        actor_role=None,
        required="supervisor",
        reason="customers do not approve",
    )
    assert "no staff role" in str(error)
    assert "(customers do not approve)" in str(error)


def test_self_approval_is_a_permission_denied() -> None:
    error = SelfApprovalError(
        trigger="approve",
        actor_id="chen.jing",
        actor_role="supervisor",
        required="supervisor other than the proposer",
        reason="nobody approves their own proposal",
    )
    assert isinstance(error, PermissionDenied)
    assert error.required == "supervisor other than the proposer"
    assert error.reason == "nobody approves their own proposal"


def test_concurrency_error_names_expected_and_actual_version() -> None:
    error = ConcurrencyError(ticket_id="T-1", expected=3, actual=4)
    assert (error.ticket_id, error.expected, error.actual) == ("T-1", 3, 4)
    assert "version 4, expected 3" in str(error)
    assert "reload" in str(error)
    assert ConcurrencyError(ticket_id="T-2", expected=1, actual=None).actual is None


def test_not_found_is_a_lookup_error_with_what_and_key() -> None:
    error = NotFound("ticket", "T-404")
    assert (error.what, error.key) == ("ticket", "T-404")
    with pytest.raises(LookupError, match="no ticket 'T-404'"):
        raise error


def test_storage_error_is_caught_by_the_root() -> None:
    with pytest.raises(ComplaintflowError):
        raise StorageError("disk full")


# -- the contract table in docs/errors.md, checked against the code ----------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "errors.md"
ROW = re.compile(
    r"^\| (?P<call>[^|]+) \| `(?P<error>\w+)`(?:, `(?P<also>\w+)`)?"
    r"(?: \(`(?P<builtin>\w+)`\))? \| (?P<when>[^|]+) \|$",
    re.M,
)


def _rows() -> list[re.Match[str]]:
    table = DOC.read_text(encoding="utf-8").split("## Which call raises what")[1]
    return list(ROW.finditer(table.split("\n## ")[0]))


def test_the_table_names_real_errors_with_their_builtin() -> None:
    rows = _rows()
    assert len(rows) >= 15
    for row in rows:
        for name in filter(None, (row["error"], row["also"])):
            cls = getattr(errors, name)
            assert issubclass(cls, ComplaintflowError), name
            if row["builtin"]:
                assert issubclass(cls, getattr(builtins, row["builtin"])), (name, row["builtin"])


NOW = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")
WEEK = {0: [("09:00", "18:00")]}
GAP = "issue 12 finding {}: {} (remove this mark with the fix)"


def _desk() -> ComplaintDesk:
    desk = ComplaintDesk(InMemoryStore(), ManualClock(NOW), ids=lambda: "T1")
    desk.intake(TicketDraft("包裹破损", Channel.PHONE, NOW))
    return desk


AGENT = Actor.staff("wang.fang", Role.AGENT)


PROBES: dict[tuple[str, str], list[Callable[[], object]]] = {
    ("values: `TicketDraft`", "ValidationError"): [
        lambda: TicketDraft("", Channel.PHONE, NOW),
        lambda: Customer("C1", name="a\x00"),
        lambda: Actor.staff("x", "pope"),
        lambda: c.Comment(7),
    ],
    ("values: any datetime field", "NaiveDatetimeError"): [
        lambda: TicketDraft("x", Channel.PHONE, dt.datetime(2024, 5, 20)),
        lambda: ManualClock(dt.datetime(2024, 5, 20)),
    ],
    ("`SurveyResponse.from_csat(csat)`", "ValidationError"): [
        lambda: SurveyResponse.from_csat(None),  # type: ignore[arg-type]
    ],
    ("`Money(amount, currency)`", "MoneyError"): [lambda: Money(19.9, "CNY")],
    ("`Money` arithmetic", "CurrencyMismatchError"): [
        lambda: Money("1", "CNY") + Money("1", "USD"),
    ],
    ("`ManualClock.advance`", "ClockError"): [
        lambda: ManualClock(NOW).advance(dt.timedelta(hours=-1)),
    ],
    ("`BusinessCalendar(...)`", "CalendarError"): [
        lambda: BusinessCalendar("Nowhere/City", WEEK),
        lambda: BusinessCalendar("Asia/Shanghai", {0: [("25:00", "26:00")]}),
        lambda: BusinessCalendar("Asia/Shanghai", {0: [("09:00", "09:00")]}),
    ],
    ("`BusinessCalendar` queries", "CalendarHorizonError"): [
        lambda: BusinessCalendar("Asia/Shanghai", WEEK, horizon=dt.date(2024, 5, 31)).add(
            NOW, dt.timedelta(days=60)
        ),
    ],
    ("`SlaPolicy(...)`", "ValidationError"): [
        lambda: SlaPolicy(version=" ", fallback=None),  # type: ignore[arg-type]
        lambda: ApprovalPolicy(tiers="x"),  # type: ignore[arg-type]
    ],
    ("desk methods", "ValidationError"): [
        lambda: _desk().intake("包裹破损"),  # type: ignore[arg-type]
        lambda: _desk().restamp_sla("T1", "v9", "why", actor=AGENT),
        lambda: _desk().comment("T1", "hi", actor=None),  # type: ignore[arg-type]
        lambda: _desk().execute("T1", "comment", actor=AGENT),  # type: ignore[arg-type]
    ],
    ("desk commands", "InvalidTransition"): [
        lambda: _desk().approve("T1", actor=Actor.staff("chen.jing", Role.SUPERVISOR)),
    ],
    ("desk commands", "PermissionDenied"): [
        lambda: _desk().override("T1", "wrong class", actor=AGENT, priority="P1"),
    ],
    ("desk commands, `store.save`, `store.add`", "ConcurrencyError"): [
        lambda: _desk().execute("T1", c.Investigate(), actor=AGENT, expected_version=9),
    ],
    ("desk and store reads, `merge`, `store.reschedule`", "NotFound"): [
        lambda: _desk().get("T404"),
        lambda: _desk().store.events("T404"),
        lambda: _desk().merge("T1", "T404", actor=AGENT),
    ],
    ("store methods", "ValidationError"): [
        lambda: InMemoryStore().find(limit=0),
        lambda: InMemoryStore().record_alerts("key"),
        lambda: InMemoryStore().find(status="bogus"),  # type: ignore[arg-type]
        lambda: InMemoryStore().get(123),  # type: ignore[arg-type]
        lambda: InMemoryStore().next_number(prefix="TS", day=NOW),
    ],
}


def _row_key(row: re.Match[str]) -> tuple[str, str]:
    return row["call"], row["error"]


def test_every_row_of_the_table_has_a_probe() -> None:
    keys = [_row_key(row) for row in _rows() if row["error"] != "StorageError"]
    for call, error in keys:
        assert any(call.startswith(prefix) and error == name for prefix, name in PROBES), (
            f"no probe for the row {call!r} / {error}"
        )


def _cases() -> list[tuple[str, Callable[[], object]]]:
    return [(name, probe) for (_, name), probes in PROBES.items() for probe in probes]


@pytest.mark.parametrize(("error", "probe"), _cases())
def test_each_row_raises_what_it_documents(error: str, probe: Callable[[], object]) -> None:
    with pytest.raises(getattr(errors, error)):
        probe()
