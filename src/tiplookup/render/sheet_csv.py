"""CSV contact sheet: one row per organisation, UTF-8 with a BOM so that Excel reads it.

No cell may run as a formula (OWASP CSV injection): a cell that starts with = + - @,
a tab or a carriage return (or their full-width forms) gets a leading apostrophe.
Phone numbers keep their "+" without tripping that rule: the ``phones`` cell starts with
the kind of line ("landline +856 21 217 727"), and ``phones_tel`` holds RFC 3966 URIs
("tel:+85621217727"). Columns are documented in docs/sheets.md.
"""

from __future__ import annotations

import csv
import io

from tiplookup.sheets import Entry, PhoneLine, Sheet

COLUMNS = (
    "id",
    "name",
    "kind",
    "ended",
    "programme",
    "phones",
    "phones_tel",
    "emails",
    "address",
    "province",
    "works_in",
    "services",
    "contacts",
    "website",
    "last_verified",
    "check",
    "local_changes",
)
_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def defuse(cell: str) -> str:
    """A cell no spreadsheet will evaluate."""
    return "'" + cell if cell.startswith(_TRIGGERS) else cell


def render(sheet: Sheet) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for e in sheet.entries:
        writer.writerow([defuse(cell) for cell in _row(e)])
    return "\ufeff" + buffer.getvalue()


def _row(e: Entry) -> list[str]:
    return [
        e.id,
        e.name,
        e.kind,
        "yes" if e.ended else "no",
        e.period,
        "; ".join(f"{p.kind} {p.display}{_note(p)}" for p in e.phones),
        " ".join(p.tel_uri for p in e.phones if p.tel_uri),
        "; ".join(e.emails),
        e.address,
        e.province,
        e.works_in,
        "; ".join(e.services),
        "; ".join(e.contacts),
        e.website,
        e.last_verified.isoformat() if e.last_verified else "not verified",
        "; ".join(e.cautions),
        e.local,
    ]


def _note(p: PhoneLine) -> str:
    notes = [n for n in (p.note, p.derivation) if n]
    return f" ({'; '.join(notes)})" if notes else ""
