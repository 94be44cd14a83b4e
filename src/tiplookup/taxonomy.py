"""One taxonomy of services: slugs, labels, definitions, synonyms, and the source's labels.

Groups are kept apart because they answer different questions:
``need`` is what a referral plans for; ``system`` is work on the anti-trafficking
system (not something a survivor can be referred to); ``population`` and
``exploitation`` describe whom or what an organisation focuses on.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tiplookup.errors import UsageError

NEED, SYSTEM, POPULATION, EXPLOITATION = "need", "system", "population", "exploitation"

GROUP_LABELS = {
    NEED: "Victim needs",
    SYSTEM: "System-level functions",
    POPULATION: "Populations",
    EXPLOITATION: "Exploitation types",
}


@dataclass(frozen=True, slots=True)
class Service:
    """A service or need in the vocabulary: slug, label, synonyms and the source's labels."""

    slug: str
    label: str
    group: str
    definition: str
    synonyms: tuple[str, ...] = ()
    source_labels: tuple[str, ...] = ()  # labels used in the ASEAN-ACT directory

    @property
    def is_need(self) -> bool:
        return self.group == NEED


SERVICES: tuple[Service, ...] = (
    Service(
        "victim-identification",
        "Victim identification",
        NEED,
        "Screening and identifying people who may have been trafficked.",
        ("identification", "screening", "identify victim", "victim id"),
        ("Victim Identification",),
    ),
    Service(
        "protection",
        "Protection",
        NEED,
        "Keeping a survivor or child safe from further harm.",
        ("safety", "child protection", "protect"),
        ("Protection",),
    ),
    Service(
        "shelter",
        "Shelter",
        NEED,
        "A safe place to stay: shelters, safe houses and transit centres.",
        (
            "safe house",
            "safehouse",
            "housing",
            "accommodation",
            "transit centre",
            "transit center",
            "refuge",
            "place to stay",
        ),
        ("Shelter",),
    ),
    Service(
        "medical-care",
        "Medical care",
        NEED,
        "Health care and treatment.",
        ("doctor", "hospital", "health", "medical", "clinic", "healthcare", "nurse"),
        ("Medical/Healthy Care",),
    ),
    Service(
        "recovery",
        "Recovery and counselling",
        NEED,
        "Psychosocial support, counselling and rehabilitation.",
        (
            "counselling",
            "counseling",
            "psychosocial",
            "rehabilitation",
            "trauma",
            "mental health",
            "therapy",
        ),
        ("Recovery",),
    ),
    Service(
        "legal-aid",
        "Legal aid",
        NEED,
        "Legal advice and representation, including pro bono lawyers.",
        (
            "lawyer",
            "court",
            "legal advice",
            "legal assistance",
            "pro bono",
            "legal",
            "attorney",
            "compensation",
        ),
        ("Legal Aid", "Pro Bono Service"),
    ),
    Service(
        "legal-documentation",
        "Legal documentation",
        NEED,
        "Identity and civil documents: ID cards, passports, birth registration.",
        (
            "id card",
            "papers",
            "passport",
            "documents",
            "identity documents",
            "birth certificate",
            "family book",
        ),
        ("Legal Documentation",),
    ),
    Service(
        "prosecution",
        "Prosecution and criminal justice",
        NEED,
        "Investigating and prosecuting traffickers; supporting a survivor through a case.",
        ("prosecutor", "press charges", "report a crime", "complaint", "criminal case", "justice"),
        ("Prosecution",),
    ),
    Service(
        "repatriation",
        "Repatriation and return",
        NEED,
        "Safe return home from abroad or from another province.",
        ("go home", "return", "returning home", "return home", "send home", "returnee"),
        ("Repatriation",),
    ),
    Service(
        "education",
        "Education and training",
        NEED,
        "Schooling and vocational training.",
        ("school", "vocational training", "training", "schooling", "skills", "study"),
        ("Education",),
    ),
    Service(
        "reintegration",
        "Reintegration and livelihood",
        NEED,
        "Help to rebuild a life: jobs, income, livelihood and community support.",
        ("job", "livelihood", "employment", "income", "economic empowerment"),
        ("Reintegration",),
    ),
    Service(
        "prevention",
        "Prevention and awareness",
        SYSTEM,
        "Campaigns and activities that stop trafficking before it happens.",
        ("awareness", "awareness raising", "campaign"),
        ("Prevention",),
    ),
    Service(
        "policy-advocacy",
        "Policy advocacy",
        SYSTEM,
        "Advocating changes to law and policy.",
        ("advocacy", "policy"),
        ("Policy Advocacy",),
    ),
    Service(
        "research",
        "Research",
        SYSTEM,
        "Studies, data collection and reporting.",
        ("data collection", "survey"),
        ("Research",),
    ),
    Service(
        "coalition-building",
        "Coalition building",
        SYSTEM,
        "Bringing organisations together around a shared aim.",
        ("coalition",),
        ("Coalition Building",),
    ),
    Service(
        "networking",
        "Networking",
        SYSTEM,
        "Linking organisations and communities.",
        ("network",),
        ("Networking",),
    ),
    Service(
        "support-agencies",
        "Support to agencies",
        SYSTEM,
        "Capacity building and support for other organisations.",
        ("capacity building", "support agencies"),
        ("Support Agencies",),
    ),
    Service(
        "coordination",
        "Anti-trafficking coordination",
        SYSTEM,
        "Coordinating the national response to human trafficking.",
        ("human trafficking", "coordination"),
        ("Human Trafficking",),
    ),
    Service(
        "children",
        "Children",
        POPULATION,
        "Focus on children and young people.",
        ("child", "kids", "minors"),
        ("Children",),
    ),
    Service(
        "labour",
        "Labour exploitation",
        EXPLOITATION,
        "Focus on forced labour and exploited migrant workers.",
        ("labor", "forced labour", "forced labor", "migrant workers", "labour trafficking"),
        ("Labour",),
    ),
)

