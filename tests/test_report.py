"""The monthly report 《客户反馈月度报告》: data, Markdown and HTML renderings."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from html.parser import HTMLParser

import pendulum
import pytest

from complaintflow.demo.story import run_story
from complaintflow.domain import commands as c
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.values import Actor, Customer, SurveyResponse, TicketDraft
from complaintflow.domain.vocabulary import (
    Category,
    Channel,
    Kind,
    Priority,
    SatisfactionLevel,
    Status,
)
from complaintflow.errors import ValidationError
from complaintflow.metrics import DEFAULT_LABELS, Labels, MonthlyReport, monthly_report
from complaintflow.metrics._svg import TOP
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.policy import SlaPolicy
from complaintflow.storage.memory import InMemoryStore

SH = "Asia/Shanghai"
POLICY = SlaPolicy.default()
CUSTOMER = Actor.customer("c9")
PHONE, EMAIL = "13987654321", "lin.xiaoyu@example.com"
NASTY = f"<script>alert('x')</script> 充电器坏了 | **急** 请打 {PHONE} 或 {EMAIL}"


def ticket(
    tid: str,
    received: pendulum.DateTime,
    kind: str,
    category: str,
    priority: str,
    *,
    agent: Actor,
    text: str = "订单问题",
    resolve: bool = True,
    csat: int | None = None,
) -> list[Event]:
    customer = Customer("c9", "vip", phone=PHONE, email=EMAIL, name="林小雨")
    t, log = open_ticket(
        TicketDraft(text, "chat", received, customer),
        ticket_id=tid,
        number=f"TS-{tid}",
        actor=agent,
        sla_version=POLICY.version,
    )

    def do(command: c.Command, minutes: int, actor: Actor = agent) -> None:
        nonlocal t
        t, more = apply(t, command, actor=actor, at=received + dt.timedelta(minutes=minutes))
        log.extend(more)

    do(c.Triage(kind, category, priority), 1)
    if kind in ("inquiry", "praise"):
        if resolve:
            do(c.ResolveNow("已解答"), 20)
        return log
    do(c.Assign("a1", "客服<部>"), 2)
    do(c.Investigate(), 3)
    do(c.Respond("您好"), 30)
    if resolve:
        do(c.ProposeSolution("换新"), 60)
        do(c.CustomerAccepts(), 120, CUSTOMER)
        do(c.Complete(), 240)
        if csat is not None:
            do(
                c.RecordSurvey(
                    SurveyResponse.from_csat(csat, nps=2 * csat, ces=csat, comment=f"call {PHONE}")
                ),
                24 * 60,
                CUSTOMER,
            )
    return log


def demo_log() -> list[Event]:
    store = InMemoryStore()
    done = run_story(store)
    return store.events(done.id)


@pytest.fixture(scope="module")
def logs(at: Callable[..., pendulum.DateTime], agent: Actor) -> list[list[Event]]:
    return [
        demo_log(),  # the seed-000 duplicate charge, May 20
        ticket(
            "a", at(6, 10), "complaint", "product.quality", "P3", agent=agent, text=NASTY, csat=4
        ),
        ticket("b", at(8, 14), "complaint", "product.quality", "P2", agent=agent, csat=2),
        ticket("c", at(13, 9), "complaint", "logistics.package", "P3", agent=agent, csat=5),
        ticket("d", at(14, 11), "inquiry", "billing.invoice", "P4", agent=agent),
        ticket("e", at(21, 16), "praise", "service.attitude", "P4", agent=agent),
        ticket("f", at(27, 10), "suggestion", "product.design", "P4", agent=agent, resolve=False),
        ticket("g", at(29, 15), "complaint", "billing.payment", "P3", agent=agent, resolve=False),
    ]


@pytest.fixture(scope="module")
def report(logs: list[list[Event]], office_week: BusinessCalendar) -> MonthlyReport:
    return monthly_report(logs, year=2024, month=5, zone=SH, policy=POLICY, calendar=office_week)


def test_report_holds_the_seed_sections(report: MonthlyReport) -> None:
    assert report.label == "2024-05"
    assert report.received == 8
    assert report.distributions["kind"] == {
        "complaint": 5,
        "suggestion": 1,
        "inquiry": 1,
        "praise": 1,
    }
    assert [(t.category, t.count) for t in report.top3] == [
        ("product.quality", 2),
        ("billing.payment", 2),
        ("product.design", 1),
    ]
    assert report.top3[0].example_number == "TS-a"
    assert len(report.trend) == 5
    assert [cmp.metric for cmp in report.sla] == ["first_response", "resolution"]
    assert report.backlog.total == 3  # f and g unresolved; b reopened by its survey


def test_to_dict_is_json_safe_and_round_trips(report: MonthlyReport) -> None:
    data = report.to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text) == data
    assert data["month"] == "2024-05"
    assert data["period"] == {
        "start": "2024-05-01T00:00:00+08:00",
        "end": "2024-06-01T00:00:00+08:00",
    }
    assert data["first_response"]["wall"]["count"] == 8
    assert data["satisfaction"]["responses"] == 4
    assert data["top3"][0]["category"] == "product.quality"


def test_customer_text_is_redacted_and_contact_data_never_shown(report: MonthlyReport) -> None:
    example = report.top3[0].example
    assert PHONE not in example
    assert EMAIL not in example
    assert "139****4321" in example
    assert "l***@example.com" in example
    data = json.dumps(report.to_dict(), ensure_ascii=False)
    markup = [
        report.to_markdown(),
        report.to_markdown("en"),
        report.to_html(),
        report.to_html("en"),
    ]
    for rendering in (data, *markup):
        for secret in (PHONE, EMAIL, "13812345678", "林小雨"):
            assert secret not in rendering
    assert "<script>" in data  # data keeps the customer's words; escaping is the renderer's
    assert all("<script" not in rendering for rendering in markup)


@pytest.mark.parametrize(
    ("lang", "headings"),
    [
        (
            "zh",
            [
                "概览",
                "首次响应时间",
                "满意度",
                "满意度趋势（按周）",
                "SLA 达标率",
                "高频问题 TOP3",
                "类型分布",
                "积压工单（期末未结）",
            ],
        ),
        (
            "en",
            [
                "Overview",
                "First response time",
                "Satisfaction",
                "Satisfaction trend (by week)",
                "SLA compliance",
                "Top 3 problems",
                "Distributions",
                "Backlog (open at period end)",
            ],
        ),
    ],
)
def test_markdown_has_every_section(report: MonthlyReport, lang: str, headings: list[str]) -> None:
    text = report.to_markdown(lang)
    assert "《客户反馈月度报告》" in text
    assert text.splitlines()[0].startswith("# ")
    found = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("##")]
    for heading in headings:
        assert any(line.startswith(heading) for line in found), heading
    assert "&lt;script&gt;" in text  # the customer's markup shows as text
    assert r"\*\*急\*\*" in text
    assert r"\|" in text
    assert "| 05-06–05-12 |" in text


class Checker(HTMLParser):
    """Counts elements and checks that every non-void element is closed in order."""

    VOID = frozenset({"meta", "br", "rect", "polyline"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.counts: dict[str, int] = {}
        self.text: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1
        self.attrs.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack, f"</{tag}> closes nothing"
        assert self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_well_formed_and_self_contained(report: MonthlyReport, lang: str) -> None:
    page = report.to_html(lang)
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.stack == []
    assert checker.counts["svg"] == 5  # kinds, categories, trend, SLA, backlog age
    assert checker.counts.get("script", 0) == 0
    assert checker.counts["style"] == 1
    for tag, attrs in checker.attrs:
        assert not {"src", "href"} & set(attrs), tag
    assert not re.search(r"@import|url\(|https?://(?!www\.w3\.org/2000/svg)", page)
    text = "".join(checker.text)
    title = (
        "《客户反馈月度报告》 2024-05"
        if lang == "zh"
        else "Customer feedback monthly report 2024-05"
    )
    assert f"<title>{title}</title>" in page
    assert f"<h1>{title}</h1>" in page
    assert NASTY[:30] in text  # shown as the customer wrote it, as text, not markup
    assert "客服<部>" in text  # a host's department name, escaped
    highlighted = [a for t, a in checker.attrs if t == "rect" and a.get("fill") == TOP]
    assert len(highlighted) == 3


def test_an_empty_month_still_renders(
    logs: list[list[Event]], office_week: BusinessCalendar
) -> None:
    empty = monthly_report(logs, year=2024, month=2, zone=SH, policy=POLICY, calendar=office_week)
    assert empty.received == 0
    assert empty.top3 == ()
    data = empty.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["satisfaction"]["nps"] is None
    assert "—" in empty.to_markdown()
    checker = Checker()
    checker.feed(empty.to_html())
    assert checker.counts["svg"] == 5
    assert checker.stack == []


def test_policies_by_version_and_bad_language(
    report: MonthlyReport, logs: list[list[Event]], office_week: BusinessCalendar
) -> None:
    other = SlaPolicy.default("v2")
    both = monthly_report(
        logs[1:],
        year=2024,
        month=5,
        zone=SH,
        policy={POLICY.version: POLICY, "v2": other},
        calendar=office_week,
    )
    assert both.policy_version == "default-1, v2"
    with pytest.raises(ValidationError, match="lang"):
        report.to_markdown("fr")
    with pytest.raises(ValidationError, match="lang"):
        report.to_html("de")


def test_redaction_masks_contacts_but_keeps_dates_and_short_numbers() -> None:
    from complaintflow.metrics._labels import redact

    text = "2024-05-20 下单\n订单56，电话 138 1234 5678 或 010-12345678，邮件 a.b@x.cn"
    assert redact(text) == (
        "2024-05-20 下单 订单56，电话 138****5678 或 010****5678，邮件 a***@x.cn"
    )
    long = redact("很" * 200)
    assert len(long) == 80
    assert long.endswith("…")


# -- labels: the report reads right in both languages ---------------------------------
CODE = re.compile(
    r"\b(?:product|service|logistics|billing|policy)\.[a-z_]+\b|"
    r"\b(?:basically_satisfied|customer_service|warehouse_logistics|"
    r"awaiting_customer|awaiting_approval|first_response)\b"
)


class Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.skip = tag == "style"

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def text_of(page: str) -> str:
    parser = Text()
    parser.feed(page)
    return "".join(parser.parts)


def test_every_code_of_the_vocabulary_has_both_labels() -> None:
    codes = [*Kind, *Category, *Channel, *Priority, *SatisfactionLevel, *Status]
    for code in codes:
        zh, en = DEFAULT_LABELS.label(code, "zh"), DEFAULT_LABELS.label(code, "en")
        assert zh != code.value, code
        assert en != code.value, code
        assert re.search(r"[\u4e00-\u9fff]", zh), zh
        assert not re.search(r"[\u4e00-\u9fff]", en), en
    for department in (
        "customer_service",
        "finance",
        "technical_support",
        "warehouse_logistics",
        "quality",
    ):
        assert DEFAULT_LABELS.label(department, "en") != department


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_code_shows_in_the_report(report: MonthlyReport, lang: str) -> None:
    for text in (text_of(report.to_html(lang)), report.to_markdown(lang)):
        assert CODE.findall(text) == []


def test_english_report_is_english_from_its_title(report: MonthlyReport) -> None:
    page = report.to_html("en")
    assert "<title>Customer feedback monthly report 2024-05</title>" in page
    assert "<h1>Customer feedback monthly report 2024-05</h1>" in page
    text = text_of(page)
    assert "Billing – payment" in text
    assert "Basically satisfied" in text
    assert "Finance" in text  # departments are labelled too
    assert "Unassigned" in text
    md = report.to_markdown("en")
    assert md.startswith("# Customer feedback monthly report — 2024-05\n")
    assert "| Logistics – damaged or lost | 1 |" in md


def test_a_host_names_its_own_departments(report: MonthlyReport) -> None:
    mine = Labels.default().with_departments({"客服<部>": ("一线客服部", "Front desk")})
    assert "Front desk" in text_of(report.to_html("en", labels=mine))
    assert "一线客服部" in report.to_markdown("zh", labels=mine)
    assert "客服&lt;部&gt;" in report.to_markdown("zh")  # unlabelled: shown as is, escaped
    assert mine.label("finance", "en") == "Finance"  # the defaults stay
    with pytest.raises(ValidationError, match=r"\(zh, en\) pair"):
        Labels.default().with_departments({"x": ("only one",)})  # type: ignore[dict-item]
    with pytest.raises(ValidationError, match="lang"):
        mine.label("finance", "fr")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_percentage_says_its_base(report: MonthlyReport, lang: str) -> None:
    md = report.to_markdown(lang)
    for line in md.splitlines():
        for found in re.finditer(r"\d+\.\d%", line):
            rest = line[found.end() : found.end() + 70]
            header = line.startswith("|") and not line.startswith("|---")
            based = re.match(r" ?[（(]\d+ of \d+ |（\d+/|[，] ?占| ?of ", rest)
            assert based or header, f"{found.group()} has no base in: {line}"
    problems = 7  # complaints, suggestions and inquiries with a category
    if lang == "en":
        assert f"(28.6% of the {problems} complaints, suggestions and inquiries" in md
        assert "| Category | Count | share of the 8 tickets received |" in md
        for base in ("tickets resolved)", "answers)", "finished clocks)"):
            assert base in md
    else:
        assert f"28.6%，占本月有分类的投诉、建议、咨询 {problems} 件" in md
        assert "| 问题分类 | 数量 | 占本月受理 8 件 |" in md


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_counts_that_differ_from_received_say_why(report: MonthlyReport, lang: str) -> None:
    from complaintflow.metrics._labels import word

    md, page = report.to_markdown(lang), text_of(report.to_html(lang))
    for key in (
        "resolved_note",
        "finished_note",
        "responses_note",
        "backlog_note",
        "frt_note",
        "aht_note",
    ):
        assert word(key, lang) in md, key
        assert word(key, lang) in page, key
