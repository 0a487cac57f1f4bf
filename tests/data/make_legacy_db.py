"""Writes tests/data/legacy-6004883.sqlite3: a database as main at 6004883 wrote it.

That main kept no SLA clocks in its snapshots; tests/test_legacy_database.py
checks that today's desk completes them once and goes on.  Run it with the old
code first on the path (kept here so the fixture can be made again):

    git worktree add --detach /tmp/old 6004883
    PYTHONPATH=/tmp/old/src python tests/data/make_legacy_db.py tests/data/legacy-6004883.sqlite3
"""

import datetime as dt
import sys
from pathlib import Path

import pendulum

from complaintflow import (
    Actor,
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    Customer,
    ManualClock,
    Money,
    Role,
    SlaPolicy,
    SqliteStore,
    TicketDraft,
)

SH = "Asia/Shanghai"
OFFICE = [("09:00", "12:00"), ("13:00", "18:00")]
CALENDAR = BusinessCalendar(tz=SH, week=dict.fromkeys(range(5), OFFICE))
AGENT = Actor.staff("wang.li", Role.AGENT)
SUPERVISOR = Actor.staff("zhao.min", Role.SUPERVISOR)


def main(path: str) -> None:
    Path(path).unlink(missing_ok=True)
    clock = ManualClock(pendulum.datetime(2024, 5, 20, 9, tz=SH))
    ids = iter(f"L{n:03d}" for n in range(1, 100))
    desk = ComplaintDesk(
        SqliteStore(path),
        clock,
        sla=SlaPolicy.default("v1"),
        calendar=CALENDAR,
        ids=lambda: next(ids),
    )
    customer = Customer("C1", "vip", phone="13812345678")

    def intake(text: str) -> str:
        return desk.intake(TicketDraft(text, Channel.CHAT, clock.now(), customer)).id

    # L001: a P1 left alone: the sweep records its warning and breach.
    first = intake("银行卡被扣了两次")
    desk.triage(first, "complaint", "billing.payment", "P1", actor=AGENT)
    clock.advance(dt.timedelta(hours=2))
    desk.sweep()
    # L002: waiting on the customer (the resolution clock is paused).
    second = intake("包裹破损")
    desk.triage(second, "complaint", "logistics.package", "P2", actor=AGENT)
    desk.assign(second, "wang.li", actor=AGENT)
    desk.investigate(second, actor=AGENT)
    desk.respond(second, "您好，我们正在处理", actor=AGENT)
    desk.propose_solution(second, "补发", actor=AGENT, amount=Money("50.00", "CNY"))
    clock.advance(dt.timedelta(minutes=30))
    # L003: resolved, then reopened (a second resolution cycle).
    third = intake("发票开错了")
    desk.triage(third, "complaint", "billing.invoice", "P3", actor=AGENT)
    desk.assign(third, "wang.li", actor=AGENT)
    desk.investigate(third, actor=AGENT)
    desk.propose_solution(third, "重开发票", actor=AGENT)
    desk.customer_accepts(third, actor=Actor.customer("C1"))
    desk.complete(third, actor=AGENT)
    clock.advance(dt.timedelta(hours=3))
    desk.reopen(third, "客户说发票还是错的", actor=SUPERVISOR)
    for n in range(20):  # a longer history
        desk.comment(third, f"跟进记录 {n}", actor=AGENT)
    print("wrote", path, "at", clock.now())


if __name__ == "__main__":
    main(sys.argv[1])
