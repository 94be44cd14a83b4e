"""Plain-language facts about an organisation, shared by every renderer and by referral.

Pure functions: no printing. Every output format says the same thing in the same words.
"""

from __future__ import annotations

import datetime as dt
import os

from tiplookup import places
from tiplookup.errors import UsageError
from tiplookup.model import KINDS, Organization, Relation, Scope


def today() -> dt.date:
    """Today's date; ``$TIPLOOKUP_TODAY`` (YYYY-MM-DD) pins it for tests and golden files."""
    pinned = os.environ.get("TIPLOOKUP_TODAY")
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise UsageError(f"TIPLOOKUP_TODAY={pinned!r} is not a date like 2026-12-04") from None


def kind_label(org: Organization) -> str:
    return KINDS.get(org.kind, org.kind)


def relation_text(relation: Relation | None, province: str | None) -> str:
    if relation is None or province is None:
        return ""
    return relation.label.format(province=places.province_name(province))


def area_text(org: Organization) -> str:
    area = org.service_area
    if area.scope is Scope.NATIONAL:
        text = "national"
    elif area.scope is Scope.PROVINCES:
        if len(area.provinces) == len(places.provinces()):
            text = "every province (each its own)"
        else:
            text = ", ".join(places.province_name(p) for p in area.provinces)
    else:
        text = "not stated in the source"
    return text + (" (inferred)" if area.derived else "")


def location_text(org: Organization, *, include_confidential: bool = True) -> str:
    loc = org.location
    if loc is None:
        return "no address in the source"
    if loc.confidential and not include_confidential:
        province = places.province_name(loc.province) if loc.province else ""
        return f"address withheld (confidential){', ' + province if province else ''}"
    return loc.address


def province_text(org: Organization) -> str:
    if org.province is None:
        return "unknown"
    return places.province_name(org.province) + (
        " (read from the address)" if org.location and org.location.derived else ""
    )


def period_text(org: Organization, on: dt.date) -> str:
    if org.period is None:
        return ""
    text = str(org.period)
    return f"{text} (ENDED)" if org.ended(on) else text


def verified_text(org: Organization) -> str:
    if org.last_verified is None:
        return "not verified"
    return f"last verified {org.last_verified.isoformat()}"


def warnings(org: Organization, on: dt.date) -> tuple[str, ...]:
    """What a caseworker must know before relying on this entry."""
    out: list[str] = []
    if org.ended(on) and org.period is not None:
        out.append(f"programme ended in {org.period.end}")
    elif org.period is not None and org.period.end == on.year:
        out.append(f"programme due to end in {org.period.end}: check it is still running")
    if not any(p.valid for p in org.phones):
        out.append("no phone number" + ("" if org.emails else " or email"))
    for phone in org.phones:
        if not phone.valid:
            out.append(f"phone {phone.source_text!r} in the source is not a valid Lao number")
    if org.service_area.scope is Scope.UNSPECIFIED:
        out.append("service area not stated in the source")
    if org.last_verified is None:
        out.append("not verified")
    return tuple(out)
