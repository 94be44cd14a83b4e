"""Contact sheets: a selection of the directory → one :class:`Sheet` that every format renders.

Pure functions: no printing. Every string in a Sheet has already passed
:func:`tiplookup.text.one_line`, so a renderer only escapes for its own format.
Facts come from :mod:`tiplookup.facts`, so every format says the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tiplookup import facts, phones, places, taxonomy
from tiplookup.errors import NotFoundError, UsageError
from tiplookup.model import Directory, Organization, Phone, Relation
from tiplookup.text import one_line

if TYPE_CHECKING:
    from tiplookup.searchindex import SearchIndex

FORMATS = ("text", "md", "html", "pdf", "csv", "vcard", "json")
BINARY_FORMATS = frozenset({"pdf"})
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".csv": "csv",
    ".vcf": "vcard",
    ".vcard": "vcard",
    ".json": "json",
}
GROUP_BY = ("province", "service")
NO_PROVINCE = "Province not stated in the source"
NO_SERVICE = "No service listed in the source"
PHONE_KINDS = {"landline": "landline", "mobile": "mobile", "hotline": "hotline"}


@dataclass(frozen=True, slots=True)
class Selection:
    """What the user asked for. Slugs are already resolved."""

    query: str = ""
    province: str | None = None
    services: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        return not (self.query or self.province or self.services or self.needs or self.ids)

    def describe(self) -> str:
        if self.is_everything:
            return "every organisation in the directory"
        parts: list[str] = []
        if self.query:
            parts.append(f"matching “{one_line(self.query)}”")
        if self.province:
            parts.append(f"working in {places.province_name(self.province)}")
        if self.services:
            labels = ", ".join(taxonomy.get(s).label for s in self.services)
            parts.append(f"offering {labels}")
        if self.needs:
            parts.append(
                "referral plan for " + ", ".join(taxonomy.get(s).label for s in self.needs)
            )
        if self.ids:
            parts.append("chosen by id: " + ", ".join(self.ids))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class PhoneLine:
    display: str  # grouped for reading aloud; the source's text when not a valid number
    number: str  # E.164 or a short hotline code; "" when not valid
    kind: str  # landline | mobile | hotline | phone
    valid: bool
    note: str  # the person, desk or purpose named beside it
    derivation: str  # how tiplookup worked the number out from the source's text, if it did

    @property
    def tel_uri(self) -> str | None:
        return f"tel:{self.number}" if self.valid and self.number else None


@dataclass(frozen=True, slots=True)
class Entry:
    """One organisation as a sheet shows it."""

    id: str
    name: str
    kind: str
    phones: tuple[PhoneLine, ...]
    emails: tuple[str, ...]
    address: str  # verbatim, or a note that it is withheld / missing
    confidential: bool  # the location is marked confidential in the directory
    address_withheld: bool
    has_address: bool
    province: str  # name, marked when read from the address
    province_slug: str | None
    works_in: str  # service area, marked when inferred
    services: tuple[str, ...]  # labels
    service_slugs: tuple[str, ...]
    contacts: tuple[str, ...]
    website: str  # url, or a status such as "none listed"
    period: str  # "2015–2025 (ENDED)" or ""
    ended: bool
    last_verified: dt.date | None
    verified: str  # "last verified 2026-01-31" or "not verified"
    cautions: tuple[str, ...]  # what to check before relying on it
    local: str  # what the user's overlay added or changed: not from the source


@dataclass(frozen=True, slots=True)
class Group:
    title: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    selection: str
    generated: dt.date
    source: str
    source_url: str
    verification: str
    group_by: str
    include_confidential: bool
    confidential: int  # entries whose location is confidential
    entries: tuple[Entry, ...]  # each organisation once, in sheet order
    groups: tuple[Group, ...]  # an entry can sit in several service groups


def format_for(path: str | None, fmt: str | None) -> str:
    """The format asked for, else the one the file extension names, else plain text."""
    if fmt:
        if fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}")
        return fmt
    if not path:
        return "text"
    ext = Path(path).suffix.lower()
    if ext not in EXTENSIONS:
        raise UsageError(
            f"cannot tell the format from {path!r}",
            hint=f"add --format ({', '.join(FORMATS)}) or use one of: {', '.join(EXTENSIONS)}",
        )
    return EXTENSIONS[ext]


def select(
    directory: Directory,
    selection: Selection,
    *,
    today: dt.date | None = None,
    index: SearchIndex | None = None,
) -> list[Organization]:
    """The organisations a selection names, meaning what it means in search and refer.

    ``needs`` (with an optional province) takes the organisations of the referral plan;
    a query, province or services take the search hits; ids add exactly those
    organisations. Nothing else given: the whole directory.
    """
    if selection.needs and (selection.query or selection.services):
        raise UsageError("give --needs, or a query and --service, not both")
    if selection.is_everything:
        return list(directory.organizations)
    found: list[Organization] = []
    if selection.needs:
        from tiplookup import referral

        plan = referral.plan(directory, selection.needs, selection.province, today, index=index)
        found = referral.plan_organizations(plan)
    elif selection.query or selection.province or selection.services:
        from tiplookup import search

        result = search.search(
            directory,
            selection.query,
            province=selection.province,
            services=selection.services,
            today=today,
            index=index,
        )
        found = [hit.org for hit in result.hits]
        if not found and not selection.ids:
            raise NotFoundError(
                "no organisation matches this selection",
                hint=result.hints[0] if result.hints else None,
            )
    return list(dict.fromkeys([*found, *pick_ids(directory, selection.ids)]))


def pick_ids(directory: Directory, ids: Iterable[str]) -> list[Organization]:
    """The organisations with exactly these ids; a UsageError names any unknown id."""
    import difflib

    out: list[Organization] = []
    for org_id in ids:
        org = directory.get(org_id)
        if org is None:
            known = [o.id for o in directory.organizations]
            close = difflib.get_close_matches(org_id, known, n=1)
            raise UsageError(
                f"unknown id {one_line(org_id)!r}"
                + (f"; did you mean {close[0]!r}?" if close else ""),
                hint="run 'tiplookup search' to find ids",
            )
        if org not in out:
            out.append(org)
    return out


def build(
    directory: Directory,
    orgs: Sequence[Organization],
    selection: Selection,
    *,
    title: str = "",
    group_by: str = "province",
    include_confidential: bool = False,
    today: dt.date | None = None,
) -> Sheet:
    """The sheet for ``orgs`` (already selected); NotFoundError when there are none."""
    if group_by not in GROUP_BY:
        raise UsageError(f"cannot group by {group_by!r}; use one of: {', '.join(GROUP_BY)}")
    if not orgs:
        raise NotFoundError("no organisation matches this selection")
    on = today or facts.today()
    entries = [entry(o, on, include_confidential=include_confidential) for o in orgs]
    if group_by == "province" and selection.province:
        relations = [o.relation_to(selection.province) for o in orgs]
        groups = _by_relation(list(zip(entries, relations, strict=True)), selection.province)
    elif group_by == "province":
        groups = _by_province(entries, None)
    else:
        groups = _by_service(entries, selection.services or selection.needs)
    ordered = tuple(dict.fromkeys(e for g in groups for e in g.entries))
    return Sheet(
        title=one_line(title) or _default_title(selection),
        selection=selection.describe(),
        generated=on,
        source=_source_text(directory),
        source_url=one_line(directory.source_url),
        verification=_verification_text(entries),
        group_by=group_by,
        include_confidential=include_confidential,
        confidential=sum(e.confidential for e in entries),
        entries=ordered,
        groups=groups,
    )


def entry(org: Organization, on: dt.date, *, include_confidential: bool = False) -> Entry:
    loc = org.location
    confidential = bool(loc and loc.confidential)
    withheld = confidential and not include_confidential
    return Entry(
        id=org.id,
        name=one_line(org.name),
        kind=one_line(facts.kind_label(org)),
        phones=tuple(_phone(p) for p in org.phones),
        emails=tuple(one_line(e) for e in org.emails),
        address=one_line(facts.location_text(org, include_confidential=include_confidential)),
        confidential=confidential,
        address_withheld=withheld,
        has_address=bool(loc and loc.address.strip()) and not withheld,
        province=one_line(facts.province_text(org)),
        province_slug=org.province,
        works_in=one_line(facts.area_text(org)),
        services=tuple(taxonomy.get(s).label for s in org.services),
        service_slugs=org.services,
        contacts=tuple(
            one_line(c.name + (f", {c.title}" if c.title else "")) for c in org.contacts
        ),
        website=one_line(org.website.status),
        period=one_line(facts.period_text(org, on)),
        ended=org.ended(on),
        last_verified=org.last_verified,
        verified=facts.verified_text(org),
        cautions=tuple(one_line(w) for w in facts.warnings(org, on) if w != "not verified"),
        local=_local_text(org),
    )


def _local_text(org: Organization) -> str:
    """Facts from the user's overlay are not the source's: say which."""
    if org.origin == "overlay":
        return "added locally (tiplookup overlay); not in the source"
    changed = [f for f in org.local_fields if f != "last_verified"]  # verifying is local
    if not changed:
        return ""
    return f"changed locally (tiplookup overlay): {', '.join(changed)}"


def _phone(phone: Phone) -> PhoneLine:
    if phone.valid:  # derived from the source's text: say how
        derivation = "; ".join(phones.FLAG_TEXT[f] for f in phone.flags if f in phones.FLAG_TEXT)
    else:
        derivation = "not a valid Lao number; printed as written in the source"
    return PhoneLine(
        display=one_line(phone.display if phone.valid else phone.source_text),
        number=phone.number if phone.valid else "",
        kind=PHONE_KINDS.get(phone.type, "phone"),
        valid=phone.valid,
        note=one_line("; ".join(n for n in (phone.contact, phone.description) if n)),
        derivation=derivation,
    )


def _sort_key(e: Entry) -> tuple[bool, str]:
    return (e.ended, e.name.casefold())  # ended programmes last: they may not answer


def _by_relation(pairs: list[tuple[Entry, Relation | None]], province: str) -> tuple[Group, ...]:
    """For a province's sheet: based there, then serving it, national, area not stated."""
    buckets: dict[Relation | None, list[Entry]] = {}
    for e, relation in pairs:
        buckets.setdefault(relation, []).append(e)
    order = [*Relation, None]
    return tuple(
        Group(
            _upper_first(facts.relation_text(relation, province))
            if relation is not None
            else "Added by id",
            tuple(sorted(buckets[relation], key=_sort_key)),
        )
        for relation in order
        if relation in buckets
    )


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _by_province(entries: list[Entry], first: str | None) -> tuple[Group, ...]:
    buckets: dict[str | None, list[Entry]] = {}
    for e in entries:
        buckets.setdefault(e.province_slug, []).append(e)

    def order(slug: str | None) -> tuple[int, str]:
        if slug is None:
            return (2, "")
        return (0 if slug == first else 1, places.province_name(slug).casefold())

    return tuple(
        Group(
            places.province_name(slug) if slug else NO_PROVINCE,
            tuple(sorted(buckets[slug], key=_sort_key)),
        )
        for slug in sorted(buckets, key=order)
    )


