"""KPIs from event logs, checked against a month computed by hand (SPEC §2.7).

The month is May 2024 in Shanghai, on an office calendar Mon-Fri 09:00-12:00
and 13:00-18:00 with no holidays, under ``SlaPolicy.default()``: P1 first
response 2 business hours and resolution 24 elapsed hours; P2-P4 4 business
hours and 3 business days; resolution clocks pause in awaiting_customer.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import partial

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaintflow.domain import commands as c
from complaintflow.domain.events import Event, SurveyRecorded
from complaintflow.domain.fold import replay
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.ticket import Ticket
from complaintflow.domain.values import Actor, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import Category, Kind, Status
from complaintflow.errors import ComplaintflowError, ValidationError
from complaintflow.metrics import (
    Period,
    backlog,
    distribution,
    first_contact_resolution,
    first_response_time,
    handle_time,
    reopen_rate,
    resolved_without_handoff,
    satisfaction,
    satisfaction_trend,
    sla_compliance,
    top_categories,
)
from complaintflow.sla.policy import SlaPolicy
from complaintflow.testing import AGENT, CUSTOMER, instant, office_week
from complaintflow.testing import SHANGHAI as SH

CAL = office_week()
POLICY = SlaPolicy.default()
MAY = Period.month(2024, 5, SH)
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


at = partial(instant, 2024)  # at(month, day, hour, minute=0)


def may(day: int, hour: int, minute: int = 0) -> pendulum.DateTime:
    return at(5, day, hour, minute)


class Log:
    """One ticket's log, built command by command."""

    def __init__(
        self, tid: str, received: pendulum.DateTime, channel: str = "chat", text: str = "订单问题"
    ) -> None:
        self.ticket, self.events = open_ticket(
            TicketDraft(text, channel, received),
            ticket_id=tid,
            number=f"TS-{tid}",
            actor=AGENT,
            sla_version=POLICY.version,
        )

    def do(self, command: c.Command, when: pendulum.DateTime, actor: Actor = AGENT) -> Log:
        self.ticket, more = apply(self.ticket, command, actor=actor, at=when)
        self.events.extend(more)
        return self

    def open(
        self,
        kind: str,
        category: str | None,
        priority: str,
        when: pendulum.DateTime,
        department: str | None = "finance",
    ) -> Log:
        self.do(c.Triage(kind, category, priority), when)
        if department is not None:
            self.do(c.Assign("a1", department), when + M).do(c.Investigate(), when + 2 * M)
        return self

    def settle(
        self, proposed: pendulum.DateTime, accepted: pendulum.DateTime, done: pendulum.DateTime
    ) -> Log:
        return (
            self.do(c.ProposeSolution("refund"), proposed)
            .do(c.CustomerAccepts(), accepted, CUSTOMER)
            .do(c.Complete(), done)
        )

    def survey(self, when: pendulum.DateTime, csat: int, nps: int, ces: int) -> Log:
        response = SurveyResponse.from_csat(csat, nps=nps, ces=ces)
        return self.do(c.RecordSurvey(response, reopen_to="s1"), when, CUSTOMER)


