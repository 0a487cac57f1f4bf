"""The worked example adapter (examples/json_file_store.py) passes the conformance suite."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from complaintflow.errors import StorageError
from complaintflow.storage import TicketStore
from complaintflow.testing.storage import StoreConformance

EXAMPLES = str(Path(__file__).resolve().parents[2] / "examples")
if EXAMPLES not in sys.path:
    sys.path.insert(0, EXAMPLES)  # spawned worker processes inherit sys.path

from json_file_store import JsonFileStore  # noqa: E402


class TestJsonFileStore(StoreConformance):
    supports_processes = True

    @pytest.fixture
    def make_store(self, tmp_path: Path) -> Callable[[str], TicketStore]:
        return lambda tenant: JsonFileStore(tmp_path / "tickets.json", tenant=tenant)

    @pytest.fixture
    def machine_store(self, tmp_path: Path) -> Callable[[str], TicketStore]:
        # one small file per example (each example is a fresh tenant), no fsync
        return lambda tenant: JsonFileStore(
            tmp_path / f"{tenant}.json", tenant=tenant, durable=False
        )

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> Callable[..., TicketStore]:
        return functools.partial(JsonFileStore, str(tmp_path / "tickets.json"))

    @contextmanager
    def failing_event_append(self, store: TicketStore) -> Iterator[None]:
        # The file is replaced whole or not at all: make the replace fail.
        with mock.patch("json_file_store.os.replace", side_effect=OSError("injected")):
            yield

    def failing_reschedule(
        self, store: TicketStore, ticket_id: str
    ) -> AbstractContextManager[None]:
        return self.failing_event_append(store)

    def corrupt_ticket(self, store: TicketStore, ticket_id: str) -> None:
        _edit(store, lambda data: data["tickets"].__setitem__(ticket_id, {"id": 7}))

    def corrupt_outbox(self, store: TicketStore, item_id: str) -> None:
        _edit(store, lambda data: data["outbox"][item_id].__setitem__(4, [1, 2]))


def _edit(store: TicketStore, change: Callable[[dict[str, Any]], None]) -> None:
    """Change the file behind the store's back, as a hand edit would."""
    assert isinstance(store, JsonFileStore)
    everything = json.loads(store.path.read_text())
    change(everything[store.tenant])
    store.path.write_text(json.dumps(everything))


def test_a_corrupt_file_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "tickets.json").write_text("{not json")
    with pytest.raises(StorageError):
        JsonFileStore(tmp_path / "tickets.json").get("T1")


def test_the_docs_show_the_example_as_it_is() -> None:
    code = (Path(EXAMPLES) / "json_file_store.py").read_text(encoding="utf-8")
    page = (Path(EXAMPLES).parent / "docs" / "storage-adapter.md").read_text(encoding="utf-8")
    assert f"```python\n{code}```" in page, "docs/storage-adapter.md shows a stale adapter"
    assert len(code.splitlines()) < 200
