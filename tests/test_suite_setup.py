"""The suite's own setup holds in every pytest-xdist worker, not only in the main process.

The README's command runs the suite with ``-n auto``: each worker imports
tests/conftest.py itself, so the hypothesis profile and the ``CI`` switch
(which turns a missing server into a failure rather than a skip) must reach
it, and the xdist groups that keep a server or a module fixture on one
worker must be set before xdist schedules.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings


def test_the_hypothesis_profile_follows_ci(request: pytest.FixtureRequest) -> None:
    chosen = request.config.getoption("hypothesis_profile", None)
    expected = chosen or ("ci" if os.environ.get("CI") else "dev")
    assert settings().max_examples == settings.get_profile(expected).max_examples, (
        f"worker {os.environ.get('PYTEST_XDIST_WORKER', 'main')} did not load the "
        f"{expected!r} profile"
    )


@pytest.fixture(scope="module")
def shared() -> list[str]:
    return []


def test_a_module_fixture_keeps_its_tests_in_one_group(
    request: pytest.FixtureRequest, shared: list[str]
) -> None:
    group = request.node.get_closest_marker("xdist_group")
    assert group is not None
    assert group.args == ("tests/test_suite_setup.py",)