def month_logs() -> list[list[Event]]:
    """Ten tickets; the docstring of each test says which ones it counts."""
    t1 = Log("t1", may(6, 10)).open("complaint", "billing.payment", "P3", may(6, 10, 5))
    t1.do(c.Respond("您好"), may(6, 11, 30)).settle(may(6, 14), may(7, 10), may(7, 11))
    t1.survey(may(8, 10), csat=5, nps=10, ces=2)

    t2 = Log("t2", may(10, 17), "phone").open(
        "complaint", "logistics.timeliness", "P3", may(10, 17, 1)
    )
    t2.do(c.Respond("在查"), may(13, 10))
    t2.do(c.Transfer("warehouse", "仓库处理"), may(13, 10, 30)).do(c.Investigate(), may(13, 10, 40))
    t2.settle(may(13, 11), may(13, 11, 30), may(13, 15))
    t2.survey(may(14, 10), csat=2, nps=3, ces=6)  # unsatisfied: reopened
    t2.do(c.Respond("重新处理"), may(14, 10, 30))
    t2.settle(may(14, 11), may(14, 11, 30), may(15, 10))

    t3 = Log("t3", may(7, 9), "email").open(
        "inquiry", "billing.invoice", "P4", may(7, 9, 1), department=None
    )
    t3.do(c.ResolveNow("发票在订单页下载"), may(7, 9, 10))

    t4 = Log("t4", may(20, 10), "social").open("complaint", "billing.payment", "P1", may(20, 10, 1))
    t4.do(c.Respond("已核实"), may(20, 13, 30)).settle(may(20, 14), may(21, 17), may(21, 18))
    t4.survey(may(22, 10), csat=4, nps=8, ces=3)

    t5 = Log("t5", may(22, 10), "store").open(
        "complaint", "service.attitude", "P3", may(22, 10, 5), department=None
    )
    t5.do(c.Assign("a1", "service"), at(6, 2, 10))  # after the month: May does not see it

    t6 = Log("t6", may(23, 9)).open(
        "praise", "service.attitude", "P4", may(23, 9, 1), department=None
    )
    t6.do(c.ResolveNow("谢谢您的表扬"), may(23, 9, 5))

    t7 = Log("t7", at(4, 29, 10), "phone").open(
        "complaint", "product.quality", "P3", at(4, 29, 10, 1)
    )
    t7.do(c.Respond("收到"), at(4, 29, 11)).settle(at(4, 29, 12), may(6, 9), may(6, 9, 30))

    t8 = Log("t8", may(21, 9)).open(
        "complaint", "billing.payment", "P2", may(21, 9, 1), department=None
    )
    t8.do(c.Merge("t4", "重复工单"), may(21, 9, 30))

    t9 = Log("t9", may(24, 10), "marketplace").open(
        "suggestion", "product.design", "P4", may(24, 10, 1), department=None
    )
    t9.do(c.Withdraw("不需要了"), may(24, 11), CUSTOMER)

    t10 = Log("t10", at(6, 3, 10)).open("complaint", "product.quality", "P2", at(6, 3, 10, 1))
    return [t.events for t in (t1, t2, t3, t4, t5, t6, t7, t8, t9, t10)]


LOGS = month_logs()


def test_first_response_time_of_tickets_received_in_the_month() -> None:
    """t1 1h30 (1h30 business), t2 Fri 17:00 -> Mon 10:00 65h (2h), t3 10m, t4 3h30 (2h30),
    t6 5m; t5 and t9 never answered; t7 is April's, t8 a merged duplicate."""
    frt = first_response_time(LOGS, MAY, calendar=CAL)
    assert frt.wall.count == frt.business.count == 5
    assert frt.pending == 2
    assert frt.wall.median == 90 * M
    assert frt.wall.mean == (90 + 3900 + 10 + 210 + 5) * M / 5
    assert frt.business.median == 90 * M
    assert frt.business.mean == 75 * M


def test_handle_time_of_tickets_resolved_in_the_month() -> None:
    """t1 25h (9h), t2 at its second resolution 113h (18h), t3 10m, t4 32h (15h), t6 5m and
    April's t7 167h30 (39h30: there are no holidays on this calendar)."""
    aht = handle_time(LOGS, MAY, calendar=CAL)
    assert aht.wall.count == 6
    assert aht.wall.mean == (1500 + 6780 + 10 + 1920 + 5 + 10050) * M / 6
    assert aht.wall.median == 1710 * M
    assert aht.business.mean == 817.5 * M
    assert aht.business.median == 12 * H
    assert aht.pending == 1  # t5, received in May and still open on June 1


def test_first_contact_resolution_handoff_and_reopen_rates() -> None:
    fcr = first_contact_resolution(LOGS, MAY)
    assert (fcr.numerator, fcr.denominator) == (2, 6)  # t3 and t6 answered at once
    assert resolved_without_handoff(LOGS, MAY).numerator == 5  # all but t2 (transfer, reopen)
    reopen = reopen_rate(LOGS, MAY)
    assert (reopen.numerator, reopen.denominator, reopen.value) == (1, 6, 1 / 6)


