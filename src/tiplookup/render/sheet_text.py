"""Plain-text contact sheet: stable, for pipes, e-mail and printing from any editor."""

from __future__ import annotations

from tiplookup.render.sheet_lines import details, header_lines
from tiplookup.sheets import Entry, Sheet


def render(sheet: Sheet) -> str:
    out = [sheet.title, "=" * len(sheet.title)]
    out += [f"{label}: {value}" for label, value in header_lines(sheet)]
    for group in sheet.groups:
        out += ["", group.title, "-" * len(group.title)]
        for e in group.entries:
            out += ["", *_entry(e)]
    return "\n".join(out) + "\n"


def _entry(e: Entry) -> list[str]:
    name = e.name + ("  [ENDED]" if e.ended else "")
    lines = [f"{name}  ({e.kind}; id {e.id})"]
    lines += [f"  {line.label}: {line.plain}" for line in details(e)]
    return lines
