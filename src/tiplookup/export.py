"""Export the merged directory: TOML (the directory schema), JSON, or Open Referral HSDS 3.0.

Every format is built from the same frozen objects, so an export says exactly what
``search`` and ``show`` say. Hidden entries are not exported; entries from the user's
overlay carry ``origin`` and ``local_fields`` in JSON.

HSDS 3.0 fields marked required by the schema files of openreferral/specification
(``schema/*.json``, "required" arrays):
organization: id, name, description · service: id, name, status · phone: id, number ·
location: id, location_type · address: id, address_1, city, state_province,
postal_code, country, address_type · service_area: id. Ids are UUIDs (format "uuid").
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from tiplookup import facts, places, tables, taxonomy
from tiplookup.model import Directory, Organization, Scope

FORMATS = ("toml", "json", "hsds")
HSDS_VERSION = "3.0"
#: Stable UUIDs: the same organisation gets the same HSDS ids in every export.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/tiplookup/tiplookup")
_PHONE_TYPES = {"mobile": "cell", "landline": "voice", "hotline": "voice"}


def render(directory: Directory, fmt: str, *, today: dt.date | None = None) -> str:
    if fmt == "toml":
        return to_toml(directory)
    if fmt == "json":
        return to_json(directory)
    if fmt == "hsds":
        return to_hsds(directory, today=today)
    raise ValueError(fmt)


def to_toml(directory: Directory) -> str:
    import tomli_w

    header = (
        "# Exported by 'tiplookup export --format toml': the directory in use, with the\n"
        "# user's overlay applied and hidden entries left out. Check it with\n"
        "# 'tiplookup validate FILE'; use it with 'tiplookup --directory FILE'.\n\n"
    )
    return header + tomli_w.dumps(tables.document(directory))


def to_json(directory: Directory) -> str:
    import json

    doc = tables.document(directory)
    for table, org in zip(doc["organization"], directory.organizations, strict=True):
        table["origin"] = org.origin
        table["local_fields"] = list(org.local_fields)
    doc["organizations"] = doc.pop("organization")
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def _id(*parts: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, "/".join(parts)))


def to_hsds(directory: Directory, *, today: dt.date | None = None) -> str:
    """HSDS 3.0-shaped JSON: one list per object, linked by *_id foreign keys."""
    import json

    on = today or facts.today()
    out: dict[str, Any] = {
        "hsds_version": HSDS_VERSION,
        "organizations": [],
        "services": [],
        "locations": [],
        "phones": [],
        "service_areas": [],
    }
    for org in directory.organizations:
        out["organizations"].append(_hsds_organization(org))
        services = _hsds_services(org, on)
        out["services"].extend(services)
        out["service_areas"].extend(_hsds_areas(org, services))
        out["phones"].extend(_hsds_phones(org))
        location = _hsds_location(org)
        if location:
            out["locations"].append(location)
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"


def _hsds_organization(org: Organization) -> dict[str, Any]:
    table: dict[str, Any] = {
        "id": _id("organization", org.id),
        "name": org.name,
        "description": org.description,
    }
    if org.alternate_names:
        table["alternate_name"] = org.alternate_names[0]
    if org.emails:
        table["email"] = org.emails[0]
    if org.website.url:
        table["website"] = org.website.url
    if org.parent:
        table["parent_organization_id"] = _id("organization", org.parent)
    table["legal_status"] = facts.kind_label(org)
    return table


def _hsds_services(org: Organization, on: dt.date) -> list[dict[str, Any]]:
    """One service per taxonomy service; an organisation listing none gets one service
    standing for its whole programme, so that its status (e.g. ended) is not lost."""
    named = [
        (slug, f"{taxonomy.get(slug).label} – {org.name}", taxonomy.get(slug).definition)
        for slug in org.services
    ] or [("programme", org.name, org.description)]
    out = []
    for key, name, description in named:
        table: dict[str, Any] = {
            "id": _id("service", org.id, key),
            "organization_id": _id("organization", org.id),
            "name": name,
            "description": description,
            "status": "inactive" if org.ended(on) else "active",
        }
        if org.ended(on) and org.period is not None:
            said = f" ({org.period.source_text})" if org.period.source_text else ""
            table["alert"] = f"Programme ended in {org.period.end}{said}"
        if org.emails:
            table["email"] = org.emails[0]
        if org.last_verified:
            table["assured_date"] = org.last_verified.isoformat()
        out.append(table)
    return out


def _hsds_areas(org: Organization, services: list[dict[str, Any]]) -> list[dict[str, Any]]:
    area = org.service_area
    if area.scope is Scope.UNSPECIFIED:
        return []  # the source does not say; an HSDS area would claim more than we know
    name = "Lao PDR" if area.scope is Scope.NATIONAL else facts.area_text(org)
    description = area.source_text or ("inferred by tiplookup" if area.derived else "")
    return [
        {
            "id": _id("service_area", org.id, service["id"]),
            "service_id": service["id"],
            "name": name,
            "description": description,
        }
        for service in services
    ]


def _hsds_phones(org: Organization) -> list[dict[str, Any]]:
    out = []
    for i, phone in enumerate(org.phones):
        if not phone.valid:
            continue  # not a dialable number; kept only in the TOML/JSON exports
        table: dict[str, Any] = {
            "id": _id("phone", org.id, str(i)),
            "organization_id": _id("organization", org.id),
            "number": phone.number,
            "type": _PHONE_TYPES.get(phone.type, "voice"),
        }
        description = "; ".join(x for x in (phone.contact, phone.description) if x)
        if description:
            table["description"] = description
        out.append(table)
    return out


def _hsds_location(org: Organization) -> dict[str, Any] | None:
    loc = org.location
    if loc is None:
        return None
    location_id = _id("location", org.id)
    table: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "organization_id": _id("organization", org.id),
        "name": org.name,
    }
    if loc.confidential:
        province = places.province_name(loc.province) if loc.province else ""
        table["description"] = "Address withheld (confidential)" + (
            f"; in {province}" if province else ""
        )
        return table
    table["addresses"] = [
        {
            "id": _id("address", org.id),
            "location_id": location_id,
            "address_1": loc.address,
            "city": _district_name(loc.district, loc.province),
            "state_province": places.province_name(loc.province) if loc.province else "",
            "postal_code": "",
            "country": "LA",
            "address_type": "physical",
        }
    ]
    return table


def _district_name(district: str | None, province: str | None) -> str:
    if not district:
        return ""
    for d in places.districts():
        if d.slug == district and (province is None or d.province == province):
            return d.name
    return ""