def test_satisfaction_of_the_answers_recorded_in_the_month() -> None:
    """t1 CSAT 5 / NPS 10 / CES 2, t2 2 / 3 / 6 (unsatisfied), t4 4 / 8 / 3."""
    s = satisfaction(LOGS, MAY)
    assert s.responses == 3
    assert (s.csat.numerator, s.csat.denominator) == (2, 3)
    assert (s.promoters, s.passives, s.detractors) == (1, 1, 1)
    assert s.nps == 0
    assert s.ces == pytest.approx(11 / 3)
    assert dict(s.levels) == {"satisfied": 1, "basically_satisfied": 1, "unsatisfied": 1}


def test_satisfaction_trend_by_week_and_by_month() -> None:
    weeks = satisfaction_trend(LOGS, MAY.weeks())
    assert [(p.period.start.day, p.satisfaction.responses) for p in weeks] == [
        (1, 0),
        (6, 1),
        (13, 1),
        (20, 1),
        (27, 0),
    ]
    assert [p.satisfaction.csat.value for p in weeks] == [None, 1.0, 0.0, 1.0, None]
    spring = Period(at(4, 1, 0), at(7, 1, 0))
    months = satisfaction_trend(LOGS, spring.months())
    assert [p.satisfaction.responses for p in months] == [0, 3, 0]
    assert satisfaction_trend(LOGS, ()) == ()


def test_sla_compliance_with_pauses_excluded_and_counted() -> None:
    """First response: t1, t2 (twice: the reopening starts a new cycle), t3, t6 met; t4 took
    2h30 of its 2h.  Resolution: every finished clock met once the customer's waiting is
    left out; counting it, t4 (32h of 24h) and t7 (39h30 of 31h) are late.  t5 is still
    running and breached on both; t9 was withdrawn (cancelled, not counted).  Measured, as
    here, to the execution's end (``resolution_end="resolved"``)."""
    executed = SlaPolicy.default(resolution_end="resolved")
    first, resolution = sla_compliance(LOGS, MAY, policy=executed, calendar=CAL)
    assert first.metric == "first_response"
    assert (first.finished, first.met, first.met_pauses_running, first.overdue_open) == (6, 5, 5, 1)
    assert resolution.metric == "resolution"
    assert (
        resolution.finished,
        resolution.met,
        resolution.met_pauses_running,
        resolution.overdue_open,
    ) == (7, 7, 5, 1)
    assert resolution.rate.value == 1.0
    assert resolution.rate_pauses_running.value == pytest.approx(5 / 7)

    # By default the clock stops at 办结, the solution given, before any waiting on the
    # customer: t7's was given in April, and no finished clock counts a wait.
    (_, given) = sla_compliance(LOGS, MAY, policy=POLICY, calendar=CAL)
    assert (given.finished, given.met, given.met_pauses_running, given.overdue_open) == (
        6, 6, 6, 1,
    )  # fmt: skip


def test_a_ticket_idle_since_an_earlier_month_is_still_overdue() -> None:
    march = Log("old", at(3, 4, 10)).open(
        "complaint", "product.quality", "P3", at(3, 4, 11), department=None
    )
    for clock in sla_compliance([march.events], MAY, policy=POLICY, calendar=CAL):
        assert (clock.finished, clock.overdue_open) == (0, 1)


def test_a_month_reads_nothing_after_its_end() -> None:
    """Events after May (t5's June assignment, t10) change nothing in May's numbers."""
    cut = [[e for e in log if e.at < MAY.end] for log in LOGS]
    cut = [log for log in cut if log]
    for by in ("kind", "department", "category"):
        assert distribution(cut, MAY, by) == distribution(LOGS, MAY, by)
    assert backlog(cut, MAY.end) == backlog(LOGS, MAY.end)
    assert sla_compliance(cut, MAY, policy=POLICY, calendar=CAL) == sla_compliance(
        LOGS, MAY, policy=POLICY, calendar=CAL
    )


def test_backlog_at_the_end_of_the_month_and_at_an_instant() -> None:
    end = backlog(LOGS, MAY.end)
    assert end.total == 1
    assert end.by_status["triaged"] == 1  # t5: its June assignment is not seen
    assert sum(end.by_status.values()) == 1
    assert dict(end.by_age) == {"<1d": 0, "1-3d": 0, "3-7d": 0, "7-30d": 1, ">=30d": 0}
    monday = backlog(LOGS, may(6, 9))  # t7 waits on the customer since April 29
    assert monday.by_status["awaiting_customer"] == 1
    assert monday.by_age["3-7d"] == 1


