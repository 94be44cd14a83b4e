"""Asking for an entry field by field (``tiplookup add`` on a terminal), and ``edit --editor``.

Each answer is checked at once with the same rules as the directory file; a wrong
answer is explained (with the closest match) and asked again. '?' lists the choices.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import typer

from tiplookup import directory as directory_module
from tiplookup import edits, places, tables, taxonomy
from tiplookup.errors import TiplookupError, UsageError
from tiplookup.model import KINDS, Directory

T = TypeVar("T")


def _ask(
    label: str,
    convert: Callable[[str], T],
    *,
    default: str = "",
    choices: Callable[[], str] | None = None,
) -> T:
    while True:
        raw = typer.prompt(label, default=default, show_default=bool(default))
        if raw.strip() == "?" and choices is not None:
            typer.echo(choices())
            continue
        try:
            return convert(raw.strip())
        except TiplookupError as exc:
            hint = "type ? for the choices" if choices is not None else exc.hint
            typer.echo(f"  {exc.message}" + (f" ({hint})" if hint else ""), err=True)


def _required(text: str) -> str:
    if not text:
        raise UsageError("this field is needed")
    return text


def _service_list() -> str:
    return "\n".join(f"  {s.slug:<22} {s.label}" for s in taxonomy.SERVICES)


def _province_list() -> str:
    return "\n".join(f"  {p.slug:<22} {p.english_name}" for p in places.provinces())


def _kind_list() -> str:
    return "\n".join(f"  {k:<20} {v}" for k, v in KINDS.items())


def _optional(convert: Callable[[str], T]) -> Callable[[str], T | None]:
    return lambda text: convert(text) if text else None


def _show_province(text: str) -> str | None:
    if not text:
        return None
    found = places.resolve_province(text)
    if places.normalise(text) != places.normalise(found.english_name):
        typer.echo(f"  → {found.english_name}")
    return found.slug


def _show_services(text: str) -> list[str]:
    slugs = edits.services(text)
    if slugs:
        typer.echo("  → " + ", ".join(taxonomy.get(s).label for s in slugs))
    return slugs


def ask_new_entry(taken: Callable[[str], str | None]) -> dict[str, Any]:
    """Ask for every field of a new entry; return its table."""
    from tiplookup.commands.local import new_entry

    typer.echo("New local entry. Press Enter to skip a field; type ? for the choices.")
    name = _ask("Name", _required)

    def free_id(text: str) -> str:
        org_id = edits.check_id(text)
        user = taken(org_id)
        if user:
            raise UsageError(f"id {org_id!r} is already used by {user!r}")
        return org_id

    org_id = _ask("Id", free_id, default=edits.slug(name))
    kind = _ask("Kind", edits.kind, default="ngo", choices=_kind_list)
    services = _ask("Services (comma-separated)", _show_services, choices=_service_list)
    province = _ask("Province it is based in", _show_province, choices=_province_list)
    address = _ask("Address", str)
    confidential = False
    if address:
        confidential = typer.confirm(
            "Keep the address off printed sheets (e.g. a shelter's location)?", default=False
        )
    phone_text = _ask("Phone number(s), as written", _optional(edits.phone_tables))
    emails = _ask("Email(s)", edits.emails)
    description = _ask("What it does", str)
    area = _ask(
        "Area served (national, unspecified, provinces:a,b)", edits.area, default="unspecified"
    )
    return new_entry(
        org_id=org_id,
        name=name,
        kind=kind,
        services=services,
        location=_location(address, province, confidential),
        phones=phone_text or [],
        emails=emails,
        description=description,
        area=None if area == {"scope": "unspecified"} else area,
    )


def _location(address: str, province: str | None, confidential: bool) -> dict[str, Any] | None:
    return edits.location(address or None, province, confidential=confidential)


EDITOR_HEADER = (
    "# Edit this entry, save and close the editor. Lines starting with # are ignored.\n"
    "# The id cannot change. Fields are those of data/directory.toml (docs/data.md).\n"
    "# Phones: give source_text as written; number and display are worked out for you.\n\n"
)


@contextlib.contextmanager
def edit_in_editor(
    base: Directory, org_id: str, current: dict[str, Any]
) -> Iterator[dict[str, Any] | None]:
    """Open $EDITOR on the entry; give the changed fields (None when nothing changed).

    Save them inside the ``with`` block: if the edit is refused there, or here, the
    edited text is kept in its temporary file, and the error names it.
    """
    import tomli_w

    before = EDITOR_HEADER + tomli_w.dumps({"organization": [current]})
    with run_editor(before) as after:
        yield None if after == before else _changes(after, base, org_id, current)


def _changes(after: str, base: Directory, org_id: str, current: dict[str, Any]) -> dict[str, Any]:
    table = _edited_entry(after, org_id, base)
    original = base.get(org_id)
    bundled = tables.organization(original) if original else {}
    changes: dict[str, Any] = {k: v for k, v in table.items() if current.get(k) != v}
    for key in sorted(set(current) - set(table)):
        changes[key] = _empty(org_id, key, bundled.get(key))
    return changes


def _edited_entry(text: str, org_id: str, base: Directory) -> dict[str, Any]:
    where = f"{org_id} (edited in $EDITOR)"
    raw, problem = directory_module.decode(text, where)
    if raw is None:
        raise UsageError(f"{problem}; nothing was changed")
    entries = raw.get("organization")
    if not isinstance(entries, list) or len(entries) != 1 or not isinstance(entries[0], dict):
        raise UsageError("the edited text must hold exactly one [[organization]]; nothing changed")
    table: dict[str, Any] = entries[0]
    if table.get("id") != org_id:
        raise UsageError(f"the id must stay {org_id!r}; nothing was changed")
    cites = set(base.citations) | {"local"}
    _, problems = directory_module.parse_entry(table, where, citations=cites)
    if problems:
        raise UsageError(f"{problems[0]}; nothing was changed")
    return table


def _empty(org_id: str, key: str, old: Any) -> Any:
    """What a deleted field becomes: no local value, empty text or list; a directory
    table (location, service_area…) cannot be deleted, only changed."""
    if old is None:
        return None
    if isinstance(old, str):
        return ""
    if isinstance(old, list):
        return []
    raise UsageError(
        f"{key!r} cannot be deleted from a directory entry; change its fields instead",
        hint=f"'tiplookup edit {org_id} --reset {key}' goes back to the directory's value",
    )


@contextlib.contextmanager
def run_editor(text: str) -> Iterator[str]:
    """Open ``$VISUAL`` / ``$EDITOR`` on ``text`` in a private temporary file; give the result.

    The file is removed afterwards, unless the ``with`` block (or reading the text) fails
    with a TiplookupError: then the user's typing is kept, and the error says where.
    """
    import os
    import shlex
    import subprocess
    import sys
    import tempfile

    default = "notepad" if sys.platform == "win32" else "vi"
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or default
    fd, name = tempfile.mkstemp(prefix="tiplookup-", suffix=".toml")  # mode 0600
    file = Path(name)
    keep = False
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            done = subprocess.run([*shlex.split(command), name], check=False)
        except OSError as exc:
            raise UsageError(f"cannot start the editor {command!r}: {exc.strerror}") from None
        if done.returncode != 0:
            raise UsageError(f"the editor {command!r} failed (exit {done.returncode}); no change")
        try:
            yield _edited_text(file)
        except TiplookupError as exc:
            keep = True
            exc.message = f"{_short(exc.message)} (your edited text is kept in {name})"
            raise
    finally:
        if not keep:
            file.unlink(missing_ok=True)


def _edited_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"the edited text is not UTF-8 (at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"cannot read the edited text back: {exc.strerror}") from None


def _short(message: str, limit: int = 250) -> str:
    """Room for the kept file's name before the 400-character cap on errors."""
    return message if len(message) <= limit else message[: limit - 1] + "…"
