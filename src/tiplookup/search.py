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
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tiplookup import facts, matching, places, taxonomy
from tiplookup.errors import NotFoundError, UsageError
from tiplookup.matching import FIELDS, WordMatch, fold_name, name_forms, org_words, word_quality
from tiplookup.model import KINDS, Directory, Organization, Relation

__all__ = [
    "Hit",
    "SearchIndex",
    "SearchResult",
    "exhaustive_search",
    "find_one",
    "rank_key",
    "search",
]


@dataclass(frozen=True, slots=True)
class Hit:
    org: Organization
    score: float  # higher = better match (0 for an empty query)
    matched: tuple[str, ...]  # fields that matched, in matching.FIELDS order
    relation: Relation | None  # to the requested province; None when no province was given
    reasons: tuple[str, ...]  # why it is listed, in plain words
    warnings: tuple[str, ...]  # facts.warnings(org, today)


@dataclass(frozen=True, slots=True)
class SearchResult:
    hits: tuple[Hit, ...]
    query: str
    province: str | None  # slug
    services: tuple[str, ...]  # service slugs used: from --service, then from query words
    suggestions: tuple[str, ...]  # closest organisation names when nothing matched
    hints: tuple[str, ...] = ()  # what to change when nothing matched ("try without --province")


def rank_key(
    org: Organization, relation: Relation | None, today: dt.date
) -> tuple[int, bool, bool]:
    """The shared order: relation to the province, active before ended, contactable first."""
    return (relation.value if relation is not None else 0, org.ended(today), not org.contactable)


