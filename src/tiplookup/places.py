"""Provinces and districts of Lao PDR: resolving what people type, and reading addresses.

The facts come from ``data/lao_admin.toml``, a verbatim copy of the project's
reference file; every province and district there lists the sources it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from tiplookup.errors import UsageError

#: Spellings found in the directory's own source text, beyond the reference file.
#: (district slug → spellings, with where each was seen)
SOURCE_DISTRICT_SPELLINGS: dict[str, tuple[str, ...]] = {
    # UNICEF's address: "KM3 Thadeua road, Sistanak district, Vientiane" (aseanact_directory)
    "sisattanak": ("Sistanak",),
}

_DATA = Path(__file__).parent / "data" / "lao_admin.toml"
_LAO_ORTHOGRAPHY = (("ຫລ", "ຫຼ"), ("ໍາ", "ຳ"))  # older → modern spelling


@dataclass(frozen=True, slots=True)
class Province:
    """A province of Lao PDR (or the capital), with every spelling we know."""

    slug: str
    iso_code: str
    iso_name: str
    english_name: str
    lao: str
    category: str
    capital: str
    names: tuple[str, ...]  # every spelling that resolves to this province
    sources: tuple[str, ...]

    def __str__(self) -> str:
        return self.english_name


@dataclass(frozen=True, slots=True)
class District:
    """A district of Vientiane Capital, with its spellings."""

    slug: str
    name: str
    province: str
    lao: str
    names: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AddressMatch:
    """The province (and district) read from an address, and the rule that decided."""

    province: str
    district: str | None
    rule: str  # which rule of [matching].precedence decided, for the curator


def normalise(text: str) -> str:
    """The reference file's rule: NFKC, casefold, strip Latin diacritics, punctuation → space.

    Lao combining marks are kept; older Lao orthography is rewritten to the modern one.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    for old, new in _LAO_ORTHOGRAPHY:
        text = text.replace(old, new)
    decomposed = unicodedata.normalize("NFD", text)
    kept = "".join(c for c in decomposed if not (unicodedata.combining(c) and ord(c) < 0x0E80))
    text = unicodedata.normalize("NFC", kept)
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())


@cache
def _reference() -> dict[str, Any]:
    from tiplookup import compiled  # parsed once, then read back from a pickle (issue 7)

    return compiled.toml_data(_DATA)


def _strings(entry: dict[str, Any], *keys: str) -> tuple[str, ...]:
    out: list[str] = []
    for key in keys:
        value = entry.get(key, ())
        out.extend([value] if isinstance(value, str) else value)
    return tuple(out)


@cache
def provinces() -> tuple[Province, ...]:
    result = []
    for p in _reference()["province"]:
        names = _strings(
            p,
            "slug",
            "iso_code",
            "iso_name",
            "english_name",
            "lao",
            "lao_variants",
            "aliases",
            "aliases_unverified",
        )
        if not p.get("requires_province_word"):
            names += tuple(f"{n} province" for n in _strings(p, "english_name", "aliases"))
        names += tuple(f"khoueng {n}" for n in _strings(p, "english_name", "aliases"))
        names += tuple(f"ແຂວງ{n}" for n in _strings(p, "lao"))
        result.append(
            Province(
                slug=p["slug"],
                iso_code=p["iso_code"],
                iso_name=p["iso_name"],
                english_name=p["english_name"],
                lao=p["lao"],
                category=p["iso_category"],
                capital=p["capital"],
                names=names,
                sources=tuple(p["sources"]),
            )
        )
    return tuple(result)


@cache
def districts() -> tuple[District, ...]:
    return tuple(
        District(
            slug=d["slug"],
            name=d["name"],
            province=d["province"],
            lao=d["lao"],
            names=(
                d["name"],
                d["lao"],
                *d["aliases"],
                *d.get("aliases_unverified", ()),
                *SOURCE_DISTRICT_SPELLINGS.get(d["slug"], ()),
            ),
            sources=tuple(d["sources"]),
        )
        for d in _reference()["district"]
    )


@cache
def _by_slug() -> dict[str, Province]:
    by_slug: dict[str, Province] = {}
    for p in provinces():
        by_slug.setdefault(p.slug, p)
    return by_slug


def get_province(slug: str) -> Province:
    return _by_slug()[slug]


def province_name(slug: str) -> str:
    return get_province(slug).english_name


def is_province(slug: str) -> bool:
    return slug in _by_slug()


@cache
def _index() -> dict[str, str]:
    """normalised spelling → province slug, for what a user types."""
    from tiplookup import compiled  # built once, then read back from a pickle (issue 7)

    return compiled.cached("places-index", (Path(__file__), _DATA), _build_index)


def _build_index() -> dict[str, str]:
    index: dict[str, str] = {}
    ref = {p["slug"]: p for p in _reference()["province"]}
    for p in provinces():
        extra = _strings(ref[p.slug], "capital_aliases", "towns")
        for name in (*p.names, *extra):
            key = normalise(name)
            index.setdefault(key, p.slug)
            index.setdefault(key.replace(" ", ""), p.slug)
    for bare in ref["vientiane-capital"].get("default_for_bare", ()):
        index[normalise(bare)] = "vientiane-capital"  # [matching].bare_vientiane_means
    return index


