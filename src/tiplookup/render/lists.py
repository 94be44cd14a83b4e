"""Compact listings: ``list``, ``services`` and ``provinces``, as table, plain text or JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tiplookup import facts, places, taxonomy
from tiplookup.model import Directory, Organization, Relation
from tiplookup.text import clean, one_line

LIST_SCHEMA = "tiplookup.list/1"
SERVICES_SCHEMA = "tiplookup.services/1"
PROVINCES_SCHEMA = "tiplookup.provinces/1"


def _status(org: Organization, on: dt.date) -> str:
    flags = [w for w in facts.warnings(org, on) if w.startswith(("programme ended", "no phone"))]
    return "; ".join(flags)


def org_rows(orgs: list[Organization], on: dt.date) -> list[list[str]]:
    """id, name, kind, based in, service area, status: one row per organisation."""
    return [
        [
            o.id,
            one_line(o.name),
            one_line(facts.kind_label(o)),
            places.province_name(o.province) if o.province else "-",
            facts.area_text(o),
            _status(o, on),
        ]
        for o in orgs
    ]


def list_json(orgs: list[Organization], on: dt.date) -> dict[str, Any]:
    return {
        "schema": LIST_SCHEMA,
        "date": on.isoformat(),
        "count": len(orgs),
        "organizations": [
            {
                "id": o.id,
                "name": clean(o.name),
                "kind": o.kind,
                "province": o.province,
                "service_area": o.service_area.scope.value,
                "service_area_text": facts.area_text(o),
                "contactable": o.contactable,
                "ended": o.ended(on),
            }
            for o in orgs
        ],
    }


def service_counts(directory: Directory) -> dict[str, int]:
    return {
        s.slug: sum(o.offers(s.slug) for o in directory.organizations) for s in taxonomy.SERVICES
    }


def services_plain(directory: Directory) -> str:
    counts = service_counts(directory)
    lines: list[str] = []
    for group, label in taxonomy.GROUP_LABELS.items():
        lines.append(label)
        for s in (s for s in taxonomy.SERVICES if s.group == group):
            lines.append(f"  {s.slug}: {s.label} ({counts[s.slug]} organisations)")
            if s.synonyms:
                lines.append(f"      synonyms: {', '.join(s.synonyms)}")
        lines.append("")
    return "\n".join(lines)


def services_json(directory: Directory) -> dict[str, Any]:
    counts = service_counts(directory)
    return {
        "schema": SERVICES_SCHEMA,
        "services": [
            {
                "slug": s.slug,
                "label": s.label,
                "group": s.group,
                "group_label": taxonomy.GROUP_LABELS[s.group],
                "definition": s.definition,
                "synonyms": list(s.synonyms),
                "source_labels": list(s.source_labels),
                "organizations": counts[s.slug],
            }
            for s in taxonomy.SERVICES
        ],
    }


def province_rows(directory: Directory) -> list[list[str]]:
    """slug, ISO code, English, Lao, organisations based there, organisations serving it."""
    serving = (Relation.BASED, Relation.SERVES, Relation.NATIONAL)
    rows = []
    for p in places.provinces():
        based = sum(o.province == p.slug for o in directory.organizations)
        serve = sum(o.relation_to(p.slug) in serving for o in directory.organizations)
        rows.append([p.slug, p.iso_code, p.english_name, p.lao, str(based), str(serve)])
    return rows


def provinces_json(directory: Directory) -> dict[str, Any]:
    keys = ("slug", "iso_code", "english_name", "lao", "based", "serving")
    return {
        "schema": PROVINCES_SCHEMA,
        "provinces": [
            {k: int(v) if k in ("based", "serving") else v for k, v in zip(keys, row, strict=True)}
            for row in province_rows(directory)
        ],
    }


def tab_separated(rows: list[list[str]]) -> str:
    return "".join("\t".join(one_line(c) for c in row) + "\n" for row in rows)


def print_table(headers: list[str], rows: list[list[str]], *, title: str = "") -> None:
    from rich.table import Table
    from rich.text import Text

    from tiplookup.render import console

    table = Table(title=Text(title) if title else None, title_justify="left")
    for header in headers:
        table.add_column(Text(header), overflow="fold")  # never cut an id or a number
    for row in rows:
        table.add_row(*(Text(one_line(c)) for c in row))
    console().print(table)


def print_services(directory: Directory) -> None:
    counts = service_counts(directory)
    for group, label in taxonomy.GROUP_LABELS.items():
        services = [s for s in taxonomy.SERVICES if s.group == group]
        rows = [[s.slug, s.label, str(counts[s.slug]), ", ".join(s.synonyms)] for s in services]
        print_table(["slug", "label", "orgs", "synonyms"], rows, title=label)
