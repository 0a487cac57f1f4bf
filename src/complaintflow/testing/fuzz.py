"""A fuzz test of the public API: arbitrary arguments to desk and store methods.

The promise under test (docs/errors.md): whatever a host passes, a public
call either works or raises a :class:`~complaintflow.errors.ComplaintflowError`
subclass, and a refused call leaves the store as it was.  A naive datetime
is always refused, never read as UTC.

:func:`desk_calls` and :func:`store_calls` draw :class:`Call` values mixing
good arguments with :func:`~complaintflow.testing.hostile.junk` (wrong
types, huge integers, junk strings, naive datetimes); :func:`violation`
runs one against a desk and says what broke, if anything.  A host runs it
over its own store::

    desk = seeded_desk(MyStore(...))
    for call in data.draw(st.lists(st.one_of(desk_calls(IDS), store_calls(IDS)))):
        assert violation(desk, call) is None
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import pendulum
from hypothesis import strategies as st

from complaintflow.clock import ManualClock
from complaintflow.domain import commands as c
from complaintflow.domain.events import Event
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Channel, Role, Status
from complaintflow.errors import ComplaintflowError
from complaintflow.service.desk import ComplaintDesk
from complaintflow.storage.protocol import TicketStore
from complaintflow.testing.hostile import junk, naive_datetimes, texts

__all__ = [
    "IDS",
    "Call",
    "Violation",
    "desk_calls",
    "seeded_desk",
    "snapshot",
    "store_calls",
    "violation",
]

START = pendulum.datetime(2024, 5, 20, 9, 0, tz="Asia/Shanghai")
IDS = ("fz1", "fz2", "fz3")
AGENT = Actor.staff("fuzz.agent", Role.AGENT)
SUPERVISOR = Actor.staff("fuzz.supervisor", Role.SUPERVISOR)


@attrs.frozen
class Call:
    """One public call: a method of the desk or of its store, with its arguments."""

    target: Literal["desk", "store"]
    method: str
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = attrs.field(factory=dict)

    def run(self, desk: ComplaintDesk) -> object:
        owner: object = desk if self.target == "desk" else desk.store
        return getattr(owner, self.method)(*self.args, **self.kwargs)

    def values(self) -> list[object]:
        """Every argument, with the items of lists, tuples and dicts."""
        found: list[object] = []
        stack: list[object] = [*self.args, *self.kwargs.values()]
        while stack:
            value = stack.pop()
            found.append(value)
            if isinstance(value, list | tuple | set | frozenset):
                stack.extend(value)
            elif isinstance(value, dict):
                stack.extend([*value.keys(), *value.values()])
        return found

    def __str__(self) -> str:
        shown = [ascii(a)[:60] for a in self.args]
        shown += [f"{k}={ascii(v)[:60]}" for k, v in self.kwargs.items()]
        return f"{self.target}.{self.method}({', '.join(shown)})"


@attrs.frozen
class Violation:
    """What a call broke: an untyped error, a changed store, an accepted bad value."""

    call: Call
    kind: Literal["untyped error", "store changed", "accepted"]
    error: BaseException | None = None

    def __str__(self) -> str:
        error = f": {type(self.error).__name__}: {self.error}" if self.error else ""
        return f"{self.kind} in {self.call}{error}"


def seeded_desk(store: TicketStore) -> ComplaintDesk:
    """A desk over ``store`` holding one received ticket per id in :data:`IDS`."""
    ids = itertools.chain(IDS, (f"fz-new-{n}" for n in itertools.count()))
    desk = ComplaintDesk(store, ManualClock(START), ids=lambda: next(ids))
    for n, _ in enumerate(IDS):
        desk.intake(TicketDraft(f"fuzz ticket {n}", Channel.CHAT, START))
    return desk


def snapshot(store: TicketStore) -> tuple[tuple[Ticket, tuple[Event, ...]], ...]:
    """Every ticket and its events, read through the public protocol."""
    tickets: list[Ticket] = []
    cursor: str | None = None
    while True:
        page = store.find(limit=100, cursor=cursor)
        tickets += page.items
        cursor = page.cursor
        if cursor is None:
            break
    return tuple((t, tuple(store.events(t.id))) for t in sorted(tickets, key=lambda t: t.id))


def _must_refuse(call: Call) -> bool:
    if any(isinstance(v, dt.datetime) and v.tzinfo is None for v in call.values()):
        return True
    day = call.kwargs.get("day")
    return call.method == "next_number" and isinstance(day, dt.datetime)


def violation(desk: ComplaintDesk, call: Call) -> Violation | None:
    """Run ``call``; None when it kept the contract, else what it broke."""
    before = snapshot(desk.store)
    try:
        call.run(desk)
    except ComplaintflowError as error:
        if snapshot(desk.store) != before:
            return Violation(call, "store changed", error)
        return None
    except Exception as error:  # the contract allows nothing else
        return Violation(call, "untyped error", error)
    if _must_refuse(call):
        return Violation(call, "accepted")
    return None


def _or_junk(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(good, good, junk())


def _call(
    target: Literal["desk", "store"],
    method: str,
    *args: st.SearchStrategy[Any],
    **kwargs: st.SearchStrategy[Any],
) -> st.SearchStrategy[Call]:
    return st.builds(
        lambda a, k: Call(target, method, tuple(a), k),
        st.tuples(*args),
        st.fixed_dictionaries(kwargs),
    )


@functools.cache
def _instants() -> st.SearchStrategy[Any]:
    aware = st.integers(0, 90 * 24).map(lambda hours: START.add(hours=hours))
    return st.one_of(aware, naive_datetimes())


@functools.cache
def desk_calls(ticket_ids: tuple[str, ...] = IDS) -> st.SearchStrategy[Call]:
    """Desk methods with good and bad arguments mixed."""
    tid = _or_junk(st.sampled_from(ticket_ids))
    actor = _or_junk(st.sampled_from([AGENT, SUPERVISOR]))
    text = _or_junk(st.one_of(st.sampled_from(["已联系客户", "refund sent"]), texts()))
    command = _or_junk(
        st.sampled_from(
            [
                c.Comment("已联系客户"),
                c.Investigate(),
                c.Respond("您好"),
                c.Close("done"),
                c.Assign("li.lei", "logistics"),
            ]
        )
    )
    draft = _or_junk(
        st.builds(
            TicketDraft,
            st.sampled_from(["包裹破损", "late"]),
            st.sampled_from(list(Channel)),
            st.just(START),
        )
    )
    return st.one_of(
        _call("desk", "get", tid),
        _call("desk", "history", tid),
        _call("desk", "intake", draft),
        _call("desk", "comment", tid, text, actor=actor, internal=_or_junk(st.booleans())),
        _call("desk", "respond", tid, text, actor=actor),
        _call("desk", "assign", tid, _or_junk(st.sampled_from(["li.lei", None])), actor=actor),
        _call("desk", "investigate", tid, actor=actor),
        _call(
            "desk",
            "triage",
            tid,
            _or_junk(st.just("complaint")),
            _or_junk(st.none()),
            _or_junk(st.just("P2")),
            actor=actor,
        ),
        _call("desk", "close", tid, actor=actor, reason=_or_junk(st.none())),
        _call(
            "desk",
            "record_survey",
            tid,
            _or_junk(st.just(SurveyResponse.from_csat(4))),
            actor=actor,
        ),
        _call(
            "desk",
            "execute",
            tid,
            command,
            actor=actor,
            expected_version=_or_junk(st.one_of(st.none(), st.integers(0, 5))),
        ),
        _call("desk", "retrying", tid, command, actor=actor, attempts=_or_junk(st.integers(1, 3))),
        _call("desk", "merge", tid, tid, actor=actor),
        _call("desk", "sweep", _or_junk(_instants())),
        _call("desk", "find_by_number", _or_junk(st.just("TS20240520-0001"))),
        _call("desk", "dead_letters", limit=_or_junk(st.integers(1, 5))),
        _call("desk", "retry_dead_letters", _or_junk(st.none())),
        _call("desk", "health", _or_junk(_instants())),
    )


@functools.cache
def store_calls(ticket_ids: tuple[str, ...] = IDS) -> st.SearchStrategy[Call]:
    """Store methods with good and bad arguments mixed."""
    tid = _or_junk(st.sampled_from(ticket_ids))
    count = _or_junk(st.integers(1, 50))
    when = _or_junk(_instants())
    return st.one_of(
        _call("store", "get", tid),
        _call("store", "events", tid, after=_or_junk(st.integers(0, 5))),
        _call(
            "store",
            "find",
            status=_or_junk(st.sampled_from([None, *Status])),
            assignee=_or_junk(st.none()),
            priority=_or_junk(st.none()),
            due_before=_or_junk(st.none()),
            limit=count,
            cursor=_or_junk(st.none()),
        ),
        _call("store", "find_by_dedupe_key", _or_junk(st.just("order-1"))),
        _call(
            "store",
            "next_number",
            prefix=_or_junk(st.just("TS")),
            day=_or_junk(st.dates(dt.date(2024, 1, 1), dt.date(2030, 12, 31))),
        ),
        _call(
            "store",
            "claim_outbox",
            worker=_or_junk(st.just("w1")),
            limit=count,
            lease=_or_junk(st.just(dt.timedelta(minutes=5))),
            now=when,
        ),
        _call("store", "ack_outbox", _or_junk(st.lists(st.text(max_size=4), max_size=2))),
        _call("store", "record_alerts", _or_junk(st.lists(st.text(max_size=4), max_size=2))),
        _call("store", "reschedule", junk()),
        _call("store", "save", junk(), junk(), expected_version=count),
        _call("store", "add", junk(), junk()),
        _call("store", "fail_outbox", junk(), now=when),
        _call("store", "backlog", now=when),
        _call("store", "find_by_number", _or_junk(st.just("TS20240520-0001"))),
    )
