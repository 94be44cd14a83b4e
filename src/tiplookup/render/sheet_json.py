"""JSON contact sheet: ``{"schema": "tiplookup.sheet/1", …}``, documented in docs/sheets.md."""

from __future__ import annotations

from typing import Any

from tiplookup.sheets import Entry, Sheet

SCHEMA = "tiplookup.sheet/1"


def render(sheet: Sheet) -> str:
    import json

    doc: dict[str, Any] = {
        "schema": SCHEMA,
        "title": sheet.title,
        "selection": sheet.selection,
        "generated": sheet.generated.isoformat(),
        "source": {"name": sheet.source, "url": sheet.source_url},
        "verification": sheet.verification,
        "include_confidential": sheet.include_confidential,
        "confidential_count": sheet.confidential,
        "group_by": sheet.group_by,
        "count": len(sheet.entries),
        "groups": [{"title": g.title, "ids": [e.id for e in g.entries]} for g in sheet.groups],
        "organizations": [_entry(e) for e in sheet.entries],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _entry(e: Entry) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "kind": e.kind,
        "ended": e.ended,
        "programme": e.period or None,
        "phones": [
            {
                "display": p.display,
                "number": p.number or None,
                "tel": p.tel_uri,
                "kind": p.kind,
                "valid": p.valid,
                "note": p.note,
                "derivation": p.derivation,
            }
            for p in e.phones
        ],
        "emails": list(e.emails),
        "address": e.address if e.has_address else None,
        "address_text": e.address,
        "address_withheld": e.address_withheld,
        "province": e.province_slug,
        "province_text": e.province,
        "works_in": e.works_in,
        "services": list(e.service_slugs),
        "service_labels": list(e.services),
        "contacts": list(e.contacts),
        "website": e.website,
        "last_verified": e.last_verified.isoformat() if e.last_verified else None,
        "verified": e.verified,
        "check": list(e.cautions),
        "local_changes": e.local or None,
    }
