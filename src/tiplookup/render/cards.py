"""Search hits and organisation cards: rich on a terminal, plain text for pipes, and JSON.

Every string from the directory goes through :func:`tiplookup.text.one_line` (plain, rich)
or :func:`tiplookup.text.clean` (JSON) and is given to rich as ``Text``, never as markup.
``org_plain`` and ``org_json`` are public: sheets and exports reuse them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from tiplookup import facts, phones, places, taxonomy
from tiplookup.model import Directory, Organization, Phone
from tiplookup.text import clean, one_line

if TYPE_CHECKING:
    from rich.text import Text

    from tiplookup.search import Hit, SearchResult

SEARCH_SCHEMA = "tiplookup.search/1"
ORGANIZATION_SCHEMA = "tiplookup.organization/1"
_LABEL_WIDTH = 15


# -- plain text ----------------------------------------------------------------------------


def phone_summary(phone: Phone) -> str:
    """One line a caseworker can dial from: display, then whom or what it reaches."""
    if not phone.valid:
        return f"{one_line(phone.source_text)} (as written in the source; not a valid Lao number)"
    text = one_line(phone.display)
    text += f" ({one_line(phone.contact)})" if phone.contact else ""
    return text + (f" – {one_line(phone.description)}" if phone.description else "")


def hit_plain(hit: Hit) -> str:
    """One block per organisation, name first, nothing truncated."""
    org = hit.org
    lines = [one_line(org.name), f"  id: {org.id}", f"  kind: {one_line(facts.kind_label(org))}"]
    if hit.reasons:
        lines.append(f"  why: {one_line('; '.join(hit.reasons))}")
    lines += [f"  phone: {phone_summary(p)}" for p in org.phones]
    lines += [f"  email: {one_line(e)}" for e in org.emails]
    if org.location is not None:
        lines.append(f"  address: {one_line(facts.location_text(org))}")
    lines += [f"  warning: {one_line(w)}" for w in hit.warnings]
    return "\n".join(lines) + "\n"


def hits_plain(result: SearchResult) -> str:
    blocks = [hit_plain(hit) for hit in result.hits]
    more = more_text(result)
    return "\n".join(blocks + ([more] if more else []))


def more_text(result: SearchResult) -> str:
    """What a limited search left out, and how to see it ("" when nothing was)."""
    if result.total <= len(result.hits):
        return ""
    return (
        f"{len(result.hits)} of {result.total:,} organisations shown, best first; "
        "--all shows every one, --limit N the first N"
    )


def org_rows(
    org: Organization,
    on: dt.date,
    *,
    include_confidential: bool = True,
    directory: Directory | None = None,
) -> list[tuple[str, str]]:
    """Everything known about one organisation as (label, value) rows; "" continues a row."""
    rows: list[tuple[str, str]] = [("id", org.id)]
    rows += _many("also known as", org.alternate_names)
    if org.source_name and org.source_name != org.name:
        rows.append(("source heading", org.source_name))
    rows.append(("kind", facts.kind_label(org)))
    if org.parent:
        parent = directory.get(org.parent) if directory else None
        rows.append(("part of", f"{parent.name} ({org.parent})" if parent else org.parent))
    if org.description:
        rows.append(("description", org.description))
    labels = [taxonomy.get(s).label for s in org.services if taxonomy.is_known(s)]
    rows.append(("services", ", ".join(labels) if labels else "none listed in the source"))
    if org.source_services:
        rows.append(("source's labels", ", ".join(org.source_services)))
    for phone in org.phones:
        rows += _phone_rows(phone, directory)
    if not org.phones:
        rows.append(("phone", "none in the source"))
    rows += _many("email", org.emails) or [("email", "none in the source")]
    rows += [("contact", ", ".join(x for x in (c.name, c.title) if x)) for c in org.contacts]
    rows += _location_rows(org, include_confidential)
    rows += _area_rows(org)
    rows.append(("website", org.website.status))
    if org.period is not None:
        rows.append(("programme", facts.period_text(org, on)))
        if org.period.source_text:
            rows.append(("", f"source text: {org.period.source_text!r}"))
    if org.notes:
        rows.append(("notes", org.notes))
    rows += _provenance_rows(org, directory)
    rows.append(("verified", facts.verified_text(org)))
    rows += _many("warning", facts.warnings(org, on))
    return [(label, one_line(value)) for label, value in rows]


def _many(label: str, values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(label, v) for v in values]


def _phone_rows(phone: Phone, directory: Directory | None) -> list[tuple[str, str]]:
    if not phone.valid:
        return [("phone", phone_summary(phone))]
    first = phone.display
    if phone.number.startswith("+"):
        first += f" (E.164 {phone.number})"
    if phone.type != "unknown":
        first += f" [{phone.type}]"
    rows = [("phone", first)]
    rows += [("", f"contact: {phone.contact}")] if phone.contact else []
    rows += [("", phone.description)] if phone.description else []
    rows += [("", phones.FLAG_TEXT.get(f, f)) for f in phone.flags]
    if phone.source_text != phone.display:
        rows.append(("", f"as written in the source: {phone.source_text!r}"))
    cited = directory.citations if directory else {}
    rows += [("", f"not in the main source; from {cited.get(s, s)}") for s in phone.sources]
    return rows


def _location_rows(org: Organization, include_confidential: bool) -> list[tuple[str, str]]:
    loc = org.location
    rows = [("address", facts.location_text(org, include_confidential=include_confidential))]
    if loc is None:
        return rows
    if loc.confidential and include_confidential:
        rows.append(("", "CONFIDENTIAL: do not share; left off printed sheets"))
    rows.append(("province", facts.province_text(org)))
    if loc.district and (include_confidential or not loc.confidential):
        district = loc.district
        if not any(d.slug == district for d in places.districts()):
            rows.append(("district", district))
        else:
            rows.append(
                ("district", next(d.name for d in places.districts() if d.slug == district))
            )
    if loc.note:
        rows.append(("", loc.note))
    return rows


def _area_rows(org: Organization) -> list[tuple[str, str]]:
    area = org.service_area
    rows = [("service area", facts.area_text(org))]
    if area.source_text:
        rows.append(("", f"source text: {area.source_text!r}"))
    if area.note:
        rows.append(("", area.note))
    return rows


def _provenance_rows(org: Organization, directory: Directory | None) -> list[tuple[str, str]]:
    if org.origin == "overlay":  # a local addition: no published source stands behind it
        return [("source", "added on this computer (your tiplookup overlay), not published")]
    rows: list[tuple[str, str]] = []
    if directory is not None and directory.source_name:
        retrieved = f", retrieved {directory.retrieved}" if directory.retrieved else ""
        rows.append(("source", f"{directory.source_name}{retrieved}"))
        if directory.source_url:
            rows.append(("", directory.source_url))
    cited = directory.citations if directory else {}
    rows += [("", f"also from {cited.get(s, s)}") for s in org.sources]
    if org.local_fields:
        fields = ", ".join(org.local_fields)
        rows.append(("", f"changed on this computer (your tiplookup overlay): {fields}"))
    return rows


def org_plain(
    org: Organization,
    on: dt.date,
    *,
    include_confidential: bool = True,
    directory: Directory | None = None,
) -> str:
    """The full card as plain text: the name, then one aligned 'label: value' row per fact."""
    lines = [one_line(org.name)]
    rows = org_rows(org, on, include_confidential=include_confidential, directory=directory)
    for label, value in rows:
        head = f"{label}:" if label else ""
        lines.append(f"  {head:<{_LABEL_WIDTH + 1}} {value}".rstrip())
    return "\n".join(lines) + "\n"


# -- JSON ----------------------------------------------------------------------------------


def org_json(org: Organization, on: dt.date) -> dict[str, Any]:
    """Everything about one organisation, documented in docs/json.md."""
    loc = org.location
    area = org.service_area
    data: dict[str, Any] = _cleaned(
        {
            "id": org.id,
            "name": org.name,
            "source_name": org.source_name or None,
            "alternate_names": list(org.alternate_names),
            "kind": org.kind,
            "kind_label": facts.kind_label(org),
            "parent": org.parent,
            "description": org.description,
            "services": [
                {"slug": s, "label": taxonomy.get(s).label}
                for s in org.services
                if taxonomy.is_known(s)
            ],
            "source_services": list(org.source_services),
            "phones": [_phone_json(p) for p in org.phones],
            "emails": list(org.emails),
            "contacts": [{"name": c.name, "title": c.title} for c in org.contacts],
            "location": None
            if loc is None
            else {
                "address": loc.address,
                "province": loc.province,
                "province_name": places.province_name(loc.province) if loc.province else None,
                "district": loc.district,
                "derived": loc.derived,
                "confidential": loc.confidential,
                "note": loc.note,
            },
            "service_area": {
                "scope": area.scope.value,
                "provinces": list(area.provinces),
                "text": facts.area_text(org),
                "source_text": area.source_text,
                "derived": area.derived,
                "note": area.note,
            },
            "website": {
                "exists": org.website.exists,
                "url": org.website.url or None,
                "status": org.website.status,
            },
            "period": None
            if org.period is None
            else {
                "start": org.period.start,
                "end": org.period.end,
                "source_text": org.period.source_text,
                "ended": org.ended(on),
            },
            "contactable": org.contactable,
            "last_verified": org.last_verified.isoformat() if org.last_verified else None,
            "notes": org.notes,
            "sources": list(org.sources),
            "origin": org.origin,
            "warnings": list(facts.warnings(org, on)),
        }
    )
    return data


def _phone_json(phone: Phone) -> dict[str, Any]:
    return {
        "display": phone.display,
        "number": phone.number or None,
        "tel": phone.tel_uri,
        "type": phone.type,
        "valid": phone.valid,
        "contact": phone.contact,
        "description": phone.description,
        "flags": list(phone.flags),
        "source_text": phone.source_text,
        "sources": list(phone.sources),
    }


def _cleaned(value: Any) -> Any:
    """Control characters and terminal escapes removed from every string."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_cleaned(v) for v in value]
    return value


