"""``tiplookup refer``: referral plans, as a caseworker would ask for them."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tiplookup import directory, places, referral, taxonomy
from tiplookup.errors import UsageError
from tiplookup.model import (
    Directory,
    Location,
    Organization,
    Period,
    Relation,
    Scope,
    ServiceArea,
)

from conftest import Run

TODAY = dt.date(2026, 12, 4)
NEED_SLUGS = [s.slug for s in taxonomy.needs()]
PROVINCES = [p.slug for p in places.provinces()]
PIN = {"TIPLOOKUP_TODAY": "2026-12-04"}

FIXTURE = """[meta]
schema_version = 1

[[organization]]
id = "north-shelter"
name = "North Shelter"
kind = "ngo"
services = ["shelter", "medical-care"]
emails = ["north@example.org"]
service_area = { scope = "provinces", provinces = ["luang-prabang"] }
location = { address = "Ban Xieng Mouane, Luang Prabang", province = "luang-prabang" }

[[organization]]
id = "south-lawyers"
name = "South Lawyers"
kind = "ngo"
services = ["legal-aid"]
emails = ["south@example.org"]
service_area = { scope = "provinces", provinces = ["champasak", "savannakhet"] }
location = { address = "Pakse, Champasak", province = "champasak" }

[[organization]]
id = "national-line"
name = "National Line"
kind = "ngo"
services = ["legal-aid", "repatriation"]
service_area = { scope = "national" }

[[organization.phones]]
source_text = "+856 21 312 519"
number = "+85621312519"
display = "+856 21 312 519"

