"""The one-shot commands: sweep, deliver, health, dead-letters, show (SQLite here;
tests/storage/test_cli_postgres.py runs them on PostgreSQL)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pendulum
import pytest

from complaintflow import (
    ComplaintDesk,
    Customer,
    ManualClock,
    NotFound,
    SlaPolicy,
    SqliteStore,
    TicketDraft,
    ValidationError,
)
from complaintflow.cli import main
from complaintflow.sla.holidays import china_office

RECEIVED = pendulum.datetime(2024, 5, 20, 10, tz="Asia/Shanghai")

HOST = """
from complaintflow import ComplaintDesk, ManualClock, SlaPolicy
from complaintflow.sla.holidays import china_office
import pendulum

class Refusing:
    def send(self, notification):
        error = ConnectionError("mailbox does not exist")
        error.permanent = True
        raise error

def refusing():
    return Refusing()

def not_a_desk(store):
    return store

def broken():
    raise RuntimeError("no SMTP settings")

def desk(store):
    clock = ManualClock(pendulum.datetime(2024, 5, 27, 10, tz="Asia/Shanghai"))
    return ComplaintDesk(store, clock, sla=SlaPolicy.default(), calendar=china_office())
"""


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "desk.sqlite3"
    (tmp_path / "cf_host.py").write_text(HOST, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("cf_host", None)
    with SqliteStore(path) as store:
        desk = ComplaintDesk(
            store, ManualClock(RECEIVED), sla=SlaPolicy.default(), calendar=china_office()
        )
        for n in range(2):
            draft = TicketDraft(
                f"投诉：第{n}个包裹丢了", "phone", RECEIVED, Customer(f"C{n}", phone="13812345678")
            )
            desk.intake(draft)
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:
        code = int(exit.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_health_prints_the_numbers_and_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "health", "--db", str(db))
    assert code == 0
    assert "outbox pending      2" in out
    assert "dead letters        0" in out
    code, out, _ = run(capsys, "health", "--db", f"sqlite:///{db}", "--json")
    numbers = json.loads(out)
    assert (numbers["pending"], numbers["retrying"], numbers["dead"]) == (2, 0, 0)
    assert numbers["due"] == 2  # received in 2024: every deadline has passed
    assert numbers["oldest_due_seconds"] > 0


def test_deliver_prints_staff_lines_by_default(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "deliver", "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert len([line for line in lines if line.startswith("[accepted]")]) == 2
    assert "138****5678" in out
    assert "13812345678" not in out  # the contact is masked
    assert lines[-1] == "delivered 2, failed 0 (0 to retry, 0 dead letters)"
    assert run(capsys, "deliver", "--db", str(db))[1].endswith(
        "delivered 0, failed 0 (0 to retry, 0 dead letters)\n"
    )


def test_dead_letters_list_and_retry(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "deliver", "--db", str(db), "--notifier", "cf_host:refusing")
    assert code == 0
    assert out.strip() == "delivered 0, failed 2 (0 to retry, 2 dead letters)"
    assert err.count("mailbox does not exist") == 2
    code, out, _ = run(capsys, "dead-letters", "--db", str(db), "--limit", "1")
    first = out.splitlines()[0]
    assert "attempts 1" in first
    assert "ConnectionError: mailbox does not exist" in first
    assert "next page: --cursor" in out
    cursor = out.rsplit("--cursor ", 1)[1].strip()
    code, out, _ = run(capsys, "dead-letters", "--db", str(db), "--cursor", cursor)
    assert out.splitlines()[-1] == "1 dead letters"
    item = first.split()[0]
    code, out, err = run(capsys, "dead-letters", "--db", str(db), "--retry", item, "nope")
    assert code == 1
    assert out == "queued 1 dead letters again\n"
    assert err == "complaintflow: error: no dead letter 'nope' in this store\n"
    code, out, _ = run(capsys, "dead-letters", "--db", str(db), "--retry-all")
    assert (code, out) == (0, "queued 1 dead letters again\n")
    assert json.loads(run(capsys, "health", "--db", str(db), "--json")[1])["pending"] == 2


def test_sweep_with_the_hosts_desk(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sweep", "--db", str(db), "--desk", "cf_host:desk")
    assert code == 0
    assert out.startswith("swept 2 due tickets: ")
    assert "breaches" in out
    code, out, _ = run(capsys, "sweep", "--db", str(db))  # the default desk: now, China office
    assert code == 0
    assert out.startswith("swept ")


def test_show_accepts_an_id_or_a_number(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with SqliteStore(db) as store:
        ticket = store.find().items[0]
    for key in (ticket.id, ticket.number):
        code, out, _ = run(capsys, "show", "--db", str(db), key)
        assert code == 0
        assert out.startswith(f"{ticket.number}  id {ticket.id}  ")
        assert " received by " in out
    code, _, err = run(capsys, "show", "--db", str(db), "TS19990101-0001")
    assert code == 1
    assert err == (
        "complaintflow: error: no ticket (by id or number) 'TS19990101-0001' in this store\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["health", "--db", "missing.sqlite3"], "no database file at missing.sqlite3"),
        (["deliver", "--db", "{db}", "--notifier", "cf_host"], "notifier is module:factory"),
        (["deliver", "--db", "{db}", "--notifier", "nowhere:x"], "cannot import 'nowhere'"),
        (["deliver", "--db", "{db}", "--notifier", "cf_host:nope"], "has no 'nope'"),
        (["sweep", "--db", "{db}", "--desk", "cf_host:not_a_desk"], "not a ComplaintDesk"),
        (["deliver", "--db", "{db}", "--batch", "0"], "from 1 to 10000"),
        (["dead-letters", "--db", "{db}", "--retry", "x", "--retry-all"], "not allowed with"),
    ],
)
def test_usage_errors_exit_2(
    db: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *(part.replace("{db}", str(db)) for part in argv))
    assert code == 2
    assert out == ""
    assert message in err


def test_refusals_exit_1_with_one_line(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "deliver", "--db", str(db), "--notifier", "cf_host:broken")
    assert code == 1
    assert err == (
        "complaintflow: error: --notifier cf_host:broken failed: RuntimeError: no SMTP settings\n"
    )
    code, _, err = run(capsys, "health", "--db", "nosuchdriver://x")
    assert code == 1
    assert err.startswith("complaintflow: error: cannot open 'nosuchdriver://x'")
    assert err.count("\n") == 1


def test_the_desk_finds_a_ticket_by_its_number(db: Path) -> None:
    with SqliteStore(db) as store:
        desk = ComplaintDesk(store, ManualClock(RECEIVED))
        ticket = store.find().items[1]
        assert desk.find_by_number(ticket.number) == ticket
        assert desk.find_by_number(f" {ticket.number} ") == ticket
        with pytest.raises(NotFound, match="no ticket number 'TS20240520-9999' in this store"):
            desk.find_by_number("TS20240520-9999")
        with pytest.raises(ValidationError):
            desk.find_by_number("")
