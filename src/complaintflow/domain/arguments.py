"""Argument checks for the public entry points, in the domain's words.

Python does not check annotations, so ``desk.execute(tid, "comment",
actor=None)`` would reach the lifecycle and fail there with an
``AttributeError`` that tells the host nothing.  The desk calls these
checks first; each raises :class:`~complaintflow.errors.ValidationError`
naming the argument and the type it got (never the value: it may be
customer text).

:func:`command` also applies the text rules of
:mod:`complaintflow.domain.text` to every string a command carries, so a
comment with NUL is refused the same way on every store.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from complaintflow.clock import instant
from complaintflow.domain import commands as c
from complaintflow.domain.text import check_text, unstorable
from complaintflow.domain.values import Actor
from complaintflow.errors import ValidationError

__all__ = ["actor", "command", "count", "moment", "ticket_id"]

# Beyond this no store can hold the number (SQLite and PostgreSQL use 64-bit integers).
_MAX_INT = 2**63 - 1


def actor(value: object, field: str = "actor") -> Actor:
    """The actor of a command, refused unless it is an :class:`Actor`."""
    if not isinstance(value, Actor):
        raise ValidationError(
            f"{field} must be an Actor such as Actor.staff('wang.fang', Role.AGENT), "
            f"got {type(value).__name__}",
            field=field,
        )
    return value


def ticket_id(value: object, field: str = "ticket_id") -> str:
    """A ticket id: a non-empty string every store can keep."""
    check_text(value, field)
    assert isinstance(value, str)
    return value


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple | list | frozenset):
        return [each for each in value if isinstance(each, str)]
    return []


def command(value: object, field: str = "command") -> c.Command:
    """A lifecycle command, with every string it carries storable on any backend."""
    if not isinstance(value, c.Command):
        raise ValidationError(
            f"{field} must be a command such as Comment('called the customer back'), "
            f"got {type(value).__name__}; or call the desk method of the same name",
            field=field,
        )
    for attribute in attrs.fields(type(value)):
        for text in _strings(getattr(value, attribute.name)):
            bad = unstorable(text)
            if bad is not None:
                check_text(text, attribute.name, owner=type(value).__name__)
    return value


def count(value: object, field: str, *, low: int = 1, high: int = _MAX_INT) -> int:
    """An integer argument (a limit, a version, a sequence number) a store can hold."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        shown = value if isinstance(value, int) and abs(value) < 10**20 else type(value).__name__
        raise ValidationError(
            f"{field} must be an integer from {low} to {high}, got {shown}", field=field
        )
    return value


def moment(value: object, field: str) -> dt.datetime:
    """An aware datetime (naive ones are refused: they mean different times per office)."""
    return instant(value, field)
