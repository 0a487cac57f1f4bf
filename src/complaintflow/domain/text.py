"""What a text field may hold, the same for every store.

Python strings can hold characters no backend stores: NUL is kept by the
memory and SQLite stores but refused by PostgreSQL (``text`` and ``jsonb``
have no NUL), and a lone surrogate (U+D800..U+DFFF, e.g. from a badly
decoded form post) has no UTF-8 encoding at all.  Refusing both when a
value is built means a ticket valid on one store can move to any other,
and a bad field is reported as the caller's :class:`ValidationError`
instead of a backend failure three layers down.

Messages name the field, the position and the code point, never the text:
the text is customer input and may carry contact data.
"""

from __future__ import annotations

import re

from complaintflow.errors import ValidationError

__all__ = ["check_text", "unstorable"]

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable(text: str) -> tuple[int, str] | None:
    """The first character no store can keep, as ``(index, "U+XXXX")``, or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return found.start(), f"U+{ord(found.group()):04X}"


def _kind(value: object) -> str:
    return "an empty string" if isinstance(value, str) else type(value).__name__


def check_text(
    value: object, field: str, *, owner: str | None = None, optional: bool = False
) -> None:
    """Refuse a non-string, a blank string or a string some store cannot keep.

    ``owner`` prefixes the field in the message (``Comment.text``) when the
    field name alone is ambiguous.
    """
    if optional and value is None:
        return
    name = f"{owner}.{field}" if owner else field
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{name} must be a non-empty string, got {_kind(value)}", field=field)
    bad = unstorable(value)
    if bad is not None:
        index, code = bad
        what = "NUL" if code == "U+0000" else "a lone surrogate"
        raise ValidationError(
            f"{name} holds {what} ({code}) at index {index}, which no store can keep; "
            "remove it, or decode the input with errors='replace'",
            field=field,
        )
