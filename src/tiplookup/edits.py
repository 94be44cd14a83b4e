"""Turn what a user types (``--phone``, ``--set phones+=…``) into directory-schema tables.

Pure functions: they resolve services and provinces with the same vocabularies as
search, keep phone numbers verbatim (``phones.parse`` derives the dialable form), and
raise :class:`UsageError` with a suggestion when something cannot be understood.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from tiplookup import fields, phones, places, taxonomy
from tiplookup.errors import UsageError
from tiplookup.model import KINDS

#: What ``tiplookup edit --set`` understands, and where each one lives in the entry.
SETTABLE: dict[str, str] = {
    "name": "name",
    "description": "description",
    "notes": "notes",
    "kind": "kind",
    "parent": "parent",
    "alternate_names": "alternate_names",
    "services": "services",
    "phones": "phones",
    "emails": "emails",
    "website": "website",
    "address": "location",
    "province": "location",
    "confidential": "location",
    "area": "service_area",
    "start": "period",
    "end": "period",
}
APPENDABLE = {"alternate_names", "services", "phones", "emails"}
_YES = {"yes", "y", "true", "1", "on"}
_NO = {"no", "n", "false", "0", "off", ""}


def slug(name: str) -> str:
    """An id from a name: 'Sunshine Shelter (Pakse)' → 'sunshine-shelter-pakse'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", text))[:60].strip("-")


def check_id(org_id: str) -> str:
    if not fields.ID_PATTERN.match(org_id):
        raise UsageError(
            f"id {org_id!r} must be a slug: lower-case letters, digits and single hyphens"
        )
    return org_id


def kind(text: str) -> str:
    value = text.strip().lower()
    if value not in KINDS:
        raise UsageError(f"unknown kind {text!r}", hint=f"use one of: {', '.join(KINDS)}")
    return value


def split(values: list[str] | str) -> list[str]:
    """Comma-separated and repeated values, in order, without blanks."""
    items = [values] if isinstance(values, str) else values
    return [part.strip() for item in items for part in item.split(",") if part.strip()]


def services(values: list[str] | str) -> list[str]:
    """Service words (slug, label or synonym) → taxonomy slugs; UsageError suggests one."""
    slugs = [taxonomy.resolve(term).slug for term in split(values)]
    return list(dict.fromkeys(slugs))


def province(text: str) -> str:
    return places.resolve_province(text).slug


def emails(values: list[str] | str) -> list[str]:
    out = split(values)
    for email in out:
        if not fields.EMAIL_PATTERN.match(email):
            raise UsageError(f"malformed email {email!r}; write it like name@example.org")
    return out


def phone_tables(text: str) -> list[dict[str, Any]]:
    """Phone tables from one string as written ('021 123 456 / 020 5555 1234 (Ms Noy)')."""
    parsed = phones.parse(text)
    if not parsed:
        raise UsageError(f"no phone number in {text!r}")
    out: list[dict[str, Any]] = []
    for p in parsed:
        table: dict[str, Any] = {"source_text": text.strip()}
        if p.valid:
            table["number"] = p.number
            table["display"] = p.display
        out.append(table)
    return out


def invalid_phones(tables: list[dict[str, Any]]) -> list[str]:
    return [t["source_text"] for t in tables if "number" not in t]


def area(text: str) -> dict[str, Any]:
    """'national', 'unspecified' or 'provinces:champasak,savannakhet'."""
    scope, _, rest = text.strip().partition(":")
    scope = scope.strip().lower()
    if scope in ("national", "unspecified") and not rest:
        return {"scope": scope}
    if scope == "provinces" and rest.strip():
        return {"scope": "provinces", "provinces": [province(p) for p in split(rest)]}
    raise UsageError(
        f"cannot read area {text!r}",
        hint="use national, unspecified, or provinces:<province>,<province>",
    )


