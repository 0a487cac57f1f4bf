"""InMemoryStore against the shipped conformance suite."""

from __future__ import annotations

import pytest

from complaintflow.storage import InMemoryStore, TicketStore
from complaintflow.testing.storage import StoreConformance


@pytest.mark.filterwarnings("ignore::complaintflow.testing.storage.ConformanceWarning")
class TestInMemoryStore(StoreConformance):
    # Its writes are dict updates under one lock: there is no backend that could fail
    # half way, so there is nothing to inject.
    cannot_inject_failures = True

    @pytest.fixture
    def make_store(self) -> object:
        root = InMemoryStore()
        return root.for_tenant


def test_in_memory_store_is_a_ticket_store() -> None:
    assert isinstance(InMemoryStore(), TicketStore)
