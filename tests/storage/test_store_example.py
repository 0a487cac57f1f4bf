"""The worked example adapter (examples/json_file_store.py) passes the conformance suite."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path

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
        return lambda tenant: JsonFileStore(tmp_path / f"{tenant}.json", tenant=tenant,
                                            durable=False)

    @pytest.fixture
    def store_factory(self, tmp_path: Path) -> Callable[..., TicketStore]:
        return functools.partial(JsonFileStore, str(tmp_path / "tickets.json"))


def test_a_corrupt_file_is_a_storage_error(tmp_path: Path) -> None:
    (tmp_path / "tickets.json").write_text("{not json")
    with pytest.raises(StorageError):
        JsonFileStore(tmp_path / "tickets.json").get("T1")
