"""Markdown contact sheet. Data is escaped so that it can never become markup or raw HTML."""

from __future__ import annotations

import re

from tiplookup.render.sheet_lines import details, header_lines
from tiplookup.sheets import Entry, Sheet

# Every character that can start markup inline (CommonMark lets any ASCII punctuation be
# backslash-escaped); "&" only where it would begin an entity.
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!])|&(?=#?\w+;)")


def escape(text: str) -> str:
    return _SPECIAL.sub(lambda m: "\\" + (m.group(1) or "&"), text)


def render(sheet: Sheet) -> str:
    out = [f"# {escape(sheet.title)}", ""]
    out += [f"- **{label}:** {escape(value)}" for label, value in header_lines(sheet)]
    for group in sheet.groups:
        out += ["", f"## {escape(group.title)}"]
        for e in group.entries:
            out += ["", *_entry(e)]
    return "\n".join(out) + "\n"


def _entry(e: Entry) -> list[str]:
    ended = " **(ENDED)**" if e.ended else ""
    lines = [f"### {escape(e.name)}{ended}", "", f"*{escape(e.kind)}* · id `{e.id}`", ""]
    for line in details(e):
        if line.href:
            value = f"[{escape(line.text)}](<{line.href}>){escape(line.rest)}"
        else:
            value = escape(line.plain)
        lines.append(f"- **{line.label}:** {value}")
    return lines