_BY_SLUG = {s.slug: s for s in SERVICES}


def _source_labels() -> dict[str, str]:
    by_label: dict[str, str] = {}
    for s in SERVICES:
        for label in s.source_labels:
            by_label.setdefault(label, s.slug)  # the first service with the label
    return by_label


_BY_SOURCE_LABEL = _source_labels()


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used for vocabulary look-ups."""
    return " ".join(fold_words(text))


def fold_words(text: str) -> list[str]:
    """The words of :func:`fold`'s form, without joining and splitting them again."""
    text = unicodedata.normalize("NFKD", text.casefold()).replace("'", "").replace("’", "")
    if text.isascii():  # the common case, 20× faster than the character loop below
        return _ASCII_PUNCTUATION.sub(" ", text).split()
    text = "".join(c for c in text if not unicodedata.combining(c) or ord(c) >= 0x0E80)
    # Lao vowel and tone marks are combining characters, not alnum: they belong to the word
    return "".join(
        c if c.isalnum() or (ord(c) >= 0x0E80 and unicodedata.category(c) == "Mn") else " "
        for c in text
    ).split()


_ASCII_PUNCTUATION = re.compile(r"[^0-9A-Za-z]+")  # ASCII isalnum(); NFKD can give "H" from "ℍ"


def _vocabulary() -> dict[str, str]:
    vocab: dict[str, str] = {}
    for s in SERVICES:
        for term in (s.slug, s.slug.replace("-", " "), s.label, *s.source_labels, *s.synonyms):
            vocab.setdefault(fold(term), s.slug)
    return vocab


VOCABULARY: dict[str, str] = _vocabulary()


def get(slug: str) -> Service:
    return _BY_SLUG[slug]


def is_known(slug: str) -> bool:
    return slug in _BY_SLUG


def needs() -> tuple[Service, ...]:
    return tuple(s for s in SERVICES if s.is_need)


def slug_for_source_label(label: str) -> str | None:
    """The slug of a label as written in the source directory, e.g. 'Medical/Healthy Care'."""
    return _BY_SOURCE_LABEL.get(label)


def lookup(term: str) -> Service | None:
    """A service from a slug, label, source label or synonym; None if the term is unknown."""
    slug = VOCABULARY.get(fold(term))
    return _BY_SLUG[slug] if slug else None


def resolve(term: str, *, needs_only: bool = False) -> Service:
    """Like :func:`lookup`, but raise a :class:`UsageError` that suggests the closest terms."""
    service = lookup(term)
    if service is None:
        what = "need" if needs_only else "service"
        choices = [s.slug for s in SERVICES if s.is_need or not needs_only]
        raise UsageError(
            f"unknown {what} {term!r}" + _did_you_mean(term, needs_only),
            hint=f"valid {what}s: {', '.join(choices)}",
        )
    if needs_only and not service.is_need:
        raise UsageError(
            f"{term!r} is a {GROUP_LABELS[service.group].lower().rstrip('s')} "
            f"({service.slug}), not a victim need",
            hint=f"to find organisations that do it: tiplookup search --service {service.slug}",
        )
    return service


def _did_you_mean(term: str, needs_only: bool) -> str:
    from rapidfuzz import fuzz, process, utils

    pool = {k: v for k, v in VOCABULARY.items() if not needs_only or _BY_SLUG[v].is_need}
    # plain edit distance: WRatio's partial matching calls "food" close to "livelihood"
    best = process.extractOne(
        fold(term), list(pool), scorer=fuzz.ratio, processor=utils.default_process, score_cutoff=70
    )
    if best is None:
        return ""
    slug = pool[best[0]]
    return f"; did you mean {slug!r}" + (f" ({best[0]!r})" if best[0] != slug else "") + "?"
