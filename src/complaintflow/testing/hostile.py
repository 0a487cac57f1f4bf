"""Hypothesis strategies for hostile input: any text, junk values, contact data.

``texts()`` draws strings with the characters some backend cannot keep
(NUL, lone surrogates) mixed into ordinary Chinese and English text;
``junk()`` draws values of the wrong type or out of range, the way a host's
bug or an attacker's form post would send them; ``contacts()`` draws phone
numbers, e-mails, ID-card and bank-card numbers in the spellings people
type, and ``contact_texts()`` hides them in prose.  They feed the text-rule
and redaction properties and :mod:`complaintflow.testing.fuzz`.  Each is built once and cached:
building hypothesis strategies anew for every draw costs more than drawing.
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

__all__ = ["contact_texts", "contacts", "junk", "naive_datetimes", "texts"]

_UNSTORABLE = st.sampled_from(["\x00", "\ud800", "\udbff", "\udc00", "\udfff"])
_ZH = st.sampled_from(list("包裹破损杯子碎了请尽快退款电话联系我客服态度差谢谢发票"))
_EN = st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCXYZ,.!?")


@functools.cache
def texts(max_size: int = 30) -> st.SearchStrategy[str]:
    """Any text: ordinary, arbitrary code points, and characters no store keeps."""
    piece = st.one_of(_ZH, _EN, st.characters(), _UNSTORABLE)
    return st.lists(piece, max_size=max_size).map("".join)


@functools.cache
def naive_datetimes() -> st.SearchStrategy[dt.datetime]:
    return st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1))


@functools.cache
def junk() -> st.SearchStrategy[object]:
    """A value of the wrong type or out of range for almost any argument."""
    huge = st.sampled_from([2**31, 2**63 - 1, 2**63, 2**64, -(2**63) - 1, 10**30, -1, 0])
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        huge,
        st.integers(),
        st.floats(),
        texts(),
        st.binary(max_size=8),
        naive_datetimes(),
        st.datetimes(timezones=st.just(ZoneInfo("Asia/Shanghai"))),
        st.dates(),
        st.timedeltas(),
        st.sampled_from(["bogus", "", " ", "new", "1" * 400]),
    )
    return st.one_of(
        scalars,
        st.lists(scalars, max_size=3),
        st.dictionaries(st.text(max_size=3), scalars, max_size=2),
    )


_SEPARATORS = ["", " ", "-", ".", "/", "\uff0d", "\u3000", "\uff0e", "\uff0f"]
_DIGITS = "0123456789"


@st.composite
def _phone(draw: st.DrawFn) -> str:
    mobile = "1" + draw(st.sampled_from("3456789")) + draw(st.text(_DIGITS, min_size=9, max_size=9))
    sep = draw(st.sampled_from(_SEPARATORS))
    if draw(st.booleans()):  # a landline: area code, then 7 or 8 digits
        area = draw(st.sampled_from(["010", "021", "0755", "0571"]))
        return f"{area}{sep}{mobile[3:7]}{sep}{mobile[7:]}" + draw(st.text(_DIGITS, max_size=1))
    prefix = draw(st.sampled_from(["", "+86", "0086", "+86 ", "0086-", "(+86) "]))
    return prefix + sep.join([mobile[:3], mobile[3:7], mobile[7:]])


@st.composite
def _email(draw: st.DrawFn) -> str:
    word = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
    local = draw(word) + draw(st.sampled_from(["", ".", "_", "+", "-"])) + draw(word)
    host = draw(
        st.one_of(
            st.sampled_from(["localhost", "example.com", "qq.com", "163.com", "mail.corp.cn"]),
            st.builds(lambda a, b: f"{a}.{b}", word, word),
            word,
        )
    )
    return f"{local}@{host}"


@st.composite
def _id_card(draw: st.DrawFn) -> str:
    digits = draw(st.text(_DIGITS, min_size=17, max_size=17))
    return digits + draw(st.sampled_from("0123456789X"))


@st.composite
def _bank_card(draw: st.DrawFn) -> str:
    digits = draw(st.text(_DIGITS, min_size=16, max_size=19))
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(digits[i : i + 4] for i in range(0, len(digits), 4))


@functools.cache
def contacts() -> st.SearchStrategy[str]:
    """A phone number, e-mail, ID-card or bank-card number as a person types it."""
    return st.one_of(_phone(), _email(), _id_card(), _bank_card())


@st.composite
def contact_texts(draw: st.DrawFn) -> tuple[str, list[str]]:
    """Chinese or English prose with contacts in it, and the contacts."""
    found = draw(st.lists(contacts(), min_size=1, max_size=3))
    chinese = draw(st.booleans())
    words = st.text(_ZH if chinese else "abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
    parts = []
    for contact in found:
        # Chinese glues a contact to the words; English needs a space or a sign before it
        # (``tel13812345678`` is the one spelling redaction misses, see its doc).
        glue = draw(st.sampled_from(["", " ", "：", "，", "（"] if chinese else [" ", ": ", "("]))
        parts += [draw(words), glue, contact, draw(st.sampled_from(["", " ", "。", ")", ","]))]
    parts.append(draw(words))
    return "".join(parts), found
