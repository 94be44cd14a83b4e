"""Load and validate a directory file into frozen model objects.

One entry point, :func:`load`, finds the file (``--directory``, then
``$TIPLOOKUP_DIRECTORY``, then the copy shipped inside the package), parses it,
checks every entry and returns a :class:`~tiplookup.model.Directory`.
Every problem names the file, the line of the entry, the entry id and what to fix.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiplookup import fields, taxonomy
from tiplookup.errors import DataError, Problem, ValidationFailed
from tiplookup.model import (
    KINDS,
    Directory,
    Organization,
)
from tiplookup.paths import ENV_VAR as ENV_VAR  # re-exported: callers use directory.*
from tiplookup.paths import bundled_path as bundled_path
from tiplookup.paths import resolve_path

if TYPE_CHECKING:
    import tomllib

SCHEMA_VERSION = 1

#: Every field of an [[organization]] table, in the order files are written.
ORG_FIELDS = (
    "id",
    "name",
    "source_name",
    "alternate_names",
    "kind",
    "parent",
    "description",
    "services",
    "source_services",
    "emails",
    "website",
    "last_verified",
    "notes",
    "sources",
    "period",
    "location",
    "service_area",
    "phones",
    "contacts",
)
_ORG_FIELD_SET = frozenset(ORG_FIELDS)


def load(path: str | os.PathLike[str] | None = None) -> Directory:
    """Load and validate a directory; raise DataError / ValidationFailed on any problem."""
    file = resolve_path(path)
    directory, problems = check(file)
    if problems or directory is None:
        raise ValidationFailed(str(file), problems)
    return directory


def load_bytes(data: bytes, file: Path) -> Directory:
    """:func:`load`, of ``data`` read from ``file`` (the compiled cache hashes the same bytes
    it loads, so a change between two reads cannot slip in)."""
    directory, problems = check_text(decode_bytes(data, file), file)
    if problems or directory is None:
        raise ValidationFailed(str(file), problems)
    return directory


def check(file: Path) -> tuple[Directory | None, list[Problem]]:
    """Every problem in one file, and the directory if there were none."""
    return check_text(read_text(file), file)


def check_text(text: str, file: Path) -> tuple[Directory | None, list[Problem]]:
    with _collector_paused():
        raw, problem = decode(text, str(file))
        if raw is None:
            return None, [problem] if problem else []
        return parse(raw, str(file), entry_lines(text))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a file becomes millions of new objects.

    It runs whenever enough objects were made, and each run looks at all of them again:
    about 15% of reading a large file, for nothing, as parsed TOML and the model objects
    have no reference cycles to collect. Reference counting still frees memory meanwhile.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def decode(text: str, path: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse TOML text; on a syntax error, a Problem naming the file and line."""
    import tomllib  # not needed when the compiled cache is warm (issue 7)

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        line = _decode_error_line(exc)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, Problem(path, f"not valid TOML: {msg}", line=line)


