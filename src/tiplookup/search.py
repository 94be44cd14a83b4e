"""Search the directory: a query, filters → ranked hits, each saying why it is listed.

Pure functions: no printing. The search runs over a word index (vocabulary → organisations)
and matches typos against the vocabulary, not against every organisation, so it stays fast
on large directories. :func:`exhaustive_search` is the brute-force reference it is tested
against.

A query is split into terms. A phrase that is a service or one of its synonyms ("safe
house", "lawyer") is a *service term*: organisations offering that service match it, and so
do those whose text has its words. Every other word is a *word term*, matched against names,
alternate names, service labels, places, phone contacts and descriptions. An organisation
must match every term. A query that is (nearly) an organisation's name or acronym lists it first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Callable, Collection, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, NamedTuple

from tiplookup import facts, matching, places, taxonomy
from tiplookup.errors import NotFoundError, UsageError
from tiplookup.matching import FIELDS, WordMatch, fold_name, name_forms, org_words, word_quality
from tiplookup.model import KINDS, Directory, Organization, Relation
from tiplookup.searchindex import SearchIndex

__all__ = [
    "Hit",
    "SearchIndex",
    "SearchResult",
    "exhaustive_search",
    "find_one",
    "names_of",
    "rank_key",
    "search",
]


@dataclass(frozen=True, slots=True)
class Hit:
    """One organisation found, with why it is listed and what to watch out for."""

    org: Organization
    score: float  # higher = better match (0 for an empty query)
    matched: tuple[str, ...]  # fields that matched, in matching.FIELDS order
    relation: Relation | None  # to the requested province; None when no province was given
    reasons: tuple[str, ...]  # why it is listed, in plain words
    warnings: tuple[str, ...]  # facts.warnings(org, today)


@dataclass(frozen=True, slots=True)
class SearchResult:
    """The hits of one search, best first, and what to try when there are none."""

    hits: tuple[Hit, ...]
    query: str
    province: str | None  # slug
    services: tuple[str, ...]  # service slugs used: from --service, then from query words
    suggestions: tuple[str, ...]  # closest organisation names when nothing matched
    hints: tuple[str, ...] = ()  # what to change when nothing matched ("try without --province")
    total: int = 0  # organisations found, of which ``hits`` are the first (see ``limit``)


def rank_key(
    org: Organization, relation: Relation | None, today: dt.date
) -> tuple[int, bool, bool]:
    """The shared order: relation to the province, active before ended, contactable first."""
    return (relation.value if relation is not None else 0, org.ended(today), not org.contactable)


def search(
    directory: Directory,
    query: str = "",
    *,
    province: str | None = None,
    services: Sequence[str] = (),
    kind: str | None = None,
    limit: int | None = None,
    today: dt.date | None = None,
    index: SearchIndex | None = None,
    matched_in: Collection[str] = (),
) -> SearchResult:
    """Ranked organisations for ``query``, filtered by province, services and kind, and
    (``matched_in``) by the fields the query matched in.

    With a ``limit``, only that many hits are built; ``SearchResult.total`` counts them all.
    """
    if index is None or index.directory is not directory:
        index = SearchIndex.build(directory)
    found = index  # bound for the lambdas below

    def term_matches(term: matching.Term) -> bool:
        return bool(matching.match_groups((term,), found.word_groups, found.offers))

    backend = _Backend(
        directory.organizations,
        lambda request: _select_groups(found, request),
        term_matches,
        index.closest_names,
    )
    return _run(
        backend,
        query,
        province=province,
        services=services,
        kind=kind,
        limit=limit,
        today=today,
        matched_in=matched_in,
    )


def exhaustive_search(
    directory: Directory,
    query: str = "",
    *,
    province: str | None = None,
    services: Sequence[str] = (),
    kind: str | None = None,
    limit: int | None = None,
    today: dt.date | None = None,
    matched_in: Collection[str] = (),
) -> SearchResult:
    """The same search by brute force over every organisation: the reference for tests."""
    orgs = directory.organizations
    words = [org_words(org) for org in orgs]
    vocabulary = {w for org_map in words for w in org_map}

    def word_hits(word: str) -> dict[int, WordMatch]:
        best: dict[int, WordMatch] = {}
        for i, org_map in enumerate(words):
            for candidate, field in org_map.items():
                quality = word_quality(word, candidate, exact_exists=word in vocabulary)
                if quality > 0:
                    matching.keep_best(best, i, WordMatch.of(quality, field, candidate, word))
        return best

    def exact_names(text: str) -> dict[int, str]:
        wanted = matching.query_name_forms(text)
        out: dict[int, str] = {}
        for i, org in enumerate(orgs):
            for form, what, name in name_forms(org):
                if form in wanted:
                    out.setdefault(i, matching.name_reason(what, name, text))
        return out

    def offers(slug: str) -> set[int]:
        return {i for i, org in enumerate(orgs) if org.offers(slug)}

    def select(request: _Request) -> _Found:
        names = exact_names(request.query) if request.terms else {}
        matches = matching.match_terms(request.terms, word_hits, offers) if request.terms else {}
        return _select_each(orgs, names, matches, request)

    def term_matches(term: matching.Term) -> bool:
        return bool(matching.match_terms((term,), word_hits, offers))

    def closest(text: str) -> tuple[str, ...]:
        return matching.closest_names(matching.name_choices(orgs), text)

    return _run(
        _Backend(orgs, select, term_matches, closest),
        query,
        province=province,
        services=services,
        kind=kind,
        limit=limit,
        today=today,
        matched_in=matched_in,
    )


class _Request(NamedTuple):
    query: str
    terms: tuple[matching.Term, ...]
    province: str | None
    wanted: tuple[str, ...]  # service slugs every hit must offer
    kind: str | None
    on: dt.date
    limit: int | None
    matched_in: frozenset[str]  # only hits whose match is in one of these fields ("": any)


class _Row(NamedTuple):
    i: int  # organisation number
    relation: Relation | None
    name_reason: str | None  # the query is (nearly) its name or acronym
    match: matching.OrgMatch | None


class _Found(NamedTuple):
    rows: list[_Row]  # best first, at most the limit
    total: int  # organisations that match and pass the filters
    matched: int  # organisations that match, before the filters


class _Backend(NamedTuple):
    """What a search needs from the directory: the indexed and brute-force ways differ here."""

    orgs: Sequence[Organization]
    select: Callable[[_Request], _Found]
    term_matches: Callable[[matching.Term], bool]
    closest_names: Callable[[str], tuple[str, ...]]


def _run(
    backend: _Backend,
    query: str,
    *,
    province: str | None,
    services: Sequence[str],
    kind: str | None,
    limit: int | None,
    today: dt.date | None,
    matched_in: Collection[str] = (),
) -> SearchResult:
    on = today or facts.today()
    province = _check_province(province)
    wanted = tuple(dict.fromkeys(taxonomy.resolve(s).slug for s in services))
    _check_kind(kind)
    if limit is not None and limit < 1:
        raise UsageError(f"--limit must be at least 1, not {limit}")
    terms = matching.parse_query(query)
    if query.strip() and not terms:
        raise UsageError(f"nothing to search for in {query!r}: it has no letters or digits")
    request = _Request(query, terms, province, wanted, kind, on, limit, frozenset(matched_in))
    found = backend.select(request)
    orgs = backend.orgs
    hits = tuple(
        _hit(orgs[row.i], row.relation, province, wanted, row.name_reason, row.match, on)
        for row in found.rows
    )
    used = wanted + tuple(s for s in matching.term_services(terms) if s not in wanted)
    result = SearchResult(hits, query, province, used, (), total=found.total)
    if not hits:
        return _explain(result, backend, terms, found.matched, kind)
    return result


# Order: the organisation the query names (its name or acronym) first; then those with
# every query word in their name, then nearness to the province (the other way round when
# the query only names services, see _lead); then ended programmes last, contactable first,
# the better match; ties by name, then id.


def _lead(request: _Request, tier: int, near: int, words: bool) -> tuple[int, int, int]:
    """The first parts of a hit's rank. Every query word in its name ("lao women" → Lao
    Women's Union) outranks nearness, unless the query only names services ("shelter",
    "safe house"): then a "… Shelter …" elsewhere must not come before the province's own
    shelters."""
    if request.terms and all(term.service for term in request.terms):
        return (tier, near, words)
    return (tier, words, near)


def _select_each(
    orgs: Sequence[Organization],
    names: dict[int, str],
    matches: Mapping[int, matching.OrgMatch],
    request: _Request,
) -> _Found:
    """The hits, one organisation at a time (the reference way)."""
    province, on = request.province, request.on
    pool = set(matches) | set(names) if request.terms else range(len(orgs))
    ranked: list[tuple[Any, ...]] = []
    for i in pool:
        org = orgs[i]
        relation = org.relation_to(province) if province else None
        if province and relation is None:
            continue
        if request.kind and org.kind != request.kind:
            continue
        if request.wanted and not all(org.offers(s) for s in request.wanted):
            continue
        match = matches.get(i)
        in_fields = match is not None and match.fields & request.matched_in
        if request.matched_in and i not in names and not in_fields:
            continue
        if i in names:
            tier, words, score = 0, False, -_score(True, match)
        else:
            tier, words, score = 1, not (match and match.in_name), -_score(False, match)
        near, ended, silent = rank_key(org, relation, on)
        lead = _lead(request, tier, near, words)
        ranked.append((*lead, ended, silent, score, fold_name(org), org.id, i, relation))
    best = sorted(ranked) if request.limit is None else heapq.nsmallest(request.limit, ranked)
    rows = [_Row(r[-2], r[-1], names.get(r[-2]), matches.get(r[-2])) for r in best]
    return _Found(rows, len(ranked), len(pool))


def _select_groups(index: SearchIndex, request: _Request) -> _Found:
    """The same hits from the index: sets of organisation numbers sorted into buckets of
    equal rank, and only the best few of the first buckets put in order."""
    names = index.exact_names(request.query) if request.terms else {}
    groups: dict[matching.OrgMatch | None, AbstractSet[int]]
    if request.terms:
        found = matching.match_groups(request.terms, index.word_groups, index.offers)
        groups = {match: ids for match, ids in found.items()}
    else:
        groups = {None: index.everyone()}
    named = {i: next((m for m, ids in groups.items() if i in ids), None) for i in names}
    matched = sum(len(ids) for ids in groups.values()) + sum(m is None for m in named.values())
    if request.matched_in:
        groups = {m: ids for m, ids in groups.items() if m and m.fields & request.matched_in}

    # (tier, not every word in the name, score, match, organisations): as in _select_each
    entries = [(1, not (m and m.in_name), -_score(False, m), m, ids) for m, ids in groups.items()]
    if names:
        entries = [(*entry[:4], entry[4] - names.keys()) for entry in entries]
        entries += [(0, False, -_score(True, m), m, {i}) for i, m in named.items()]
    keep: AbstractSet[int] | None = None
    for slug in request.wanted:
        keep = index.offers(slug) if keep is None else keep & index.offers(slug)
    if request.kind:
        keep = index.of_kind(request.kind) if keep is None else keep & index.of_kind(request.kind)
    areas = index.relations(request.province) if request.province else [(None, None)]
    ended, silent = index.ended(request.on.year), index.uncontactable()

    buckets: dict[tuple[Any, ...], list[tuple[AbstractSet[int], Any, Relation | None]]] = {}
    total = 0
    for tier, words, score, match, ids in entries:
        ids = ids if keep is None else ids & keep
        for relation, near in areas:
            nearness = relation.value if relation else 0
            for is_ended, part in _split(ids if near is None else ids & near, ended):
                for is_silent, members in _split(part, silent):
                    key = (*_lead(request, tier, nearness, words), is_ended, is_silent, score)
                    buckets.setdefault(key, []).append((members, match, relation))
                    total += len(members)

    order = index.order
    rows: list[_Row] = []
    for key in sorted(buckets):
        need = None if request.limit is None else request.limit - len(rows)
        if need == 0:
            break
        ranked: list[tuple[int, int, Any, Relation | None]] = []
        for members, match, relation in buckets[key]:
            if need is None:
                best = sorted(members, key=order.__getitem__)
            else:
                best = heapq.nsmallest(need, members, key=order.__getitem__)
            ranked += [(order[i], i, match, relation) for i in best]
        ranked.sort(key=lambda row: row[0])
        rows += [_Row(i, relation, names.get(i), m) for _, i, m, relation in ranked[:need]]
    return _Found(rows, total, matched)


def _split(ids: AbstractSet[int], subset: AbstractSet[int]) -> list[tuple[bool, AbstractSet[int]]]:
    """``ids`` outside ``subset`` (False) and inside it (True), leaving out empty parts."""
    inside = ids & subset if ids and subset else frozenset()
    if not inside:
        return [(False, ids)] if ids else []
    outside = ids - inside
    return [(False, outside), (True, inside)] if outside else [(True, inside)]


def _score(named: bool, match: matching.OrgMatch | None) -> float:
    score = 100.0 if named else 0.0
    return round(max(score, match.score) if match is not None else score, 1)


def _hit(
    org: Organization,
    relation: Relation | None,
    province: str | None,
    wanted: tuple[str, ...],
    name_reason: str | None,
    match: matching.OrgMatch | None,
    on: dt.date,
) -> Hit:
    reasons: list[str] = []
    if name_reason:
        reasons.append(name_reason)
    if relation is not None:
        reasons.append(facts.relation_text(relation, province))
    reasons.extend(f"offers {taxonomy.get(s).label.lower()}" for s in wanted)
    fields: set[str] = set()
    if name_reason:
        fields.add("name" if name_reason.startswith("name ") else "alternate_names")
    if match is not None:
        reasons.extend(
            r for r in match.reasons if not (name_reason and r.startswith(matching.NAME_REASONS))
        )
        fields.update(match.fields)
    return Hit(
        org=org,
        score=_score(bool(name_reason), match),
        matched=tuple(f for f in FIELDS if f in fields),
        relation=relation,
        reasons=tuple(dict.fromkeys(reasons)),
        warnings=facts.warnings(org, on),
    )


def _check_province(province: str | None) -> str | None:
    if province is None or places.is_province(province):
        return province
    return places.resolve_province(province).slug


def _check_kind(kind: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r}", hint=f"valid kinds: {', '.join(KINDS)}")


def _explain(
    result: SearchResult,
    backend: _Backend,
    terms: tuple[matching.Term, ...],
    matched: int,
    kind: str | None,
) -> SearchResult:
    """Nothing matched: the closest names, and which word or filter shut everything out."""
    hints: list[str] = []
    if terms and not matched:
        for term in terms if len(terms) > 1 else ():
            if not backend.term_matches(term):
                hints.append(f"nothing matches the word {term.text!r}")
    else:
        dropped = [f"--province {result.province}"] if result.province else []
        query_services = matching.term_services(terms)
        dropped += [f"--service {s}" for s in result.services if s not in query_services]
        dropped += [f"--kind {kind}"] if kind else []
        count = matched if terms else len(backend.orgs)
        if dropped:
            hints.append(f"try without {' '.join(dropped)}: {count} organisation(s) match then")
    suggestions = backend.closest_names(result.query) if terms and not matched else ()
    return dataclasses.replace(result, suggestions=suggestions, hints=tuple(hints))


def find_one(
    directory: Directory, id_or_name: str, *, index: SearchIndex | None = None
) -> Organization:
    """One organisation by id, name, acronym or a search that finds exactly one.

    Raises UsageError (exit 2) listing the candidates when several match, and
    NotFoundError (exit 1) naming the closest names when none does.
    """
    text = id_or_name.strip()
    if not text:
        raise UsageError("give an organisation id or name", hint="run 'tiplookup list' to see them")
    org = directory.get(text)
    if org is not None:
        return org
    index = (
        index
        if index is not None and index.directory is directory
        else SearchIndex.build(directory)
    )
    named = index.exact_names(text) if matching.parse_query(text) else {}
    if len(named) == 1:
        return directory.organizations[next(iter(named))]
    if named:
        _ambiguous(text, [directory.organizations[i] for i in sorted(named)])
    if matching.parse_query(text):
        # a show names an organisation: those matching in a name first, then any
        for fields in (("name", "alternate_names"), ()):
            found = search(directory, text, index=index, limit=10, matched_in=fields)
            if found.total == 1 and (fields or _written_out(text, found.hits[0].org)):
                return found.hits[0].org
            if found.total == 1:  # only a typo's neighbour outside its names: do not guess
                org = found.hits[0].org
                raise NotFoundError(
                    f"no organisation called {text!r}; nearest: {org.id} ({org.name}: "
                    f"{'; '.join(found.hits[0].reasons)})",
                    hint=f"to see it: tiplookup show {org.id}",
                )
            if found.hits:
                _ambiguous(text, [h.org for h in found.hits], found.total)
    close = index.closest_names(text)
    raise NotFoundError(
        f"no organisation called {text!r}"
        + (f"; closest names: {', '.join(close)}" if close else ""),
        hint="run 'tiplookup list' to see every id",
    )


def names_of(org: Organization, text: str) -> bool:
    """Whether ``text`` is the organisation's name, heading or an alternate name (as an
    exact-name search compares them: case, accents and romanisation aside)."""
    wanted = matching.query_name_forms(text)
    return any(form in wanted for form, _, _ in name_forms(org))


def _written_out(text: str, org: Organization) -> bool:
    """Every word of ``text`` is a word of the organisation, as typed or romanised."""
    have = {matching.romanised(w) for w in org_words(org)}
    return all(matching.romanised(w) in have for w in matching.words(text))


def _ambiguous(text: str, orgs: Sequence[Organization], total: int | None = None) -> None:
    """A UsageError naming the candidates: with their names when few, else ids only, so
    that the ids a user is asked to type fit on the line."""
    total = len(orgs) if total is None else total
    if total <= 4:
        shown = "; ".join(f"{o.id} ({o.name})" for o in orgs)
        hint = "give one of these ids"
    else:
        shown = ", ".join(o.id for o in orgs[:8]) + (
            f"; and {total - 8:,} more" if total > 8 else ""
        )
        hint = f"give one of these ids, or see them all: tiplookup search {text.strip()!r} --all"
    raise UsageError(f"{text!r} matches {total:,} organisations: {shown}", hint=hint)