def test_distributions_of_tickets_received_in_the_month() -> None:
    assert distribution(LOGS, MAY, "kind") == {
        "complaint": 4,
        "suggestion": 1,
        "inquiry": 1,
        "praise": 1,
    }
    channels = distribution(LOGS, MAY, "channel")
    assert {k: v for k, v in channels.items() if v} == {
        "chat": 2,
        "phone": 1,
        "email": 1,
        "social": 1,
        "store": 1,
        "marketplace": 1,
    }
    assert list(channels)[:2] == ["phone", "email"]  # vocabulary order, zeros kept
    assert distribution(LOGS, MAY, "priority") == {"P1": 1, "P2": 0, "P3": 3, "P4": 3}
    assert distribution(LOGS, MAY, "department") == {"unassigned": 4, "finance": 2, "warehouse": 1}
    assert sum(distribution(LOGS, MAY, "category").values()) == 7
    with pytest.raises(ValidationError, match="choose from"):
        distribution(LOGS, MAY, "colour")


def test_top_three_problems_leave_praise_out_and_break_ties_in_vocabulary_order() -> None:
    assert top_categories(LOGS, MAY) == (
        (Category.BILLING_PAYMENT, 2),
        (Category.PRODUCT_DESIGN, 1),
        (Category.SERVICE_ATTITUDE, 1),
    )
    assert top_categories(LOGS, MAY, n=1) == ((Category.BILLING_PAYMENT, 2),)


def test_an_empty_month_has_no_rates_rather_than_zero() -> None:
    march = Period.month(2024, 3, SH)
    assert first_contact_resolution(LOGS, march).value is None
    s = satisfaction(LOGS, march)
    assert (s.csat.value, s.nps, s.ces) == (None, None, None)
    frt = first_response_time(LOGS, march, calendar=CAL)
    assert (frt.wall.count, frt.wall.mean, frt.wall.median) == (0, None, None)
    assert top_categories(LOGS, march) == ()
    assert all(
        c.rate.value is None for c in sla_compliance(LOGS, march, policy=POLICY, calendar=CAL)
    )


def test_periods_are_half_open_and_cut_into_weeks_and_months() -> None:
    assert may(1, 0) in MAY
    assert MAY.end not in MAY
    assert "May" not in MAY
    weeks = MAY.weeks()
    assert [w.start.day for w in weeks] == [1, 6, 13, 20, 27]
    assert weeks[0].end == may(6, 0)
    assert weeks[-1].end == MAY.end
    assert all(w.start.weekday() == 0 for w in weeks[1:])
    assert [m.start.month for m in Period(may(15, 0), at(7, 2, 0)).months()] == [5, 6, 7]
    with pytest.raises(ValidationError, match="start < end"):
        Period(MAY.end, MAY.start)
    with pytest.raises(ValidationError, match="month"):
        Period.month(2024, 13, SH)
    with pytest.raises(ComplaintflowError):
        Period(dt.datetime(2024, 5, 1), MAY.end)  # naive


def test_a_log_given_twice_or_empty_is_refused() -> None:
    with pytest.raises(ValidationError, match="twice"):
        satisfaction([LOGS[0], LOGS[0]], MAY)
    with pytest.raises(ValidationError, match="empty"):
        satisfaction([[]], MAY)


# -- property: the KPIs agree with a brute-force recount --------------------

KINDS = [k.value for k in Kind]
CATEGORIES = [None, *(k.value for k in Category)]


