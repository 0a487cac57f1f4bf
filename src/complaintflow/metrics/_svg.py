"""Small inline SVG charts, written by hand: horizontal and vertical bars, one line.

Every label passes through :func:`html.escape`; shapes use solid fills with
``crispEdges`` so a chart's colours are exact in a rendered page.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from complaintflow.metrics._labels import escape

BAR = "#2563eb"
TOP = "#ea580c"
LINE = "#16a34a"
MUTED = "#94a3b8"
TRACK = "#e5e7eb"
INK = "#1f2937"
FONT = 'font-family="inherit" font-size="12" fill="#1f2937"'


@attrs.frozen
class Bar:
    label: str
    value: float
    text: str
    color: str = BAR


def _open(width: int, height: int, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
    )


def _rect(x: float, y: float, w: float, h: float, color: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}"/>'


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" {FONT}{extra}>{escape(text)}</text>'
    )


def hbars(
    bars: Sequence[Bar],
    *,
    title: str,
    scale: float | None = None,
    width: int = 560,
    label_width: int = 150,
    track: bool = False,
) -> str:
    """One horizontal bar per row; ``scale`` is the value of a full bar (default: the max)."""
    row, bar_h = 26, 16
    height = max(1, len(bars)) * row + 8
    top = max((bar.value for bar in bars), default=0.0)
    full = scale or top or 1.0
    area = width - label_width - 110
    parts = [_open(width, height, title)]
    for index, bar in enumerate(bars):
        y = 4 + index * row
        parts.append(_text(label_width - 8, y + 13, bar.label, "end"))
        if track:
            parts.append(_rect(label_width, y + 2, area, bar_h, TRACK))
        length = area * max(0.0, min(bar.value, full)) / full
        if length > 0:
            parts.append(_rect(label_width, y + 2, length, bar_h, bar.color))
        parts.append(_text(label_width + (area if track else length) + 6, y + 14, bar.text))
    parts.append("</svg>")
    return "".join(parts)


def vbars(bars: Sequence[Bar], *, title: str, width: int = 420, height: int = 220) -> str:
    """Vertical bars with the value above and the label below each."""
    base, head = height - 30, 22
    top = max((bar.value for bar in bars), default=0.0) or 1.0
    slot = (width - 40) / max(1, len(bars))
    parts = [_open(width, height, title), _rect(20, base, width - 40, 1, INK)]
    for index, bar in enumerate(bars):
        x = 20 + index * slot
        length = (base - head) * bar.value / top
        if length > 0:
            parts.append(_rect(x + slot * 0.2, base - length, slot * 0.6, length, bar.color))
        parts.append(_text(x + slot / 2, base - length - 6, bar.text, "middle"))
        parts.append(_text(x + slot / 2, base + 18, bar.label, "middle"))
    parts.append("</svg>")
    return "".join(parts)


def line(
    points: Sequence[tuple[str, float | None]],
    *,
    title: str,
    low: float = 0.0,
    high: float = 100.0,
    unit: str = "%",
    width: int = 560,
    height: int = 240,
) -> str:
    """A line over labelled points; a point without a value leaves a gap."""
    left, right, top, bottom = 48, 24, 28, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1) if len(points) > 1 else 0.0

    def y_of(value: float) -> float:
        return top + plot_h * (1 - (min(max(value, low), high) - low) / (high - low))

    parts = [_open(width, height, title)]
    for tick in range(5):
        level = low + (high - low) * tick / 4
        parts.append(_rect(left, y_of(level), plot_w, 1, TRACK))
        parts.append(_text(left - 6, y_of(level) + 4, f"{level:g}{unit}", "end"))
    xs = [left + (index * step if len(points) > 1 else plot_w / 2) for index in range(len(points))]
    run: list[str] = []
    for x, (_, value) in [*zip(xs, points, strict=True), (0.0, ("", None))]:
        if value is None:
            if len(run) > 1:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{LINE}" '
                    f'stroke-width="3" shape-rendering="geometricPrecision"/>'
                )
            run = []
            continue
        run.append(f"{x:.1f},{y_of(value):.1f}")
    for x, (label, value) in zip(xs, points, strict=True):
        parts.append(_text(x, height - bottom + 18, label, "middle"))
        if value is not None:
            parts.append(_rect(x - 5, y_of(value) - 5, 10, 10, LINE))
            parts.append(_text(x, y_of(value) - 10, f"{value:.0f}{unit}", "middle"))
    parts.append("</svg>")
    return "".join(parts)
