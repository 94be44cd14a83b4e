"""The search core: matching, ranking, filters, and the index against the brute-force reference."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tiplookup import directory as directory_module
from tiplookup import places
from tiplookup.errors import NotFoundError, TiplookupError, UsageError
from tiplookup.model import (
    Directory,
    Location,
    Organization,
    Period,
    Phone,
    Relation,
    Scope,
    ServiceArea,
)
from tiplookup.search import (
    SearchIndex,
    exhaustive_search,
    find_one,
    rank_key,
    search,
)

TODAY = dt.date(2026, 12, 4)
BUNDLED = directory_module.load(None)
INDEX = SearchIndex.build(BUNDLED)


def names(query: str = "", **kwargs: object) -> list[str]:
    result = search(BUNDLED, query, today=TODAY, index=INDEX, **kwargs)  # type: ignore[arg-type]
    return [hit.org.name for hit in result.hits]


# -- what a new user types -----------------------------------------------------------------


def test_shelter_in_savannakhet_puts_the_local_shelter_first() -> None:
    result = search(BUNDLED, "shelter", province="savannakhet", today=TODAY, index=INDEX)
    first = result.hits[0]
    assert first.org.id == "sengsavang"
    assert first.relation is Relation.BASED
    assert first.reasons == ("based in Savannakhet", "offers shelter")
    assert result.services == ("shelter",)
    # then national bodies, then those whose service area the source does not state
    relations = [h.relation for h in result.hits]
    assert relations == sorted(relations, key=lambda r: r.value if r else 0)
    assert all(h.org.offers("shelter") for h in result.hits)


def test_a_typo_in_a_name_still_finds_it() -> None:
    result = search(BUNDLED, "sengsawang", today=TODAY, index=INDEX)
    assert [h.org.id for h in result.hits] == ["sengsavang"]
    assert result.hits[0].reasons == ("name 'Sengsavang' (for 'sengsawang')",)


def test_an_acronym_finds_its_organisation_first_and_little_else() -> None:
    assert names("lwu") == ["Lao Women’s Union", "Sengsavang"]  # Sengsavang's text names LWU
    assert names("LWU")[0] == "Lao Women’s Union"
    assert search(BUNDLED, "lwu", today=TODAY).hits[0].reasons == ("acronym 'LWU'",)
    assert "alternate_names" in search(BUNDLED, "lwu", today=TODAY).hits[0].matched


@pytest.mark.parametrize(
    "query", ["womens union", "Women's Union", "WOMEN’S UNION", "lao womens union"]
)
def test_apostrophe_case_and_spacing_variants_of_a_name(query: str) -> None:
    assert names(query)[0] == "Lao Women’s Union"


def test_several_words_in_any_order() -> None:
    assert names("transit centre border") == ["Village Focus International"]
    assert names("border transit centre") == ["Village Focus International"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("early marriage", ["Gender Development Association"]),
        ("migrant workers", ["USAID Laos Counter Trafficking In Persons", "Triangle in ASEAN"]),
        ("LGBT", ["Proud to Be Us Laos"]),
        (
            "disability",
            [
                "CARE International Laos",
                "Humanity & Inclusion Laos",
                "Lao Disabled People’s Association",
            ],
        ),
    ],
)
def test_other_words_match_descriptions(query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_romanisation_and_spelling_variants_of_places() -> None:
    assert "Village Focus International" in names("champassak")
    assert "Sengsavang" in names("savanakhet")


@pytest.mark.parametrize(
    ("query", "service"),
    [("shelter", "shelter"), ("safe house", "shelter"), ("lawyer", "legal-aid")],
)
def test_a_service_word_or_synonym_selects_that_service(query: str, service: str) -> None:
    result = search(BUNDLED, query, today=TODAY, index=INDEX)
    assert result.services == (service,)
    offering = {o.id for o in BUNDLED.organizations if o.offers(service)}
    assert offering <= {h.org.id for h in result.hits}


def test_name_words_rank_above_description_mentions() -> None:
    found = names("human trafficking")
    assert found[:3] == [
        "National Steering Committee on Human Trafficking",
        "Provincial and Vientiane Capital Anti-Human Trafficking Committees",
        "The National Anti-Human Trafficking Committee",
    ]


def test_a_query_word_that_matches_nothing_gives_no_hits_and_a_hint() -> None:
    result = search(BUNDLED, "shelter zzzqqq", today=TODAY, index=INDEX)
    assert result.hits == ()
    assert result.hints == ("nothing matches the word 'zzzqqq'",)


def test_an_empty_query_lists_everything_that_passes_the_filters() -> None:
    assert len(names()) == len(BUNDLED)
    shelters = {o.name for o in BUNDLED.organizations if o.offers("shelter")}
    assert set(names(services=["shelter"])) == shelters
    assert set(names(kind="un-agency")) == {"Child Protection program – UNICEF"}


def test_limit() -> None:
    assert len(names("shelter", limit=2)) == 2
    with pytest.raises(UsageError, match="--limit must be at least 1"):
        names("shelter", limit=0)


def test_unknown_kind_and_service() -> None:
    with pytest.raises(UsageError, match="unknown kind 'charity'"):
        names(kind="charity")
    with pytest.raises(UsageError, match="unknown service 'shelters'"):
        names(services=["shelters"])


@pytest.mark.parametrize("province", [p.slug for p in places.provinces()])
def test_the_province_filter_never_returns_an_organisation_that_does_not_serve_it(
    province: str,
) -> None:
    result = search(BUNDLED, "", province=province, today=TODAY, index=INDEX)
    expected = {o.id for o in BUNDLED.organizations if o.relation_to(province) is not None}
    assert {h.org.id for h in result.hits} == expected
    assert all(h.relation == h.org.relation_to(province) for h in result.hits)


def test_a_province_the_organisation_does_not_serve_explains_itself() -> None:
    result = search(BUNDLED, "vfi", province="savannakhet", today=TODAY, index=INDEX)
    assert result.hits == ()
    assert result.hints == ("try without --province savannakhet: 1 organisation(s) match then",)


# -- ranking on a small made-up directory --------------------------------------------------

PHONE = Phone(source_text="+856 21 000 000", number="+85621000000", display="+856 21 000 000")


def org(org_id: str, **fields: object) -> Organization:
    base = Organization(id=org_id, name=org_id.replace("-", " ").title(), kind="ngo")
    defaults: dict[str, object] = {"services": ("shelter",), "phones": (PHONE,)}
    return dataclasses.replace(base, **{**defaults, **fields})  # type: ignore[arg-type]


RANKING = Directory(
    organizations=(
        org("unstated-home", service_area=ServiceArea(Scope.UNSPECIFIED)),
        org("national-home", service_area=ServiceArea(Scope.NATIONAL)),
        org("serving-home", service_area=ServiceArea(Scope.PROVINCES, ("attapeu",))),
        org("elsewhere-home", service_area=ServiceArea(Scope.PROVINCES, ("bokeo",))),
        org("ended-home", location=Location("x", "attapeu"), period=Period(2010, 2020)),
        org("silent-home", location=Location("x", "attapeu"), phones=()),
        org("local-home", location=Location("x", "attapeu")),
        org("shelter", service_area=ServiceArea(Scope.NATIONAL)),
    ),
    path="ranking.toml",
)


def test_ranking_name_then_based_serves_national_unstated_and_active_contactable_first() -> None:
    result = search(RANKING, "shelter", province="attapeu", today=TODAY)
    assert [h.org.id for h in result.hits] == [
        "shelter",  # exact name
        "local-home",  # based in the province
        "silent-home",  # based, but no phone or email
        "ended-home",  # based, but the programme ended
        "serving-home",  # the province is in its service area
        "national-home",
        "unstated-home",  # service area not stated: last, with the warning
    ]
    assert result.hits[-1].warnings == ("service area not stated in the source", "not verified")
    assert result.hits[-1].reasons[0] == "service area not stated in the source"
    assert "programme ended in 2020" in result.hits[3].warnings


def test_rank_key_orders_relation_then_ended_then_contactable() -> None:
    local = RANKING.get("local-home")
    assert local is not None
    assert rank_key(local, Relation.BASED, TODAY) == (0, False, False)
    assert rank_key(local, None, TODAY) == (0, False, False)
    ended = RANKING.get("ended-home")
    assert ended is not None
    assert rank_key(ended, Relation.NATIONAL, TODAY) == (2, True, False)


# -- the index gives what brute force gives ------------------------------------------------

QUERIES = [
    "",
    "shelter",
    "sengsawang",
    "lwu",
    "womens union",
    "transit centre border",
    "early marriage",
    "migrant workers",
    "LGBT",
    "disability",
    "lawyer",
    "safe house",
    "ministry",
    "union",
    "human trafficking",
    "traf",
    "champassak",
    "children protection",
    "legal aid savannakhet",
    "xyzzy",
    "the",
    "ບໍ່ແກ້ວ",
    "unicef",
    "counselling girls",
]


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("province", [None, "savannakhet", "champasak", "vientiane-capital"])
def test_the_index_and_brute_force_give_identical_hits_in_identical_order(
    query: str, province: str | None
) -> None:
    indexed = search(BUNDLED, query, province=province, today=TODAY, index=INDEX)
    brute = exhaustive_search(BUNDLED, query, province=province, today=TODAY)
    assert indexed == brute


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=40))
def test_the_index_and_brute_force_agree_on_any_text(query: str) -> None:
    try:
        indexed = search(BUNDLED, query, today=TODAY, index=INDEX)
    except UsageError:
        with pytest.raises(UsageError):
            exhaustive_search(BUNDLED, query, today=TODAY)
        return
    assert indexed == exhaustive_search(BUNDLED, query, today=TODAY)


@settings(max_examples=200, deadline=None)
@given(query=st.text(max_size=60), province=st.none() | st.text(max_size=30))
def test_search_raises_nothing_but_our_errors(query: str, province: str | None) -> None:
    with contextlib.suppress(TiplookupError):
        search(BUNDLED, query, province=province, today=TODAY, index=INDEX)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60))
def test_find_one_raises_nothing_but_our_errors(text: str) -> None:
    with contextlib.suppress(TiplookupError):
        find_one(BUNDLED, text)


# -- find_one (for show) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sengsavang", "sengsavang"),
        ("Sengsawang", "sengsavang"),
        ("LWU", "lao-womens-union"),
        ("Lao Women's Union", "lao-womens-union"),
        ("vfi", "village-focus-international"),
        ("ministry of justice", "ministry-of-justice"),
        ("early marriage", "gender-development-association"),
        ("youth", "lao-youth-union"),  # a name word beats mentions in descriptions
    ],
)
def test_find_one(text: str, expected: str) -> None:
    assert find_one(BUNDLED, text).id == expected


def test_find_one_ambiguous_lists_the_candidates() -> None:
    with pytest.raises(UsageError) as info:
        find_one(BUNDLED, "union")
    assert info.value.message == (
        "'union' matches 2 organisations: lao-youth-union (Lao Revolutionary Youth Union); "
        "lao-womens-union (Lao Women’s Union)"
    )
    assert info.value.hint == "give one of these ids"


def test_find_one_not_found_names_the_closest() -> None:
    with pytest.raises(NotFoundError) as info:
        find_one(BUNDLED, "proud to be them")
    assert info.value.message == (
        "no organisation called 'proud to be them'; closest names: Proud to Be Us Laos"
    )


NEARNESS = """
[[organization]]
id = "pakse-shelter"
name = "Pakse Shelter for Women"
kind = "ngo"
services = ["shelter"]
emails = ["pakse@example.org"]
location = { address = "Ban Phonsavanh, Pakse, Champasak", province = "champasak" }

