from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from complaintflow import __version__
from complaintflow.cli import main
from complaintflow.domain.diagram import mermaid


def test_demo_story_prints_the_audit_trail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--story"]) == 0
    out = capsys.readouterr().out
    assert "TS20240520-0001" in out
    assert "closed after 11 versions" in out
    for step in (
        "triaged complaint / billing.payment / P1",
        "needs supervisor",
        "approved as supervisor",
        "survey: satisfied (CSAT 5)",
    ):
        assert step in out
    assert "13812345678" not in out  # contact data never printed


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        (["--db", "x.db", "--days", "3"], "--db, --days do not apply to --story"),
        (["--seed", "0"], "--seed does not apply to --story"),
        (["--lang", "en"], "--lang does not apply"),
        (["--quiet"], "--quiet does not apply"),
    ],
)
def test_demo_story_refuses_options_that_do_not_apply(
    extra: list[str],
    named: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--story", *extra])
    assert exit_.value.code == 2
    assert named in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_demo_story_uses_the_routers_department_names(capsys: pytest.CaptureFixture[str]) -> None:
    from complaintflow.routing import Router

    assert main(["demo", "--story"]) == 0
    out = capsys.readouterr().out
    assert Router.default().fallback == "customer_service"
    assert "→ customer_service" in out
    assert "customer-service" not in out


def test_diagram_prints_mermaid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diagram"]) == 0
    assert capsys.readouterr().out == mermaid()


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["frobnicate"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_console_script_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "complaintflow.cli", "diagram"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("stateDiagram-v2")


# -- demo: the simulated month ----------------------------------------------------------


def _demo(tmp: Path, *extra: str) -> Path:
    db = tmp / "demo.db"
    assert main(["demo", "--db", str(db), "--quiet", *extra]) == 0
    return db


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    assert main(["demo", "--db", str(db), "--days", "5", "--quiet", "--lang", "en"]) == 0
    return db


def test_short_demo_writes_db_html_and_prints_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _demo(tmp_path, "--days", "5")
    out = capsys.readouterr().out
    assert "(5 office days, seed 0)" in out
    assert "《客户反馈月度报告》 2024-05" in out
    assert "## 概览" in out
    assert "| 受理工单 |" in out
    assert "Database: " in out
    assert "HTML report: " in out
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") or html.lstrip().lower().startswith("<!doctype")
    assert "<svg" in html
    conn = sqlite3.connect(db)
    try:
        tickets = conn.execute("SELECT count(*) FROM tickets").fetchone()[0]
        statuses = {row[0] for row in conn.execute("SELECT DISTINCT status FROM tickets")}
        channels = conn.execute(
            "SELECT count(DISTINCT json_extract(body, '$.channel')) FROM tickets"
        ).fetchone()[0]
    finally:
        conn.close()
    assert tickets > 50
    assert {"resolved", "merged", "investigating"} <= statuses
    assert channels == 7  # every channel of seed 000 but "other"
    assert "138" not in out.split("##")[0]  # no contact data in the summary


def test_demo_english_report(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(demo_db), "--month", "2024-05", "--lang", "en"]) == 0
    assert "# Customer feedback monthly report — 2024-05" in capsys.readouterr().out


@pytest.mark.slow  # a simulated month or several demo runs
def test_full_default_month_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "(21 office days, seed 0)" in out  # May 2024: 1-5 off, Saturday 11 worked
    assert (tmp_path / "complaintflow-demo.db").is_file()
    assert (tmp_path / "report.html").is_file()
    for status in ("closed", "withdrawn", "merged", "investigating"):
        assert f"{status} " in out.splitlines()[1]
    assert "reopened" in out
    assert " 0 reopened" not in out


def test_demo_replaces_a_previous_demo_db(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _demo(tmp_path, "--days", "1")
    capsys.readouterr()
    _demo(tmp_path, "--days", "1", "--seed", "7")
    captured = capsys.readouterr()
    assert "Replacing the previous demo database" in captured.err
    assert "seed 7" in captured.out


@pytest.mark.parametrize("content", [b"my precious notes\n", b""])
def test_demo_refuses_to_overwrite_another_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    other = tmp_path / "crm.db"
    other.write_bytes(content)
    assert main(["demo", "--db", str(other), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert "is not a complaintflow demo database; refusing to overwrite it" in err
    assert "Traceback" not in err
    assert other.read_bytes() == content


def test_demo_refuses_a_real_sqlite_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "crm.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id TEXT)")
    conn.commit()
    conn.close()
    assert main(["demo", "--db", str(other), "--quiet"]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err


def test_demo_in_a_missing_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--db", str(tmp_path / "no" / "demo.db"), "--quiet"]) == 1
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("days", ["0", "-3", "many"])
def test_demo_bad_days_is_a_usage_error(days: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--days", days])
    assert exit_.value.code == 2
    assert "--days" in capsys.readouterr().err


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.slow  # a simulated month or several demo runs
def test_progress_bar_only_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tty = _Tty()
    monkeypatch.setattr(sys, "stderr", tty)
    assert main(["demo", "--db", str(tmp_path / "a.db"), "--days", "1"]) == 0
    assert "\rSimulating [" in tty.getvalue()
    assert tty.getvalue().endswith("\n")
    quiet = _Tty()
    monkeypatch.setattr(sys, "stderr", quiet)
    assert main(["demo", "--db", str(tmp_path / "b.db"), "--days", "1", "--quiet"]) == 0
    assert quiet.getvalue() == ""


@pytest.mark.slow  # a simulated month or several demo runs
def test_demo_is_deterministic_for_a_seed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = []
    for name, seed in (("a", "3"), ("b", "3"), ("c", "4")):
        (tmp_path / name).mkdir()
        db = _demo(tmp_path / name, "--days", "3", "--seed", seed)
        capsys.readouterr()
        assert main(["report", "--db", str(db), "--month", "2024-05", "--format", "json"]) == 0
        reports.append(json.loads(capsys.readouterr().out))
    assert reports[0] == reports[1]
    assert reports[0] != reports[2]


# -- report -----------------------------------------------------------------------------


def test_report_markdown(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(demo_db), "--month", "2024-05"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# 《客户反馈月度报告》 2024-05")


def test_report_json_counts_every_ticket(demo_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", str(demo_db), "--month", "2024-05", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["month"] == "2024-05"
    conn = sqlite3.connect(demo_db)
    try:
        merged = conn.execute("SELECT count(*) FROM tickets WHERE status = 'merged'").fetchone()
        total = conn.execute("SELECT count(*) FROM tickets").fetchone()
    finally:
        conn.close()
    assert data["received"] in (total[0], total[0] - merged[0])  # all statuses were read


def test_report_html_to_a_file(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "may.html"
    assert (
        main(
            [
                "report",
                "--db",
                str(demo_db),
                "--month",
                "2024-05",
                "--format",
                "html",
                "--out",
                str(out),
                "--lang",
                "en",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out == ""
    html = out.read_text(encoding="utf-8")
    assert "<svg" in html
    assert "2024-05" in html


@pytest.mark.parametrize("month", ["1999-01", "2024-04"])
def test_a_month_without_data_says_so(
    demo_db: Path, month: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(demo_db), "--month", month, "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"complaintflow: error: no data for {month} in ")
    assert "its tickets were received 2024-05-01 to 2024-05-10" in err


def test_a_month_after_the_data_still_shows_its_backlog(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(demo_db), "--month", "2024-06", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["received"] == 0
    assert data["backlog"]["total"] > 0


@pytest.mark.parametrize("month", ["2024-13", "May", "2024/05", ""])
def test_report_bad_month_is_a_usage_error(
    demo_db: Path, month: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--db", str(demo_db), "--month", month])
    assert exit_.value.code == 2
    assert "invalid month" in capsys.readouterr().err


def test_report_missing_db_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["report", "--db", str(tmp_path / "none.db"), "--month", "2024-05"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "no database file at" in err
    assert "none.db" in err
    assert not (tmp_path / "none.db").exists()


def test_report_refuses_a_foreign_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "notes.txt"
    other.write_text("hello", encoding="utf-8")
    assert main(["report", "--db", str(other), "--month", "2024-05"]) == 1
    assert "is not a complaintflow database" in capsys.readouterr().err
    assert other.read_text(encoding="utf-8") == "hello"


def test_report_unwritable_out(
    demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "missing" / "r.md"
    assert main(["report", "--db", str(demo_db), "--month", "2024-05", "--out", str(target)]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_report_past_the_calendar_is_refused(
    demo_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(demo_db), "--month", "2027-01"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("complaintflow: error: ")
    assert "Traceback" not in err


# -- sla --------------------------------------------------------------------------------


def test_sla_p3_on_friday_evening_before_a_holiday(capsys: pytest.CaptureFixture[str]) -> None:
    # Monday 2024-06-10 is the Dragon Boat Festival.
    assert main(["sla", "--priority", "P3", "--received", "2024-06-07T17:00+08:00"]) == 0
    assert capsys.readouterr().out == (
        "P3 complaint, received Fri 2024-06-07 17:00 (Asia/Shanghai); SLA policy default-1\n"
        "first response  due Tue 2024-06-11 12:00  (4 business hours, 3d 19h 00m after "
        "receipt)\n"
        "resolution      due Thu 2024-06-13 18:00  (3 business days, 6d 1h 00m after "
        "receipt)\n"
    )


def test_sla_p1_vip_and_complex(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sla", "--priority", "P1", "--received", "2024-05-20T17:30+08:00", "--tier", "vip"])
        == 0
    )
    out = capsys.readouterr().out
    assert "vip customer" in out
    assert "first response  due Tue 2024-05-21 10:30  (2 business hours, 17h 00m after" in out
    assert "resolution      due Tue 2024-05-21 17:30  (24 elapsed hours, 1d 0h 00m after" in out
    assert (
        main(["sla", "--priority", "P1", "--received", "2024-05-20T17:30+08:00", "--complex"]) == 0
    )
    assert "due Wed 2024-05-22 17:30  (48 elapsed hours, 2d 0h 00m" in capsys.readouterr().out


def test_sla_explain_names_the_holiday(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["sla", "--priority", "P3", "--received", "2024-06-07T17:00+08:00", "--explain"]) == 0
    )
    out = capsys.readouterr().out
    assert "  Skipped 2024-06-10 (Monday), a holiday." in out
    assert (
        "  Counted: Fri 2024-06-07 17:00–18:00, Tue 2024-06-11 09:00–12:00 (4h 00m in all)." in out
    )


def test_sla_make_up_saturday_and_other_zone(capsys: pytest.CaptureFixture[str]) -> None:
    # Saturday 2024-05-11 is a make-up working day; UTC input, office time output.
    assert main(["sla", "--priority", "P2", "--received", "2024-05-10T09:00Z"]) == 0
    out = capsys.readouterr().out
    assert "received Fri 2024-05-10 17:00" in out
    assert "first response  due Sat 2024-05-11 12:00" in out


def test_sla_naive_received_is_office_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", "--priority", "P3", "--received", "2024-06-07 17:00"]) == 0
    assert "received Fri 2024-06-07 17:00 (Asia/Shanghai)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--priority", "P9", "--received", "2024-05-20T17:30+08:00"], "invalid choice: 'P9'"),
        (["--priority", "P1", "--received", "yesterday"], "invalid --received 'yesterday'"),
        (["--priority", "P1", "--received", "2024-02-30T10:00+08:00"], "invalid --received"),
        (
            ["--priority", "P1", "--received", "2024-05-20T10:00+08:00", "--tz", "Mars/Base"],
            "unknown time zone 'Mars/Base'",
        ),
        (["--received", "2024-05-20T10:00+08:00"], "--priority"),
    ],
)
def test_sla_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["sla", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize("received", ["2023-10-02T10:00+08:00", "2023-12-31T23:59"])
def test_sla_before_the_holiday_data_is_refused(
    received: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # 2023-10-02 is National Day: a calendar without 2023's holidays would count it a workday
    assert main(["sla", "--priority", "P3", "--received", received]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(
        "complaintflow: error: the holiday data of the office calendar begins on 2024-01-01"
    )


def test_sla_on_the_first_day_of_the_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", "--priority", "P3", "--received", "2024-01-01T10:00"]) == 0
    assert "first response  due Tue 2024-01-02 14:00" in capsys.readouterr().out


def test_sla_past_the_calendar_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sla", "--priority", "P3", "--received", "2025-12-31T17:00+08:00"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("complaintflow: error: ")


# -- classify ---------------------------------------------------------------------------


def test_classify_a_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "APP订单支付失败，银行卡被扣了两次"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("complaint / billing.payment / P1")
    assert "category=billing.payment by keyword" in out


def test_classify_evaluate_delegates(capsys: pytest.CaptureFixture[str]) -> None:
    samples = Path(__file__).parent / "data" / "classification_samples.jsonl"
    assert main(["classify", "--evaluate", str(samples), "--max-misses", "0"]) == 0
    assert "samples: 265" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "give the TEXT to classify"),
        (["--evaluate", "no-such.jsonl"], "no samples file at no-such.jsonl"),
        (["text", "--evaluate", __file__], "not both"),
        (["text", "--channel", "pigeon"], "invalid choice: 'pigeon'"),
    ],
)
def test_classify_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["classify", *argv])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_unknown_classifier_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "hello", "--classifier", "nope"]) == 1
    assert capsys.readouterr().err.startswith("complaintflow: error: ")


def test_console_script_error_has_no_traceback(tmp_path: Path) -> None:
    other = tmp_path / "x.db"
    other.write_text("not mine", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "complaintflow.cli", "demo", "--db", str(other)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("complaintflow: error: ")
    assert "Traceback" not in result.stderr


def test_sla_explain_never_prints_an_empty_span(capsys: pytest.CaptureFixture[str]) -> None:
    # the 24 elapsed hours of a P1 run from 17:30 to 17:30 the next day
    assert (
        main(["sla", "--priority", "P1", "--received", "2024-05-20T17:30+08:00", "--explain"]) == 0
    )
    out = capsys.readouterr().out
    assert "  Counted: Mon 2024-05-20 17:30 – Tue 2024-05-21 17:30 (1d 0h 00m in all)." in out
    assert "17:30–17:30" not in out
