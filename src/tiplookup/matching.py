"""The words of a query and of an organisation, and how well two words match.

Shared by the indexed search and its brute-force reference, so both decide the same way.
Words are folded (case, accents, apostrophes), lightly stemmed ("shelters" → "shelter") and
compared exactly, by romanisation ("sengsawang" ~ "sengsavang"), by prefix, or by a
fuzzy ratio, which is only tried when the word appears nowhere in the directory exactly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, NamedTuple

from tiplookup import places, taxonomy
from tiplookup.model import Organization

#: Searchable fields, best first: a word found in several counts for the first.
FIELDS = ("name", "alternate_names", "services", "places", "contacts", "description")
WEIGHTS = {
    "name": 100,
    "alternate_names": 100,
    "services": 90,
    "places": 85,
    "contacts": 80,
    "description": 75,
}
_FIELD_WORDS = {
    "name": "in name",
    "alternate_names": "in other names",
    "services": "in services",
    "places": "in address or area",
    "contacts": "in phones or contacts",
    "description": "in description",
}
STOPWORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"]
)
MIN_PREFIX = 4  # "traf" finds "trafficking"; "lao" does not find "laos…"
MIN_FUZZY = 4  # fuzzy matching of 3-letter words lists half the directory ("lwu" ~ "lyu")
FUZZY_CUTOFF = 80.0  # fuzz.ratio: "disability" ~ "disabilities" is 81.8

_ENDINGS = ((re.compile(r"our$"), "or"), (re.compile(r"tre$"), "ter"))  # labour, centre
_ROMANISATION = (
    ("ph", "p"),
    ("th", "t"),
    ("kh", "k"),
    ("x", "s"),
    ("w", "v"),
    ("y", "i"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("r", "l"),  # Xayaboury ~ Sayabouly
)
_REPEATS = re.compile(r"(.)\1+")


# Words and texts repeat across a directory (service labels, province names, common words):
# the functions below remember recent answers. The caches are bounded, so an unusual
# directory only costs them their hit rate.
_WORD_CACHE = 1 << 16
_TEXT_CACHE = 1 << 12


@lru_cache(maxsize=_WORD_CACHE)
def stem(word: str) -> str:
    """A light English stem: plural endings only, so stems stay readable."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


@lru_cache(maxsize=_WORD_CACHE)
def romanised(word: str) -> str:
    """One spelling for Lao words written in Latin letters several ways (w/v, x/s, ph/p, r/l…),
    and for British and American spellings (labour/labor, centre/center by the repeats)."""
    for ending, new in _ENDINGS:
        word = ending.sub(new, word)
    for old, new in _ROMANISATION:
        word = word.replace(old, new)
    return _REPEATS.sub(r"\1", word)


def words(text: str) -> list[str]:
    return list(_words(text))


@lru_cache(maxsize=_TEXT_CACHE)
def _words(text: str) -> tuple[str, ...]:
    return tuple([stem(w) for w in taxonomy.fold_words(text) if w not in STOPWORDS])


def word_quality(typed: str, word: str, *, exact_exists: bool) -> float:
    """How well a vocabulary ``word`` matches a ``typed`` query word, 0–100 (0: no match)."""
    if word == typed:
        return 100.0
    if romanised(word) == romanised(typed):
        return 95.0
    if len(typed) >= MIN_PREFIX and word.startswith(typed):
        return 90.0
    if exact_exists or len(typed) < MIN_FUZZY:
        return 0.0
    from rapidfuzz import fuzz

    ratio = fuzz.ratio(typed, word)
    return ratio if ratio >= FUZZY_CUTOFF else 0.0


# -- organisations -------------------------------------------------------------------------


def field_texts(org: Organization) -> dict[str, str]:
    """The searchable text of each field."""
    return {field: " ".join(parts) for field, parts in field_parts(org).items()}


