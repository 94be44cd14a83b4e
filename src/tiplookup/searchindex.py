"""The search index: what a search or a referral needs to know about every organisation.

Everything here is about *organisation numbers* (positions in ``Directory.organizations``),
kept as sorted arrays, so that matching, filtering and ranking are set operations and
never build an organisation; only the few shown are built (issue 7). The index is made of
named *parts*:

=====================  ==============================================================
``count``              how many organisations
``vocabulary``         every word, sorted (for typos and prefixes)
``offers``             service slug → numbers of the organisations offering it
``kinds``              kind → numbers
``national``           numbers with a national service area
``unspecified``        numbers whose service area the source does not state
``based:SLUG``         numbers whose address is in the province
``serves:SLUG``        numbers whose listed service area includes the province
``uncontactable``      numbers with no valid phone and no email
``ends``               number → the year its programme ends (only those with an end)
``order``              number → its place in name order (folded name, id)
``refer_order``        number → its place in the referral order (docs/referral.md)
``choices``            folded name or alternate name → name, for "closest names"
=====================  ==============================================================

and of three lookups: a word's postings (field → numbers), the words that share a
romanised spelling, and the organisations with a given name form. :func:`build` makes
them in memory from a directory; :mod:`tiplookup.store` keeps them in the compiled cache
and reads only the parts a command asks for.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tiplookup.model import Directory, Organization, Relation, Scope

if TYPE_CHECKING:
    from tiplookup.matching import WordMatch

Postings = dict[str, "array[int]"]  # field → organisation numbers, ascending
NameEntry = tuple[int, str, str]  # (number, what it is, the name)


class Source(Protocol):
    """Where an index's parts come from: memory (:class:`Built`) or the compiled cache."""

    def part(self, name: str) -> Any: ...
    def postings(self, word: str) -> Postings | None: ...
    def spellings(self, key: str) -> list[str]: ...
    def names(self, form: str) -> list[NameEntry]: ...


@dataclass
class Built:
    """Every part and lookup, in memory: made by :func:`build`, written by the store."""

    parts: dict[str, Any]
    words: dict[str, Postings] = field(default_factory=dict)
    keys: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, list[NameEntry]] = field(default_factory=dict)

    def part(self, name: str) -> Any:
        return self.parts.get(name)

    def postings(self, word: str) -> Postings | None:
        return self.words.get(word)

    def spellings(self, key: str) -> list[str]:
        return self.keys.get(key, [])

    def names(self, form: str) -> list[NameEntry]:
        return self.forms.get(form, [])


def build(orgs: Sequence[Organization]) -> Built:
    """The index of ``orgs``, numbered by position."""
    from tiplookup import matching
    from tiplookup.referral import provider_key
    from tiplookup.taxonomy import fold

    postings: defaultdict[tuple[str, str], list[int]] = defaultdict(list)  # (word, field)
    forms: defaultdict[str, list[NameEntry]] = defaultdict(list)
    sets: defaultdict[tuple[str, str], list[int]] = defaultdict(list)  # (part, key)
    ends: dict[int, int] = {}
    for i, org in enumerate(orgs):
        for pair in matching.org_words(org).items():
            postings[pair].append(i)
        for form, what, name in matching.name_forms(org):
            forms[form].append((i, what, name))
        for slug in dict.fromkeys(org.services):
            sets["offers", slug].append(i)
        sets["kinds", org.kind].append(i)
        area = org.service_area
        if area.scope is Scope.PROVINCES:
            for slug in dict.fromkeys(area.provinces):
                sets["serves", slug].append(i)
        else:
            sets[area.scope.value, ""].append(i)  # national, unspecified
        if org.province:
            sets["based", org.province].append(i)
        if not org.contactable:
            sets["uncontactable", ""].append(i)
        if org.period is not None and org.period.end is not None:
            ends[i] = org.period.end
    words: dict[str, Postings] = {}
    for (word, where), ids in postings.items():
        words.setdefault(word, {})[where] = numbers(ids)
    vocabulary = sorted(words)
    keys: dict[str, list[str]] = {}
    for word in vocabulary:
        keys.setdefault(matching.romanised(word), []).append(word)
    parts: dict[str, Any] = {"offers": {}, "kinds": {}}
    for (part, key), ids in sets.items():
        if part in ("offers", "kinds"):
            parts[part][key] = numbers(ids)
        else:
            parts[f"{part}:{key}" if key else part] = numbers(ids)
    parts.update(
        count=len(orgs),
        vocabulary=vocabulary,
        ends=ends,
        order=places_in(sorted(range(len(orgs)), key=lambda i: (fold(orgs[i].name), orgs[i].id))),
        refer_order=places_in(sorted(range(len(orgs)), key=lambda i: provider_key(orgs[i]))),
        choices=matching.name_choices(orgs),
    )
    return Built(parts, words, keys, dict(forms))


