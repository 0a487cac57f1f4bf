"""The HTML report in a real browser: headless Chromium draws the charts and the Chinese text.

Skipped when Chromium is not installed, except in CI (``CI`` set), where it
must be (``apt-get install -y chromium``) and its absence fails the test.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pendulum
import pytest

from complaintflow.domain import commands as c
from complaintflow.domain.events import Event
from complaintflow.domain.lifecycle import apply, open_ticket
from complaintflow.domain.values import Actor, SurveyResponse, TicketDraft
from complaintflow.metrics import MonthlyReport, monthly_report
from complaintflow.metrics._svg import BAR, LINE, MUTED, TOP
from complaintflow.sla.calendar import BusinessCalendar
from complaintflow.sla.policy import SlaPolicy

POLICY = SlaPolicy.default()
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]
At = Callable[..., pendulum.DateTime]
CATEGORIES = [
    "billing.payment",
    "billing.payment",
    "billing.payment",
    "logistics.timeliness",
    "logistics.timeliness",
    "product.quality",
    "service.attitude",
    "billing.invoice",
]


NAMES = ("chromium", "chromium-browser", "/usr/bin/chromium")


def chromium() -> str:
    found = next((path for path in map(shutil.which, NAMES) if path), None)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(
                "CI must install Chromium for the report browser test: apt-get install -y chromium"
            )
        pytest.skip(
            "Chromium is not installed (apt-get install -y chromium); "
            "the browser rendering test needs it"
        )
    return found


def month(at: At, agent: Actor, customer: Actor) -> list[list[Event]]:
    logs = []
    for n, category in enumerate(CATEGORIES):
        received = at(6 + 3 * n, 10)
        t, log = open_ticket(
            TicketDraft(f"问题 {n} <b>", "chat", received),
            ticket_id=f"t{n}",
            number=f"TS-{n}",
            actor=agent,
            sla_version=POLICY.version,
        )
        steps: list[tuple[c.Command, int, Actor]] = [
            (c.Triage("complaint", category, "P3"), 1, agent),
            (c.Assign("a1", "ops"), 2, agent),
            (c.Investigate(), 3, agent),
            (c.Respond("您好"), 30 + 60 * n, agent),
            (c.ProposeSolution("退款"), 600, agent),
            (c.CustomerAccepts(), 1500, customer),
            (c.Complete(), 1560, agent),
            (c.RecordSurvey(SurveyResponse.from_csat(5 - n % 3, nps=9)), 2000, customer),
        ]
        for command, minutes, actor in steps[: 8 if n < 7 else 3]:
            t, more = apply(t, command, actor=actor, at=received.add(minutes=minutes))
            log.extend(more)
        logs.append(log)
    return logs


@pytest.fixture(scope="module")
def report(office_week: BusinessCalendar, at: At, agent: Actor, customer: Actor) -> MonthlyReport:
    return monthly_report(
        month(at, agent, customer),
        year=2024,
        month=5,
        zone=office_week.tz,
        policy=POLICY,
        calendar=office_week,
    )


def run(browser: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / "profile"
    return subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        timeout=120,
        check=True,
    )


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """Width, height, bytes per pixel and the unfiltered pixel rows of an 8-bit RGB(A) PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, bytearray(), b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8, depth
    assert colour in (2, 6), colour
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(bytes(idat)), width * bpp
    out, prev = bytearray(), bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, row = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:
            for i in range(bpp, stride):
                row[i] = (row[i] + row[i - bpp]) & 255
        elif kind == 2:
            row = bytearray((a + b) & 255 for a, b in zip(row, prev, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = row[i - bpp] if i >= bpp else 0
                row[i] = (row[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:
            for i in range(stride):
                a = row[i - bpp] if i >= bpp else 0
                b, cc = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - cc
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - cc)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else cc
                row[i] = (row[i] + pred) & 255
        out += row
        prev = row
    return width, height, bpp, bytes(out)


def rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def test_the_charts_are_drawn_in_a_screenshot(report: MonthlyReport, tmp_path: Path) -> None:
    browser = chromium()
    page, shot = tmp_path / "report.html", tmp_path / "report.png"
    page.write_text(report.to_html("en"), encoding="utf-8")
    run(browser, tmp_path, f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri())
    width, height, bpp, pixels = decode_png(shot.read_bytes())
    assert (width, height) == (1200, 2000)
    colours = Counter(pixels[i : i + 3] for i in range(0, len(pixels), bpp))
    white = colours[bytes((255, 255, 255))] + colours[bytes(rgb("#f8fafc"))]
    assert white < width * height * 0.95, "the page is blank"
    painted = {
        name: colours[bytes(rgb(colour))]
        for name, colour in (("bars", BAR), ("top3", TOP), ("trend", LINE), ("muted", MUTED))
    }
    # kinds, categories and SLA bars; the three highlighted categories; the trend's markers;
    # the SLA bars with pauses counted and the backlog ages
    assert painted["bars"] > 5000, painted
    assert painted["top3"] > 1500, painted
    assert painted["trend"] > 300, painted
    assert painted["muted"] > 2000, painted


class SvgShapes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.svgs = 0
        self.rects: list[tuple[float, float]] = []
        self.lines = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "svg":
            self.svgs += 1
        elif tag == "rect":
            self.rects.append((float(found["width"] or 0), float(found["height"] or 0)))
        elif tag == "polyline":
            self.lines += 1

    handle_startendtag = handle_starttag


def test_the_charts_are_in_the_rendered_dom(report: MonthlyReport, tmp_path: Path) -> None:
    browser = chromium()
    page = tmp_path / "report.html"
    page.write_text(report.to_html(), encoding="utf-8")
    dom = run(browser, tmp_path, "--dump-dom", page.as_uri()).stdout.decode("utf-8")
    shapes = SvgShapes()
    shapes.feed(dom)
    assert shapes.svgs == 5
    assert sum(w > 0 and h > 0 for w, h in shapes.rects) >= 20
    assert shapes.lines >= 1
    assert "《客户反馈月度报告》 2024-05" in dom
    assert "问题 0 &lt;b&gt;" in dom  # customer text stayed text in the browser too


def test_without_chromium_the_test_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(globals(), "NAMES", ("no-such-browser-here",))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium"):
        chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must install Chromium"):
        chromium()


def glyph_cells(browser: str, tmp_path: Path, text: str, size: int = 80) -> list[bytes]:
    """Each character of ``text`` drawn alone in the report's font stack, as raw pixels."""
    from complaintflow.metrics._html import CSS

    cells = "".join(
        f'<div style="position:absolute;left:{i * size}px;top:0;width:{size}px;'
        f"height:{size}px;font-size:{size * 3 // 4}px;line-height:{size}px;"
        f'text-align:center">{ch}</div>'
        for i, ch in enumerate(text)
    )
    page, shot = tmp_path / "glyphs.html", tmp_path / "glyphs.png"
    page.write_text(
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<style>{CSS}body{{background:#fff;color:#000}}</style></head>"
        f"<body>{cells}</body></html>",
        encoding="utf-8",
    )
    run(
        browser,
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={size * len(text)},{size}",
        page.as_uri(),
    )
    width, _, bpp, pixels = decode_png(shot.read_bytes())
    stride = width * bpp
    return [
        b"".join(
            pixels[y * stride + i * size * bpp : y * stride + (i + 1) * size * bpp]
            for y in range(size)
        )
        for i in range(len(text))
    ]


def test_chinese_headings_draw_as_glyphs_not_tofu(tmp_path: Path) -> None:
    """Without a CJK font every Chinese character is the same empty box (tofu).

    The other browser tests check colours and the DOM, which stay right when
    no glyph is readable; here distinct characters of the report's headings
    must draw distinct, inked pictures (CI installs ``fonts-noto-cjk``).
    """
    from complaintflow.metrics._labels import word

    text = "".join(dict.fromkeys(word("title", "zh") + word("sla", "zh").replace("SLA ", "")))
    cells = glyph_cells(chromium(), tmp_path, text)
    blank = bytes(cells[0][:3]) * (len(cells[0]) // 3)
    inked = [cell != blank for cell in cells]
    assert all(inked), f"characters drew nothing: {text!r} -> {inked}"
    shapes = len(set(cells))
    assert shapes == len(text), (
        f"{len(text)} different Chinese characters of the report's headings ({text}) draw as "
        f"{shapes} different picture(s): the glyphs are tofu boxes, no CJK font is installed "
        "(apt-get install -y fonts-noto-cjk)"
    )