def field_parts(org: Organization) -> dict[str, list[str]]:
    """The texts that make up each field; a field's text is its parts joined by spaces."""
    services = [taxonomy.get(s) for s in org.services if taxonomy.is_known(s)]
    place_parts = [org.location.address, org.location.district or ""] if org.location else []
    area = org.service_area.provinces + ((org.province,) if org.province else ())
    for slug in area:
        if places.is_province(slug):
            place_parts += _province_texts(slug)
    return {
        "name": [org.name],
        "alternate_names": list(org.alternate_names),
        "services": [*(t for s in services for t in _service_texts(s)), *org.source_services],
        "places": place_parts,
        "contacts": [t for p in org.phones for t in (p.contact, p.description)]
        + [t for c in org.contacts for t in (c.name, c.title)],
        # the source's full heading ("Lao Bar Association (under MOJ)") is not the name:
        # a word in it must not rank like the name itself
        "description": [org.source_name, org.description],
    }


def _service_texts(service: taxonomy.Service) -> tuple[str, ...]:
    return (service.label, *service.source_labels, *service.synonyms)


@cache  # one entry per province of the reference file
def _province_texts(slug: str) -> tuple[str, str]:
    return places.province_name(slug), places.get_province(slug).lao


def org_words(org: Organization) -> dict[str, str]:
    """Every word of an organisation → the best field it appears in.

    The words of a text joined by spaces are the words of its parts, in order, so each
    part is split on its own, and the many parts that repeat are split only once.
    """
    out: dict[str, str] = {}
    for field, parts in field_parts(org).items():
        for part in parts:
            for word in _words(part):
                out.setdefault(word, field)
    return out


def fold_name(org: Organization) -> str:
    return taxonomy.fold(org.name)


def _name_form(text: str) -> str:
    return " ".join(romanised(w) for w in words(text))


def name_forms(org: Organization) -> list[tuple[str, str, str]]:
    """(comparable form, what it is, the name) for the name, the source's heading and each
    alternate name."""
    out = [(org.name, "name"), (org.source_name, "name")]
    for alt in org.alternate_names:
        acronym = " " not in alt and sum(c.isupper() for c in alt) >= 2
        out.append((alt, "acronym" if acronym else "also known as"))
    return [(form, what, name) for name, what in out if name and (form := _name_form(name))]


def name_reason(what: str, name: str, query: str) -> str:
    close = "" if taxonomy.fold(name) == taxonomy.fold(query) else f" (for '{query.strip()}')"
    return f"{what} '{name}'{close}"


def query_name_forms(query: str) -> set[str]:
    form = _name_form(query)
    return {form} if form else set()


def name_choices(orgs: Iterable[Organization]) -> dict[str, str]:
    """Folded name or alternate name → the organisation's name, for :func:`closest_names`."""
    choices: dict[str, str] = {}
    for org in orgs:
        for name in (org.name, *org.alternate_names):
            choices.setdefault(taxonomy.fold(name), org.name)
    return choices


def closest_names(choices: Mapping[str, str], query: str, limit: int = 3) -> tuple[str, ...]:
    """Names (or alternate names) that look most like ``query``, for 'did you mean'."""
    from rapidfuzz import fuzz, process

    typed = taxonomy.fold(query)
    if not typed:
        return ()
    found = process.extract(
        typed, list(choices), scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=70
    )
    names = dict.fromkeys(choices[name] for name, _, _ in found)
    return tuple(names)[:limit]


# -- queries -------------------------------------------------------------------------------


class Term(NamedTuple):
    text: str  # as typed, folded
    words: tuple[str, ...]  # stems to find in the text
    service: str | None = None  # slug, when the term names a service


def parse_query(query: str) -> tuple[Term, ...]:
    """Split a query into terms, longest service phrases first ("safe house", "legal aid")."""
    tokens = taxonomy.fold(query).split()
    terms: list[Term] = []
    i = 0
    while i < len(tokens):
        for size in range(min(4, len(tokens) - i), 0, -1):
            phrase = " ".join(tokens[i : i + size])
            service = _service(phrase) if size > 1 or phrase not in STOPWORDS else None
            if service is not None or size == 1:
                kept = words(phrase) or [stem(w) for w in phrase.split()]
                terms.append(Term(phrase, tuple(kept), service.slug if service else None))
                i += size
                break
    if any(t.text not in STOPWORDS for t in terms):
        terms = [t for t in terms if t.text not in STOPWORDS]
    return tuple(terms)


