"""Frozen model objects: what the rest of tiplookup works with.

Field names follow Open Referral HSDS where one fits (``alternate_name`` →
``alternate_names``, ``service_area``, ``phones.number``, ``contacts.title``…),
so that an HSDS export is a reshaping, not a translation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum, StrEnum

#: What an organisation is. Keys are the values allowed in ``kind``.
KINDS: dict[str, str] = {
    "government": "Government body",
    "committee": "Inter-agency committee",
    "justice": "Court or prosecution",
    "mass-organisation": "Mass organisation",
    "ngo": "Lao non-profit / NGO",
    "international-ngo": "International NGO",
    "un-agency": "UN agency programme",
    "donor-programme": "Donor-funded programme",
    "association": "Association",
}


class Scope(StrEnum):
    NATIONAL = "national"
    PROVINCES = "provinces"
    UNSPECIFIED = "unspecified"


class Relation(int, Enum):
    """How an organisation relates to a province; lower sorts first."""

    BASED = 0  # its address is in the province
    SERVES = 1  # the province is in its service area
    NATIONAL = 2  # national coverage
    UNSPECIFIED = 3  # the source does not say where it works

    @property
    def label(self) -> str:
        return _RELATION_LABELS[self]


_RELATION_LABELS = {
    Relation.BASED: "based in {province}",
    Relation.SERVES: "serves {province}",
    Relation.NATIONAL: "national coverage",
    Relation.UNSPECIFIED: "service area not stated in the source",
}


@dataclass(frozen=True, slots=True)
class Phone:
    """One dialable number. ``number`` and ``display`` are derived from ``source_text``."""

    source_text: str  # verbatim from the source, shared by numbers split from one string
    number: str  # E.164 (+856…) or a short hotline code; "" when not a valid number
    display: str  # grouped for reading aloud; the verbatim text when invalid
    type: str = "unknown"  # landline | mobile | hotline | unknown
    valid: bool = True
    flags: tuple[str, ...] = ()  # what normalisation had to do, see phones.FLAG_TEXT
    contact: str = ""  # person or desk named beside the number in the source
    description: str = ""  # e.g. what a hotline is for
    sources: tuple[str, ...] = ()  # citation keys when not from the directory's main source

    @property
    def tel_uri(self) -> str | None:
        return f"tel:{self.number}" if self.valid and self.number else None


@dataclass(frozen=True, slots=True)
class Contact:
    """A person or desk to ask for, as the source names them."""

    name: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Location:
    """Where an organisation is: the address as written, and what was read from it."""

    address: str  # verbatim
    province: str | None = None  # slug; derived from the address unless stated
    district: str | None = None
    derived: bool = False  # True: province/district read from the address (tiplookup.places)
    confidential: bool = False  # keep off printed sheets (e.g. a shelter's street address)
    note: str = ""


@dataclass(frozen=True, slots=True)
class ServiceArea:
    """Where an organisation works, and the words in the source that say so."""

    scope: Scope = Scope.UNSPECIFIED
    provinces: tuple[str, ...] = ()
    source_text: str = ""  # the words in the source that support this
    derived: bool = False  # inferred (e.g. a national ministry) rather than stated
    note: str = ""


@dataclass(frozen=True, slots=True)
class Website:
    """Whether the source lists a website, and its address when known."""

    exists: bool = False
    url: str = ""  # "" with exists=True: the source links a website whose address was lost

    @property
    def status(self) -> str:
        if self.url:
            return self.url
        return "listed in the source, address unknown" if self.exists else "none listed"


@dataclass(frozen=True, slots=True)
class Period:
    """When a programme runs (years), as the source gives it."""

    start: int | None = None
    end: int | None = None
    source_text: str = ""

    def ended(self, today: dt.date) -> bool:
        return self.end is not None and self.end < today.year

    def __str__(self) -> str:
        return f"{self.start or '?'}–{self.end or ''}".rstrip("–") if self.start or self.end else ""


@dataclass(frozen=True, slots=True)
class Organization:
    """One entry of the directory: who it is, what it offers, where, and how to reach it."""

    id: str
    name: str
    kind: str
    description: str = ""
    source_name: str = ""  # the heading in the source, verbatim
    alternate_names: tuple[str, ...] = ()
    parent: str | None = None
    services: tuple[str, ...] = ()  # taxonomy slugs
    source_services: tuple[str, ...] = ()  # the source's own labels, verbatim
    location: Location | None = None
    service_area: ServiceArea = field(default_factory=ServiceArea)
    phones: tuple[Phone, ...] = ()
    emails: tuple[str, ...] = ()
    contacts: tuple[Contact, ...] = ()
    website: Website = field(default_factory=Website)
    period: Period | None = None
    last_verified: dt.date | None = None
    notes: str = ""
    sources: tuple[str, ...] = ()
    origin: str = "bundled"  # bundled | file | overlay
    local_fields: tuple[str, ...] = ()  # fields whose value comes from the user's overlay

    @property
    def province(self) -> str | None:
        return self.location.province if self.location else None

    @property
    def contactable(self) -> bool:
        return any(p.valid for p in self.phones) or bool(self.emails)

    def ended(self, today: dt.date) -> bool:
        return self.period is not None and self.period.ended(today)

    def relation_to(self, province: str) -> Relation | None:
        """How this organisation relates to ``province``; None when it does not serve it."""
        if self.province == province:
            return Relation.BASED
        area = self.service_area
        if area.scope is Scope.NATIONAL:
            return Relation.NATIONAL
        if area.scope is Scope.PROVINCES:
            return Relation.SERVES if province in area.provinces else None
        return Relation.UNSPECIFIED

    def serves(self, province: str) -> bool:
        return self.relation_to(province) is not None

    def offers(self, service: str) -> bool:
        return service in self.services


@dataclass(frozen=True, slots=True)
class Directory:
    """Every organisation of one directory file, with the file's own facts."""

    # a tuple, or a lazy sequence read from the compiled cache (tiplookup.store.Records)
    organizations: Sequence[Organization]
    path: str  # where it was loaded from, for messages
    source_name: str = ""
    source_url: str = ""
    retrieved: str = ""
    retrieved_note: str = ""
    citations: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.organizations)

    def get(self, org_id: str) -> Organization | None:
        find = getattr(self.organizations, "find", None)  # store.Records looks it up
        if find is not None:
            return find(org_id)  # type: ignore[no-any-return]
        for org in self.organizations:
            if org.id == org_id:
                return org
        return None
