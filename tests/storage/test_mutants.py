"""The mutant list stays applicable: each mutant's edits still find their text.

The mutation script (``python -m complaintflow.testing.storage_mutants``) takes
minutes and runs by hand; this keeps a reformat or a refactor of InMemoryStore
from silently leaving mutants that no longer build (the formatter did once).
"""

from __future__ import annotations

import pytest

from complaintflow.storage import InMemoryStore
from complaintflow.testing.storage_mutant_list import MUTANTS
from complaintflow.testing.storage_mutants import build


@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_every_mutant_still_applies_to_the_reference_store(name: str) -> None:
    mutant = build(name)
    assert mutant is not InMemoryStore
    assert mutant.__module__ == f"complaintflow.storage._mutant_{name}"