def hit_json(hit: Hit, rank: int, on: dt.date, province: str | None) -> dict[str, Any]:
    data: dict[str, Any] = _cleaned(
        {
            "rank": rank,
            "id": hit.org.id,
            "name": hit.org.name,
            "score": hit.score,
            "matched": list(hit.matched),
            "relation": hit.relation.name.lower() if hit.relation is not None else None,
            "relation_text": facts.relation_text(hit.relation, province) or None,
            "reasons": list(hit.reasons),
            "warnings": list(hit.warnings),
            "organization": org_json(hit.org, on),
        }
    )
    return data


def search_json(result: SearchResult, on: dt.date) -> dict[str, Any]:
    province = result.province
    return {
        "schema": SEARCH_SCHEMA,
        "query": clean(result.query),
        "province": province,
        "province_name": places.province_name(province) if province else None,
        "services": list(result.services),
        "date": on.isoformat(),
        "count": len(result.hits),
        "total": result.total,
        "hits": [hit_json(h, n, on, province) for n, h in enumerate(result.hits, 1)],
        "suggestions": [clean(s) for s in result.suggestions],
        "hints": [clean(s) for s in result.hints],
    }


def organization_json(org: Organization, on: dt.date) -> dict[str, Any]:
    return {
        "schema": ORGANIZATION_SCHEMA,
        "date": on.isoformat(),
        "organization": org_json(org, on),
    }


