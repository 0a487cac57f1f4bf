"""Durations as people read them, in zh-CN and English, one way everywhere.

The CLI, the monthly report, notifications and ``explain()`` all print
spans of time; they used to print them three ways (``3:40:00``, ``1 day,
1:00:00``, ``2h 56m``).  One writer keeps a reader from having to learn
each: whole minutes (seconds say nothing about a service level), days
beyond 24 hours, and a word for "left" or "over" instead of a sign.

>>> import datetime as dt
>>> format_duration(dt.timedelta(hours=2, minutes=56))
'2h 56m'
>>> format_duration(dt.timedelta(days=1, hours=1), "zh")
'1天1小时00分'
>>> remaining(dt.timedelta(hours=-6, minutes=-45), "en")
'over by 6h 45m'
"""

from __future__ import annotations

import datetime as dt

from complaintflow.errors import ValidationError

__all__ = ["format_duration", "remaining", "spent_of"]

_DAY = 24 * 60


def _lang(lang: str) -> str:
    """``zh``, ``zh-CN``, ``zh-Hans``… read as Chinese; ``en``, ``en-GB``… as English."""
    base = lang.split("-", 1)[0].split("_", 1)[0].lower()
    if base not in ("zh", "en"):
        raise ValidationError(
            f"lang must be zh or en (or a regional form), got {lang!r}", field="lang"
        )
    return base


def format_duration(span: dt.timedelta | None, lang: str = "en", *, days: bool = True) -> str:
    """``1d 2h 05m`` / ``1天2小时05分``; seconds are dropped; ``None`` shows ``—``.

    ``days=False`` keeps whole hours (``25h 00m``): business time counts
    opening hours, and "1d" would read as a calendar day.

    Under a minute is ``<1m`` (``不足1分钟``) rather than ``0m``, so a real
    span never reads as none.  A negative span is written by its size:
    say which way it points with :func:`remaining`.
    """
    zh = _lang(lang) == "zh"
    if span is None:
        return "—"
    minutes = int(abs(span.total_seconds()) // 60)
    if minutes < 1:
        return "不足1分钟" if zh else "<1m"
    whole_days, rest = divmod(minutes, _DAY) if days else (0, minutes)
    hours, mins = divmod(rest, 60)
    if zh:
        if not whole_days and not hours:
            return f"{mins}分钟"
        return (f"{whole_days}天" if whole_days else "") + f"{hours}小时{mins:02d}分"
    parts = ([f"{whole_days}d"] if whole_days else []) + (
        [f"{hours}h"] if hours or whole_days else []
    )
    return " ".join([*parts, f"{mins:02d}m" if parts else f"{mins}m"])


def remaining(span: dt.timedelta, lang: str = "en") -> str:
    """Time left before a deadline (``span`` ≥ 0) or past it (``span`` < 0), in words."""
    text = format_duration(span, lang)
    if _lang(lang) == "zh":
        return f"已超时{text}" if span < dt.timedelta(0) else f"还剩{text}"
    return f"over by {text}" if span < dt.timedelta(0) else f"{text} left"


def spent_of(spent: dt.timedelta, budget: dt.timedelta, lang: str = "en") -> str:
    """``3h 40m of 1d 1h 00m`` / ``已用3小时40分（共1天1小时00分）``: a clock against its target."""
    if _lang(lang) == "zh":
        return f"已用{format_duration(spent, lang)}（共{format_duration(budget, lang)}）"
    return f"{format_duration(spent, lang)} of {format_duration(budget, lang)}"