def flag(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise UsageError(f"expected yes or no, not {text!r}")


def location(
    address: str | None, province_text: str | None, *, confidential: bool = False
) -> dict[str, Any] | None:
    """A location table; the province is read from the address unless given."""
    if not address and not province_text:
        return None
    table: dict[str, Any] = {"address": (address or "").strip()}
    if province_text:
        table["province"] = province(province_text)
        table["derived"] = False
    elif address:
        table.update(_derived_place(address))
    table["confidential"] = confidential
    return table


def _derived_place(address: str) -> dict[str, Any]:
    match = places.province_from_address(address)
    if match is None:
        return {"derived": False}
    out: dict[str, Any] = {"province": match.province, "derived": True}
    if match.district:
        out["district"] = match.district
    return out


def parse_assignment(text: str) -> tuple[str, str, bool]:
    """'phones+=021 123 456' → ('phones', '021 123 456', True)."""
    m = re.match(r"^\s*([a-z_]+)\s*(\+?=)(.*)$", text, re.S)
    if not m:
        raise UsageError(f"cannot read {text!r}; write FIELD=VALUE, e.g. --set name='New name'")
    field, op, value = m.group(1), m.group(2), m.group(3).strip()
    if field not in SETTABLE:
        raise UsageError(f"cannot set {field!r}", hint=f"fields you can set: {', '.join(SETTABLE)}")
    if op == "+=" and field not in APPENDABLE:
        raise UsageError(f"'+=' works only for lists: {', '.join(sorted(APPENDABLE))}")
    return field, value, op == "+="


def apply(current: dict[str, Any], assignments: list[str]) -> dict[str, Any]:
    """The changed top-level fields of ``current`` (an entry table) after ``--set`` items."""
    table = {k: v for k, v in current.items()}
    changed: set[str] = set()
    for text in assignments:
        field, value, append = parse_assignment(text)
        key = SETTABLE[field]
        table[key] = _set(table, field, value, append)
        changed.add(key)
        if field == "services" and table.get("source_services"):
            kept = [
                label
                for label in table["source_services"]
                if taxonomy.slug_for_source_label(label) in table["services"]
            ]
            table["source_services"] = kept
            changed.add("source_services")
    return {key: table[key] for key in changed}


def _set(table: dict[str, Any], field: str, value: str, append: bool) -> Any:
    old = table.get(SETTABLE[field])
    if field in APPENDABLE:
        new = _list_value(field, value)
        return [*(old or []), *[v for v in new if v not in (old or [])]] if append else new
    if field == "kind":
        return kind(value)
    if field == "parent":
        return check_id(value) if value else ""
    if field == "website":
        return _website(value)
    if field in ("address", "province", "confidential"):
        return _location(dict(old or {}), field, value)
    if field == "area":
        return area(value)
    if field in ("start", "end"):
        return _period(dict(old or {}), field, value)
    return value


def _list_value(field: str, value: str) -> list[Any]:
    if field == "phones":
        return phone_tables(value) if value else []
    if field == "services":
        return services(value)
    if field == "emails":
        return emails(value)
    return split(value)


def _website(value: str) -> dict[str, Any]:
    if not value:
        return {"exists": False}
    if not fields.URL_PATTERN.match(value):
        raise UsageError(f"website {value!r} must start with http:// or https://")
    return {"exists": True, "url": value}


def _location(loc: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    if field == "confidential":
        loc["confidential"] = flag(value)
    elif field == "province":
        loc.pop("district", None)
        if value:
            loc.update(province=province(value), derived=False)
        else:
            loc.pop("province", None)
    else:
        loc["address"] = value
        if loc.get("derived", True) or not loc.get("province"):
            for key in ("province", "district"):
                loc.pop(key, None)
            loc.update(_derived_place(value))
    loc.setdefault("address", "")
    return loc


def _period(period: dict[str, Any], field: str, value: str) -> dict[str, Any]:
    if not value:
        period.pop(field, None)
        return period
    if not re.fullmatch(r"\d{4}", value.strip()):
        raise UsageError(f"{field} must be a year, like 2019, not {value!r}")
    period[field] = int(value)
    return period