def _by_service(entries: list[Entry], chosen: tuple[str, ...]) -> tuple[Group, ...]:
    buckets: dict[str | None, list[Entry]] = {}
    for e in entries:
        slugs: list[str | None] = [s for s in e.service_slugs if not chosen or s in chosen]
        for slug in slugs or [None]:
            buckets.setdefault(slug, []).append(e)
    rank = {s.slug: i for i, s in enumerate(taxonomy.SERVICES)}
    return tuple(
        Group(
            taxonomy.get(slug).label if slug else NO_SERVICE,
            tuple(sorted(buckets[slug], key=_sort_key)),
        )
        for slug in sorted(buckets, key=lambda s: rank[s] if s else len(rank))
    )


def _default_title(selection: Selection) -> str:
    if selection.province:
        return f"Anti-trafficking contacts: {places.province_name(selection.province)}"
    return "Anti-trafficking contacts, Lao PDR"


def _source_text(directory: Directory) -> str:
    name = one_line(directory.source_name) or f"directory file {one_line(directory.path)}"
    retrieved = one_line(directory.retrieved)
    return name + (f", copy taken {retrieved}" if retrieved else "")


def _verification_text(entries: list[Entry]) -> str:
    verified = sum(e.last_verified is not None for e in entries)
    total = len(entries)
    if verified == total:
        return (
            "the entry is verified; see its date" if total == 1 else f"all {total} entries verified"
        )
    rest = "the others are" if verified else "all are"
    return (
        f"{verified} of {total} entries verified since they were copied from the source; "
        f"{rest} as the source published them: confirm before relying on them"
    )
