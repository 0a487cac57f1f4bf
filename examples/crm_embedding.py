"""Embed complaintflow in a CRM that already has customers, users and a message table.

Run it: ``python examples/crm_embedding.py`` (it works in a temporary directory).

The host here is a small shop CRM on SQLite.  It keeps its own tables:

* ``customers``: id, name, mobile, email and a loyalty level (bronze / silver / gold);
* ``users``: staff with an integer id and a job title;
* ``messages``: what the CRM's SMS / e-mail gateway will send.

complaintflow keeps its tickets in its own ``SqliteStore`` file next to
the CRM database.  The glue is four small pieces, all in this file:

1. ``customer_from_row`` maps a CRM customer to a ``Customer`` (loyalty level -> tier);
2. ``actor_for`` maps a CRM user id to ``Actor.staff(user_id, role)`` (job title -> role);
3. ``CrmMessages`` is a ``Notifier`` that writes into the CRM's own ``messages`` table,
   idempotently on the notification key (delivery is at least once);
4. two background jobs, ``desk.sweep()`` and ``desk.deliver_pending(...)``, that a
   scheduler (cron, Celery beat, APScheduler) runs every minute.

A ``ManualClock`` stands in for ``SystemClock()`` so the script can let a day
pass in a moment and print the same thing on every run.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from complaintflow import (
    Actor,
    BusinessCalendar,
    Channel,
    ComplaintDesk,
    ConcurrencyError,
    Customer,
    KeywordClassifier,
    ManualClock,
    Notification,
    Role,
    Router,
    SlaPolicy,
    SqliteStore,
    TicketDraft,
)
from complaintflow.domain.audit import describe
from complaintflow.domain.commands import Comment, Respond

SHANGHAI = ZoneInfo("Asia/Shanghai")

# -- the host's own schema and data ----------------------------------------------------

CRM_SCHEMA = """
CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT, mobile TEXT, email TEXT, level TEXT);
CREATE TABLE users (id INTEGER PRIMARY KEY, login TEXT, title TEXT);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY, dedupe TEXT UNIQUE, audience TEXT, recipient TEXT,
    address TEXT, subject TEXT, body TEXT, queued_at TEXT
);
"""
CRM_DATA = """
INSERT INTO customers VALUES
    ('CU-1001', '王芳', '13812345678', 'wang.fang@example.com', 'gold'),
    ('CU-1002', 'Li Lei', NULL, 'li.lei@example.com', 'bronze');
INSERT INTO users VALUES (7, 'zhao.min', 'CS Rep'), (8, 'sun.hao', 'CS Rep'),
                         (12, 'chen.jie', 'CS Lead'), (31, 'he.yun', 'Head of Service');
"""

# -- glue 1 and 2: the host's customers and users, in complaintflow's vocabulary --------

TIER_BY_LEVEL = {"bronze": "regular", "silver": "regular", "gold": "vip"}
ROLE_BY_TITLE = {
    "CS Rep": Role.AGENT,
    "CS Lead": Role.SUPERVISOR,
    "Head of Service": Role.DEPARTMENT_MANAGER,
}


def customer_from_row(row: sqlite3.Row) -> Customer:
    """A CRM customer as complaintflow sees it (contact data is masked in reprs and logs)."""
    return Customer(
        row["id"],
        TIER_BY_LEVEL.get(row["level"], "new"),
        name=row["name"],
        phone=row["mobile"],
        email=row["email"],
    )


def load_customer(crm: sqlite3.Connection, customer_id: str) -> Customer:
    row = crm.execute("SELECT * FROM customers WHERE id = ?", (customer_id,)).fetchone()
    return customer_from_row(row)


def actor_for(crm: sqlite3.Connection, user_id: int) -> Actor:
    """The CRM user as a staff actor; the actor id is the CRM's own user id."""
    (title,) = crm.execute("SELECT title FROM users WHERE id = ?", (user_id,)).fetchone()
    return Actor.staff(str(user_id), ROLE_BY_TITLE[title])


# -- glue 3: notifications go through the CRM's own message table -----------------------


class CrmMessages:
    """A ``Notifier``: queue each notification in ``messages`` exactly once.

    The desk may hand the same notification over twice (a worker died before
    acknowledging it), so the insert is idempotent on ``notification.key``.
    Raising from ``send`` leaves the item in the outbox for the next run.
    """

    def __init__(self, crm: sqlite3.Connection) -> None:
        self.crm = crm

    def send(self, notification: Notification) -> None:
        audience = "staff" if notification.kind.to_staff else "customer"
        with self.crm:
            self.crm.execute(
                "INSERT OR IGNORE INTO messages (dedupe, audience, recipient, address, subject,"
                " body, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    notification.key,
                    audience,
                    notification.recipient,
                    notification.contact,
                    notification.subject,
                    notification.body,
                    notification.created_at.isoformat(),
                ),
            )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="crm-") as workdir:
        run(Path(workdir))


