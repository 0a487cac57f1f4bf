"""Several sweepers on one database: the jobs, for threads or (spawned) processes.

What the sweeper tests and ``benchmarks/sweepers.py`` share: a desk on a
fixed office calendar, due tickets to sweep, and a sweeper that reports
which tickets it loaded, so the caller can check that each due ticket was
loaded once per round (no lost races) and each alert recorded once.  A
job opens its own store from a picklable factory, as a process must:
``functools.partial(PostgresStore.connect, conninfo)`` or
``functools.partial(SqliteStore, path)``, called with ``tenant=``.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

import pendulum

from complaintflow.clock import ManualClock
from complaintflow.domain.events import SlaAlerted
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, Customer, TicketDraft
from complaintflow.domain.vocabulary import Role
from complaintflow.service.desk import ComplaintDesk
from complaintflow.service.sweep import SweepSummary, sweep
from complaintflow.sla import BusinessCalendar
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage.protocol import TicketStore

__all__ = [
    "OFFICE",
    "OPENED",
    "ROUND",
    "Loaded",
    "Round",
    "logged_alerts",
    "office_desk",
    "open_due",
    "run_processes",
    "sweep_job",
    "sweep_rounds",
]

SH = "Asia/Shanghai"
#: Mon-Fri 09:00-12:00 and 13:00-18:00 in Shanghai; Monday 10 June 2024 a holiday.
OFFICE = BusinessCalendar(
    tz=SH,
    week=dict.fromkeys(range(5), (("09:00", "12:00"), ("13:00", "18:00"))),
    holidays=[dt.date(2024, 6, 10)],
)
#: Friday 17:00: P3 complaints received then have passed their first-response warning,
#: breach and both escalation steps by :data:`ROUND` (four alerts, one apology each).
OPENED = pendulum.datetime(2024, 6, 7, 17, tz=SH)
ROUND = pendulum.datetime(2024, 6, 11, 16, tz=SH)
AGENT = Actor.staff("a1", Role.AGENT)

StoreFactory = Callable[..., TicketStore]


def office_desk(store: TicketStore, *, prefix: str = "t") -> ComplaintDesk:
    """A desk with the default SLA policy on :data:`OFFICE`, its clock at :data:`OPENED`."""
    serial = iter(range(1, 10**9))
    return ComplaintDesk(
        store,
        ManualClock(OPENED),
        sla=SlaPolicy.default(),
        calendar=OFFICE,
        ids=lambda: f"{prefix}{next(serial):06d}",
    )


def open_due(desk: ComplaintDesk, count: int) -> list[str]:
    """``count`` triaged P3 complaints received at the desk's clock; their ids."""
    ids = []
    for k in range(count):
        draft = TicketDraft(
            f"第{k}个包裹没到", "phone", desk.clock.now(), Customer(f"C{k}", phone="13812345678")
        )
        ticket = desk.intake(draft)
        desk.triage(ticket.id, "complaint", "logistics.timeliness", "P3", actor=AGENT)
        ids.append(ticket.id)
    return ids


def logged_alerts(store: TicketStore, ids: Iterable[str]) -> list[str]:
    """Every ``sla_alerted`` key in these tickets' logs (a key twice means twice recorded)."""
    return [
        event.payload.key
        for ticket_id in ids
        for event in store.events(ticket_id)
        if isinstance(event.payload, SlaAlerted)
    ]


class Loaded:
    """A store proxy that remembers which due tickets its sweeper claimed (loaded).

    With ``die=True`` the sweeper's process ends abruptly (``os._exit``)
    at its first save, after it claimed a batch and its alert keys: a
    crash, with the batch's lease still held.
    """

    def __init__(self, store: TicketStore, *, die: bool = False) -> None:
        self.store = store
        self.loaded: list[str] = []
        self.die = die

    def claim_due(self, **kwargs: Any) -> list[Ticket]:
        batch = self.store.claim_due(**kwargs)
        self.loaded.extend(ticket.id for ticket in batch)
        return batch

    def _dying(self) -> None:
        if self.die:
            os._exit(3)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._dying()
        self.store.save(*args, **kwargs)

    def save_many(self, items: Sequence[Any]) -> frozenset[str]:
        self._dying()
        return cast(frozenset[str], self.store.save_many(items))  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)


Round = tuple[list[str], SweepSummary, float]


def sweep_rounds(
    factory: StoreFactory,
    tenant: str,
    worker: str,
    rounds: Sequence[dt.datetime],
    *,
    page_size: int = 20,
    lease: dt.timedelta = dt.timedelta(minutes=5),
    die: bool = False,
    start: Any = None,
) -> list[Round]:
    """One sweeper's rounds on its own store: (tickets loaded, summary, seconds) each.

    ``start``, a barrier shared by the sweepers, lines them up before each
    round, so that they really race and no round overlaps the next.
    """
    store = factory(tenant=tenant)
    try:
        proxy = Loaded(store, die=die)
        follow = office_desk(cast(TicketStore, proxy)).follow
        done: list[Round] = []
        for now in rounds:
            if start is not None:
                start.wait()
            proxy.loaded = []
            began = time.perf_counter()
            summary = sweep(
                cast(TicketStore, proxy),
                follow,
                pendulum.instance(now),
                worker=worker,
                lease=lease,
                page_size=page_size,
            )
            done.append((proxy.loaded, summary, time.perf_counter() - began))
        return done
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()


def sweep_job(
    factory: StoreFactory, tenant: str, worker: str, now: dt.datetime, **options: Any
) -> Round:
    """One sweeper's one round (:func:`sweep_rounds`)."""
    (done,) = sweep_rounds(factory, tenant, worker, [now], **options)
    return done


def _entry(
    results: Any,
    index: int,
    job: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    try:
        results.put((index, True, job(*args, **kwargs)))
    except BaseException as error:  # reported to the parent, which raises it
        results.put((index, False, f"{type(error).__name__}: {error}"))


def run_processes(
    jobs: Sequence[tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]],
    *,
    timeout: float = 300.0,
) -> list[Any]:
    """Run each ``(job, args, kwargs)`` in its own spawned process; their results, in order.

    Every job also gets ``start=``, a barrier shared by all of them, so
    they begin together.  A process that dies without a result (a sweeper
    made to crash) yields None; one that raised fails the call with its error.
    """
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    gate = context.Barrier(len(jobs))
    processes = [
        context.Process(target=_entry, args=(results, index, job, args, {**kwargs, "start": gate}))
        for index, (job, args, kwargs) in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    deadline = time.monotonic() + timeout
    got: dict[int, Any] = {}
    # Read while they run: a child cannot exit before its result left the pipe.
    while len(got) < len(jobs) and time.monotonic() < deadline:
        try:
            index, ok, value = results.get(timeout=0.2)
        except queue.Empty:
            if not any(process.is_alive() for process in processes):
                break  # the rest died without a result
            continue
        if not ok:
            raise RuntimeError(f"sweeper process {index} failed: {value}")
        got[index] = value
    for process in processes:
        process.join(max(0.1, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            raise RuntimeError(f"a sweeper process did not finish within {timeout} s")
    return [got.get(index) for index in range(len(jobs))]