@st.composite
def random_log(draw: st.DrawFn, tid: str) -> list[Event]:
    """A ticket walking a random prefix of a random path, at random gaps, April-June."""
    received = at(4, 20, 0) + dt.timedelta(minutes=draw(st.integers(0, 70 * 24 * 60)))
    log = Log(tid, received, draw(st.sampled_from(["chat", "phone", "email", "store"])))
    kind = draw(st.sampled_from(KINDS))
    first_contact = kind in ("inquiry", "praise") and draw(st.booleans())
    steps: list[tuple[c.Command, Actor]] = [
        (c.Triage(kind, draw(st.sampled_from(CATEGORIES)), f"P{draw(st.integers(1, 4))}"), AGENT)
    ]
    if first_contact:
        steps.append((c.ResolveNow("已解答"), AGENT))
    else:
        steps += [
            (c.Assign("a1", draw(st.sampled_from(["finance", "tech"]))), AGENT),
            (c.Investigate(), AGENT),
        ]
        if draw(st.booleans()):
            steps += [(c.Transfer("warehouse", "转仓库"), AGENT), (c.Investigate(), AGENT)]
        steps += [
            (c.Respond("您好"), AGENT),
            (c.ProposeSolution("退款"), AGENT),
            (c.CustomerAccepts(), CUSTOMER),
            (c.Complete(), AGENT),
        ]
    score = draw(st.integers(1, 5))
    steps += [
        (
            c.RecordSurvey(
                SurveyResponse.from_csat(score, nps=draw(st.integers(0, 10))), reopen_to="s1"
            ),
            CUSTOMER,
        ),
        (draw(st.sampled_from([c.Close(), c.Reopen("客户来电")])), AGENT),
    ]
    ending = draw(st.sampled_from([None, None, "withdraw", "merge"]))
    cut = draw(st.integers(0, len(steps)))
    steps = steps[:cut]
    if ending == "withdraw":
        steps.append((c.Withdraw("算了"), CUSTOMER))
    elif ending == "merge":
        steps.append((c.Merge("other", "重复"), AGENT))
    when = received
    for command, actor in steps:
        when = when + dt.timedelta(minutes=draw(st.integers(0, 4 * 24 * 60)))
        try:
            log.do(command, when, actor)
        except ComplaintflowError:
            break  # e.g. closing before the survey window: the story ends here
    return log.events


@st.composite
def random_logs(draw: st.DrawFn) -> list[list[Event]]:
    return [draw(random_log(f"r{n}")) for n in range(draw(st.integers(0, 8)))]


def known(logs: Sequence[Sequence[Event]], end: pendulum.DateTime) -> list[Ticket]:
    cut = [[e for e in log if e.at < end] for log in logs]
    return [replay(log) for log in cut if log]


@given(random_logs(), st.sampled_from([4, 5, 6]))
def test_kpis_agree_with_a_brute_force_recount(logs: list[list[Event]], month: int) -> None:
    period = Period.month(2024, month, SH)
    tickets = known(logs, period.end)
    counted = [t for t in tickets if t.status is not Status.MERGED]
    received = [t for t in counted if period.start <= t.received_at < period.end]
    for by in ("kind", "category", "channel", "priority", "department"):
        assert sum(distribution(logs, period, by).values()) == len(received)
    assert sum(n for _, n in top_categories(logs, period)) <= len(received)

    frt = first_response_time(logs, period, calendar=CAL)
    assert frt.wall.count + frt.pending == len(received)
    assert frt.wall.count == sum(t.first_response_at is not None for t in received)
    if frt.wall.count:
        assert frt.business.mean is not None
        assert frt.wall.mean is not None
        assert frt.business.mean <= frt.wall.mean  # business time never exceeds wall time

    fcr = first_contact_resolution(logs, period)
    assert fcr.numerator <= fcr.denominator
    assert reopen_rate(logs, period).denominator == fcr.denominator
    assert handle_time(logs, period, calendar=CAL).wall.count == fcr.denominator

    open_now = [t for t in counted if t.status.open]
    assert backlog(logs, period.end).total == len(open_now)

    merged = {t.id for t in tickets if t.status is Status.MERGED}
    answers = sum(
        isinstance(e.payload, SurveyRecorded) and e.at in period
        for log in logs
        for e in log
        if e.ticket_id not in merged
    )
    s = satisfaction(logs, period)
    assert s.responses == answers
    assert s.csat.value is None or 0 <= s.csat.value <= 1
    assert s.nps is None or -100 <= s.nps <= 100
    weekly = satisfaction_trend(logs, period.weeks())
    assert sum(p.satisfaction.responses for p in weekly) == s.responses

    for comp in sla_compliance(logs, period, policy=POLICY, calendar=CAL):
        assert comp.met_pauses_running <= comp.met <= comp.finished
        for rate in (comp.rate.value, comp.rate_pauses_running.value):
            assert rate is None or 0 <= rate <= 1
        assert not math.isnan(comp.rate.value or 0.0)