[[organization]]
id = "old-programme"
name = "Old Programme"
kind = "donor-programme"
services = ["protection", "legal-aid"]
emails = ["old@example.org"]
period = { start = 2015, end = 2020, source_text = "2015-2020" }
service_area = { scope = "national" }
location = { address = "Pakse, Champasak", province = "champasak" }
"""


@pytest.fixture
def small(write_directory: Callable[[str], Path]) -> Path:
    return write_directory(FIXTURE)


def refer(run: Run, *args: str, path: Path | None = None) -> tuple[int, str, str]:
    prefix = ("--directory", str(path)) if path else ()
    result = run(*prefix, "refer", *args, env=PIN)
    return result.exit_code, result.stdout, result.stderr


def bundled_plan(needs: list[str], province: str | None) -> referral.Plan:
    return referral.plan(directory.load(), needs, province, TODAY)


# -- realistic cases over the bundled directory -----------------------------------------


def test_legal_aid_and_repatriation_in_savannakhet_puts_sengsavang_first(run: Run) -> None:
    code, out, err = refer(run, "--needs", "legal-aid,repatriation", "--province", "Savannakhet")
    assert (code, err) == (0, "")
    assert out.startswith(
        "Referral plan, 2026-12-04\n"
        "Needs: Legal aid, Repatriation and return\n"
        "Province: Savannakhet\n\n"
        "Each of these 4 providers in Savannakhet covers, on its own, every need; best first.\n"
        "1. Sengsavang\n"
        "   covers: Legal aid, Repatriation and return\n"
        "   where: based in Savannakhet\n"
        "   contact: phone +856 41 260 276; email virith.khattignavong@sengsavang.org\n"
        "   warnings: service area not stated in the source; not verified\n"
        "2. Lao Women’s Union\n"
    )
    plan = bundled_plan(["legal-aid", "repatriation"], "savannakhet")
    assert plan.kind == referral.SINGLE
    assert plan.suggested[0].relation is Relation.BASED
    assert plan.gaps == ()


def test_shelter_and_medical_care_in_champasak(run: Run) -> None:
    plan = bundled_plan(["shelter", "medical-care"], "champasak")
    assert plan.kind == referral.SINGLE
    ids = [s.org.id for s in plan.suggested]
    # Village Focus names Champasak in its service area; the national union comes next.
    assert ids[:2] == ["village-focus-international", "lao-womens-union"]
    assert (
        plan.suggested[0].where
        == "serves Champasak; based in Vientiane Capital (read from the address)"
    )
    code, out, _ = refer(run, "--need", "shelter", "--need", "medical care", "-p", "champasak")
    assert code == 0
    assert "1. Village Focus International\n" in out


def test_protection_anywhere_flags_the_ended_usaid_programme_last(run: Run) -> None:
    plan = bundled_plan(["protection"], None)
    assert [s.org.id for s in plan.suggested] == ["unicef-child-protection", "usaid-laos-ctip"]
    usaid = plan.suggested[-1]
    assert usaid.ended and "programme ended in 2023" in usaid.warnings
    _, out, _ = refer(run, "--needs", "protection")
    assert "\n2 providers offer Protection; best first.\n" in out
    assert "2. ENDED PROGRAMME: USAID Laos Counter Trafficking In Persons\n" in out


def test_protection_and_legal_aid_in_champasak_take_a_combination(run: Run) -> None:
    code, out, _ = refer(run, "--needs", "protection,legal-aid", "-p", "champasak")
    assert code == 0
    assert (
        "No single provider in Champasak covers every need. Smallest combination: 2 providers, "
        "nearest first; call each for the needs listed.\n"
        "1. Village Focus International\n"
        "   covers: Legal aid\n"
    ) in out
    assert "2. Child Protection program – UNICEF\n   covers: Protection\n" in out


@pytest.mark.parametrize(
    ("typed", "slugs"),
    [
        ("lawyer,go home", ("legal-aid", "repatriation")),
        ("safe house", ("shelter",)),
        ("doctor, Safe House ,doctor", ("medical-care", "shelter")),
        ("Medical/Healthy Care", ("medical-care",)),
    ],
)
def test_synonyms_resolve_to_needs(typed: str, slugs: tuple[str, ...]) -> None:
    assert referral.resolve_needs([typed]) == slugs


def test_a_synonym_gives_the_same_plan_as_the_slug(run: Run) -> None:
    by_slug = refer(run, "--needs", "legal-aid,repatriation", "-p", "savannakhet", "-f", "json")
    by_word = refer(run, "--need", "lawyer", "--need", "go home", "-p", "Savanakhet", "-f", "json")
    assert by_slug == by_word


# -- bad input --------------------------------------------------------------------------

VALID = (
    "victim-identification, protection, shelter, medical-care, recovery, legal-aid, "
    "legal-documentation, prosecution, repatriation, education, reintegration"
)


def test_an_unknown_need_is_a_usage_error_with_the_closest_match(run: Run) -> None:
    assert refer(run, "--needs", "shelter,lawyr") == (
        2,
        "",
        "tiplookup: error: unknown need 'lawyr'; did you mean 'legal-aid' ('lawyer')? "
        f"(valid needs: {VALID})\n",
    )


def test_a_system_level_function_is_not_a_victim_need(run: Run) -> None:
    code, out, err = refer(run, "--needs", "research")
    assert (code, out) == (2, "")
    assert err.startswith("tiplookup: error: 'research' is a system-level function")
    assert "not a victim need" in err
    assert err.endswith("(to find organisations that do it: tiplookup search --service research)\n")


@pytest.mark.parametrize("args", [(), ("--needs", " , ")])
def test_no_needs_is_a_usage_error(run: Run, args: tuple[str, ...]) -> None:
    assert refer(run, *args) == (
        2,
        "",
        f"tiplookup: error: no needs given; use --needs legal-aid,shelter (needs: {VALID})\n",
    )


def test_unknown_province_and_format(run: Run) -> None:
    code, _, err = refer(run, "--needs", "shelter", "-p", "Narnia")
    assert code == 2 and err.startswith("tiplookup: error: unknown province 'Narnia'")
    code, _, err = refer(run, "--needs", "shelter", "-f", "xml")
    assert code == 2
    assert err == "tiplookup: error: unknown format 'xml'; use one of: table, plain, json, md\n"


def test_the_core_rejects_what_the_cli_would() -> None:
    with pytest.raises(UsageError):
        bundled_plan(["prevention"], None)
    with pytest.raises(UsageError):
        bundled_plan(["shelter"], "narnia")


# -- a small fixture directory ----------------------------------------------------------


def test_a_need_only_an_ended_programme_covers_is_flagged(run: Run, small: Path) -> None:
    code, out, _ = refer(run, "--needs", "protection", "-p", "savannakhet", path=small)
    assert code == 0
    assert (
        "One provider in Savannakhet offers Protection. Only an ended programme offers this: "
        "call to check whether anyone continues the work.\n1. ENDED PROGRAMME: Old Programme\n"
    ) in out
    assert "   warnings: programme ended in 2020; no phone number; not verified\n" in out


def test_an_ended_programme_ranks_last_even_when_based_in_the_province(small: Path) -> None:
    plan = referral.plan(directory.load(small), ["legal-aid"], "champasak", TODAY)
    assert [s.org.id for s in plan.suggested] == ["south-lawyers", "national-line", "old-programme"]


def test_an_active_combination_beats_an_ended_single() -> None:
    area = ServiceArea(scope=Scope.NATIONAL)
    ended = Organization("ended", "Ended", "ngo", services=("shelter", "legal-aid"),
                         service_area=area, period=Period(2015, 2020))  # fmt: skip
    shelter = Organization("a", "A", "ngo", services=("shelter",), service_area=area)
    lawyers = Organization("b", "B", "ngo", services=("legal-aid",), service_area=area)
    dirx = Directory((ended, shelter, lawyers), path="<test>")
    plan = referral.plan(dirx, ["shelter", "legal-aid"], "savannakhet", TODAY)
    assert plan.kind == referral.COMBINATION
    assert [s.org.id for s in plan.suggested] == ["a", "b"]
    assert [[s.org.id for s in group] for _, group in plan.alternatives] == [
        ["a", "ended"],
        ["b", "ended"],
    ]


def test_an_ended_programme_is_used_only_for_a_need_nothing_active_covers(small: Path) -> None:
    # Old Programme alone offers protection and legal aid, but it has ended: it is used for
    # protection (nobody else offers it) and South Lawyers for legal aid.
    plan = referral.plan(directory.load(small), ["protection", "legal-aid"], "champasak", TODAY)
    assert plan.kind == referral.COMBINATION
    assert [(s.org.id, s.ended) for s in plan.suggested] == [
        ("south-lawyers", False),
        ("old-programme", True),
    ]


def test_needs_that_take_two_providers(run: Run, small: Path) -> None:
    plan = referral.plan(directory.load(small), ["shelter", "legal-aid"], "luang-prabang", TODAY)
    assert plan.kind == referral.COMBINATION
    assert [(s.org.id, s.covers) for s in plan.suggested] == [
        ("north-shelter", ("shelter",)),
        ("national-line", ("legal-aid",)),
    ]
    _, out, _ = refer(run, "--needs", "shelter,legal-aid", "-p", "Luang Prabang", path=small)
    assert "No single provider in Luang Prabang covers every need." in out


def test_a_need_nobody_covers_in_the_province_is_a_gap(run: Run, small: Path) -> None:
    code, out, _ = refer(run, "--needs", "medical-care,legal-aid", "-p", "champasak", path=small)
    assert code == 0
    assert out.endswith(
        "Gaps:\n"
        "  Medical care: no provider covers it in Champasak. It is offered elsewhere by:\n"
        "    - North Shelter: does not serve Champasak; based in Luang Prabang; "
        "service area: Luang Prabang; email north@example.org [no phone number; not verified]\n"
    )
    assert (
        "3 providers in Champasak offer Legal aid (see the gaps below for the rest); best first."
        "\n1. South Lawyers\n   covers: Legal aid\n"
    ) in out


def test_when_nothing_is_covered_the_exit_code_is_1(run: Run, small: Path) -> None:
    code, out, err = refer(run, "--needs", "shelter", "-p", "attapeu", "-f", "json", path=small)
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["plan"] == "none" and data["uncovered"] == ["shelter"]
    assert [p["id"] for p in data["gaps"][0]["elsewhere"]] == ["north-shelter"]


def test_without_a_province_a_need_nobody_offers_is_a_gap(small: Path) -> None:
    plan = referral.plan(directory.load(small), ["education"], None, TODAY)
    assert plan.kind == referral.NONE
    assert plan.gaps == (referral.Gap("education", ()),)


# -- output formats ---------------------------------------------------------------------


def test_json_follows_the_documented_schema(run: Run) -> None:
    code, out, err = refer(run, "--needs", "shelter,doctor", "-p", "champasak", "-f", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert list(data) == [
        "schema", "date", "needs", "province", "plan", "summary", "suggested",
        "more_suggested", "alternatives", "covered", "uncovered", "gaps",
    ]  # fmt: skip
    assert data["more_suggested"] == 0
    assert [list(a) for a in data["alternatives"]] == [["need", "providers", "more"]] * 2
    assert data["schema"] == "tiplookup.refer/1"
    assert data["province"] == {"slug": "champasak", "name": "Champasak"}
    first = data["suggested"][0]
    assert list(first) == [
        "id", "name", "covers", "relation", "where", "phone", "phone_note", "email", "ended",
        "warnings",
    ]  # fmt: skip
    assert first["relation"] == "serves" and first["covers"] == ["shelter", "medical-care"]


def test_the_markdown_slip_has_no_personal_data_fields(run: Run) -> None:
    code, out, _ = refer(run, "--needs", "legal-aid", "-p", "savannakhet", "-f", "md")
    assert code == 0
    assert out.startswith(
        "# Referral slip\n\n- **Date:** 2026-12-04\n- **Needs:** Legal aid\n"
        "- **Province:** Savannakhet\n"
    )
    labels = set(re.findall(r"\*\*([^*]+):\*\*", out))
    assert labels == {"Date", "Needs", "Province", "Covers", "Where", "Phone", "Email", "Warnings"}
    assert "survivor" not in out.lower() and "____" not in out  # nothing to fill in
    assert "### 1. Sengsavang" in out


HOSTILE = """[meta]
schema_version = 1

