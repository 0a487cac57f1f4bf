"""InMemoryStore against the shipped conformance suite."""

from __future__ import annotations

import datetime as dt

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


def test_a_pendulum_duration_is_a_lease_like_any_timedelta() -> None:
    """pendulum's Duration subclasses timedelta but cannot be divided by one."""
    import pendulum

    from complaintflow.storage.kit import lease_micros

    assert lease_micros(pendulum.duration(minutes=5)) == 300_000_000
    assert lease_micros(dt.timedelta(days=1, microseconds=3)) == 86_400_000_003