def numbers(ids: Sequence[int]) -> array[int]:
    return array("I", ids)


def places_in(ranked: Sequence[int]) -> array[int]:
    """number → its place in ``ranked``."""
    out = array("I", bytes(4 * len(ranked)))
    for place, i in enumerate(ranked):
        out[i] = place
    return out


class SearchIndex:
    """The index of one directory, read part by part from its :class:`Source`."""

    def __init__(self, directory: Directory, source: Source) -> None:
        self.directory = directory
        self.source = source
        self._parts: dict[str, Any] = {}
        self._sets: dict[str, frozenset[int]] = {}

    @classmethod
    def build(cls, directory: Directory) -> SearchIndex:
        return cls(directory, build(directory.organizations))

    # -- parts, read once --------------------------------------------------------------

    def part(self, name: str, default: Any = None) -> Any:
        if name not in self._parts:
            value = self.source.part(name)
            self._parts[name] = default if value is None else value
        return self._parts[name]

    def numbers(self, name: str, key: str | None = None) -> frozenset[int]:
        """A part (or one key of a part) as a set of organisation numbers."""
        label = name if key is None else f"{name}:{key}"
        found = self._sets.get(label)
        if found is None:
            ids = self.part(name, ()) if key is None else self.part(name, {}).get(key, ())
            found = self._sets[label] = frozenset(ids)
        return found

    @property
    def vocabulary(self) -> list[str]:
        return self.part("vocabulary", [])  # type: ignore[no-any-return]

    @property
    def order(self) -> array[int]:
        return self.part("order")  # type: ignore[no-any-return]

    def everyone(self) -> frozenset[int]:
        return self._sets.setdefault("*", frozenset(range(self.part("count", 0))))

    def offers(self, slug: str) -> frozenset[int]:
        return self.numbers("offers", slug)

    def of_kind(self, kind: str) -> frozenset[int]:
        return self.numbers("kinds", kind)

    def uncontactable(self) -> frozenset[int]:
        return self.numbers("uncontactable")

    def ended(self, year: int) -> frozenset[int]:
        """Numbers of programmes that ended before ``year``."""
        label = f"ended<{year}"
        if label not in self._sets:
            ends: dict[int, int] = self.part("ends", {})
            self._sets[label] = frozenset(i for i, end in ends.items() if end < year)
        return self._sets[label]

    def relations(self, province: str) -> list[tuple[Relation, frozenset[int]]]:
        """Disjoint sets of the organisations related to ``province``, nearest first."""
        based = self.numbers(f"based:{province}")
        return [
            (Relation.BASED, based),
            (Relation.SERVES, self.numbers(f"serves:{province}") - based),
            (Relation.NATIONAL, self.numbers("national") - based),
            (Relation.UNSPECIFIED, self.numbers("unspecified") - based),
        ]

    def service_counts(self) -> dict[str, int]:
        """Service slug → how many organisations offer it."""
        offers: dict[str, array[int]] = self.part("offers", {})
        return {slug: len(ids) for slug, ids in offers.items()}

    def province_counts(self, province: str) -> tuple[int, int]:
        """How many organisations are based in ``province``, and how many serve it (based
        there, listing it in their service area, or national)."""
        based = self.numbers(f"based:{province}")
        serving = based | self.numbers(f"serves:{province}") | self.numbers("national")
        return len(based), len(serving)

    # -- words -------------------------------------------------------------------------

    def candidates(self, word: str) -> set[str]:
        """Vocabulary words that may match ``word``: exact, romanised, prefix and fuzzy."""
        from tiplookup import matching  # not needed by a referral

        vocabulary = self.vocabulary
        found = set(self.source.spellings(matching.romanised(word)))
        if self._known(word):
            found.add(word)
        elif len(word) >= matching.MIN_FUZZY:
            from rapidfuzz import fuzz, process

            found.update(
                w
                for w, _, _ in process.extract(
                    word,
                    vocabulary,
                    scorer=fuzz.ratio,
                    score_cutoff=matching.FUZZY_CUTOFF,
                    limit=None,
                )
            )
        if len(word) >= matching.MIN_PREFIX:
            at = bisect_left(vocabulary, word)
            while at < len(vocabulary) and vocabulary[at].startswith(word):
                found.add(vocabulary[at])
                at += 1
        return found

    def _known(self, word: str) -> bool:
        vocabulary = self.vocabulary
        at = bisect_left(vocabulary, word)
        return at < len(vocabulary) and vocabulary[at] == word

    def word_groups(self, word: str) -> dict[WordMatch, set[int]]:
        """Each organisation under its best match for ``word``: match → numbers."""
        from tiplookup import matching  # not needed by a referral

        exact = self._known(word)
        found: list[tuple[WordMatch, array[int]]] = []
        for candidate in self.candidates(word):
            quality = matching.word_quality(word, candidate, exact_exists=exact)
            if quality > 0:
                for where, ids in (self.source.postings(candidate) or {}).items():
                    found.append((matching.WordMatch.of(quality, where, candidate, word), ids))
        found.sort(key=lambda pair: pair[0].sort_key())  # best first
        groups: dict[WordMatch, set[int]] = {}
        seen: set[int] = set()
        for n, (match, ids) in enumerate(found, 1):
            new = set(ids)
            if seen:
                new -= seen
            if new:
                groups[match] = new
                if n < len(found):
                    seen |= new
        return groups

    def exact_names(self, query: str) -> dict[int, str]:
        from tiplookup import matching  # not needed by a referral

        out: dict[int, str] = {}
        for form in matching.query_name_forms(query):
            for i, what, name in self.source.names(form):
                out.setdefault(i, matching.name_reason(what, name, query))
        return out

    def closest_names(self, query: str) -> tuple[str, ...]:
        from tiplookup import matching  # not needed by a referral

        return matching.closest_names(self.part("choices", {}), query)

    # -- referrals ---------------------------------------------------------------------

    def referral_order(
        self, ids: AbstractSet[int], province: str | None, year: int, limit: int | None
    ) -> list[int]:
        """``ids`` best first for a referral (at most ``limit``): active before ended, then
        nearest to ``province``, then ``refer_order``."""
        order: array[int] = self.part("refer_order")
        ended = self.ended(year)
        areas = [near for _, near in self.relations(province)] if province else []
        out: list[int] = []
        for tier in (ids - ended, ids & ended):
            rest = tier
            for near in [*areas, None]:  # None: the rest (elsewhere, or all without a province)
                bucket = rest if near is None else rest & near
                rest = rest - bucket
                need = None if limit is None else limit - len(out)
                if need == 0:
                    return out
                if need is None:
                    out += sorted(bucket, key=order.__getitem__)
                else:
                    out += heapq.nsmallest(need, bucket, key=order.__getitem__)
        return out
