"""Referral plans: a survivor's needs → whom to call, in what order, and why.

Pure functions over a Directory: nothing is printed, stored or logged. See docs/referral.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

from tiplookup import facts, places, taxonomy
from tiplookup.errors import UsageError
from tiplookup.model import Directory, Organization, Phone, Relation

SINGLE, COMBINATION, NONE = "single", "combination", "none"

#: Providers kept per need when searching for the smallest combination (keeps it fast
#: at 100,000 organisations; the exact minimum is found among them).
CANDIDATES_PER_NEED = 4
#: Above this many candidates the search keeps only the best few per need.
MAX_CANDIDATES = 24

RankKey = tuple[bool, int, bool, int, str, str]
_KeyFn = Callable[[Organization], RankKey]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One provider, with the reasons for suggesting it and what to watch out for."""

    org: Organization
    covers: tuple[str, ...]  # requested need slugs it offers, in the order asked
    relation: Relation | None  # to the province; None without one, or when it is elsewhere
    where: str
    phone: str | None  # first valid number, as displayed
    phone_note: str  # "hotline", and/or the person or desk named beside it
    email: str | None
    warnings: tuple[str, ...]
    ended: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """A need no provider covers in the province, and who offers it elsewhere."""

    need: str
    elsewhere: tuple[Suggestion, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    needs: tuple[str, ...]  # slugs, in the order asked, without repeats
    province: str | None
    date: dt.date
    kind: str  # SINGLE: each suggestion covers every coverable need; COMBINATION; NONE
    suggested: tuple[Suggestion, ...]
    alternatives: tuple[tuple[str, tuple[Suggestion, ...]], ...]  # need → every provider
    gaps: tuple[Gap, ...]

    @property
    def uncovered(self) -> tuple[str, ...]:
        return tuple(g.need for g in self.gaps)

    @property
    def covered(self) -> tuple[str, ...]:
        return tuple(n for n in self.needs if n not in self.uncovered)


def resolve_needs(terms: Iterable[str]) -> tuple[str, ...]:
    """Slugs for what a user typed ("lawyer", "go home", "legal-aid,shelter"), in order."""
    slugs: list[str] = []
    for chunk in terms:
        for term in chunk.split(","):
            if term.strip():
                slug = taxonomy.resolve(term.strip(), needs_only=True).slug
                if slug not in slugs:
                    slugs.append(slug)
    if not slugs:
        valid = ", ".join(s.slug for s in taxonomy.needs())
        raise UsageError("no needs given; use --needs legal-aid,shelter", hint=f"needs: {valid}")
    return tuple(slugs)


def plan(
    directory: Directory,
    needs: Sequence[str],
    province: str | None = None,
    today: dt.date | None = None,
) -> Plan:
    """Build the referral plan for ``needs`` (slugs) in ``province`` (a slug, or None)."""
    on = today or facts.today()
    wanted = tuple(dict.fromkeys(needs))
    for slug in wanted:
        if not taxonomy.is_known(slug) or not taxonomy.get(slug).is_need:
            raise UsageError(f"{slug!r} is not a victim need")
    if province is not None and not places.is_province(province):
        raise UsageError(f"unknown province {province!r}")
    ranker = _Ranker(wanted, province, on)
    offering = [o for o in directory.organizations if any(o.offers(n) for n in wanted)]
    eligible = sorted((o for o in offering if ranker.in_area(o)), key=ranker.key)
    elsewhere = sorted((o for o in offering if not ranker.in_area(o)), key=ranker.key)

    gaps = tuple(
        Gap(n, tuple(ranker.suggest(o) for o in elsewhere if o.offers(n)))
        for n in wanted
        if not any(o.offers(n) for o in eligible)
    )
    target = frozenset(wanted) - {g.need for g in gaps}
    kind, chosen = _choose(eligible, target, ranker)
    alternatives = tuple(
        (n, tuple(ranker.suggest(o) for o in eligible if o.offers(n)))
        for n in wanted
        if n in target
    )
    return Plan(
        needs=wanted,
        province=province,
        date=on,
        kind=kind,
        suggested=tuple(ranker.suggest(o) for o in chosen),
        alternatives=alternatives,
        gaps=gaps,
    )


def plan_organizations(result: Plan) -> list[Organization]:
    """The distinct organisations a plan names, in order: suggested, alternatives, elsewhere."""
    groups = [result.suggested]
    groups += [providers for _, providers in result.alternatives]
    groups += [gap.elsewhere for gap in result.gaps]
    seen: dict[str, Organization] = {}
    for group in groups:
        for s in group:
            seen.setdefault(s.org.id, s.org)
    return list(seen.values())


def _choose(
    eligible: list[Organization], target: frozenset[str], ranker: _Ranker
) -> tuple[str, list[Organization]]:
    """Active providers that cover every need alone (ended ones after them); else the best
    combination; an ended programme alone only when nothing active can do the job."""
    if not target:
        return NONE, []
    singles = [o for o in eligible if target <= set(o.services)]
    if any(not o.ended(ranker.on) for o in singles):
        return SINGLE, singles
    cover = smallest_cover(eligible, target, ranker.key)
    return (SINGLE, singles) if len(cover) == 1 else (COMBINATION, cover)


class _Ranker:
    """Ranks providers for one request; see docs/referral.md for the order and why."""

    def __init__(self, needs: tuple[str, ...], province: str | None, on: dt.date) -> None:
        self.needs = needs
        self.province = province
        self.on = on
        self._keys: dict[str, RankKey] = {}  # by organisation id: sorting asks many times
        self._suggestions: dict[str, Suggestion] = {}

    def relation(self, org: Organization) -> Relation | None:
        return org.relation_to(self.province) if self.province else None

    def in_area(self, org: Organization) -> bool:
        return self.province is None or self.relation(org) is not None

    def key(self, org: Organization) -> RankKey:
        known = self._keys.get(org.id)
        if known is None:
            known = self._keys[org.id] = self._key(org)
        return known

    def _key(self, org: Organization) -> RankKey:
        relation = self.relation(org)
        distance = relation.value if relation is not None else len(Relation)
        victim_services = sum(1 for s in org.services if _is_need(s))
        return (
            org.ended(self.on),  # ended programmes always last
            distance if self.province else 0,
            not org.contactable,
            -victim_services,  # one provider is easier for a survivor than several
            org.name.casefold(),
            org.id,
        )

    def suggest(self, org: Organization) -> Suggestion:
        known = self._suggestions.get(org.id)
        if known is None:
            known = self._suggestions[org.id] = self._suggest(org)
        return known

    def _suggest(self, org: Organization) -> Suggestion:
        relation = self.relation(org)
        phone = next((p for p in org.phones if p.valid and p.number), None)
        return Suggestion(
            org=org,
            covers=tuple(n for n in self.needs if org.offers(n)),
            relation=relation,
            where=self.where(org, relation),
            phone=phone.display if phone else None,
            phone_note=_phone_note(phone) if phone else "",
            email=org.emails[0] if org.emails else None,
            warnings=facts.warnings(org, self.on),
            ended=org.ended(self.on),
        )

    def where(self, org: Organization, relation: Relation | None) -> str:
        based = f"based in {facts.province_text(org)}" if org.province else ""
        if self.province is None:
            return "; ".join(p for p in (based, f"service area: {facts.area_text(org)}") if p)
        name = places.province_name(self.province)
        if relation is None:
            parts = [f"does not serve {name}", based, f"service area: {facts.area_text(org)}"]
        elif relation is Relation.UNSPECIFIED:
            parts = [based, f"does not say whether it works in {name}"]
        else:
            parts = [facts.relation_text(relation, self.province)]
            parts += [based] if relation is not Relation.BASED else []
        return "; ".join(p for p in parts if p)


def _phone_note(phone: Phone) -> str:
    return ", ".join(n for n in ("hotline" if phone.type == "hotline" else "", phone.contact) if n)


def _is_need(slug: str) -> bool:
    return taxonomy.is_known(slug) and taxonomy.get(slug).is_need


def smallest_cover(
    ranked: Sequence[Organization],
    target: frozenset[str],
    key: _KeyFn,
) -> list[Organization]:
    """The fewest providers that together offer every need in ``target``, best first.

    ``ranked`` is sorted best first. First, as few needs as possible rest on an ended
    programme (only those nothing active offers); then the fewest providers; then the
    fewest ended programmes, the nearest, the most contactable and the broadest.
    """
    candidates = _candidates(ranked, target, key)
    active = [o for o in candidates if not key(o)[0]]
    floor = len(target - set().union(*(o.services for o in active)))  # best reachable
    best: tuple[tuple[int, ...], tuple[Organization, ...]] | None = None
    for size in range(1, len(target) + 1):
        if best is not None and best[0][0] == floor:
            break  # a larger combination cannot do better
        for combo in combinations(candidates, size):
            if target <= set().union(*(o.services for o in combo)):
                score = (_resting_on_ended(combo, target, key), size, *_combo_key(combo, key))
                if best is None or score < best[0]:
                    best = (score, combo)
    return sorted(best[1], key=key) if best else []


def _resting_on_ended(combo: Sequence[Organization], target: frozenset[str], key: _KeyFn) -> int:
    """How many needs only an ended programme in ``combo`` covers."""
    active = set().union(*(o.services for o in combo if not key(o)[0]))
    return len(target - active)


def _candidates(
    ranked: Sequence[Organization], target: frozenset[str], key: _KeyFn
) -> list[Organization]:
    """The best-ranked provider for each distinct set of needs it covers, minus dominated ones.

    A provider whose needs are a subset of a better-or-equally-ranked provider's can always be
    swapped for it, so dropping it never loses the smallest or best combination.
    """
    best: dict[frozenset[str], Organization] = {}
    for org in ranked:
        covered = target & set(org.services)
        if covered and covered not in best:
            best[covered] = org
    kept = [
        org
        for covered, org in best.items()
        if not any(covered < other and key(better) <= key(org) for other, better in best.items())
    ]
    kept.sort(key=key)
    if len(kept) <= MAX_CANDIDATES:
        return kept
    few: dict[str, Organization] = {}
    for need in sorted(target):
        for org in [o for o in kept if o.offers(need)][:CANDIDATES_PER_NEED]:
            few.setdefault(org.id, org)
    broadest = sorted(kept, key=lambda o: (-len(target & set(o.services)), key(o)))
    for org in broadest[:CANDIDATES_PER_NEED]:
        few.setdefault(org.id, org)
    return sorted(few.values(), key=key)


def _combo_key(combo: Sequence[Organization], key: _KeyFn) -> tuple[int, ...]:
    keys = [key(o) for o in combo]
    return (
        sum(k[0] for k in keys),
        sum(k[1] for k in keys),
        sum(k[2] for k in keys),
        sum(k[3] for k in keys),
    )
