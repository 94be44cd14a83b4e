"""Load and validate a directory file into frozen model objects.

One entry point, :func:`load`, finds the file (``--directory``, then
``$TIPLOOKUP_DIRECTORY``, then the copy shipped inside the package), parses it,
checks every entry and returns a :class:`~tiplookup.model.Directory`.
Every problem names the file, the line of the entry, the entry id and what to fix.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiplookup import phones, places, taxonomy
from tiplookup.errors import DataError, Problem, UsageError, ValidationFailed
from tiplookup.model import (
    KINDS,
    Contact,
    Directory,
    Location,
    Organization,
    Period,
    Phone,
    Scope,
    ServiceArea,
    Website,
)
from tiplookup.paths import ENV_VAR as ENV_VAR  # re-exported: callers use directory.*
from tiplookup.paths import bundled_path as bundled_path
from tiplookup.paths import resolve_path

if TYPE_CHECKING:
    import tomllib

SCHEMA_VERSION = 1

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")

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
LOCATION_FIELDS = {"address", "province", "district", "derived", "confidential", "note"}
AREA_FIELDS = {"scope", "provinces", "source_text", "derived", "note"}
PHONE_FIELDS = {
    "source_text",
    "number",
    "display",
    "type",
    "valid",
    "flags",
    "contact",
    "description",
    "sources",
}
CONTACT_FIELDS = {"name", "title"}
WEBSITE_FIELDS = {"exists", "url"}
PERIOD_FIELDS = {"start", "end", "source_text"}


def load(path: str | os.PathLike[str] | None = None) -> Directory:
    """Load and validate a directory; raise DataError / ValidationFailed on any problem."""
    file = resolve_path(path)
    directory, problems = check(file)
    if problems or directory is None:
        raise ValidationFailed(str(file), problems)
    return directory


def check(file: Path) -> tuple[Directory | None, list[Problem]]:
    """Every problem in one file, and the directory if there were none."""
    text = read_text(file)
    raw, problem = decode(text, str(file))
    if raw is None:
        return None, [problem] if problem else []
    return parse(raw, str(file), entry_lines(text))


def decode(text: str, path: str) -> tuple[dict[str, Any] | None, Problem | None]:
    """Parse TOML text; on a syntax error, a Problem naming the file and line."""
    import tomllib  # not needed when the compiled cache is warm (issue 7)

    try:
        return tomllib.loads(text), None
    except tomllib.TOMLDecodeError as exc:
        line = _decode_error_line(exc)
        msg = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return None, Problem(path, f"not valid TOML: {msg}", line=line)


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


def entry_lines(text: str) -> list[int]:
    """Line number of each ``[[organization]]`` header, in order."""
    return [
        i
        for i, line in enumerate(text.splitlines(), 1)
        if line.strip().startswith("[[organization]]")
    ]


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
    for i, entry in enumerate(entries):
        line = lines[i] if lines and i < len(lines) else None
        check = _Checker(path, problems, line, entry.get("id") if isinstance(entry, dict) else None)
        org = _organization(entry, check, set(citations))
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


def _unknown(
    table: Mapping[str, Any], allowed: set[str], where: str, check: Callable[[str], None]
) -> None:
    import difflib

    for key in sorted(set(table) - allowed):
        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        check(f"unknown field {where}{key!r}{hint}")


def _str(value: Any, field: str, check: Callable[[str], None], *, required: bool = False) -> str:
    if value is None:
        if required:
            check(f'missing {field!r}; add {field} = "…"')
        return ""
    if not isinstance(value, str):
        check(f"{field!r} must be text, not {type(value).__name__}")
        return ""
    if required and not value.strip():
        check(f"{field!r} is empty")
    return value


def _strs(value: Any, field: str, check: Callable[[str], None]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        check(f'{field!r} must be a list of text, e.g. {field} = ["…"]')
        return ()
    return tuple(value)


def _bool(table: Mapping[str, Any], key: str, field: str, check: Callable[[str], None]) -> bool:
    """A TOML true/false: the text "false" must not read as true."""
    value = table.get(key, False)
    if not isinstance(value, bool):
        check(f"{field!r} must be true or false (without quotes), not {value!r}")
        return False
    return value


def _table(value: Any, field: str, check: Callable[[str], None]) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check(f"{field!r} must be a table ([organization.{field}])")
        return None
    return value


def _organization(entry: Any, check: _Checker, citations: set[str]) -> Organization | None:
    if not isinstance(entry, dict):
        check("each [[organization]] must be a table")
        return None
    before = len(check.problems)
    _unknown(entry, set(ORG_FIELDS), "", check)
    org_id = _str(entry.get("id"), "id", check, required=True)
    if org_id and not _ID.match(org_id):
        check(f"id {org_id!r} must be a slug: lower-case letters, digits and single hyphens")
    name = _str(entry.get("name"), "name", check, required=True)
    kind = _str(entry.get("kind"), "kind", check, required=True)
    if kind and kind not in KINDS:
        check(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
    services = _strs(entry.get("services"), "services", check)
    for slug in services:
        if not taxonomy.is_known(slug):
            suggestion = _suggest_service(slug)
            check(f"unknown service slug {slug!r}{suggestion}")
    source_services = _strs(entry.get("source_services"), "source_services", check)
    for label in source_services:
        meant = taxonomy.slug_for_source_label(label)
        if meant is None:
            check(f"source service label {label!r} maps to no service in the taxonomy")
        elif meant not in services:
            check(f"source label {label!r} means {meant!r}, which is missing from 'services'")
    emails = _strs(entry.get("emails"), "emails", check)
    for email in emails:
        if not _EMAIL.match(email):
            check(
                f"malformed email {email!r}; write one address per list item, like name@example.org"
            )
    sources = _strs(entry.get("sources"), "sources", check)
    for key in sources:
        if key not in citations:
            check(f"source {key!r} is not a key of [sources]")
    location = _location(entry.get("location"), check)
    area = _service_area(entry.get("service_area"), check)
    phone_list = _phones(entry.get("phones"), check, citations)
    contacts = _contacts(entry.get("contacts"), check)
    website = _website(entry.get("website"), check)
    period = _period(entry.get("period"), check)
    last_verified = _date(entry.get("last_verified"), check)
    parent = _str(entry.get("parent"), "parent", check) or None
    if len(check.problems) > before:
        return None
    return Organization(
        id=org_id,
        name=name,
        kind=kind,
        source_name=_str(entry.get("source_name"), "source_name", check),
        description=_str(entry.get("description"), "description", check),
        alternate_names=_strs(entry.get("alternate_names"), "alternate_names", check),
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
        notes=_str(entry.get("notes"), "notes", check),
        sources=sources,
    )


def _suggest_service(term: str) -> str:
    import difflib

    known = taxonomy.lookup(term)
    close = (
        [known.slug]
        if known
        else difflib.get_close_matches(term, [s.slug for s in taxonomy.SERVICES], n=1)
    )
    return f"; did you mean {close[0]!r}?" if close else " (run 'tiplookup services' for the list)"


def _province(slug: Any, field: str, check: Callable[[str], None]) -> str | None:
    if slug is None or slug == "":
        return None
    if not isinstance(slug, str) or not places.is_province(slug):
        try:
            suggestion = f"; did you mean {places.resolve_province(str(slug)).slug!r}?"
        except UsageError:
            suggestion = " (run 'tiplookup provinces' for the slugs)"
        check(f"unknown province {slug!r} in {field}{suggestion}")
        return None
    return slug


def _location(value: Any, check: Callable[[str], None]) -> Location | None:
    table = _table(value, "location", check)
    if table is None:
        return None
    _unknown(table, LOCATION_FIELDS, "location.", check)
    return Location(
        address=_str(table.get("address"), "location.address", check),
        province=_province(table.get("province"), "location.province", check),
        district=_str(table.get("district"), "location.district", check) or None,
        derived=_bool(table, "derived", "location.derived", check),
        confidential=_bool(table, "confidential", "location.confidential", check),
        note=_str(table.get("note"), "location.note", check),
    )


def _service_area(value: Any, check: Callable[[str], None]) -> ServiceArea:
    table = _table(value, "service_area", check)
    if table is None:
        return ServiceArea()
    _unknown(table, AREA_FIELDS, "service_area.", check)
    scope_text = _str(table.get("scope", "unspecified"), "service_area.scope", check)
    try:
        scope = Scope(scope_text)
    except ValueError:
        check(
            f"service_area.scope {scope_text!r} must be one of: {', '.join(s.value for s in Scope)}"
        )
        scope = Scope.UNSPECIFIED
    provinces = tuple(
        p
        for p in (
            _province(s, "service_area.provinces", check)
            for s in _strs(table.get("provinces"), "service_area.provinces", check)
        )
        if p
    )
    if scope is Scope.PROVINCES and not provinces:
        check("service_area.scope is 'provinces' but no provinces are listed")
    return ServiceArea(
        scope=scope,
        provinces=provinces,
        source_text=_str(table.get("source_text"), "service_area.source_text", check),
        derived=_bool(table, "derived", "service_area.derived", check),
        note=_str(table.get("note"), "service_area.note", check),
    )


def _phones(value: Any, check: Callable[[str], None], citations: set[str]) -> tuple[Phone, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check("'phones' must be an array of tables ([[organization.phones]])")
        return ()
    out = []
    for item in value:
        if not isinstance(item, dict):
            check("each phone must be a table with source_text, number and display")
            continue
        _unknown(item, PHONE_FIELDS, "phones.", check)
        source_text = _str(item.get("source_text"), "phones.source_text", check, required=True)
        number = _str(item.get("number"), "phones.number", check)
        parsed = {p.number or p.display: p for p in phones.parse(source_text)}
        match = (
            parsed.get(number)
            if number
            else next((p for p in parsed.values() if not p.valid), None)
        )
        if match is None:
            derived = ", ".join(p.number or f"invalid {p.display!r}" for p in parsed.values())
            check(
                f"malformed phone {number or source_text!r}: the number must be one of "
                f"those derived from source_text {source_text!r} ({derived or 'none'})"
            )
            continue
        display = _str(item.get("display"), "phones.display", check) or match.display
        if display != match.display and match.valid:
            check(f"phone display {display!r} does not match the derived {match.display!r}")
        for key in _strs(item.get("sources"), "phones.sources", check):
            if key not in citations:
                check(f"phone source {key!r} is not a key of [sources]")
        out.append(
            Phone(
                source_text=source_text,
                number=match.number,
                display=match.display,
                type=match.type,
                valid=match.valid,
                flags=match.flags,
                contact=_str(item.get("contact"), "phones.contact", check) or match.contact,
                description=_str(item.get("description"), "phones.description", check),
                sources=_strs(item.get("sources"), "phones.sources", check),
            )
        )
    return tuple(out)


def _contacts(value: Any, check: Callable[[str], None]) -> tuple[Contact, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        check("'contacts' must be an array of tables ([[organization.contacts]])")
        return ()
    out = []
    for item in value:
        if not isinstance(item, dict):
            check("each contact must be a table with name and title")
            continue
        _unknown(item, CONTACT_FIELDS, "contacts.", check)
        out.append(
            Contact(
                _str(item.get("name"), "contacts.name", check, required=True),
                _str(item.get("title"), "contacts.title", check),
            )
        )
    return tuple(out)


def _website(value: Any, check: Callable[[str], None]) -> Website:
    table = _table(value, "website", check)
    if table is None:
        return Website()
    _unknown(table, WEBSITE_FIELDS, "website.", check)
    url = _str(table.get("url"), "website.url", check)
    if url and not re.match(r"^https?://[^\s<>\"']+$", url):
        check(f"website.url {url!r} must start with http:// or https:// and have no spaces")
    exists = _bool(table, "exists", "website.exists", check) if "exists" in table else bool(url)
    return Website(exists=exists, url=url)


def _period(value: Any, check: Callable[[str], None]) -> Period | None:
    table = _table(value, "period", check)
    if table is None:
        return None
    _unknown(table, PERIOD_FIELDS, "period.", check)
    start, end = table.get("start"), table.get("end")
    for name, year in (("start", start), ("end", end)):
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2200):
            check(f"period.{name} must be a year, like 2019")
            return None
    if isinstance(start, int) and isinstance(end, int) and end < start:
        check(f"period.end {end} is before period.start {start}")
    return Period(start, end, _str(table.get("source_text"), "period.source_text", check))


def _date(value: Any, check: Callable[[str], None]) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    check(f"last_verified {value!r} must be a date like 2026-01-31")
    return None