def _service(phrase: str) -> taxonomy.Service | None:
    """The service a phrase names, also in the plural ("safe houses", "lawyers")."""
    found = taxonomy.lookup(phrase)
    if found is None:
        singular = " ".join(stem(w) for w in phrase.split())
        found = taxonomy.lookup(singular) if singular != phrase else None
    return found


def term_services(terms: Iterable[Term]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.service for t in terms if t.service))


@dataclass(frozen=True, slots=True, eq=False)  # compared by identity: many orgs share one
class WordMatch:
    """How a typed word matched one word of an organisation, and in which field."""

    score: float  # quality × field weight / 100
    field: str
    word: str  # the vocabulary word that matched
    typed: str
    quality: float

    @classmethod
    def of(cls, quality: float, field: str, word: str, typed: str) -> WordMatch:
        return cls(round(quality * WEIGHTS[field] / 100, 3), field, word, typed, quality)

    def sort_key(self) -> tuple[float, int, str]:
        return (-self.score, FIELDS.index(self.field), self.word)

    @property
    def reason(self) -> str:
        close = f" (for '{self.typed}')" if self.word != self.typed else ""
        return f"{_FIELD_WORDS[self.field]}: '{self.word}'{close}"


def keep_best(best: dict[int, WordMatch], i: int, match: WordMatch) -> None:
    old = best.get(i)
    if old is None or match.sort_key() < old.sort_key():
        best[i] = match


@dataclass(frozen=True, slots=True, eq=False)
class TermMatch:
    """How one query term matched an organisation."""

    score: float
    fields: frozenset[str]
    reasons: tuple[str, ...]
    in_name: bool  # every word of the term is a word of a name, spelled exactly


@dataclass(frozen=True, slots=True)
class OrgMatch:
    """How a whole query matched an organisation: every term's match, combined."""

    score: float  # mean over the query's terms
    fields: frozenset[str]
    reasons: tuple[str, ...]
    in_name: bool  # every term is a word of the name or an alternate name, spelled exactly

    @classmethod
    def of(cls, matches: tuple[TermMatch, ...]) -> OrgMatch:
        return cls(
            sum(m.score for m in matches) / len(matches),
            frozenset(f for m in matches for f in m.fields),
            tuple(dict.fromkeys(r for m in matches for r in m.reasons)),
            all(m.in_name for m in matches),
        )


#: How reasons from the name fields begin; an exact name match says it better.
NAME_REASONS = (_FIELD_WORDS["name"], _FIELD_WORDS["alternate_names"])


def match_terms(
    terms: Sequence[Term],
    word_hits: Callable[[str], Mapping[int, WordMatch]],
    offers: Callable[[str], set[int]],
) -> dict[int, OrgMatch]:
    """Organisations matching every term, with a score, the fields and the reasons.

    Organisations that matched the same way share one match object: on a large directory,
    thousands of them do, and building one each would dominate the search time.
    """
    per_org: dict[int, tuple[TermMatch, ...]] = {}
    for n, term in enumerate(terms):
        found = _match_term(term, word_hits, offers)
        if n == 0:
            per_org = {i: (m,) for i, m in found.items()}
        else:
            per_org = {i: (*ms, found[i]) for i, ms in per_org.items() if i in found}
        if not per_org:
            return {}
    shared: dict[tuple[TermMatch, ...], OrgMatch] = {}
    out: dict[int, OrgMatch] = {}
    for i, ms in per_org.items():
        match = shared.get(ms)
        if match is None:
            match = shared[ms] = OrgMatch.of(ms)
        out[i] = match
    return out


def _words_match(matches: tuple[WordMatch, ...]) -> TermMatch:
    return TermMatch(
        sum(m.score for m in matches) / len(matches),
        frozenset(m.field for m in matches),
        tuple(m.reason for m in matches),
        all(m.quality == 100 and m.field in FIELDS[:2] for m in matches),
    )


def _counts_for(term: Term, match: WordMatch) -> bool:
    """Whether a word match counts for the term. A service's words ("safe house") count
    only when spelled as typed or as another romanisation of it, not as a typo's or a
    prefix's neighbour ("safety"): they stand in for the service, and should mean it."""
    return term.service is None or match.quality >= 95


