"""Contact data in free text, found and masked in one place.

Customers type their phone number, e-mail, ID-card or bank-card number
into descriptions and comments; those texts then travel into reports, audit
tables, ``repr`` output, logs and error messages.  Every such output passes
its text through :func:`redact`, so the rules live here once and a format
missed in one place is missed nowhere else either.

What counts as a contact is deliberately broad: any run of at least seven
digits, with or without separators (space, dot, slash, hyphen, their
full-width forms, parentheses) and a ``+`` prefix, which covers mobile and
landline numbers with ``+86`` / ``0086``, 15- and 18-character ID cards
(``X`` check digit included) and bank cards; and any ``local@host`` e-mail,
including bare hosts such as ``alice.wong@localhost``.  Calendar dates and
clock times (``2024-05-20``, ``20/05/2024``, ``10:00``) are kept, and a run
that starts glued to an ASCII letter or digit (ticket numbers such as
``TS20240520-0001``, hex ids) is not a contact: ``tel13812345678`` is the one spelling this misses.
Masking over-reaches on purpose: a long order number masked in a report
costs less than one phone number shown.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["mask_email", "mask_phone", "redact", "redacted_repr"]

# Separators people put between digit groups, ASCII and full-width.
_SEP = r"[ \u00a0\u3000.\-/()\uff0d\uff0e\uff0f\uff08\uff09\u2010\u2011\u2012\u2013\u2014_]"
_DIGIT = r"\d"
_DATE = (
    r"(?:19|20)\d\d(?P<s1>[-/.])(?:0?[1-9]|1[0-2])(?P=s1)(?:0?[1-9]|[12]\d|3[01])"
    r"|(?:0?[1-9]|[12]\d|3[01])(?P<s2>[-/.])(?:0?[1-9]|1[0-2])(?P=s2)(?:19|20)\d\d"
    r"|(?:0?[1-9]|1[0-2])(?P<s3>[-/.])(?:0?[1-9]|[12]\d|3[01])(?P=s3)(?:19|20)\d\d"
)
_TIME = r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?"
_RUN = rf"[+\uff0b]?{_DIGIT}+(?:{_SEP}{{1,3}}{_DIGIT}+)*[Xx]?"
# Atomic groups and the look-behinds keep both scans linear on long digit or word runs.
_CONTACT_DIGITS = re.compile(
    rf"(?<![A-Za-z0-9])(?:(?P<date>{_DATE}|{_TIME})(?!\d)|(?P<run>(?>{_RUN})))"
)
_LOCAL = r"[\w.!#$%&*+/=?^`|~-]"
# Host labels are ASCII (IDNs travel as punycode), so a host never runs on into the Chinese
# text after it; a Chinese label is taken when a dot follows it.  The local part is capped at
# 64 characters (RFC 5321) so that the scan stays linear.
_HOST = r"(?:(?:[A-Za-z0-9-]+|[\u4e00-\u9fff]+)[.\uff0e])*(?:[A-Za-z0-9-]+|中国|公司|网络)"
_EMAIL = re.compile(rf"(?>{_LOCAL}{{1,64}})[@\uff20]{_HOST}")
_MIN_DIGITS = 7


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit() or ch in "Xx")


def mask_phone(phone: str) -> str:
    """``13812345678`` -> ``138****5678``: enough to recognise, not to dial.

    Separators are dropped first, so ``138-1234-5678`` and ``+86 138 1234
    5678`` mask to the same shape and never keep a whole digit group.
    """
    digits = _digits(phone)
    if not digits:  # not a phone number at all: show nothing of it
        return mask_email(phone) if "@" in phone else (phone.strip()[:1] + "***")
    for country in ("0086", "86"):
        if digits.startswith(country) and len(digits) - len(country) >= 11:
            digits = digits[len(country) :]
            break
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) < 11:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "****" + digits[-4:]


def mask_email(email: str) -> str:
    """``user@example.com`` -> ``u***@example.com``."""
    local, at, domain = email.replace("\uff20", "@").partition("@")
    if not at:
        return mask_phone(email)
    return (local[:1] or "*") + "***@" + redact(domain)


def _digit_run(match: re.Match[str]) -> str:
    run = match.group("run")
    if run is None or len(_digits(run)) < _MIN_DIGITS:
        return match.group()
    return mask_phone(run)


def redact(text: str) -> str:
    """``text`` with every e-mail address and long digit run masked."""
    if not isinstance(text, str):
        text = str(text)
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return _CONTACT_DIGITS.sub(_digit_run, text)


def redacted_repr(value: Any) -> str:
    """An attrs ``repr=`` for fields that may hold customer text.

    ``attrs.field(repr=redacted_repr)`` keeps the shape of the normal repr
    (quotes, ``None``, tuples and dicts) and masks the contacts inside it.
    """
    return redact(repr(value))
