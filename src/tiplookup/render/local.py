"""Plain text for the overlay commands (diff, import). Directory strings are cleaned."""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING, Any

from tiplookup.text import one_line

if TYPE_CHECKING:
    from tiplookup.overlay import Change

_MARK = {"changed": "~", "added": "+", "hidden": "-", "orphan": "?"}
_NOTE = {
    "added": "added locally",
    "hidden": "hidden",
    "orphan": "not in the directory in use; ignored",
}


def note(message: str) -> None:
    """A one-line message about what was done, on stderr (stdout stays for data)."""
    sys.stderr.write(one_line(message) + "\n")


def diff_text(changes: list[Change]) -> str:
    lines: list[str] = []
    for change in changes:
        name = one_line(change.name)
        extra = f"  ({_NOTE[change.kind]})" if change.kind in _NOTE else ""
        if change.kind == "changed" and not change.fields:
            extra = "  (same as the directory)"
        lines.append(f"{_MARK[change.kind]} {change.org_id}  {name}{extra}".rstrip())
        for field, old, new in change.fields:
            lines.append(f"    {field}: {value_text(old)}  →  {value_text(new)}")
    return "\n".join(lines)


def import_text(source: str, notes: list[str]) -> str:
    head = f"Imported {one_line(source)}:"
    if not notes:
        return head + " nothing new"
    return "\n".join([head, *(f"  {one_line(n)}" for n in notes)])


def value_text(value: Any) -> str:
    """A field value on one line: phones by number, tables as key=value."""
    if value is None or value == "" or value == [] or value == {}:
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_item(v) for v in value)
    if isinstance(value, dict):
        return _item(value)
    return one_line(str(value))


def _item(value: Any) -> str:
    if isinstance(value, dict):
        if "source_text" in value:  # a phone
            shown = value.get("display") or f"{value['source_text']} (not a valid number)"
            return one_line(str(shown))
        return ", ".join(f"{k}={value_text(v)}" for k, v in value.items())
    return one_line(str(value))
