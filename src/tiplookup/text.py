"""Make directory strings safe to print: they are data, never markup or control codes."""

from __future__ import annotations

import re
import unicodedata

# C0/C1 controls (ESC starts terminal escape sequences), DEL, and bidi overrides that can
# make text read differently from what it is. Tabs and newlines become spaces.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def clean(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep every other character."""
    text = _ANSI.sub("", text)
    text = text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", text)


def one_line(text: str) -> str:
    return " ".join(clean(text).split())


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
