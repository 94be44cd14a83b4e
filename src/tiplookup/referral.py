"""Referral plans: a survivor's needs → whom to call, in what order, and why.

Pure functions over a Directory: nothing is printed, stored or logged. See docs/referral.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, NamedTuple

from tiplookup import facts, places, taxonomy
from tiplookup.errors import UsageError
from tiplookup.model import Directory, Organization, Phone, Relation

if TYPE_CHECKING:
    from tiplookup.searchindex import SearchIndex

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
    more: int = 0  # providers elsewhere left out by the limit


@dataclass(frozen=True, slots=True)
class Plan:
    """A referral plan: whom to call for which needs, in what order, and the gaps."""

    needs: tuple[str, ...]  # slugs, in the order asked, without repeats
    province: str | None
    date: dt.date
    kind: str  # SINGLE: each suggestion covers every coverable need; COMBINATION; NONE
    suggested: tuple[Suggestion, ...]
    alternatives: tuple[tuple[str, tuple[Suggestion, ...]], ...]  # need → every provider
    gaps: tuple[Gap, ...]
    more_suggested: int = 0  # providers as good as those suggested, left out by the limit
    more_alternatives: tuple[tuple[str, int], ...] = ()  # need → providers left out

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
    *,
    index: SearchIndex | None = None,
    limit: int | None = None,
) -> Plan:
    """Build the referral plan for ``needs`` (slugs) in ``province`` (a slug, or None).

    ``limit`` caps each list of providers (``Plan.more`` counts what it left out). With the
    directory's ``index``, providers are chosen from its sets of organisation numbers, and
    only those listed are built: the same plan, fast on a large directory.
    """
    on = today or facts.today()
    wanted = tuple(dict.fromkeys(needs))
    for slug in wanted:
        if not taxonomy.is_known(slug) or not taxonomy.get(slug).is_need:
            raise UsageError(f"{slug!r} is not a victim need")
    if province is not None and not places.is_province(province):
        raise UsageError(f"unknown province {province!r}")
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    ranker = _Ranker(wanted, province, on)
    if index is not None and index.directory is directory:
        found = _from_index(index, directory.organizations, ranker, limit)
    else:
        found = _from_organizations(directory.organizations, ranker, limit)

    gaps = tuple(
        Gap(n, tuple(ranker.suggest(o) for o in found.elsewhere[n].orgs), found.elsewhere[n].more)
        for n in found.gap_needs
    )
    target = frozenset(wanted) - set(found.gap_needs)
    if not target:
        kind, chosen, more = NONE, [], 0
    elif found.active_single:
        kind, chosen, more = SINGLE, found.singles.orgs, found.singles.more
    else:
        cover = smallest_cover(found.cover_pool, target, ranker.key)
        if len(cover) == 1:
            kind, chosen, more = SINGLE, found.singles.orgs, found.singles.more
        else:
            kind, chosen, more = COMBINATION, cover, 0
    # Each need's other providers: the limit applies to those not already suggested.
    chosen_ids = frozenset(o.id for o in chosen)
    alternatives: list[tuple[str, tuple[Suggestion, ...]]] = []
    more_alternatives: list[tuple[str, int]] = []
    for n in (n for n in wanted if n in target):
        others = found.others(n, chosen_ids)
        listed = sorted([o for o in chosen if o.offers(n)] + others.orgs, key=ranker.key)
        alternatives.append((n, tuple(ranker.suggest(o) for o in listed)))
        more_alternatives.append((n, others.more))
    return Plan(
        needs=wanted,
        province=province,
        date=on,
        kind=kind,
        suggested=tuple(ranker.suggest(o) for o in chosen),
        alternatives=tuple(alternatives),
        gaps=gaps,
        more_suggested=more,
        more_alternatives=tuple(more_alternatives),
    )


class _Ranked(NamedTuple):
    orgs: list[Organization]  # best first, at most the limit
    more: int  # how many the limit left out


class _Found(NamedTuple):
    """The providers a plan is made from."""

    gap_needs: list[str]  # needs no provider in the area offers, in the order asked
    elsewhere: dict[str, _Ranked]  # gap need → who offers it outside the area
    singles: _Ranked  # providers in the area offering every need that can be covered
    active_single: bool  # one of them is not an ended programme
    cover_pool: list[Organization]  # best first: enough to find the smallest cover
    # need, ids of the suggested providers → the others in the area offering it
    others: Callable[[str, frozenset[str]], _Ranked]


def _cut(orgs: list[Organization], limit: int | None) -> _Ranked:
    return _Ranked(orgs[:limit], max(0, len(orgs) - limit) if limit is not None else 0)


def _from_organizations(orgs: Sequence[Organization], ranker: _Ranker, limit: int | None) -> _Found:
    """One organisation at a time: the reference way, used without an index."""
    wanted = ranker.needs
    offering = [o for o in orgs if any(o.offers(n) for n in wanted)]
    eligible = sorted((o for o in offering if ranker.in_area(o)), key=ranker.key)
    elsewhere = sorted((o for o in offering if not ranker.in_area(o)), key=ranker.key)
    gap_needs = [n for n in wanted if not any(o.offers(n) for o in eligible)]
    target = frozenset(wanted) - set(gap_needs)
    singles = [o for o in eligible if target and target <= set(o.services)]

    def others(need: str, chosen: frozenset[str]) -> _Ranked:
        return _cut([o for o in eligible if o.offers(need) and o.id not in chosen], limit)

    return _Found(
        gap_needs,
        {n: _cut([o for o in elsewhere if o.offers(n)], limit) for n in gap_needs},
        _cut(singles, limit),
        any(not o.ended(ranker.on) for o in singles),
        eligible,
        others,
    )


def _from_index(
    index: SearchIndex, orgs: Sequence[Organization], ranker: _Ranker, limit: int | None
) -> _Found:
    """The same from the index's sets of organisation numbers."""
    province, year = ranker.province, ranker.on.year
    area = index.everyone()
    if province:
        area = frozenset().union(*(near for _, near in index.relations(province)))
    offering = {n: index.offers(n) for n in ranker.needs}
    eligible = {n: ids & area for n, ids in offering.items()}
    gap_needs = [n for n in ranker.needs if not eligible[n]]
    target = [n for n in ranker.needs if eligible[n]]

    numbers: dict[str, int] = {}  # of the organisations built so far

    def built(i: int) -> Organization:
        org = orgs[i]
        numbers[org.id] = i
        return org

    def ranked(ids: AbstractSet[int]) -> _Ranked:
        best = index.referral_order(ids, province, year, limit)
        return _Ranked([built(i) for i in best], len(ids) - len(best))

    def others(need: str, chosen: frozenset[str]) -> _Ranked:
        return ranked(eligible[need] - {numbers[org_id] for org_id in chosen})

    singles: AbstractSet[int] = frozenset()
    if target:
        singles = frozenset.intersection(*(frozenset(eligible[n]) for n in target))
    active_single = bool(singles - index.ended(year))
    # The best provider for each combination of needs it covers is all smallest_cover
    # looks at (see _candidates): split everyone offering a need by what they offer.
    pool: list[Organization] = []
    if target and not active_single:
        groups = [frozenset().union(*(eligible[n] for n in target))]
        for n in target:
            groups = [g for part in groups for g in (part & eligible[n], part - eligible[n]) if g]
        best = [index.referral_order(g, province, year, 1)[0] for g in groups]
        pool = sorted((built(i) for i in best), key=ranker.key)
    return _Found(
        gap_needs,
        {n: ranked(offering[n] - area) for n in gap_needs},
        ranked(singles),
        active_single,
        pool,
        others,
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
        # ended programmes always last; then the nearest; then as provider_key
        return (org.ended(self.on), distance if self.province else 0, *provider_key(org))

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


def provider_key(org: Organization) -> tuple[bool, int, str, str]:
    """The order of providers equally near and equally active: contactable first, then the
    broadest (one provider is easier for a survivor than several), then by name."""
    victim_services = sum(1 for s in org.services if _is_need(s))
    return (not org.contactable, -victim_services, org.name.casefold(), org.id)


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
