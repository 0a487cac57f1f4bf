"""Classifiers by name: built-ins, runtime registrations, entry points, the example script."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from complaintflow.classify import (
    ENTRY_POINT_GROUP,
    ClassifierNotFound,
    ClassifierPluginError,
    KeywordClassifier,
    RuleClassifier,
    available_classifiers,
    load_classifier,
    plugins,
    register_classifier,
    unregister_classifier,
)
from complaintflow.errors import ValidationError

ROOT = Path(__file__).resolve().parents[2]


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    points = [EntryPoint(name, value, ENTRY_POINT_GROUP) for name, value in values.items()]

    def entry_points(*, group: str) -> list[EntryPoint]:
        assert group == ENTRY_POINT_GROUP
        return points

    monkeypatch.setattr(plugins, "entry_points", entry_points)


def test_builtins_resolve_by_name(tmp_path: Path) -> None:
    assert isinstance(load_classifier("keyword"), KeywordClassifier)
    assert isinstance(load_classifier("keyword", backend="python"), KeywordClassifier)
    assert load_classifier("rules").rules == ()  # type: ignore[attr-defined]
    config = {"rules": [{"then": {"priority": "P2"}}]}
    assert len(load_classifier("rules", config=config).rules) == 1  # type: ignore[attr-defined]
    (tmp_path / "r.json").write_text('{"rules": []}', encoding="utf-8")
    assert isinstance(load_classifier("rules", path=tmp_path / "r.json"), RuleClassifier)
    with pytest.raises(ValidationError, match="not both"):
        load_classifier("rules", path="x.toml", config={})
    assert {"keyword", "rules"} <= set(available_classifiers())


def test_register_and_unregister() -> None:
    register_classifier("mine", KeywordClassifier)
    try:
        assert "mine" in available_classifiers()
        assert isinstance(load_classifier("mine"), KeywordClassifier)
        with pytest.raises(ValidationError, match="already registered"):
            register_classifier("mine", KeywordClassifier)
        register_classifier("mine", RuleClassifier, replace=True)
        assert isinstance(load_classifier("mine"), RuleClassifier)
    finally:
        unregister_classifier("mine")
    assert "mine" not in available_classifiers()


def test_replacing_a_builtin_can_be_undone() -> None:
    register_classifier("keyword", RuleClassifier, replace=True)
    try:
        assert isinstance(load_classifier("keyword"), RuleClassifier)
    finally:
        unregister_classifier("keyword")
    assert isinstance(load_classifier("keyword"), KeywordClassifier)


def test_bad_registrations() -> None:
    with pytest.raises(ValidationError):
        register_classifier("", KeywordClassifier)
    with pytest.raises(ValidationError, match="callable"):
        register_classifier("x", "not callable")  # type: ignore[arg-type]


def test_unknown_name_lists_what_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(monkeypatch)
    with pytest.raises(ClassifierNotFound) as info:
        load_classifier("nope")
    assert isinstance(info.value, LookupError)
    assert "keyword" in info.value.available
    assert "complaintflow.classifiers" in str(info.value)


def test_entry_points_are_loaded_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_entry_points(
        monkeypatch,
        lexicon="complaintflow.classify.keyword:KeywordClassifier",
        broken="no_such_module_here:Thing",
        constant="complaintflow.classify.plugins:ENTRY_POINT_GROUP",
        wrong="builtins:dict",
    )
    assert "lexicon" in available_classifiers()
    assert isinstance(load_classifier("lexicon"), KeywordClassifier)
    with pytest.raises(ClassifierPluginError, match="cannot load"):
        load_classifier("broken")
    with pytest.raises(ClassifierPluginError, match="not callable"):
        load_classifier("constant")
    with pytest.raises(ClassifierPluginError, match="no classify"):
        load_classifier("wrong")


def test_example_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "custom_classifier.py")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "P1" in result.stdout
    assert "bank-cards" in result.stdout
