"""One way to write a span of time, in zh and en, wherever complaintflow prints one."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.values import Actor, TicketDraft
from complaintflow.durations import format_duration, remaining, spent_of
from complaintflow.errors import ValidationError
from complaintflow.service.notifications import NotificationKind, compose

H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)


@pytest.mark.parametrize(
    ("span", "en", "zh"),
    [
        (None, "—", "—"),
        (dt.timedelta(seconds=20), "<1m", "不足1分钟"),
        (45 * M, "45m", "45分钟"),
        (2 * H + 56 * M + dt.timedelta(seconds=59), "2h 56m", "2小时56分"),
        (25 * H, "1d 1h 00m", "1天1小时00分"),
        (3 * 24 * H + 5 * M, "3d 0h 05m", "3天0小时05分"),
    ],
)
def test_one_writing_per_language(span: dt.timedelta | None, en: str, zh: str) -> None:
    assert format_duration(span) == format_duration(span, "en-GB") == en
    assert format_duration(span, "zh") == format_duration(span, "zh-CN") == zh


def test_business_hours_stay_hours() -> None:
    assert format_duration(25 * H, days=False) == "25h 00m"
    assert format_duration(25 * H, "zh", days=False) == "25小时00分"


def test_left_and_over_say_which_way() -> None:
    assert remaining(2 * H) == "2h 00m left"
    assert remaining(-(6 * H + 45 * M)) == "over by 6h 45m"
    assert remaining(-(6 * H + 45 * M), "zh-CN") == "已超时6小时45分"
    assert remaining(30 * M, "zh") == "还剩30分钟"
    assert spent_of(3 * H + 40 * M, 25 * H) == "3h 40m of 1d 1h 00m"
    assert spent_of(3 * H + 40 * M, 8 * H, "zh") == "已用3小时40分（共8小时00分）"


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValidationError, match="lang must be zh or en"):
        format_duration(H, "fr")


def test_staff_alerts_say_how_far_the_deadline_is() -> None:
    at = pendulum.datetime(2024, 5, 20, 15, tz="Asia/Shanghai")
    ticket, _ = open_ticket(
        TicketDraft("扣了两次", "chat", at),
        ticket_id="t1",
        number="TS1",
        actor=Actor.system("t"),
        sla_version="v",
    )
    alert = compose(
        NotificationKind.SLA_ALERT,
        ticket,
        key="k",
        at=at,
        expected=at.add(hours=-6, minutes=-45),
        lang="en",
        extra={"metric": "resolution", "alert": "breach", "role": "supervisor"},
    )
    assert "(over by 6h 45m)" in alert.body
    alert = compose(
        NotificationKind.SLA_ALERT,
        ticket,
        key="k",
        at=at,
        expected=at.add(hours=2, minutes=56),
        lang="zh-CN",
        extra={"metric": "resolution", "alert": "warning", "role": "agent"},
    )
    assert "（还剩2小时56分）" in alert.body


def test_explain_writes_a_breach_as_every_other_duration() -> None:
    from complaintflow.domain import commands as c
    from complaintflow.sla.calendar import BusinessCalendar
    from complaintflow.sla.explain import explain
    from complaintflow.sla.measure import measure
    from complaintflow.sla.policy import SlaPolicy
    from complaintflow.testing import AGENT, START

    calendar = BusinessCalendar(
        tz="Asia/Shanghai", week={day: [("09:00", "18:00")] for day in range(5)}
    )
    policy, agent, received = SlaPolicy.default(), AGENT, START
    ticket, log = open_ticket(
        TicketDraft("扣了两次", "chat", received),
        ticket_id="t1",
        number="TS1",
        actor=agent,
        sla_version=policy.version,
    )
    _, more = apply(
        ticket, c.Triage("complaint", "billing.payment", "P1"), actor=agent, at=received
    )
    first = measure([*log, *more], policy, calendar, received.add(hours=8, minutes=45)).current(
        "first_response"
    )
    assert first is not None
    text = explain(first, calendar).text
    assert "Counted: Mon 2024-05-20 10:00–12:00 (2h 00m in all)." in text
    assert text.endswith("Due Mon 2024-05-20 12:00; breached, over by 6h 00m.")  # business hours
