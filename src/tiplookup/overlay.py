"""The user's overlay: local additions, corrections and hidden entries.

The overlay is a TOML file in the directory's own schema, plus a top-level
``hidden = ["id", …]`` list. Merging it onto a directory:

- an entry whose id is in the directory overrides that entry field by field
  (a table such as ``location`` is replaced whole);
- an entry with a new id (it must have at least ``name`` and ``kind``) is added;
- a hidden id disappears from every result.

Each merged organisation says what came from the overlay: ``origin="overlay"`` for
an addition, ``local_fields`` for the fields an override replaced.
Pure functions, except :func:`update`, which does a locked read-modify-write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from tiplookup import directory as directory_module
from tiplookup import fields, tables, userdata
from tiplookup.errors import DataError, Problem, UsageError, ValidationFailed
from tiplookup.model import Directory, Organization

HIDDEN = "hidden"
LOCAL_SOURCE = "local"
LOCAL_SOURCE_TEXT = "Added or corrected by a user of this computer (tiplookup overlay)"
TOP_LEVEL = {"meta", "sources", "organization", HIDDEN}
HEADER = (
    "# tiplookup overlay: your local additions, corrections and hidden entries.\n"
    "# Written by 'tiplookup add/edit/hide/verify'. Same schema as the directory file;\n"
    "# an entry with an existing id overrides only the fields it lists.\n"
    "# See docs/local-data.md. The previous version is kept next to it as overlay.toml.bak.\n\n"
)

T = TypeVar("T")


class Damaged(ValidationFailed):
    """An overlay file with problems. It is reported, and never overwritten."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__(path, problems)
        more = f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
        self.message = str(problems[0]) + more
        self.hint = (
            "the file was not changed; fix it in a text editor, or use --no-overlay "
            "to work without it; the previous version is kept as .bak"
        )


@dataclass(frozen=True)
class Overlay:
    """A parsed overlay file: raw entry tables (validated only when merged)."""

    path: str
    entries: tuple[dict[str, Any], ...] = ()
    lines: tuple[int | None, ...] = ()
    hidden: tuple[str, ...] = ()
    citations: dict[str, str] = dataclasses.field(default_factory=dict)

    def entry(self, org_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries if e.get("id") == org_id), None)

    def line_of(self, org_id: str) -> int | None:
        for entry, line in zip(self.entries, self.lines, strict=False):
            if entry.get("id") == org_id:
                return line
        return None

    def __bool__(self) -> bool:
        return bool(self.entries or self.hidden)


@dataclass(frozen=True)
class Merged:
    directory: Directory
    orphans: tuple[str, ...] = ()  # overrides of ids the directory in use does not have


# --- reading -------------------------------------------------------------------------


def read(path: Path) -> Overlay | None:
    """The overlay at ``path``; None when there is no file. DataError if it is damaged."""
    data = read_bytes(path)
    return None if data is None else parse_bytes(data, str(path))


def read_bytes(path: Path) -> bytes | None:
    """The bytes of the overlay file at ``path``; None when there is none.

    Only a regular file is read: a folder, FIFO or device is a DataError (a FIFO
    would otherwise make every command wait forever).
    """
    try:
        if userdata.regular_file(path) is None:
            return None
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataError(f"{path}: cannot read the overlay ({exc.strerror})") from None


def parse_bytes(data: bytes, path: str) -> Overlay:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_text(text, path)


def parse_text(text: str, path: str) -> Overlay:
    raw, problem = directory_module.decode(text, path)
    if raw is None:
        raise Damaged(path, [problem or Problem(path, "not valid TOML")])
    return from_document(raw, path, directory_module.entry_lines(text))


