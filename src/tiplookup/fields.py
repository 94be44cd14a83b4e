"""Checks for the fields of one directory entry.

Each function reads one field of a parsed TOML table, reports every problem through
``check`` (a callable that records a message for the entry) and returns the model value.
:mod:`tiplookup.directory` puts them together into whole entries and files.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from tiplookup import phones, places, taxonomy
from tiplookup.errors import UsageError
from tiplookup.model import Contact, Location, Period, Phone, Scope, ServiceArea, Website

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_PATTERN = re.compile(r"^https?://[^\s<>\"']+$")
EMAIL_PATTERN = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")

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


def unknown_fields(
    table: Mapping[str, Any], allowed: AbstractSet[str], where: str, check: Callable[[str], None]
) -> None:
    for key in sorted(set(table) - allowed):
        import difflib

        close = difflib.get_close_matches(key, sorted(allowed), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        check(f"unknown field {where}{key!r}{hint}")


def as_text(value: Any, field: str, check: Callable[[str], None], *, required: bool = False) -> str:
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


def as_texts(value: Any, field: str, check: Callable[[str], None]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        check(f'{field!r} must be a list of text, e.g. {field} = ["…"]')
        return ()
    return tuple(value)


def as_bool(table: Mapping[str, Any], key: str, field: str, check: Callable[[str], None]) -> bool:
    """A TOML true/false: the text "false" must not read as true."""
    value = table.get(key, False)
    if not isinstance(value, bool):
        check(f"{field!r} must be true or false (without quotes), not {value!r}")
        return False
    return value


def as_table(value: Any, field: str, check: Callable[[str], None]) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        check(f"{field!r} must be a table ([organization.{field}])")
        return None
    return value


def suggest_service(term: str) -> str:
    import difflib

    known = taxonomy.lookup(term)
    close = (
        [known.slug]
        if known
        else difflib.get_close_matches(term, [s.slug for s in taxonomy.SERVICES], n=1)
    )
    return f"; did you mean {close[0]!r}?" if close else " (run 'tiplookup services' for the list)"


def province_slug(slug: Any, field: str, check: Callable[[str], None]) -> str | None:
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


def location(value: Any, check: Callable[[str], None]) -> Location | None:
    table = as_table(value, "location", check)
    if table is None:
        return None
    unknown_fields(table, LOCATION_FIELDS, "location.", check)
    return Location(
        address=as_text(table.get("address"), "location.address", check),
        province=province_slug(table.get("province"), "location.province", check),
        district=as_text(table.get("district"), "location.district", check) or None,
        derived=as_bool(table, "derived", "location.derived", check),
        confidential=as_bool(table, "confidential", "location.confidential", check),
        note=as_text(table.get("note"), "location.note", check),
    )


def service_area(value: Any, check: Callable[[str], None]) -> ServiceArea:
    table = as_table(value, "service_area", check)
    if table is None:
        return ServiceArea()
    unknown_fields(table, AREA_FIELDS, "service_area.", check)
    scope_text = as_text(table.get("scope", "unspecified"), "service_area.scope", check)
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
            province_slug(s, "service_area.provinces", check)
            for s in as_texts(table.get("provinces"), "service_area.provinces", check)
        )
        if p
    )
    if scope is Scope.PROVINCES and not provinces:
        check("service_area.scope is 'provinces' but no provinces are listed")
    return ServiceArea(
        scope=scope,
        provinces=provinces,
        source_text=as_text(table.get("source_text"), "service_area.source_text", check),
        derived=as_bool(table, "derived", "service_area.derived", check),
        note=as_text(table.get("note"), "service_area.note", check),
    )


def phone_list(value: Any, check: Callable[[str], None], citations: set[str]) -> tuple[Phone, ...]:
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
        unknown_fields(item, PHONE_FIELDS, "phones.", check)
        source_text = as_text(item.get("source_text"), "phones.source_text", check, required=True)
        number = as_text(item.get("number"), "phones.number", check)
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
        display = as_text(item.get("display"), "phones.display", check) or match.display
        if display != match.display and match.valid:
            check(f"phone display {display!r} does not match the derived {match.display!r}")
        for key in as_texts(item.get("sources"), "phones.sources", check):
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
                contact=as_text(item.get("contact"), "phones.contact", check) or match.contact,
                description=as_text(item.get("description"), "phones.description", check),
                sources=as_texts(item.get("sources"), "phones.sources", check),
            )
        )
    return tuple(out)


def contacts(value: Any, check: Callable[[str], None]) -> tuple[Contact, ...]:
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
        unknown_fields(item, CONTACT_FIELDS, "contacts.", check)
        out.append(
            Contact(
                as_text(item.get("name"), "contacts.name", check, required=True),
                as_text(item.get("title"), "contacts.title", check),
            )
        )
    return tuple(out)


def website(value: Any, check: Callable[[str], None]) -> Website:
    table = as_table(value, "website", check)
    if table is None:
        return Website()
    unknown_fields(table, WEBSITE_FIELDS, "website.", check)
    url = as_text(table.get("url"), "website.url", check)
    if url and not URL_PATTERN.match(url):
        check(f"website.url {url!r} must start with http:// or https:// and have no spaces")
    exists = as_bool(table, "exists", "website.exists", check) if "exists" in table else bool(url)
    return Website(exists=exists, url=url)


def period(value: Any, check: Callable[[str], None]) -> Period | None:
    table = as_table(value, "period", check)
    if table is None:
        return None
    unknown_fields(table, PERIOD_FIELDS, "period.", check)
    start, end = table.get("start"), table.get("end")
    for name, year in (("start", start), ("end", end)):
        if year is not None and (not isinstance(year, int) or not 1900 <= year <= 2200):
            check(f"period.{name} must be a year, like 2019")
            return None
    if isinstance(start, int) and isinstance(end, int) and end < start:
        check(f"period.end {end} is before period.start {start}")
    return Period(start, end, as_text(table.get("source_text"), "period.source_text", check))


def as_date(value: Any, check: Callable[[str], None]) -> dt.date | None:
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
