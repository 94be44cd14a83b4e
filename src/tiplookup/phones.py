"""Phone numbers as the source writes them → E.164 and a display form.

Nothing is silently "fixed": every change the normaliser makes is recorded in
``flags``, and a string that cannot be a Lao number is kept verbatim and marked invalid.

Lao numbering (country code 856): a landline is a two-digit area code and six
digits (021 Vientiane, 041 Savannakhet…); a mobile is 20 + eight digits or
30 + seven digits. Short codes such as 1362 are hotlines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

COUNTRY = "856"

FLAG_TEXT = {
    "no-plus": "country code written without '+'",
    "trunk-zero": "trunk prefix 0 written after the country code was dropped",
    "no-country-code": "no country code in the source; +856 assumed",
    "range": "written as a range of consecutive lines",
    "shared-prefix": "country and area code taken from the number before it",
    "invalid": "cannot be a valid Lao number; kept as written",
    "hotline": "short-code hotline, dial from inside Laos",
}


@dataclass(frozen=True, slots=True)
class ParsedPhone:
    """One number read from a phone string, before it becomes a Phone."""

    number: str  # E.164, a short code, or "" when invalid
    display: str
    type: str
    valid: bool
    flags: tuple[str, ...]
    contact: str


_RANGE = re.compile(r"^(.*\d)\s*-\s*(\d{1,2})$")
_SEPARATOR = re.compile(r"[/,;]")
_DIGIT = re.compile(r"\d")
_NON_DIGIT = re.compile(r"\D")


def parse(text: str) -> list[ParsedPhone]:
    """Every number in one source phone string, in order."""
    body, contact = _split_contact(text)
    out: list[ParsedPhone] = []
    prefix = ""  # country + area code of the previous number, for "412110 / 451298"
    for part in _SEPARATOR.split(body):
        part = part.strip()
        if not _DIGIT.search(part):
            continue
        flags: list[str] = []
        m = _RANGE.match(part)
        if m is None:
            ends = [part]
        else:
            ends = _range(_NON_DIGIT.sub("", m.group(1)), m.group(2))
            if not ends:  # "…77-88" is not a range of a few lines: never guess digits
                out.append(ParsedPhone("", part, "unknown", False, ("invalid",), contact))
                prefix = ""
                continue
            flags.append("range")
        for raw in ends:
            phone = _one(raw, part, prefix, list(flags), contact)
            # only a landline lends its area code to a bare six-digit number after it
            prefix = phone.number[:-6] if phone.valid and phone.type == "landline" else ""
            out.append(phone)
    return out


def _range(base: str, last: str) -> list[str]:
    """ "…454 923-4" → 454923 and 454924: a whole number, then up to nine more lines."""
    if len(base) < 8:
        return []
    first = int(base[-len(last) :])
    if not 0 < int(last) - first <= 9:
        return []
    return [base[: -len(last)] + str(n).zfill(len(last)) for n in range(first, int(last) + 1)]


def _split_contact(text: str) -> tuple[str, str]:
    """Take out bracketed words (a contact person, possibly with nested brackets)."""
    contacts: list[str] = []
    body = text
    while True:
        start = _first_group_with_letter(body)
        if start is None:
            return body, "; ".join(contacts)
        end = _closing(body, start)
        contacts.append(body[start + 1 : end].strip())
        body = body[:start] + " " + body[end + 1 :]


def _first_group_with_letter(text: str) -> int | None:
    start = text.find("(")
    while start != -1 and not _group_has_letter(text, start):
        start = text.find("(", start + 1)
    return None if start == -1 else start


def _closing(text: str, start: int) -> int:
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        if depth == 0:
            return i
    return len(text)


def _group_has_letter(text: str, start: int) -> bool:
    return any(c.isalpha() for c in text[start : _closing(text, start)])


def _one(raw: str, verbatim: str, prefix: str, flags: list[str], contact: str) -> ParsedPhone:
    digits = _NON_DIGIT.sub("", raw)
    has_plus = verbatim.lstrip().startswith("+")
    if len(digits) in (3, 4) and not has_plus:
        return ParsedPhone(digits, digits, "hotline", True, ("hotline",), contact)
    if digits.startswith(COUNTRY) and len(digits) > 9:
        national = digits[3:]
        if not has_plus:
            flags.append("no-plus")
    elif len(digits) == 6 and prefix:
        national = prefix[4:] + digits
        flags.append("shared-prefix")
    elif digits.startswith("0"):
        national = digits
        flags.append("no-country-code")
    else:
        national = digits
        flags.append("no-country-code")
    if national.startswith("0"):
        national = national[1:]
        if "no-country-code" not in flags:
            flags.append("trunk-zero")
    kind, display = _classify(national)
    if kind is None:
        flags.append("invalid")
        return ParsedPhone("", verbatim.strip(), "unknown", False, tuple(flags), contact)
    return ParsedPhone(f"+{COUNTRY}{national}", display, kind, True, tuple(flags), contact)


def _classify(national: str) -> tuple[str | None, str]:
    n = national
    if n.startswith("20") and len(n) == 10:
        return "mobile", f"+856 20 {n[2:6]} {n[6:]}"
    if n.startswith("30") and len(n) == 9:
        return "mobile", f"+856 30 {n[2:5]} {n[5:]}"
    if len(n) == 8 and n[0] in "2345678" and n[1] != "0":
        return "landline", f"+856 {n[:2]} {n[2:5]} {n[5:]}"
    return None, ""


E164 = re.compile(r"^\+856\d{8,10}$")
SHORT_CODE = re.compile(r"^\d{3,4}$")
