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


def test_a_mapping_is_not_a_list_of_ids() -> None:
    """Iterating a dict gives its keys: an id list given as a mapping is a caller's mistake."""
    from complaintflow.errors import ValidationError
    from complaintflow.storage.kit import check_ids

    with pytest.raises(ValidationError, match="ids is a list of ids"):
        check_ids({"0": dt.datetime(2000, 1, 1)})  # type: ignore[arg-type]
    assert check_ids(("a", "b")) == ["a", "b"]
