"""The one-shot commands on PostgreSQL: health, deliver, dead-letters, show by number."""

from __future__ import annotations

import itertools
import json
import urllib.parse
from pathlib import Path

import pendulum
import pytest

psycopg = pytest.importorskip("psycopg")

from complaintflow import ComplaintDesk, Customer, ManualClock, TicketDraft  # noqa: E402
from complaintflow.cli import main  # noqa: E402
from complaintflow.storage.postgres import PostgresStore  # noqa: E402

REFUSING = """
class Refusing:
    def send(self, notification):
        error = ValueError("no such mailbox")
        error.permanent = True
        raise error

def refusing():
    return Refusing()
"""
RECEIVED = pendulum.datetime(2024, 5, 20, 10, tz="Asia/Shanghai")
_tenants = itertools.count()


def _url(conninfo: str) -> str:
    parts = psycopg.conninfo.conninfo_to_dict(conninfo)
    query = urllib.parse.urlencode({"host": parts["host"], "port": parts["port"]})
    return f"postgresql://{parts['user']}@/{parts['dbname']}?{query}"


def test_the_one_shot_commands_run_on_postgres(
    postgres_conninfo: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (tmp_path / "cf_pg_host.py").write_text(REFUSING, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    tenant, url = f"cli-{next(_tenants)}", _url(postgres_conninfo)
    with PostgresStore.connect(postgres_conninfo, tenant=tenant) as store:
        desk = ComplaintDesk(store, ManualClock(RECEIVED))
        ticket = desk.intake(TicketDraft("包裹丢了", "phone", RECEIVED, Customer("C1", phone="1")))

    def run(*argv: str) -> str:
        assert main([*argv, "--db", url, "--tenant", tenant]) == 0
        return capsys.readouterr().out

    assert json.loads(run("health", "--json"))["pending"] == 1
    assert run("show", ticket.number).startswith(f"{ticket.number}  id {ticket.id}  received")
    assert run("deliver", "--notifier", "cf_pg_host:refusing").endswith(
        "delivered 0, failed 1 (0 to retry, 1 dead letters)\n"
    )
    numbers = json.loads(run("health", "--json"))
    assert (numbers["pending"], numbers["retrying"], numbers["dead"]) == (0, 0, 1)
    listed = run("dead-letters")
    assert f"ticket {ticket.id}  accepted  attempts 1" in listed
    assert listed.endswith("1 dead letters\n")
    assert run("dead-letters", "--retry-all") == "queued 1 dead letters again\n"
    assert run("deliver").endswith("delivered 1, failed 0 (0 to retry, 0 dead letters)\n")
    assert run("dead-letters") == "0 dead letters\n"
