"""Goal 4 of issue 7: the fast paths give the same answers as the slow, obvious ones.

The indexed search must list the same hits, in the same order, with the same reasons, as
the brute-force ``exhaustive_search``, on the bundled directory and on a generated one;
a directory loaded from the compiled cache must equal one read from the file; the
fast ASCII path of ``taxonomy.fold`` must agree with the character-by-character rule;
an organisation's words, taken part by part, must be those of its fields' whole texts; and
the line numbers of entries must be those of the lines ``str.splitlines`` cuts.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import unicodedata
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tiplookup import compiled, matching, search, taxonomy
from tiplookup import directory as directory_module
from tiplookup.model import Directory, Organization

REPO = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 12, 4)

QUERIES = [
    "",
    "shelter",
    "shelters",
    "shelterr",  # typo
    "sengsavang",
    "sengsawang",  # another romanisation
    "afesip",
    "legal aid",
    "lawyer",
    "safe house",
    "womens union",
    "lao women's union",
    "traf",  # short prefix
    "sav",  # too short for a prefix
    "savan",
    "repatriaton",  # typo
    "child protection",
    "houaphanh",
    "phonsavan",
    "clinic recovery",
    "ATD",
    "unicef",
    "zzzzqqq",  # nothing
    "protection vientiane",  # a service term beside a place word: equal matches merge
    "shelter savannakhet women",
]
FILTERS: list[dict[str, Any]] = [
    {},
    {"province": "savannakhet"},
    {"province": "vientiane-capital", "services": ["legal-aid"]},
    {"services": ["shelter"]},
    {"kind": "ngo"},
    {"province": "champasak", "limit": 3},
    {"matched_in": ("name", "alternate_names"), "limit": 10},
]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", REPO / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def bundled() -> Directory:
    return directory_module.load(directory_module.bundled_path())


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Directory:
    path = tmp_path_factory.mktemp("generated") / "directory-1500.toml"
    _generator().write(path, 1_500, seed=11)
    return directory_module.load(path)


def _both(directory: Directory, index: search.SearchIndex, query: str, **filters: Any) -> Any:
    outcomes = []
    for run in (search.search, search.exhaustive_search):
        kwargs = dict(filters, today=TODAY)
        if run is search.search:
            kwargs["index"] = index
        try:
            outcomes.append(run(directory, query, **kwargs))
        except Exception as exc:  # noqa: BLE001 - both must fail the same way
            outcomes.append((type(exc), str(exc)))
    return outcomes


def _assert_same(directory: Directory, cases: list[tuple[str, dict[str, Any]]]) -> int:
    index = search.SearchIndex.build(directory)
    hits = 0
    for query, filters in cases:
        fast, slow = _both(directory, index, query, **filters)
        assert fast == slow, (query, filters)
        hits += len(getattr(fast, "hits", ()))
    return hits


def test_indexed_search_equals_exhaustive_on_the_bundled_directory(bundled: Directory) -> None:
    cases = [(query, filters) for query in QUERIES for filters in FILTERS]
    assert _assert_same(bundled, cases) > 100  # the queries do find things


def test_indexed_search_equals_exhaustive_on_a_generated_directory(generated: Directory) -> None:
    # The brute-force reference takes about a second a query here: a sample of the grid.
    assert len(generated) == 1_500
    name = generated.organizations[7].name
    cases = [
        ("shelter", {"province": "savannakhet"}),
        ("shelterr", {}),
        ("legal aid", {"services": ["shelter"]}),
        ("traf", {"kind": "ngo"}),
        ("sav", {}),
        ("savan", {"province": "champasak", "limit": 3}),
        ("sengsawang", {}),
        ("repatriaton", {"province": "vientiane-capital", "services": ["legal-aid"]}),
        ("womens union", {}),
        ("dokmai shelter", {}),
        (name, {}),
        ("", {"province": "houaphanh", "services": ["medical-care"]}),
        ("zzzzqqq", {}),
    ]
    assert _assert_same(generated, cases) > 1000


def test_the_cached_directory_equals_the_file(tmp_path: Path) -> None:
    path = tmp_path / "directory-300.toml"
    _generator().write(path, 300, seed=3)
    from_file = directory_module.load(path)
    assert compiled.load(path) == from_file  # cold: built and written
    assert compiled.load(path) == from_file  # warm: read back from the cache


def test_generated_directories_pass_validate(tmp_path: Path, run: Any) -> None:
    path = _generator().write(tmp_path / "directory-200.toml", 200, seed=1)
    result = run("validate", str(path))
    assert result.exit_code == 0, result
    assert result.stdout.endswith("200 organisations, 0 problems\n")


def test_generated_directories_are_deterministic(tmp_path: Path) -> None:
    generate = _generator()
    a = generate.write(tmp_path / "a.toml", 50, seed=5).read_bytes()
    b = generate.write(tmp_path / "b.toml", 50, seed=5).read_bytes()
    assert a == b
    assert a != generate.write(tmp_path / "c.toml", 50, seed=6).read_bytes()


def _reference_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c) or ord(c) >= 0x0E80)
    text = text.replace("'", "").replace("’", "")

    def kept(c: str) -> bool:  # Lao vowel and tone marks (Mn) belong to the word
        return c.isalnum() or (ord(c) >= 0x0E80 and unicodedata.category(c) == "Mn")

    return " ".join("".join(c if kept(c) else " " for c in text).split())


@pytest.mark.parametrize(
    "text", ["Lao Women’s Union", "ℍello", "Xaysétha", "ແຂວງ ສະຫວັນນະເຂດ", "ß", "a_b-c", "ǅ"]
)
def test_fold_fast_path_agrees_with_the_rule(text: str) -> None:
    assert taxonomy.fold(text) == _reference_fold(text)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_fold_agrees_with_the_rule_on_any_text(text: str) -> None:
    assert taxonomy.fold(text) == _reference_fold(text)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=40))
def test_fold_agrees_with_the_rule_on_ascii(text: str) -> None:
    assert taxonomy.fold(text) == _reference_fold(text)


NEEDS = [
    ["shelter"],
    ["legal-aid", "repatriation"],
    ["shelter", "medical-care", "legal-aid"],
    ["protection", "legal-aid"],
    ["education", "reintegration", "recovery", "legal-documentation"],
]
PROVINCES = [None, "savannakhet", "champasak", "attapeu", "vientiane-capital"]


def _same_plans(
    directory: Directory,
    limits: tuple[int | None, ...],
    needs_list: list[list[str]] = NEEDS,
    provinces: list[str | None] = PROVINCES,
) -> int:
    from tiplookup import referral

    index = search.SearchIndex.build(directory)
    listed = 0
    kinds = set()
    for needs in needs_list:
        for province in provinces:
            for limit in limits:
                kwargs: dict[str, Any] = {"today": TODAY, "limit": limit}
                fast = referral.plan(directory, needs, province, index=index, **kwargs)
                slow = referral.plan(directory, needs, province, **kwargs)
                assert fast == slow, (needs, province, limit)
                listed += len(fast.suggested) + sum(len(p) for _, p in fast.alternatives)
                kinds.add(fast.kind)
                kinds.update({"gap"} if fast.gaps else set())
    return listed if kinds >= {"single", "combination"} else 0


def test_indexed_referral_equals_the_plan_from_every_organisation(bundled: Directory) -> None:
    from itertools import combinations

    from tiplookup import places

    needs = [s.slug for s in taxonomy.needs()]
    every = [[n] for n in needs] + [list(pair) for pair in combinations(needs, 2)]
    provinces: list[str | None] = [None, *(p.slug for p in places.provinces())]
    assert _same_plans(bundled, (None, 1, 3), every, provinces) > 3_000


def test_indexed_referral_equals_with_gaps_and_ended_programmes(
    write_directory: Callable[[str], Path],
) -> None:
    from itertools import combinations

    from test_referral import FIXTURE  # providers in a few provinces, one programme ended
    from tiplookup import places, referral

    small = directory_module.load(write_directory(FIXTURE))
    index = search.SearchIndex.build(small)
    needs = [s.slug for s in taxonomy.needs()]
    seen = set()
    for chosen in [[n] for n in needs] + [list(pair) for pair in combinations(needs, 2)]:
        for province in [None, *(p.slug for p in places.provinces())]:
            for limit in (None, 1):
                kwargs: dict[str, Any] = {"today": TODAY, "limit": limit}
                fast = referral.plan(small, chosen, province, index=index, **kwargs)
                assert fast == referral.plan(small, chosen, province, **kwargs)
                seen.add(fast.kind)
                seen.update({"gap"} if fast.gaps else set())
                seen.update({"ended"} if any(s.ended for s in fast.suggested) else set())
    assert seen == {"single", "combination", "none", "gap", "ended"}


def test_indexed_referral_equals_on_a_generated_directory(generated: Directory) -> None:
    from tiplookup import referral

    index = search.SearchIndex.build(generated)
    for needs in NEEDS:
        for province in PROVINCES:
            for limit in (None, 5):
                kwargs: dict[str, Any] = {"today": TODAY, "limit": limit}
                fast = referral.plan(generated, needs, province, index=index, **kwargs)
                assert fast == referral.plan(generated, needs, province, **kwargs)


def test_limited_plans_and_searches_are_the_first_of_the_full_ones(generated: Directory) -> None:
    from tiplookup import referral

    index = search.SearchIndex.build(directory=generated)
    full = referral.plan(generated, ["shelter", "legal-aid"], "savannakhet", TODAY, index=index)
    cut = referral.plan(
        generated, ["shelter", "legal-aid"], "savannakhet", TODAY, index=index, limit=4
    )
    assert cut.suggested == full.suggested[:4]
    assert cut.more_suggested == len(full.suggested) - 4 > 0
    suggested = {s.org.id for s in cut.suggested}
    for (need, providers), (_, all_providers) in zip(
        cut.alternatives, full.alternatives, strict=True
    ):
        # the suggested providers, and the first 4 of the others, in the full plan's order
        others = [s.org.id for s in all_providers if s.org.id not in suggested]
        shown = suggested | set(others[:4])
        assert providers == tuple(s for s in all_providers if s.org.id in shown)
        assert dict(cut.more_alternatives)[need] == len(others) - 4
    for query in ("shelter", "traf", "", "legal aid"):
        every = search.search(generated, query, index=index, today=TODAY)
        first = search.search(generated, query, index=index, today=TODAY, limit=7)
        assert first.hits == every.hits[:7]
        assert first.total == every.total == len(every.hits) > 7


def _reference_org_words(org: Organization) -> dict[str, str]:
    out: dict[str, str] = {}
    for field, text in matching.field_texts(org).items():
        for word in matching.words(text):
            out.setdefault(word, field)
    return out


def test_org_words_part_by_part_equal_the_whole_texts(
    bundled: Directory, generated: Directory
) -> None:
    for org in (*bundled.organizations, *generated.organizations):
        assert list(matching.org_words(org).items()) == list(_reference_org_words(org).items())


@given(st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12), max_size=4))
def test_the_words_of_joined_texts_are_the_words_of_each(parts: list[str]) -> None:
    assert matching.words(" ".join(parts)) == [w for p in parts for w in matching.words(p)]


def _reference_entry_lines(text: str) -> list[int]:
    return [
        i
        for i, line in enumerate(text.splitlines(), 1)
        if line.strip().startswith("[[organization]]")
    ]


_PIECES = ["[[organization]]", "[[organization]", "\n", " ", "\t", "\u3000", "x", "#", '"']


@given(st.lists(st.sampled_from([*_PIECES, "\r", "\r\n", "\f", "\u2028", "\x85"]), max_size=30))
def test_entry_lines_are_those_of_the_lines_splitlines_cuts(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert directory_module.entry_lines(text) == _reference_entry_lines(text)


@given(st.lists(st.sampled_from(_PIECES), max_size=60))
def test_entry_lines_when_only_newlines_end_lines(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert directory_module.entry_lines(text) == _reference_entry_lines(text)


def test_entry_lines_of_the_bundled_file() -> None:
    text = (REPO / "data" / "directory.toml").read_text(encoding="utf-8")
    assert directory_module.entry_lines(text) == _reference_entry_lines(text)
    assert directory_module.entry_lines(text.replace("\n", "\r\n")) == _reference_entry_lines(text)


def test_service_and_province_counts_from_the_index_equal_a_count_of_organisations(
    bundled: Directory, generated: Directory
) -> None:
    from tiplookup import places
    from tiplookup.model import Relation

    serving = (Relation.BASED, Relation.SERVES, Relation.NATIONAL)
    for directory in (bundled, generated):
        index = search.SearchIndex.build(directory)
        orgs = directory.organizations
        counts = index.service_counts()
        for service in taxonomy.SERVICES:
            assert counts.get(service.slug, 0) == sum(o.offers(service.slug) for o in orgs)
        for p in places.provinces():
            assert index.province_counts(p.slug) == (
                sum(o.province == p.slug for o in orgs),
                sum(o.relation_to(p.slug) in serving for o in orgs),
            )


def test_indexed_search_equals_exhaustive_for_random_word_pairs(bundled: Directory) -> None:
    """Pairs of vocabulary words and service words, with and without a province: the
    combinations a fixed list of queries can miss."""
    import random

    index = search.SearchIndex.build(bundled)
    vocabulary = index.vocabulary
    services = [s for service in taxonomy.SERVICES for s in (service.label, *service.synonyms)]
    chooser = random.Random(7)
    cases = []
    for _ in range(300):
        words = [chooser.choice(vocabulary), chooser.choice(services + vocabulary)]
        filters: dict[str, Any] = chooser.choice(FILTERS)
        cases.append((" ".join(words), filters))
    assert _assert_same(bundled, cases) > 50  # hits compared, not just empty results


def test_indexed_search_equals_exhaustive_on_random_generated_queries(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """Random queries (vocabulary words, their typos and prefixes, service words), filters
    and limits over three small generated directories."""
    import random

    from tiplookup import places

    chooser = random.Random(2026)
    provinces = [None, *(p.slug for p in places.provinces())]
    services = [s.slug for s in taxonomy.SERVICES]
    compared = 0
    for seed in (1, 2, 3):
        path = tmp_path_factory.mktemp("random") / f"directory-{seed}.toml"
        _generator().write(path, 250, seed=seed)
        directory = directory_module.load(path)
        vocabulary = search.SearchIndex.build(directory).vocabulary
        cases = []
        for _ in range(40):
            words = chooser.sample(vocabulary, chooser.choice((1, 1, 2, 3)))
            if chooser.random() < 0.3:  # a typo: one letter dropped
                w = words[0]
                words[0] = w[:-2] + w[-1] if len(w) > 4 else w
            if chooser.random() < 0.2:  # a prefix
                words[-1] = words[-1][:4]
            filters: dict[str, Any] = {"province": chooser.choice(provinces)}
            if chooser.random() < 0.3:
                filters["services"] = [chooser.choice(services)]
            if chooser.random() < 0.5:
                filters["limit"] = chooser.choice((1, 3, 20))
            cases.append((" ".join(words), filters))
        compared += _assert_same(directory, cases)
    assert compared > 200