def _offered(term: Term, in_name: bool) -> TermMatch:
    """How an organisation offering the term's service matches it (``in_name``: its words
    are also words of the name)."""
    assert term.service is not None
    label = taxonomy.get(term.service).label.lower()
    plain = term.text in (taxonomy.fold(label), taxonomy.fold(term.service))
    why = (f"offers {label}" + ("" if plain else f" ('{term.text}')"),)
    return TermMatch(100.0, frozenset({"services"}), why, in_name)


def _match_term(
    term: Term,
    word_hits: Callable[[str], Mapping[int, WordMatch]],
    offers: Callable[[str], set[int]],
) -> dict[int, TermMatch]:
    maps = [{i: m for i, m in word_hits(w).items() if _counts_for(term, m)} for w in term.words]
    found: dict[int, TermMatch] = {}
    if len(maps) == 1:  # the common case, in bulk
        unique = {id(m): m for m in maps[0].values()}
        shared = {key: _words_match((m,)) for key, m in unique.items()}
        found = {i: shared[id(m)] for i, m in maps[0].items()}
    elif maps:
        combined: dict[tuple[WordMatch, ...], TermMatch] = {}
        for i in set(maps[0]).intersection(*maps[1:]):
            key = tuple([m[i] for m in maps])
            match = combined.get(key)
            if match is None:
                match = combined[key] = _words_match(key)
            found[i] = match
    if term.service:
        offered = {flag: _offered(term, flag) for flag in (False, True)}
        for i in offers(term.service):
            prior = found.get(i)
            found[i] = offered[prior is not None and prior.in_name]
    return found


# -- the same matching over groups (the search index's way) --------------------------------
#
# The index hands over each word's matches as groups (match → organisation numbers, every
# organisation in one group, under its best match), and the terms are combined by
# intersecting groups: set operations instead of a loop over organisations. The result is
# what match_terms gives, grouped by match object.

WordGroups = Callable[[str], Mapping[WordMatch, AbstractSet[int]]]


def match_groups(
    terms: Sequence[Term],
    word_groups: WordGroups,
    offers: Callable[[str], AbstractSet[int]],
) -> dict[OrgMatch, AbstractSet[int]]:
    """:func:`match_terms`, as match → organisation numbers."""
    combined = _product([_term_groups(term, word_groups, offers) for term in terms])
    out: dict[OrgMatch, AbstractSet[int]] = {}
    for key, ids in combined.items():
        match = OrgMatch.of(key)  # different combinations can make equal matches: merge them
        out[match] = out[match] | ids if match in out else ids
    return out


def _product(
    groups: Sequence[Mapping[Any, AbstractSet[int]]],
) -> dict[tuple[Any, ...], AbstractSet[int]]:
    """Every combination of one group from each, keyed by the tuple of their keys, where the
    groups share organisations."""
    combined: dict[tuple[Any, ...], AbstractSet[int] | None] = {(): None}
    for found in groups:
        combined = {
            (*key, match): both
            for key, ids in combined.items()
            for match, more in found.items()
            if (both := more if ids is None else ids & more)
        }
        if not combined:
            return {}
    return {key: ids for key, ids in combined.items() if ids is not None}


def _term_groups(
    term: Term, word_groups: WordGroups, offers: Callable[[str], AbstractSet[int]]
) -> dict[TermMatch, AbstractSet[int]]:
    groups = [
        {m: ids for m, ids in word_groups(w).items() if _counts_for(term, m)} for w in term.words
    ]
    found: dict[TermMatch, AbstractSet[int]] = {
        _words_match(key): ids for key, ids in (_product(groups) if groups else {}).items()
    }
    if term.service:
        offered = offers(term.service)
        named: set[int] = set()  # offered, and the words matched exactly in a name
        rest: dict[TermMatch, AbstractSet[int]] = {}
        for match, ids in found.items():
            if left := ids - offered:
                rest[match] = left
            if match.in_name:
                named |= ids & offered
        for flag, ids in ((False, offered - named), (True, named)):
            if ids:
                rest[_offered(term, flag)] = ids
        found = rest
    return found
