"""Regexes split by script, so Chinese text is not scanned with English words and back.

Python's ``re`` tries every alternative at every position; a pattern of
Chinese and English words costs both halves on every text.  :func:`scripted`
splits a pattern's top-level alternatives into those with non-ASCII
characters (Chinese), those with Latin letters (English) and the rest
(digits, punctuation: both), and runs on a text only the halves its script
can match.  Same matches, about half the time on one-language text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["Scripted", "scripted"]

_LATIN = re.compile(r"[a-z]")
_CLASS = re.compile(r"\[(?:\\.|[^\]])*\]")
_ESCAPE_OR_GROUP = re.compile(r"\\[a-zA-Z]|\(\?(?:<?[=!]|:)")


def _alternatives(pattern: str) -> list[str]:
    parts, depth, in_class, escaped, start = [], 0, False, False, 0
    for index, char in enumerate(pattern):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
    parts.append(pattern[start:])
    return parts


class Scripted:
    """A pattern in up to three compiled halves: Chinese, English, either."""

    def __init__(self, pattern: str) -> None:
        zh: list[str] = []
        en: list[str] = []
        common: list[str] = []
        for part in _alternatives(pattern):
            bare = _CLASS.sub("", part)  # a class like [^。!?] says nothing of the script
            latin = bool(_LATIN.search(_ESCAPE_OR_GROUP.sub("", bare.lower())))
            if not bare.isascii() and latin:
                common.append(part)  # mixes both scripts (a class like [^。!?] counts)
            elif not bare.isascii():
                zh.append(part)
            elif latin:
                en.append(part)
            else:
                common.append(part)
        self.pattern = pattern
        self._zh = re.compile("|".join(zh + common)) if zh or common else None
        self._en = re.compile("|".join(en + common)) if en or common else None
        self._both = re.compile(pattern)

    def _pick(self, text: str) -> re.Pattern[str] | None:
        if text.isascii():
            return self._en
        if _LATIN.search(text):
            return self._both
        return self._zh

    def finditer(self, text: str, pos: int = 0) -> Iterator[re.Match[str]]:
        compiled = self._pick(text)
        return iter(()) if compiled is None else compiled.finditer(text, pos)

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        compiled = self._pick(text)
        return None if compiled is None else compiled.search(text, pos)

    def findall(self, text: str) -> list[str]:
        return [match.group(0) for match in self.finditer(text)]


def scripted(pattern: str) -> Scripted:
    """Compile ``pattern`` split by script (see the module docstring)."""
    return Scripted(pattern)