[[organization]]
id = "hope-house"
name = "Hope House"
kind = "ngo"
services = ["shelter"]
emails = ["hope@example.org"]
location = { address = "Kaysone Phomvihane, Savannakhet", province = "savannakhet" }

[[organization]]
id = "safety-trainers"
name = "Safety Trainers"
kind = "ngo"
description = "Road safety training; a house for trainees."
emails = ["safety@example.org"]
location = { address = "Ban Anousone, Savannakhet", province = "savannakhet" }

[[organization]]
id = "women-network"
name = "Women Network"
kind = "ngo"
description = "Runs a safe house for girls."
emails = ["wn@example.org"]
location = { address = "House 7, Ban Phonxay, Vientiane Capital", province = "vientiane-capital" }
"""


def test_with_a_province_nearness_beats_a_service_word_in_a_name(
    write_directory: Callable[[str], Path],
) -> None:
    small = directory_module.load(write_directory(NEARNESS))
    near = search(small, "shelter", province="savannakhet", today=TODAY)
    assert [h.org.id for h in near.hits][:2] == ["hope-house", "pakse-shelter"]
    anywhere = search(small, "shelter", today=TODAY)  # no province: the name word leads
    assert anywhere.hits[0].org.id == "pakse-shelter"
    named = search(small, "pakse shelter for women", province="savannakhet", today=TODAY)
    assert named.hits[0].org.id == "pakse-shelter"  # the name itself still comes first


def test_a_service_phrase_counts_its_words_only_when_spelled_as_typed(
    write_directory: Callable[[str], Path],
) -> None:
    small = directory_module.load(write_directory(NEARNESS))
    for query in ("safe house", "safe houses"):
        ids = {h.org.id for h in search(small, query, today=TODAY).hits}
        # offers shelter, or writes "safe house" out (with "House 7" in its address too);
        # not "safety" + "house"
        assert ids == {"pakse-shelter", "hope-house", "women-network"}, query


@pytest.mark.parametrize(
    ("query", "province", "first"),
    [
        ("lao women", "vientiane-capital", "Lao Women’s Union"),
        ("care international", "champasak", "CARE International Laos"),
        ("lao women", "champasak", "Lao Women’s Union"),
    ],
)
def test_every_word_in_a_name_still_outranks_nearness_for_a_named_search(
    query: str, province: str, first: str
) -> None:
    result = search(BUNDLED, query, province=province, today=TODAY, index=INDEX)
    assert result.hits[0].org.name == first
