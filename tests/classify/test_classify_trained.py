"""TrainedClassifier: training (scikit-learn), the JSON file, chaining, cross-validation, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow.classify import (
    KeywordClassifier,
    MissingExtraError,
    ModelFormatError,
    TrainedClassifier,
    TrainedModel,
    chain_with_keyword,
    load_classifier,
    load_samples,
)
from complaintflow.classify.trained import FORMAT, features
from complaintflow.cli import main
from complaintflow.domain.vocabulary import Kind, Priority
from complaintflow.errors import ValidationError

from .conftest import MakeDraft

pytest.importorskip("sklearn", reason="the ml extra (scikit-learn) trains models")

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLES = DATA / "classification_samples.jsonl"


@pytest.fixture(scope="module")
def model() -> TrainedModel:
    from complaintflow.classify import train

    return train(load_samples(SAMPLES)[:120], max_features=3000)


@pytest.fixture(scope="module")
def model_file(model: TrainedModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("model") / "model.json"
    model.save(path)
    return path


def test_features_are_character_ngrams_and_latin_words() -> None:
    grams = features("退款 Refunded!", (1, 2))
    assert grams["退"] == 1
    assert grams["退款"] == 1
    assert grams["w:refunded"] == 1
    assert " " not in grams


def test_the_file_is_plain_json_and_loads_back_identically(
    model: TrainedModel, model_file: Path
) -> None:
    data = json.loads(model_file.read_text("utf-8"))
    assert data["format"] == FORMAT
    assert set(data["fields"]) == {"kind", "category", "priority"}
    assert data["training"]["samples"] == 120
    loaded = TrainedModel.load(model_file)
    for text in ("快递三天还没到", "Great service, thanks!", "请问怎么开发票"):
        for field, (label, p) in model.predict(text).items():
            again, q = loaded.predict(text)[field]
            assert again == label
            assert q == pytest.approx(p, abs=1e-4)


def test_confidence_is_a_probability(model: TrainedModel) -> None:
    for _, probability in model.predict("东西坏了要求退货").values():
        assert 0 < probability <= 1


def test_unsure_fields_are_left_to_the_chain(model: TrainedModel, make_draft: MakeDraft) -> None:
    sure = TrainedClassifier(model, min_confidence=0.0).classify(make_draft("快递太慢了"))
    assert sure.defaulted == frozenset()
    unsure = TrainedClassifier(model, min_confidence=1.0).classify(make_draft("快递太慢了"))
    assert unsure.defaulted == {"kind", "category", "priority"}
    assert not unsure.needs_human
    with pytest.raises(ValueError, match="min_confidence"):
        TrainedClassifier(model, min_confidence=2)


def test_keyword_concepts_keep_p1_and_needs_human(
    model: TrainedModel, make_draft: MakeDraft
) -> None:
    chain = chain_with_keyword(TrainedClassifier(model, min_confidence=0.0), KeywordClassifier())
    result = chain.classify(make_draft("骑手把我的地址电话发到了外卖群里"))
    assert result.priority is Priority.P1
    assert result.needs_human
    assert any(reason.source == "trained" for reason in result.reasons)


def test_registered_as_trained(model_file: Path, make_draft: MakeDraft) -> None:
    chain = load_classifier("trained", path=model_file)
    assert chain.classify(make_draft("谢谢你们，服务很好")).kind is Kind.PRAISE


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not JSON"),
        ("[]", "expected an object"),
        ('{"format": "other", "version": 1}', "format must be"),
        (
            '{"format": "complaintflow.trained-classifier", "version": 1, "features": '
            '{"ngrams": [1, 3], "vocabulary": ["a"], "idf": [1, 2]}, "fields": {}}',
            "features.idf",
        ),
        (
            '{"format": "complaintflow.trained-classifier", "version": 1, "features": '
            '{"ngrams": [1, 3], "vocabulary": ["a"], "idf": [1]}, "fields": {"mood": {}}}',
            "unknown field",
        ),
        (
            '{"format": "complaintflow.trained-classifier", "version": 1, "features": '
            '{"ngrams": [1, 3], "vocabulary": ["a"], "idf": [1]}, "fields": {"kind": {"labels": '
            '["praise"], "intercept": [0], "coef": [[0]], "temperature": -1}}}',
            "temperature",
        ),
    ],
)
def test_a_bad_model_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ModelFormatError, match=message):
        TrainedModel.load(path)


def test_training_needs_samples_and_the_ml_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from complaintflow.classify import train

    with pytest.raises(ValidationError, match="at least 10"):
        train(load_samples(SAMPLES)[:3])
    monkeypatch.setitem(sys.modules, "sklearn.svm", None)
    with pytest.raises(MissingExtraError, match=r"complaintflow\[ml\]"):
        train(load_samples(SAMPLES)[:20])


def test_cross_validation_reports_both_classifiers() -> None:
    from complaintflow.classify import cross_validate

    reports = cross_validate(load_samples(SAMPLES)[:60], 2, max_features=2000)
    assert len(reports["model"]) == len(reports["chain"]) == 2
    assert sum(report.total for report in reports["model"]) == 60


def test_import_complaintflow_never_imports_sklearn() -> None:
    code = "import sys, complaintflow, complaintflow.classify; print('sklearn' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_cli_train_model_and_cross_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], model_file: Path
) -> None:
    small = tmp_path / "small.jsonl"
    small.write_text("\n".join(SAMPLES.read_text("utf-8").splitlines()[:60]) + "\n", "utf-8")
    out = tmp_path / "m.json"
    assert (
        main(["classify", "--train", str(small), "--out", str(out), "--cross-validate", "2"]) == 0
    )
    printed = capsys.readouterr().out
    assert "2-fold cross-validation on 60 samples" in printed
    assert "model + keyword" in printed
    assert f"saved {out}" in printed
    assert main(["classify", "--model", str(model_file), "我们整栋楼的快递全都没到"]) == 0
    assert "/ P1" in capsys.readouterr().out
    assert (
        main(
            ["classify", "--model", str(model_file), "--evaluate", str(small), "--max-misses", "0"]
        )
        == 0
    )
    assert "samples: 60" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--train", "nope.jsonl", "--out", "m.json"], "no samples file at nope.jsonl"),
        (["--cross-validate", "3"], "--cross-validate needs --train FILE"),
        (["--train", __file__], "--train FILE needs --out"),
        (["--train", __file__, "--cross-validate", "1"], "K >= 2"),
        (["--model", "nope.json", "text"], "no model file at nope.json"),
    ],
)
def test_cli_training_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["classify", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