def decode_bytes(data: bytes, file: Path) -> str:
    """``data`` as :func:`read_text` would have read it: UTF-8, universal newlines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(file: Path) -> str:
    import stat

    try:
        if file.exists() and not file.is_dir() and not stat.S_ISREG(file.stat().st_mode):
            # a FIFO or a device would block or never end: only read plain files
            raise DataError(f"{file}: not a regular file")
        return file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataError(f"{file}: no such directory file") from None
    except IsADirectoryError:
        raise DataError(f"{file}: is a folder, not a directory file") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"{file}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DataError(f"{file}: cannot read ({exc.strerror})") from None


def _decode_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    lineno = getattr(exc, "lineno", None)
    if isinstance(lineno, int):
        return lineno
    m = re.search(r"at line (\d+)", str(exc))
    return int(m.group(1)) if m else None


_HEADER = "[[organization]]"
_OTHER_LINE_BREAKS = "\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"  # str.splitlines' others


def entry_lines(text: str) -> list[int]:
    """Line number of each ``[[organization]]`` header, in order: each line (as
    ``str.splitlines`` cuts them) that starts with one, after any white space."""
    if any(c in text for c in _OTHER_LINE_BREAKS):
        return [
            i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(_HEADER)
        ]
    # Only "\n" ends a line: go from header to header (a large file has millions of lines).
    found = []
    number, counted = 1, 0
    at = text.find(_HEADER)
    while at != -1:
        line_start = text.rfind("\n", 0, at) + 1
        if not text[line_start:at].strip():
            number += text.count("\n", counted, at)
            counted = at
            found.append(number)
        at = text.find(_HEADER, at + len(_HEADER))
    return found


@dataclass
class _Checker:
    path: str
    problems: list[Problem]
    line: int | None = None
    entry: str | None = None

    def __call__(self, message: str) -> None:
        self.problems.append(Problem(self.path, message, line=self.line, entry=self.entry))


def parse(
    raw: Mapping[str, Any], path: str, lines: list[int] | None = None
) -> tuple[Directory | None, list[Problem]]:
    """Validate parsed TOML and build the Directory."""
    problems: list[Problem] = []
    meta = raw.get("meta", {})
    if not isinstance(meta, dict):
        problems.append(Problem(path, "'meta' must be a table ([meta])"))
        meta = {}
    sources = raw.get("sources", {})
    if not isinstance(sources, dict):
        problems.append(Problem(path, "'sources' must be a table ([sources])"))
        sources = {}
    citations = {str(k): str(v) for k, v in sources.items()}
    unknown_top = set(raw) - {"meta", "sources", "organization"}
    for key in sorted(unknown_top):
        problems.append(
            Problem(
                path,
                f"unknown top-level table [{key}]; expected [meta], [sources] or [[organization]]",
            )
        )
    version = meta.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        problems.append(
            Problem(
                path,
                f"schema_version {version!r} is not supported "
                f"(this tiplookup reads version {SCHEMA_VERSION})",
            )
        )
    entries = raw.get("organization", [])
    if not isinstance(entries, list):
        problems.append(
            Problem(path, "'organization' must be an array of tables ([[organization]])")
        )
        entries = []
    if not entries and isinstance(raw.get("organization", []), list):
        # an empty or truncated shared file must not look like "nobody offers this"
        problems.append(
            Problem(
                path,
                "no organisations: the file has no [[organization]] "
                "entries (is it empty or cut short?)",
            )
        )
    orgs: list[Organization] = []
    seen: dict[str, int | None] = {}
    keys = set(citations)
    for i, entry in enumerate(entries):
        line = lines[i] if lines and i < len(lines) else None
        check = _Checker(path, problems, line, entry.get("id") if isinstance(entry, dict) else None)
        org = _organization(entry, check, keys)
        if org is None:
            continue
        if org.id in seen:
            where = f" (first at line {seen[org.id]})" if seen[org.id] else ""
            check(f"duplicate id {org.id!r}{where}; every entry needs its own id")
            continue
        seen[org.id] = line
        orgs.append(org)
    ids = {o.id for o in orgs}
    for org in orgs:
        if org.parent and org.parent not in ids:
            i = next(
                i for i, e in enumerate(entries) if isinstance(e, dict) and e.get("id") == org.id
            )
            problems.append(
                Problem(
                    path,
                    f"parent {org.parent!r} is not an id in this file",
                    line=lines[i] if lines and i < len(lines) else None,
                    entry=org.id,
                )
            )
    if problems:
        return None, problems
    return Directory(
        organizations=tuple(orgs),
        path=path,
        source_name=str(meta.get("source_name", "")),
        source_url=str(meta.get("source_url", "")),
        retrieved=str(meta.get("retrieved", "")),
        retrieved_note=str(meta.get("retrieved_note", "")),
        citations=citations,
    ), []


def parse_entry(
    entry: Any, path: str, *, line: int | None = None, citations: set[str] | None = None
) -> tuple[Organization | None, list[Problem]]:
    """Validate one ``[[organization]]`` table on its own (the user overlay uses this)."""
    problems: list[Problem] = []
    check = _Checker(path, problems, line, entry.get("id") if isinstance(entry, dict) else None)
    org = _organization(entry, check, citations or set())
    return (None if problems else org), problems


def _organization(entry: Any, check: _Checker, citations: set[str]) -> Organization | None:
    if not isinstance(entry, dict):
        check("each [[organization]] must be a table")
        return None
    before = len(check.problems)
    fields.unknown_fields(entry, _ORG_FIELD_SET, "", check)
    org_id = fields.as_text(entry.get("id"), "id", check, required=True)
    if org_id and not fields.ID_PATTERN.match(org_id):
        check(f"id {org_id!r} must be a slug: lower-case letters, digits and single hyphens")
    name = fields.as_text(entry.get("name"), "name", check, required=True)
    kind = fields.as_text(entry.get("kind"), "kind", check, required=True)
    if kind and kind not in KINDS:
        check(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    services = fields.as_texts(entry.get("services"), "services", check)
    for slug in services:
        if not taxonomy.is_known(slug):
            suggestion = fields.suggest_service(slug)
            check(f"unknown service slug {slug!r}{suggestion}")
    source_services = fields.as_texts(entry.get("source_services"), "source_services", check)
    for label in source_services:
        meant = taxonomy.slug_for_source_label(label)
        if meant is None:
            check(f"source service label {label!r} maps to no service in the taxonomy")
        elif meant not in services:
            check(f"source label {label!r} means {meant!r}, which is missing from 'services'")
    emails = fields.as_texts(entry.get("emails"), "emails", check)
    for email in emails:
        if not fields.EMAIL_PATTERN.match(email):
            check(
                f"malformed email {email!r}; write one address per list item, like name@example.org"
            )
    sources = fields.as_texts(entry.get("sources"), "sources", check)
    for key in sources:
        if key not in citations:
            check(f"source {key!r} is not a key of [sources]")
    location = fields.location(entry.get("location"), check)
    area = fields.service_area(entry.get("service_area"), check)
    phone_list = fields.phone_list(entry.get("phones"), check, citations)
    contacts = fields.contacts(entry.get("contacts"), check)
    website = fields.website(entry.get("website"), check)
    period = fields.period(entry.get("period"), check)
    last_verified = fields.as_date(entry.get("last_verified"), check)
    parent = fields.as_text(entry.get("parent"), "parent", check) or None
    if len(check.problems) > before:
        return None
    return Organization(
        id=org_id,
        name=name,
        kind=kind,
        source_name=fields.as_text(entry.get("source_name"), "source_name", check),
        description=fields.as_text(entry.get("description"), "description", check),
        alternate_names=fields.as_texts(entry.get("alternate_names"), "alternate_names", check),
        parent=parent,
        services=services,
        source_services=source_services,
        location=location,
        service_area=area,
        phones=phone_list,
        emails=emails,
        contacts=contacts,
        website=website,
        period=period,
        last_verified=last_verified,
        notes=fields.as_text(entry.get("notes"), "notes", check),
        sources=sources,
    )