class SearchIndex:
    """The directory's words, built once: word → {best field: organisation indexes}."""

    def __init__(self, directory: Directory) -> None:
        self.directory = directory
        self.orgs = directory.organizations
        self.postings: dict[str, dict[str, list[int]]] = {}
        self.names: dict[str, list[tuple[int, str, str]]] = {}
        self.offers: dict[str, set[int]] = {}
        for i, org in enumerate(self.orgs):
            for word, field in org_words(org).items():
                self.postings.setdefault(word, {}).setdefault(field, []).append(i)
            for form, what, name in name_forms(org):
                self.names.setdefault(form, []).append((i, what, name))
            for slug in org.services:
                self.offers.setdefault(slug, set()).add(i)
        self.vocabulary = sorted(self.postings)
        self.sort_names = [fold_name(org) for org in self.orgs]
        self._choices: dict[str, str] | None = None
        self.by_key: dict[str, list[str]] = {}
        for word in self.vocabulary:
            self.by_key.setdefault(matching.romanised(word), []).append(word)

    @classmethod
    def build(cls, directory: Directory) -> SearchIndex:
        return cls(directory)

    def candidates(self, word: str) -> set[str]:
        """Vocabulary words that may match ``word``: exact, romanised, prefix and fuzzy."""
        found = set(self.by_key.get(matching.romanised(word), ()))
        if word in self.postings:
            found.add(word)
        elif len(word) >= matching.MIN_FUZZY:
            from rapidfuzz import fuzz, process

            found.update(
                w
                for w, _, _ in process.extract(
                    word,
                    self.vocabulary,
                    scorer=fuzz.ratio,
                    score_cutoff=matching.FUZZY_CUTOFF,
                    limit=None,
                )
            )
        if len(word) >= matching.MIN_PREFIX:
            at = bisect_left(self.vocabulary, word)
            while at < len(self.vocabulary) and self.vocabulary[at].startswith(word):
                found.add(self.vocabulary[at])
                at += 1
        return found

    def word_hits(self, word: str) -> dict[int, WordMatch]:
        """Each organisation's best match for ``word`` (what keep_best picks, in bulk)."""
        exact = word in self.postings
        found: list[tuple[WordMatch, list[int]]] = []
        for candidate in self.candidates(word):
            quality = word_quality(word, candidate, exact_exists=exact)
            if quality > 0:
                for field, ids in self.postings[candidate].items():
                    found.append((WordMatch.of(quality, field, candidate, word), ids))
        best: dict[int, WordMatch] = {}
        for match, ids in sorted(found, key=lambda pair: pair[0].sort_key(), reverse=True):
            best.update(dict.fromkeys(ids, match))  # better matches come later and win
        return best

    def closest_names(self, query: str) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = matching.name_choices(self.orgs)
        return matching.closest_names(self._choices, query)

    def backend(self) -> _Backend:
        return _Backend(
            self.orgs,
            self.word_hits,
            lambda slug: self.offers.get(slug, set()),
            self.exact_names,
            self.sort_names,
            self.closest_names,
        )

    def exact_names(self, query: str) -> dict[int, str]:
        out: dict[int, str] = {}
        for form in matching.query_name_forms(query):
            for i, what, name in self.names.get(form, ()):
                out.setdefault(i, matching.name_reason(what, name, query))
        return out


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
) -> SearchResult:
    """Ranked organisations for ``query``, filtered by province, services and kind."""
    if index is None or index.directory is not directory:
        index = SearchIndex.build(directory)
    return _run(
        index.backend(),
        query,
        province=province,
        services=services,
        kind=kind,
        limit=limit,
        today=today,
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

    def closest(text: str) -> tuple[str, ...]:
        return matching.closest_names(matching.name_choices(orgs), text)

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

    sort_names = [fold_name(o) for o in orgs]
    backend = _Backend(orgs, word_hits, offers, exact_names, sort_names, closest)
    return _run(
        backend,
        query,
        province=province,
        services=services,
        kind=kind,
        limit=limit,
        today=today,
    )


@dataclass(frozen=True, slots=True)
class _Backend:
    """What a search needs from the directory: the indexed and brute-force ways differ here."""

    orgs: Sequence[Organization]
    word_hits: Callable[[str], Mapping[int, WordMatch]]
    offers: Callable[[str], set[int]]
    exact_names: Callable[[str], dict[int, str]]
    sort_names: Sequence[str]
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

    orgs = backend.orgs
    names = backend.exact_names(query) if terms else {}
    matches = matching.match_terms(terms, backend.word_hits, backend.offers) if terms else {}
    pool = set(matches) | set(names) if terms else range(len(orgs))

    # Order: name matches, then rank_key, then score; ties by name. Organisations that
    # matched the same way share a match object, so its part of the key is worked out once.
    by_match: dict[int, tuple[bool, float]] = {}
    ranked: list[tuple[Any, ...]] = []
    for i in pool:
        org = orgs[i]
        relation = org.relation_to(province) if province else None
        if province and relation is None:
            continue
        if (kind and org.kind != kind) or (wanted and not all(org.offers(s) for s in wanted)):
            continue
        match = matches.get(i)
        quality = (False, -_score(True, match)) if i in names else by_match.get(id(match))
        if quality is None:
            in_name = match is not None and match.in_name
            quality = by_match[id(match)] = (not in_name, -_score(False, match))
        key = rank_key(org, relation, on)
        ranked.append((quality[0], *key, quality[1], backend.sort_names[i], org.id, i, relation))
    ranked = sorted(ranked) if limit is None else heapq.nsmallest(limit, ranked)
    hits = tuple(
        _hit(orgs[row[-2]], row[-1], province, wanted, names.get(row[-2]), matches.get(row[-2]), on)
        for row in ranked
    )
    used = wanted + tuple(s for s in matching.term_services(terms) if s not in wanted)
    result = SearchResult(hits, query, province, used, ())
    if not hits:
        matched = set(matches) | set(names)
        return _explain(result, backend, terms, matched, kind)
    return result


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
    matched: set[int],
    kind: str | None,
) -> SearchResult:
    """Nothing matched: the closest names, and which word or filter shut everything out."""
    hints: list[str] = []
    if terms and not matched:
        for term in terms if len(terms) > 1 else ():
            if not matching.match_terms((term,), backend.word_hits, backend.offers):
                hints.append(f"nothing matches the word {term.text!r}")
    else:
        dropped = [f"--province {result.province}"] if result.province else []
        query_services = matching.term_services(terms)
        dropped += [f"--service {s}" for s in result.services if s not in query_services]
        dropped += [f"--kind {kind}"] if kind else []
        count = len(matched) if terms else len(backend.orgs)
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
    hits = search(directory, text, index=index).hits if matching.parse_query(text) else ()
    by_name = [h for h in hits if {"name", "alternate_names"} & set(h.matched)]
    candidates = [h.org for h in by_name or hits]  # a show names an organisation
    if len(candidates) == 1:
        return candidates[0]
    if candidates:
        _ambiguous(text, candidates)
    close = index.closest_names(text)
    raise NotFoundError(
        f"no organisation called {text!r}"
        + (f"; closest names: {', '.join(close)}" if close else ""),
        hint="run 'tiplookup list' to see every id",
    )


def _ambiguous(text: str, orgs: Sequence[Organization]) -> None:
    shown = "; ".join(f"{o.id} ({o.name})" for o in orgs[:10])
    more = f"; and {len(orgs) - 10} more" if len(orgs) > 10 else ""
    raise UsageError(
        f"{text!r} matches {len(orgs)} organisations: {shown}{more}",
        hint="give one of these ids",
    )