# -- terminal ------------------------------------------------------------------------------


def print_hits(result: SearchResult) -> None:
    """A table: rank, organisation (with warnings), why it is listed, how to reach it."""
    from rich import box
    from rich.table import Table

    from tiplookup.render import console

    table = Table(box=box.SIMPLE_HEAD, show_lines=True, expand=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Organisation", ratio=3, overflow="fold")
    table.add_column("Why listed", ratio=3, overflow="fold")
    # no min_width: a column wider than the terminal gets cropped, silently cutting emails;
    # with fold, a long address wraps onto the next line and nothing is lost
    table.add_column("Phone / email", ratio=3, overflow="fold")
    for n, hit in enumerate(result.hits, 1):
        table.add_row(_t(str(n)), _org_cell(hit), _why_cell(hit), _contact_cell(hit.org))
    console().print(table)
    if more := more_text(result):
        console().print(_t(more, "dim"))


def _t(text: str, style: str = "") -> Text:
    from rich.text import Text

    return Text(one_line(text), style=style)


def _lines(*parts: tuple[str, str]) -> Text:
    from rich.text import Text

    out = Text()
    for i, (text, style) in enumerate(p for p in parts if p[0]):
        if i:
            out.append("\n")
        out.append(one_line(text), style=style)
    return out


def _org_cell(hit: Hit) -> Text:
    warnings = [(f"! {w}", "yellow") for w in hit.warnings if not w.startswith("programme ended")]
    ended = [(f"ENDED: {w}", "bold red") for w in hit.warnings if w.startswith("programme ended")]
    return _lines((hit.org.name, "bold"), (hit.org.id, "dim"), *ended, *warnings)


def _why_cell(hit: Hit) -> Text:
    return _lines(*((r, "green" if i == 0 else "") for i, r in enumerate(hit.reasons)))


def _contact_cell(org: Organization) -> Text:
    return _lines(
        *((phone_summary(p), "cyan" if p.valid else "red") for p in org.phones),
        *((e, "") for e in org.emails),
        ("no phone or email in the source" if not org.contactable else "", "yellow"),
    )


def print_card(org: Organization, on: dt.date, directory: Directory | None = None) -> None:
    """One organisation as a framed card with every fact."""
    from rich.panel import Panel
    from rich.table import Table

    from tiplookup.render import console

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, value in org_rows(org, on, directory=directory):
        style = "yellow" if label == "warning" else ""
        if label == "programme" and "(ENDED)" in value:
            style = "bold red"
        grid.add_row(_t(label), _t(value, style))
    console().print(Panel(grid, title=_t(org.name, "bold"), title_align="left", expand=False))
