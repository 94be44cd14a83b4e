"""Model objects back into plain tables in the directory file's schema.

The inverse of :mod:`tiplookup.directory`: ``directory.parse(document(d))`` gives back
the same organisations. The overlay, ``export`` and ``edit --editor`` all use it.
Defaults are left out, and derived phone fields (type, flags) are not written
because the loader derives them again from ``source_text``.
"""

from __future__ import annotations

from typing import Any

from tiplookup.directory import ORG_FIELDS
from tiplookup.model import (
    Directory,
    Location,
    Organization,
    Period,
    Phone,
    Scope,
    ServiceArea,
    Website,
)

#: The order fields are written in, as in data/directory.toml.
FIELD_ORDER = ORG_FIELDS


def document(directory: Directory) -> dict[str, Any]:
    """A whole directory file as a dict ready for tomli_w."""
    meta: dict[str, Any] = {"schema_version": 1}
    for key in ("source_name", "source_url", "retrieved", "retrieved_note"):
        value = getattr(directory, key)
        if value:
            meta[key] = value
    doc: dict[str, Any] = {"meta": meta}
    if directory.citations:
        doc["sources"] = dict(directory.citations)
    doc["organization"] = [organization(org) for org in directory.organizations]
    return doc


def organization(org: Organization) -> dict[str, Any]:
    """One organisation as an ``[[organization]]`` table (defaults left out)."""
    values: dict[str, Any] = {
        "id": org.id,
        "name": org.name,
        "source_name": org.source_name,
        "alternate_names": list(org.alternate_names),
        "kind": org.kind,
        "parent": org.parent or "",
        "description": org.description,
        "services": list(org.services),
        "source_services": list(org.source_services),
        "emails": list(org.emails),
        "website": website(org.website),
        "last_verified": org.last_verified,
        "notes": org.notes,
        "sources": list(org.sources),
        "period": period(org.period),
        "location": location(org.location),
        "service_area": service_area(org.service_area),
        "phones": [phone(p) for p in org.phones],
        "contacts": [_drop_empty({"name": c.name, "title": c.title}) for c in org.contacts],
    }
    table = {key: values[key] for key in FIELD_ORDER if _present(values[key])}
    # an empty list is meaningful for services: the bundled file writes services = []
    table.setdefault("services", [])
    return {key: table[key] for key in FIELD_ORDER if key in table}


def website(site: Website) -> dict[str, Any] | None:
    if not site.exists and not site.url:
        return None
    return _drop_empty({"exists": site.exists, "url": site.url}, keep=("exists",))


def period(value: Period | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return _drop_empty({"start": value.start, "end": value.end, "source_text": value.source_text})


def location(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return _drop_empty(
        {
            "address": loc.address,
            "province": loc.province or "",
            "district": loc.district or "",
            "derived": loc.derived,
            "confidential": loc.confidential,
            "note": loc.note,
        },
        keep=("derived", "confidential"),
    )


def service_area(area: ServiceArea) -> dict[str, Any] | None:
    if area == ServiceArea():
        return None
    return _drop_empty(
        {
            "scope": area.scope.value,
            "provinces": list(area.provinces) if area.scope is Scope.PROVINCES else [],
            "source_text": area.source_text,
            "derived": area.derived,
            "note": area.note,
        },
        keep=("scope",),
    )


def phone(p: Phone) -> dict[str, Any]:
    return _drop_empty(
        {
            "source_text": p.source_text,
            "number": p.number if p.valid else "",
            "display": p.display if p.valid else "",
            "contact": p.contact,
            "description": p.description,
            "sources": list(p.sources),
        }
    )


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _drop_empty(table: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in table.items() if k in keep or (_present(v) and v is not False)}