[[organization]]
id = "hostile"
name = "Evil <script>alert(1)</script> [x](http://evil) *b* | \\u001b[31mRED"
kind = "ngo"
services = ["shelter"]
emails = ["a_b@example.org"]
"""


@pytest.mark.parametrize("fmt", ["plain", "md", "json", "table"])
def test_hostile_directory_text_cannot_inject(
    run: Run, write_directory: Callable[[str], Path], fmt: str
) -> None:
    path = write_directory(HOSTILE)
    code, out, _ = refer(run, "--needs", "shelter", "-f", fmt, path=path)
    assert code == 0
    assert "\x1b" not in out
    if fmt == "md":
        assert "<script>" not in out and "[x](" not in out and " | " not in out
        assert "Evil \\<script\\>alert(1)\\</script\\> \\[x\\](http://evil) \\*b\\* \\|" in out


def test_the_table_format_prints_data_verbatim_not_as_markup(run: Run) -> None:
    code, out, _ = refer(run, "--needs", "protection", "-f", "table")
    assert code == 0
    assert "ENDED PROGRAMME" in out and "│ 1 │ Child Protection" in out


def test_plan_organizations_lists_each_recommended_org_once_in_order() -> None:
    plan = bundled_plan(["legal-aid", "repatriation"], "savannakhet")
    ids = [o.id for o in referral.plan_organizations(plan)]
    assert ids[:4] == [s.org.id for s in plan.suggested]
    assert len(ids) == len(set(ids))
    named = {s.org.id for _, group in plan.alternatives for s in group}
    assert named <= set(ids)


# -- properties -------------------------------------------------------------------------


def _check_plan(plan: referral.Plan, dirx: Directory) -> None:
    province = plan.province
    assert set(plan.covered) | set(plan.uncovered) == set(plan.needs)
    assert not set(plan.covered) & set(plan.uncovered)
    listed = [*plan.suggested]
    listed += [s for _, group in plan.alternatives for s in group]
    listed += [s for g in plan.gaps for s in g.elsewhere]
    for s in listed:
        assert s.covers and all(s.org.offers(n) for n in s.covers)
        assert s.covers == tuple(n for n in plan.needs if s.org.offers(n))
    for need, group in plan.alternatives:
        assert all(s.org.offers(need) for s in group)
        every = [o for o in dirx.organizations if o.offers(need)]
        if province:
            every = [o for o in every if o.serves(province)]
        assert {s.org.id for s in group} == {o.id for o in every}
    for gap in plan.gaps:
        assert all(s.org.offers(gap.need) for s in gap.elsewhere)
        assert all(province is None or not s.org.serves(province) for s in gap.elsewhere)
    offered = set().union(*(s.covers for s in plan.suggested)) if plan.suggested else set()
    assert offered == set(plan.covered)
    if plan.kind == referral.SINGLE:
        assert all(set(plan.covered) <= set(s.covers) for s in plan.suggested)
    for s in plan.suggested:
        assert province is None or s.org.serves(province)


needs_st = st.lists(st.sampled_from(NEED_SLUGS), min_size=1, max_size=5)
province_st = st.none() | st.sampled_from(PROVINCES)


@settings(max_examples=150, deadline=None)
@given(needs=needs_st, province=province_st)
def test_every_need_is_covered_or_reported_on_the_bundled_directory(
    needs: list[str], province: str | None
) -> None:
    dirx = directory.load()
    _check_plan(referral.plan(dirx, needs, province, TODAY), dirx)


few_needs = NEED_SLUGS[:5]
org_st = st.builds(
    lambda i, services, scope, provinces, based, end: Organization(
        id=f"org-{i}",
        name=f"Org {i}",
        kind="ngo",
        services=tuple(services),
        service_area=ServiceArea(scope=scope, provinces=tuple(provinces)),
        location=None if based is None else _location(based),
        period=None if end is None else Period(2010, end),
    ),
    i=st.integers(0, 10_000),
    services=st.lists(st.sampled_from(few_needs), max_size=4, unique=True),
    scope=st.sampled_from(list(Scope)),
    provinces=st.lists(st.sampled_from(PROVINCES[:4]), min_size=1, max_size=2, unique=True),
    based=st.none() | st.sampled_from(PROVINCES[:4]),
    end=st.none() | st.sampled_from([2020, 2030]),
)


def _location(province: str) -> Location:
    return Location(address="somewhere", province=province)


@settings(max_examples=300, deadline=None)
@given(
    orgs=st.lists(org_st, max_size=9, unique_by=lambda o: o.id),
    needs=st.lists(st.sampled_from(few_needs), min_size=1, max_size=4),
    province=st.none() | st.sampled_from(PROVINCES[:4]),
)
def test_plans_over_any_directory_are_sound_and_smallest(
    orgs: list[Organization], needs: list[str], province: str | None
) -> None:
    dirx = Directory(tuple(orgs), path="<generated>")
    plan = referral.plan(dirx, needs, province, TODAY)
    _check_plan(plan, dirx)
    # Brute force over every provider: fewest ended programmes, then fewest providers.
    pool = [o for o in orgs if province is None or o.serves(province)]
    target = set(plan.covered)
    if not target:
        return

    def score(combo: tuple[Organization, ...]) -> tuple[int, int, int]:
        active = set().union(*(o.services for o in combo if not o.ended(TODAY)))
        return (len(target - active), len(combo), sum(o.ended(TODAY) for o in combo))

    best = min(
        score(combo)
        for size in range(1, len(target) + 1)
        for combo in combinations(pool, size)
        if target <= set().union(*(o.services for o in combo))
    )
    chosen = plan.suggested if plan.kind == referral.COMBINATION else plan.suggested[:1]
    assert score(tuple(s.org for s in chosen)) == best


# -- docs -------------------------------------------------------------------------------


def _doc_examples() -> list[tuple[list[str], str]]:
    """Every complete ``$ tiplookup refer …`` example in docs/referral.md."""
    import shlex

    text = (Path(__file__).resolve().parents[1] / "docs" / "referral.md").read_text("utf-8")
    examples = []
    for block in re.findall(r"```console\n(.*?)```", text, re.S):
        first, _, output = block.partition("\n")
        if first.startswith("$ tiplookup refer") and "…" not in output and "$ " not in output:
            examples.append((shlex.split(first[2:])[1:], output))
    return examples


@pytest.mark.parametrize(("args", "expected"), _doc_examples())
def test_docs_show_real_output(run: Run, args: list[str], expected: str) -> None:
    assert refer(run, *args[1:]) == (0, expected, "")


def test_an_unrelated_word_gets_no_far_fetched_suggestion(run: Run) -> None:
    result = run("refer", "--needs", "food")
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: unknown need 'food' (valid needs: ")


def test_a_limit_cuts_each_list_and_says_how_many_it_left_out(run: Run) -> None:
    code, out, err = refer(run, "--needs", "education", "--limit", "3")
    assert (code, err) == (0, "")
    assert "12 providers offer Education and training; best first." in out
    assert out.count("\n1. ") + out.count("\n2. ") + out.count("\n3. ") == 3
    assert "\n4. " not in out
    assert "\n… and 9 more (--all lists every one, --limit N the first N)\n" in out
    # the other providers: the next 3 that are not already suggested, then how many more
    others = out.split("Other providers, by need (best first):\n")[1]
    assert others.count("\n    - ") == 3
    assert others.endswith("\n    … and 6 more (--all lists every one, --limit N the first N)\n")
    code, out, _ = refer(run, "--needs", "education", "--all")
    assert "\n12. " in out and "more (--all" not in out
    data = json.loads(refer(run, "--needs", "education", "-n", "2", "-f", "json")[1])
    assert (len(data["suggested"]), data["more_suggested"]) == (2, 10)
    assert len(data["alternatives"][0]["providers"]) == 4  # the 2 suggested and 2 others
    assert data["alternatives"][0]["more"] == 8
    code, _, err = refer(run, "--needs", "education", "--all", "--limit", "2")
    assert (code, err) == (2, "tiplookup: error: give --limit or --all, not both\n")