def from_document(raw: dict[str, Any], path: str, lines: list[int] | None = None) -> Overlay:
    """Check the overlay's shape (fields are checked when merged, against the directory)."""
    problems: list[Problem] = []
    for key in sorted(set(raw) - TOP_LEVEL):
        problems.append(
            Problem(
                path,
                f"unknown top-level key {key!r}; expected hidden, [sources], "
                "[meta] or [[organization]]",
            )
        )
    hidden = raw.get(HIDDEN, [])
    if not isinstance(hidden, list) or not all(isinstance(h, str) for h in hidden):
        problems.append(Problem(path, 'hidden must be a list of ids, e.g. hidden = ["some-id"]'))
        hidden = []
    sources = raw.get("sources", {})
    if not isinstance(sources, dict):
        problems.append(Problem(path, '[sources] must be a table of key = "citation"'))
        sources = {}
    entries = raw.get("organization", [])
    if not isinstance(entries, list):
        problems.append(Problem(path, "'organization' must be an array of tables"))
        entries = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        line = lines[i] if lines and i < len(lines) else None
        org_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(org_id, str) or not fields.ID_PATTERN.match(org_id):
            problems.append(Problem(path, "each [[organization]] needs an id (a slug)", line=line))
        elif org_id in seen:
            problems.append(
                Problem(
                    path, f"id {org_id!r} appears twice in the overlay", line=line, entry=org_id
                )
            )
        else:
            seen.add(org_id)
    if problems:
        raise Damaged(path, problems)
    line_list = [lines[i] if lines and i < len(lines) else None for i in range(len(entries))]
    return Overlay(
        path=path,
        entries=tuple(entries),
        lines=tuple(line_list),
        hidden=tuple(dict.fromkeys(hidden)),
        citations={str(k): str(v) for k, v in sources.items()},
    )


# --- merging -------------------------------------------------------------------------


def merge(base: Directory, overlay: Overlay | None) -> Merged:
    """``base`` with the overlay applied; ValidationFailed (file:line) if an entry is wrong."""
    if not overlay:
        return Merged(base)
    citations = {**base.citations, **overlay.citations}
    cite_keys = set(citations)
    problems: list[Problem] = []
    by_id = {org.id: org for org in base.organizations}
    replaced: dict[str, Organization] = {}
    added: list[Organization] = []
    orphans: list[str] = []
    for entry, line in zip(overlay.entries, overlay.lines, strict=True):
        org_id = entry["id"]
        fields = tuple(k for k in tables.FIELD_ORDER if k in entry and k != "id")
        extra = tuple(sorted(k for k in entry if k not in tables.FIELD_ORDER))
        original = by_id.get(org_id)
        if original is not None:
            table = {**tables.organization(original), **entry}
        elif "name" in entry and "kind" in entry:
            table = entry
        else:
            orphans.append(org_id)
            continue
        org, found = directory_module.parse_entry(
            table, overlay.path, line=line, citations=cite_keys
        )
        problems.extend(found)
        if org is None:
            continue
        if original is not None:
            replaced[org_id] = dataclasses.replace(
                org, origin=original.origin, local_fields=fields + extra
            )
        else:
            added.append(dataclasses.replace(org, origin="overlay", local_fields=fields + extra))
    orgs = [replaced.get(o.id, o) for o in base.organizations] + added
    orgs, hide_problems = _hide(orgs, set(overlay.hidden), overlay)
    problems.extend(hide_problems)
    if problems:
        raise Damaged(overlay.path, problems)
    merged = dataclasses.replace(base, organizations=tuple(orgs), citations=citations)
    return Merged(merged, tuple(orphans))


def _hide(
    orgs: list[Organization], hidden: set[str], overlay: Overlay
) -> tuple[list[Organization], list[Problem]]:
    """Drop hidden ids; a child of a hidden entry loses its (now invisible) parent."""
    kept = [o for o in orgs if o.id not in hidden]
    ids = {o.id for o in kept}
    out: list[Organization] = []
    problems: list[Problem] = []
    for org in kept:
        if org.parent and org.parent not in ids:
            if org.parent in hidden:
                org = dataclasses.replace(
                    org, parent=None, local_fields=(*org.local_fields, "parent")
                )
            else:
                problems.append(
                    Problem(
                        overlay.path,
                        f"parent {org.parent!r} is not an id in the directory",
                        line=overlay.line_of(org.id),
                        entry=org.id,
                    )
                )
        out.append(org)
    return out, problems


# --- changing ------------------------------------------------------------------------


def empty_document() -> dict[str, Any]:
    return {"meta": {"schema_version": directory_module.SCHEMA_VERSION}}


def to_document(overlay: Overlay | None) -> dict[str, Any]:
    """A mutable document for an edit (deep-copied, so the Overlay stays as read)."""
    import copy

    doc = empty_document()
    if overlay is None:
        return doc
    if overlay.hidden:
        doc[HIDDEN] = list(overlay.hidden)
    if overlay.citations:
        doc["sources"] = dict(overlay.citations)
    if overlay.entries:
        doc["organization"] = copy.deepcopy(list(overlay.entries))
    return doc