def resolve_province(text: str) -> Province:
    """Whatever a user types (slug, English spelling, ISO code, Lao script, a capital
    town, a small typo) → a province; otherwise a UsageError naming the closest matches."""
    key = normalise(text)
    if not key:
        raise UsageError("empty province name", hint="run 'tiplookup provinces' to list them")
    index = _index()
    slug = index.get(key) or index.get(key.replace(" ", ""))
    if slug:
        return get_province(slug)
    close = _closest(key)
    if close and close[0][1] >= 88 and len({s for s, _ in close if _ >= 88}) == 1:
        return get_province(close[0][0])
    # names the text begins ("luang" → Luang Namtha, Luang Prabang), then the closest
    begun = sorted(
        {slug for name, slug in index.items() if name.startswith(key)},
        key=lambda slug: (not normalise(province_name(slug)).startswith(key), slug),
    )
    suggested = [*begun, *(s for s, _ in close)] if len(key) >= 3 else [s for s, _ in close]
    names = ", ".join(list(dict.fromkeys(province_name(s) for s in suggested))[:3])
    suffix = f"; did you mean {names}?" if names else ""
    raise UsageError(
        f"unknown province {text!r}{suffix}",
        hint="run 'tiplookup provinces' to list every spelling",
    )


def _closest(key: str) -> list[tuple[str, float]]:
    from rapidfuzz import fuzz, process

    index = _index()
    hits = process.extract(key, list(index), scorer=fuzz.ratio, limit=12, score_cutoff=60)
    best: dict[str, float] = {}
    for name, score, _ in hits:
        best.setdefault(index[name], score)
    return sorted(best.items(), key=lambda kv: -kv[1])


def _has(haystack: str, name: str) -> bool:
    """Whole-word match of a normalised name, also with the name's spaces removed."""
    n = normalise(name)
    if not n:
        return False
    if f" {n} " in f" {haystack} ":
        return True
    return " " in n and f" {n.replace(' ', '')} " in f" {haystack} "


def province_from_address(address: str) -> AddressMatch | None:
    """Read the province (and a Vientiane Capital district) from a free-text address,
    following the reference file's [matching] precedence and pitfalls. None if unclear."""
    text = normalise(address)
    ref = _reference()
    district = _district_in(text)

    # 1. explicit "<name> province" / "khoueng <name>" / "ແຂວງ<name>"
    for p in provinces():
        raw = next(r for r in ref["province"] if r["slug"] == p.slug)
        stems = _strings(raw, "english_name", "aliases", "lao")
        for stem in stems:
            stem = re.sub(r"\s*province$", "", stem, flags=re.IGNORECASE)
            if any(_has(text, f) for f in (f"{stem} province", f"khoueng {stem}", f"ແຂວງ{stem}")):
                return AddressMatch(
                    p.slug,
                    district if p.slug == "vientiane-capital" else _named_district(address),
                    "explicit province",
                )
    # 2. explicit Vientiane Capital
    vc = get_province("vientiane-capital")
    if any(
        _has(text, n)
        for n in vc.names
        if n not in ("ວຽງຈັນ",) and normalise(n) not in ("vientiane", "viangchan")
    ):
        return AddressMatch("vientiane-capital", district, "explicit Vientiane Capital")
    # 3. a district name (Xaysetha also exists in Attapeu: default to the capital), unless
    # the address names another province ('That Sikhottabong, Thakhek, Khammouane')
    if district:
        other = _province_named(text, ref)
        if other and other != "vientiane-capital":
            return AddressMatch(other, _named_district(address), "province name over district")
        return AddressMatch("vientiane-capital", district, "Vientiane Capital district")
    # 4. a province name alone; 5. bare Vientiane; then a capital or town name, which
    # loses to both ('Phonsavanh Village, Vientiane'; 'Kaysone Phomvihane Road' is a street)
    vc_raw = next(r for r in ref["province"] if r["slug"] == "vientiane-capital")
    for keys in (("english_name", "aliases"), None, ("capital_aliases", "towns")):
        if keys is None:
            if any(_has(text, n) for n in vc_raw.get("default_for_bare", ())):
                return AddressMatch("vientiane-capital", district, "bare 'Vientiane'")
            continue
        for raw in ref["province"]:
            if raw.get("requires_province_word"):
                continue
            for name in _strings(raw, *keys):
                if normalise(name) == "vientiane":
                    continue
                if _has(text, name) and not _followed_by_street(text, name):
                    return AddressMatch(
                        raw["slug"],
                        _named_district(address),
                        "province name" if keys[0] == "english_name" else "capital or town name",
                    )
    return None


def _followed_by_street(text: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(normalise(name))} (road|rd|avenue|street)\b", text) is not None


def _district_in(text: str) -> str | None:
    """A Vientiane Capital district named in the text ('Chanthabouly Road' is a street)."""
    for d in districts():
        if any(_has(text, n) and not _followed_by_street(text, n) for n in d.names):
            return d.slug
    return None


def _province_named(text: str, ref: dict[str, Any]) -> str | None:
    """A province named by its own name (not a town), outside 'Vientiane' alone."""
    for raw in ref["province"]:
        if raw.get("requires_province_word"):
            continue
        for name in _strings(raw, "english_name", "aliases"):
            if normalise(name) != "vientiane" and _has(text, name):
                return str(raw["slug"])
    return None


def _named_district(address: str) -> str | None:
    """A district the address names outside Vientiane Capital, kept as written."""
    m = re.search(r"([A-Z][\w ]*?) [Dd]istrict", address)
    return m.group(1).strip() if m else None
