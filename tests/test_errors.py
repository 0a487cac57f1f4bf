"""The error hierarchy: one root, context as attributes, messages that say what to do."""

from __future__ import annotations

import datetime as dt

import pytest

from complaintflow import errors
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
        ticket_id="T-1", state="resolved", trigger="approve",
        allowed=["reopen", "comment", "close"], reason="nothing to approve",
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
        "override", "wang.fang", "agent", "supervisor"
    )
    assert error.reason is None
    assert str(error) == "wang.fang (agent) may not override; it requires supervisor"


def test_permission_denied_without_a_staff_role() -> None:
    error = PermissionDenied(trigger="approve", actor_id="C001", actor_role=None,
                             required="supervisor", reason="customers do not approve")
    assert "no staff role" in str(error)
    assert "(customers do not approve)" in str(error)


def test_self_approval_is_a_permission_denied() -> None:
    error = SelfApprovalError(trigger="approve", actor_id="chen.jing", actor_role="supervisor",
                              required="supervisor other than the proposer",
                              reason="nobody approves their own proposal")
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