def run(workdir: Path) -> None:
    crm = sqlite3.connect(workdir / "crm.sqlite")
    crm.row_factory = sqlite3.Row
    crm.executescript(CRM_SCHEMA + CRM_DATA)

    # -- wiring: one desk per process, built once at start-up ----------------------------
    calendar = BusinessCalendar(
        tz="Asia/Shanghai",
        week={day: [("09:00", "12:00"), ("13:00", "18:00")] for day in range(5)},
        holidays=[dt.date(2024, 6, 10)],
    )
    clock = ManualClock(dt.datetime(2024, 6, 5, 9, 15, tzinfo=SHANGHAI))  # SystemClock() live
    store = SqliteStore(workdir / "complaints.sqlite", tenant="shop-cn")
    desk = ComplaintDesk(
        store,
        clock,
        classifier=KeywordClassifier(),
        router=Router.default(),
        sla=SlaPolicy.default(),
        calendar=calendar,
    )
    messages = CrmMessages(crm)

    # -- intake from channels: the channel's message id is the dedupe key ----------------
    email = TicketDraft(
        "I was charged twice for order 5521, the payment failed the first "
        "time. Please refund the duplicate.",
        Channel.EMAIL,
        clock.now(),
        load_customer(crm, "CU-1002"),
        order_ref="5521",
        dedupe_key="email:<CAF5521@mail.example.com>",
    )
    ticket = desk.intake(email)
    again = desk.intake(email)  # the mail poller saw the same message twice
    assert again.id == ticket.id
    chat = desk.intake(
        TicketDraft(
            "快递一周还没到，物流信息一直不更新",
            Channel.CHAT,
            clock.now(),
            load_customer(crm, "CU-1001"),
            dedupe_key="chat:msg-88231",
        )
    )
    for t in (desk.get(ticket.id), desk.get(chat.id)):
        print(
            f"{t.number} {t.customer}: {t.kind}/{t.category}/{t.priority} -> "
            f"{t.department} ({t.status})"
        )

    # -- commands from the CRM's screens, on behalf of CRM users -------------------------
    zhao, sun, lead = actor_for(crm, 7), actor_for(crm, 8), actor_for(crm, 12)
    desk.assign(chat.id, zhao.id, actor=lead)
    desk.investigate(chat.id, actor=zhao)

    # Zhao opens the ticket screen; while it is open, Sun adds a note.
    on_screen = desk.get(chat.id)
    clock.advance(minutes=5)
    desk.comment(chat.id, "Courier says the parcel is stuck in the Hangzhou hub", actor=sun)
    try:
        desk.execute(
            chat.id,
            Respond("您好，包裹滞留在杭州转运中心，我们正在催促快递。"),
            actor=zhao,
            expected_version=on_screen.version,
        )
    except ConcurrencyError as error:
        print(
            f"stale screen: expected version {error.expected}, the ticket is at "
            f"{error.actual}; reloading"
        )
        fresh = desk.get(chat.id)  # show the new note, let Zhao confirm, send again
        desk.execute(
            chat.id,
            Respond("您好，包裹滞留在杭州转运中心，我们正在催促快递。"),
            actor=zhao,
            expected_version=fresh.version,
        )
    # A command that makes sense whatever happened meanwhile: let the desk retry it.
    desk.retrying(chat.id, Comment("Customer prefers a call after 14:00"), actor=zhao, attempts=3)

    # -- background jobs: deliver, then let the day pass and sweep SLA clocks ------------
    report = desk.deliver_pending(messages, worker="crm-mailer")
    print(f"delivered {report.delivered} notification(s), {report.failed} failed")
    clock.set(dt.datetime(2024, 6, 6, 10, 0, tzinfo=SHANGHAI))  # nobody answered the e-mail
    summary = desk.sweep()
    print(
        f"sweep: checked {summary.checked}, warnings {summary.warnings}, "
        f"breaches {summary.breaches}, escalations {summary.escalations}"
    )
    assert desk.sweep().alerts == ()  # a second sweeper finds nothing new
    report = desk.deliver_pending(messages, worker="crm-mailer")
    print(f"delivered {report.delivered} more")

    print("\nthe CRM's messages table:")
    for row in crm.execute("SELECT audience, recipient, subject FROM messages ORDER BY id"):
        print(f"  [{row['audience']}] to {row['recipient']}: {row['subject']}")

    # The audit trail, with the CRM's own logins instead of user ids.
    logins = {str(row["id"]): row["login"] for row in crm.execute("SELECT id, login FROM users")}
    print(f"\naudit trail of {chat.number}:")
    for event in desk.history(chat.id):
        who = logins.get(event.actor.id, event.actor.id)
        when = event.at.in_timezone("Asia/Shanghai").format("MM-DD HH:mm")
        print(f"  {event.seq:>2} {when} {who:<13} {event.status:<13} {describe(event)}")
    store.close()
    crm.close()


if __name__ == "__main__":
    main()