def dump(doc: dict[str, Any]) -> bytes:
    import tomli_w

    ordered: dict[str, Any] = {}
    if doc.get(HIDDEN):
        ordered[HIDDEN] = sorted(doc[HIDDEN])
    ordered["meta"] = doc.get("meta") or {"schema_version": directory_module.SCHEMA_VERSION}
    if doc.get("sources"):
        ordered["sources"] = doc["sources"]
    entries = [_ordered(e) for e in doc.get("organization", [])]
    if entries:
        ordered["organization"] = entries
    return (HEADER + tomli_w.dumps(ordered)).encode("utf-8")


def _ordered(entry: dict[str, Any]) -> dict[str, Any]:
    known = {k: entry[k] for k in tables.FIELD_ORDER if k in entry}
    return {**known, **{k: v for k, v in entry.items() if k not in known}}


def entries(doc: dict[str, Any]) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = doc.setdefault("organization", [])
    return listed


def find(doc: dict[str, Any], org_id: str) -> dict[str, Any] | None:
    return next((e for e in entries(doc) if e.get("id") == org_id), None)


def set_fields(
    doc: dict[str, Any],
    org_id: str,
    changes: dict[str, Any],
    bundled: dict[str, Any] | None,
) -> None:
    """Override fields of ``org_id``. A value of None removes the local value.

    ``bundled`` is the entry as the directory has it (None for a local addition):
    a field set back to the directory's value stops being a local correction.
    """
    entry = find(doc, org_id)
    if entry is None:
        entry = {"id": org_id}
        entries(doc).append(entry)
    for key, value in changes.items():
        if value is None:
            entry.pop(key, None)
        else:
            entry[key] = value
    if bundled is not None:
        for key in [k for k in entry if k != "id" and bundled.get(k) == entry[k]]:
            del entry[key]
        if set(entry) == {"id"}:
            entries(doc).remove(entry)


def add(doc: dict[str, Any], table: dict[str, Any]) -> None:
    """A new local entry; it cites the 'local' source."""
    sources = doc.setdefault("sources", {})
    sources.setdefault(LOCAL_SOURCE, LOCAL_SOURCE_TEXT)
    entries(doc).append(table)


def hide(doc: dict[str, Any], org_id: str) -> bool:
    hidden: list[str] = doc.setdefault(HIDDEN, [])
    if org_id in hidden:
        return False
    hidden.append(org_id)
    return True


def unhide(doc: dict[str, Any], org_id: str) -> bool:
    hidden: list[str] = doc.get(HIDDEN, [])
    if org_id not in hidden:
        return False
    hidden.remove(org_id)
    return True


def update(path: Path, base: Directory, change: Callable[[dict[str, Any]], T]) -> tuple[T, Merged]:
    """Locked read-modify-write of the overlay at ``path``.

    ``change`` edits the document in place. The result is validated against ``base``
    before anything is replaced; a damaged overlay is reported and left untouched.
    """
    with userdata.locked(path):
        current = read(path)
        doc = to_document(current)
        result = change(doc)
        data = dump(doc)
        checked: list[Merged] = []

        def validate(new: bytes) -> None:
            try:
                checked.append(merge(base, parse_bytes(new, str(path))))
            except Damaged as exc:  # the change is wrong, not the file on disk
                first = exc.problems[0]
                where = f"[{first.entry}]: " if first.entry else ""
                raise UsageError(
                    f"not saved: {where}{first.message}", hint="your overlay is unchanged"
                ) from None

        userdata.atomic_write(path, data, validate=validate)
        return result, checked[0]


# --- comparing -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One overlay entry compared with the directory in use."""

    kind: str  # added | changed | hidden | orphan
    org_id: str
    name: str
    fields: tuple[tuple[str, Any, Any], ...] = ()  # (field, directory value, local value)


def diff(base: Directory, overlay: Overlay | None) -> Iterator[Change]:
    if overlay is None:
        return
    by_id = {o.id: o for o in base.organizations}
    for entry in overlay.entries:
        org_id = entry["id"]
        original = by_id.get(org_id)
        if original is None:
            kind = "added" if "name" in entry and "kind" in entry else "orphan"
            yield Change(kind, org_id, str(entry.get("name", "")))
            continue
        bundled = tables.organization(original)
        fields = tuple(
            (k, bundled.get(k), entry[k])
            for k in _ordered(entry)
            if k != "id" and bundled.get(k) != entry[k]
        )
        yield Change("changed", org_id, original.name, fields)
    for org_id in overlay.hidden:
        original = by_id.get(org_id)
        local = overlay.entry(org_id)
        name = original.name if original else str((local or {}).get("name", ""))
        yield Change("hidden", org_id, name)
