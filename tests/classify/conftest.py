"""Fixtures shared by the classification tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from complaintflow.classify import KeywordClassifier
from complaintflow.domain.values import Customer, TicketDraft

AT = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)

MakeDraft = Callable[..., TicketDraft]


def _draft(text: str, channel: str = "chat", tier: str | None = None, **fields: Any) -> TicketDraft:
    customer = Customer("C001", tier) if tier else None
    return TicketDraft(text, channel, AT, customer, **fields)


@pytest.fixture
def make_draft() -> MakeDraft:
    """``make_draft(text, channel="chat", tier=None, **draft_fields)``."""
    return _draft


@pytest.fixture(scope="session")
def keyword() -> KeywordClassifier:
    return KeywordClassifier()
