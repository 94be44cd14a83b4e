"""Compact listings: ``list``, ``services`` and ``provinces``, as table, plain text or JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from tiplookup import facts, places, taxonomy
from tiplookup.model import Organization
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


def services_plain(counts: Mapping[str, int]) -> str:
    """The vocabulary, with how many organisations offer each service (``counts``)."""
    lines: list[str] = []
    for group, label in taxonomy.GROUP_LABELS.items():
        lines.append(label)
        for s in (s for s in taxonomy.SERVICES if s.group == group):
            lines.append(f"  {s.slug}: {s.label} ({counts.get(s.slug, 0):,} organisations)")
            if s.synonyms:
                lines.append(f"      synonyms: {', '.join(s.synonyms)}")
        lines.append("")
    return "\n".join(lines)


def services_json(counts: Mapping[str, int]) -> dict[str, Any]:
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
                "organizations": counts.get(s.slug, 0),
            }
            for s in taxonomy.SERVICES
        ],
    }


def province_rows(counts: Callable[[str], tuple[int, int]]) -> list[list[str]]:
    """slug, ISO code, English, Lao, organisations based there, organisations serving it
    (``counts(slug)`` gives the last two)."""
    rows = []
    for p in places.provinces():
        based, serve = counts(p.slug)
        rows.append([p.slug, p.iso_code, p.english_name, p.lao, str(based), str(serve)])
    return rows


def provinces_json(rows: list[list[str]]) -> dict[str, Any]:
    keys = ("slug", "iso_code", "english_name", "lao", "based", "serving")
    return {
        "schema": PROVINCES_SCHEMA,
        "provinces": [
            {k: int(v) if k in ("based", "serving") else v for k, v in zip(keys, row, strict=True)}
            for row in rows
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


def print_services(counts: Mapping[str, int]) -> None:
    for group, label in taxonomy.GROUP_LABELS.items():
        services = [s for s in taxonomy.SERVICES if s.group == group]
        rows = [
            [s.slug, s.label, f"{counts.get(s.slug, 0):,}", ", ".join(s.synonyms)] for s in services
        ]
        print_table(["slug", "label", "orgs", "synonyms"], rows, title=label)
