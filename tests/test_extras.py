"""A missing optional package names the extra that installs it, wherever it is needed.

Each case hides the package (``sys.modules[name] = None`` makes its import
fail as if it were not installed), imports the module or calls the feature
that needs it, and reads the error.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable

import pytest

from complaintflow._extras import EXTRAS, needs_extra
from complaintflow.errors import CalendarError, ComplaintflowError, MissingExtraError

#: Modules that need an optional package at import time, the package and its extra.
OPTIONAL_MODULES = [
    ("complaintflow.testing.strategies", "hypothesis", "testing"),
    ("complaintflow.testing.storage_stateful", "hypothesis", "testing"),
    ("complaintflow.testing.storage", "hypothesis", "testing"),
    ("complaintflow.testing.storage", "pytest", "testing"),
    ("complaintflow.testing.plugin", "pytest", "testing"),
    ("complaintflow.storage.postgres", "psycopg", "postgres"),
    ("complaintflow.storage.sqlalchemy", "sqlalchemy", "sqlalchemy"),
]


def hide(monkeypatch: pytest.MonkeyPatch, package: str, *modules: str) -> None:
    """Make ``package`` uninstalled and ``modules`` not yet imported, for this test only."""
    for name in [name for name in sys.modules if name == package or name.startswith(f"{package}.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, package, None)
    for module in modules:
        monkeypatch.delitem(sys.modules, module, raising=False)


@pytest.mark.parametrize(("module", "package", "extra"), OPTIONAL_MODULES)
def test_importing_without_the_extra_names_it(
    module: str, package: str, extra: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hide(monkeypatch, package, module, "complaintflow.testing.storage_stateful")
    with pytest.raises(MissingExtraError) as raised:
        importlib.import_module(module)
    error = raised.value
    assert f"pip install 'complaintflow[{extra}]'" in str(error)
    assert f"optional package {package!r}" in str(error)
    assert (error.name, error.extra) == (package, extra)
    assert isinstance(error, ModuleNotFoundError)  # `except ImportError` still catches it
    assert isinstance(error, ComplaintflowError)


def test_every_extra_in_the_table_is_declared() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    declared = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    assert set(EXTRAS.values()) <= set(declared)


def test_a_module_no_extra_provides_is_not_disguised() -> None:
    with pytest.raises(ModuleNotFoundError) as raised, needs_extra("testing", "here"):
        import complaintflow_no_such_module  # type: ignore[import-not-found]  # noqa: F401
    assert not isinstance(raised.value, MissingExtraError)
    with pytest.raises(ModuleNotFoundError) as raised, needs_extra("testing", "here"):
        raise ModuleNotFoundError("no psycopg", name="psycopg")  # another extra's package
    assert not isinstance(raised.value, MissingExtraError)


def _china_office() -> object:
    from complaintflow.sla.holidays import china_office

    return china_office()


def _holidays() -> object:
    from complaintflow.sla.holidays import PythonHolidaysSource

    return PythonHolidaysSource("CN", years=[2024]).load()


def _fast() -> object:
    from complaintflow.classify.automaton import build_matcher

    return build_matcher(["吞卡"], backend="pyahocorasick")


@pytest.mark.parametrize(
    ("call", "package", "extra", "error"),
    [
        (_china_office, "chinese_calendar", "cn", CalendarError),
        (_holidays, "holidays", "holidays", CalendarError),
        (_fast, "ahocorasick", "fast", ImportError),
    ],
    ids=["cn", "holidays", "fast"],
)
def test_features_with_an_optional_backend_name_the_extra(
    call: Callable[[], object],
    package: str,
    extra: str,
    error: type[Exception],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hide(monkeypatch, package)
    with pytest.raises(error, match=rf"pip install 'complaintflow\[{extra}\]'"):
        call()
