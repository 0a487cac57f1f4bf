"""Adding a command is one family module plus one table row, and nothing else.

The registry of :class:`~complaintflow.domain.commands.Trigger` records is
the only source of the command map, the stored payload types, the fold
steps, the audit wording and the permission sets; and the worked example
of ``docs/adding-a-command.md`` runs when exactly its module and its row
are added to a copy of the package.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pendulum
import pytest

from complaintflow.domain import audit, fold
from complaintflow.domain import events as e
from complaintflow.domain.commands import COMMANDS, TRIGGERS, Command, Comment
from complaintflow.domain.lifecycle import (
    CUSTOMER_TRIGGERS,
    STAFF_ROLE,
    SYSTEM_ONLY,
    SYSTEM_TRIGGERS,
    TRANSITIONS,
    apply,
    open_ticket,
)
from complaintflow.domain.lifecycle._table import MACHINE, _guard
from complaintflow.domain.values import Actor, TicketDraft
from complaintflow.domain.vocabulary import ActorKind, Channel, Role
from complaintflow.errors import ValidationError

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "adding-a-command.md"


def test_the_registry_is_the_only_source() -> None:
    triggers = TRIGGERS.values()
    derived = {
        "COMMANDS": (COMMANDS, {t.name: t.command for t in triggers}),
        "PAYLOAD_TYPES": (
            e.PAYLOAD_TYPES,
            {e.Received.type: e.Received, **{t.payload.type: t.payload for t in triggers}},
        ),
        "fold steps": (fold._STEPS, {t.payload: t.fold for t in triggers}),
        "audit wording": (audit._WORDING, {t.payload: t.describe for t in triggers}),
        "CUSTOMER_TRIGGERS": (
            CUSTOMER_TRIGGERS,
            {t.name for t in triggers if ActorKind.CUSTOMER in t.by},
        ),
        "SYSTEM_TRIGGERS": (
            SYSTEM_TRIGGERS,
            {t.name for t in triggers if ActorKind.SYSTEM in t.by},
        ),
        "SYSTEM_ONLY": (SYSTEM_ONLY, {t.name for t in triggers if t.by == {ActorKind.SYSTEM}}),
        "STAFF_ROLE": (
            STAFF_ROLE,
            {t.name: t.min_role for t in triggers if t.min_role is not Role.AGENT},
        ),
    }
    for name, (actual, expected) in derived.items():
        assert actual == expected, name


def test_every_trigger_has_rows_and_every_row_guard_is_declared() -> None:
    assert {row.trigger for row in TRANSITIONS} == set(TRIGGERS) == set(MACHINE.events)
    for row in TRANSITIONS:
        declared = {guard.name for guard in TRIGGERS[row.trigger].guards}
        assert {row.when, row.unless} - {None} <= declared, row


def test_payload_classes_are_the_events_module_names() -> None:
    for trigger in TRIGGERS.values():
        assert getattr(e, trigger.payload.__name__) is trigger.payload
        assert trigger.payload.__name__ in e.__all__


def _block(header: str, fence: str) -> str:
    page = PAGE.read_text(encoding="utf-8")
    for block in re.findall(rf"^```{fence}\n(.*?)^```", page, re.S | re.M):
        if block.lstrip().startswith(header):
            return str(block)
    raise AssertionError(f"no ```{fence} block starting with {header!r} in {PAGE.name}")


CHECK = """
import pendulum
from complaintflow.domain import events as e
from complaintflow.domain.audit import describe
from complaintflow.domain.commands import COMMANDS, Investigate, Assign, Triage
from complaintflow.domain.commands.escalation import Escalate, Escalated
from complaintflow.domain.diagram import mermaid
from complaintflow.domain.lifecycle import allowed_commands, apply, open_ticket, replay
from complaintflow.domain.values import Actor, Customer, TicketDraft
from complaintflow.domain.vocabulary import Channel, Role
from complaintflow.errors import InvalidTransition, PermissionDenied
from complaintflow.storage.encoding import event_from_dict, event_to_dict

t0 = pendulum.datetime(2024, 5, 20, 9, tz="Asia/Shanghai")
agent = Actor.staff("wang.fang", Role.AGENT)
draft = TicketDraft("订单支付失败，被扣款两次", Channel.CHAT, t0, Customer("C1", "regular"))
ticket, log = open_ticket(draft, ticket_id="T-1", number="TS-1", actor=agent)
for minutes, command in enumerate(
        (Triage("complaint", "billing.payment", "P2"), Assign(agent.id), Investigate()), 1):
    ticket, events = apply(ticket, command, actor=agent, at=t0.add(minutes=minutes))
    log += events

assert COMMANDS["escalate"] is Escalate and e.PAYLOAD_TYPES["escalated"] is Escalated
assert "escalate" in allowed_commands(ticket, agent, at=t0.add(minutes=5))
ticket, events = apply(ticket, Escalate("supervisor", "VIP customer"), actor=agent,
                       at=t0.add(minutes=5))
log += events
assert ticket.escalated_to is Role.SUPERVISOR and ticket.status.value == "investigating"
assert describe(events[0]) == "escalated to supervisor: VIP customer"
assert replay(log) == ticket
assert [event_from_dict(event_to_dict(event)) for event in log] == log
try:
    apply(ticket, Escalate("supervisor", "again"), actor=agent, at=t0.add(minutes=6))
except InvalidTransition as refused:
    assert refused.reason == "the ticket is already escalated that far", refused.reason
else:
    raise AssertionError("escalating sideways was accepted")
try:
    apply(ticket, Escalate("director", "x"), actor=Actor.customer("C1"), at=t0.add(minutes=6))
except PermissionDenied:
    pass
else:
    raise AssertionError("a customer escalated")
assert "escalate" in mermaid()
print("escalate works")
"""


def test_the_worked_example_needs_its_module_and_its_row_only(tmp_path: Path) -> None:
    package = tmp_path / "src" / "complaintflow"
    shutil.copytree(
        ROOT / "src" / "complaintflow", package, ignore=shutil.ignore_patterns("__pycache__")
    )
    module = _block("# src/complaintflow/domain/commands/escalation.py", "python")
    (package / "domain" / "commands" / "escalation.py").write_text(module, encoding="utf-8")
    row = textwrap.dedent(_block("Transition(", "py").strip("\n")).strip()
    table = package / "domain" / "lifecycle" / "_table.py"
    source = table.read_text(encoding="utf-8")
    end = source.index("\n)\n", source.index("TRANSITIONS: tuple[Transition, ...] = ("))
    table.write_text(f"{source[:end]}\n    {row}{source[end:]}", encoding="utf-8")

    result = subprocess.run(
        [sys.executable, "-c", CHECK],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tmp_path / "src"), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "escalate works"


def test_a_row_naming_an_undeclared_guard_is_refused_with_its_names() -> None:
    with pytest.raises(ValidationError) as info:
        _guard("close", "within_reopen_window", True)
    assert "'close' row names guard 'within_reopen_window'" in str(info.value)


def test_a_command_class_that_is_not_registered_is_refused() -> None:
    @attrs.frozen
    class LoudComment(Comment):
        """Same trigger name, another class: the registry does not know it."""

    at = pendulum.datetime(2024, 5, 20, 9, tz="Asia/Shanghai")
    agent = Actor.staff("wang.fang", Role.AGENT)
    ticket, _ = open_ticket(
        TicketDraft("咨询", Channel.CHAT, at), ticket_id="T-1", number="TS-1", actor=agent
    )
    for command in (Command(), LoudComment("hello")):
        with pytest.raises(ValidationError, match="unknown command"):
            apply(ticket, command, actor=agent, at=at)
