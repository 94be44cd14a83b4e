"""``tiplookup show``: everything known about one organisation."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Run

SENGSAVANG = """\
Sengsavang
  id:              sengsavang
  also known as:   AFESIP
  kind:            Lao non-profit / NGO
  description:     Before 2015, Sengsavang was known as AFESIP. Sengsavang provides protection \
and assistance to victims and girls at risk of human trafficking and sexual exploitation in Laos. \
It runs a rehabilitation centre which provides legal support including filing complaints against \
perpetrators and works to ensure compensation for the victims. All of the victims are referred by \
government agencies such as ATDs, LWU, MOLSW, etc.
  services:        Victim identification, Legal aid, Legal documentation, Shelter, Recovery and \
counselling, Medical care, Repatriation and return, Education and training, Reintegration and \
livelihood, Prevention and awareness, Coalition building, Networking, Support to agencies
  source's labels: Victim Identification, Legal Aid, Legal Documentation, Shelter, Recovery, \
Medical/Healthy Care, Repatriation, Education, Reintegration, Prevention, Coalition Building, \
Networking, Support Agencies
  phone:           +856 41 260 276 (E.164 +85641260276) [landline]
  email:           virith.khattignavong@sengsavang.org
  email:           info@sengsavang.org
  address:         Ban Oudomvilay, Kaysone Phomvihane District, Savannakhet Province
  province:        Savannakhet (read from the address)
  district:        Kaysone Phomvihane
  service area:    not stated in the source
                   source text: 'provides protection and assistance to victims and girls at risk \
of human trafficking and sexual exploitation in Laos'
                   Based in Savannakhet; the source does not say which provinces it serves. \
Victims are referred by government agencies (ATDs, LWU, MOLSW).
  website:         listed in the source, address unknown
  source:          ASEAN-ACT country directory: Lao PDR, retrieved 2026-12-04
                   https://www.aseanact.org/country-directory/lao-pdr
  verified:        not verified
  warning:         service area not stated in the source
  warning:         not verified
"""


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


@pytest.mark.parametrize("name", ["sengsavang", "Sengsavang", "sengsawang", "AFESIP"])
def test_show_prints_everything_known(run: Run, name: str) -> None:
    result = run("show", name)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == SENGSAVANG


def test_an_ended_programme_is_flagged(run: Run) -> None:
    result = run("show", "triangle-in-asean")
    assert result.exit_code == 0
    assert "  programme:       2015–2025 (ENDED)\n" in result.stdout
    assert "  warning:         programme ended in 2025\n" in result.stdout
    card = run("show", "triangle", "--format", "card", env={"NO_COLOR": "1"})
    assert re.search(r"programme\s+2015–2025 \(ENDED\)", card.stdout)


def test_an_added_hotline_cites_its_source(run: Run) -> None:
    result = run("show", "lwu")
    assert (
        "  phone:           1362 [hotline]\n"
        "                   Counselling and Protection Hotline for women and children "
        "(LWU Counselling and Protection Centre, Vientiane): victims of domestic violence and "
        "human trafficking (as of c. 2020)\n"
        "                   short-code hotline, dial from inside Laos\n"
        "                   not in the main source; from Vientiane Times: "
    ) in result.stdout


def test_contacts_parent_and_verbatim_phone(run: Run) -> None:
    result = run("show", "unicef")
    assert "                   contact: Ms. Souphavone Dalavong, National Program Officer\n" in (
        result.stdout
    )
    assert "as written in the source: '+856 21 487500 (Ms. Souphavone" in result.stdout
    parent = run("show", "anti-trafficking-divisions").stdout
    assert (
        "  part of:         Ministry of Public Security (ministry-of-public-security)\n" in parent
    )


def test_an_ambiguous_name_lists_the_candidates_and_exits_2(run: Run) -> None:
    result = run("show", "union")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "tiplookup: error: 'union' matches 2 organisations: lao-youth-union (Lao Revolutionary "
        "Youth Union); lao-womens-union (Lao Women’s Union) (give one of these ids)\n"
    )


def test_an_unknown_name_exits_1_with_the_closest(run: Run) -> None:
    result = run("show", "proud to be them")
    assert result.exit_code == 1
    assert result.stderr == (
        "tiplookup: error: no organisation called 'proud to be them'; closest names: "
        "Proud to Be Us Laos (run 'tiplookup list' to see every id)\n"
    )


def test_json(run: Run) -> None:
    result = run("show", "triangle", "--format", "json")
    assert result.exit_code == 0
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert data["schema"] == "tiplookup.organization/1"
    org = data["organization"]
    assert org["period"] == {
        "start": 2015,
        "end": 2025,
        "source_text": "2015 – 2025",
        "ended": True,
    }
    assert org["warnings"][0] == "programme ended in 2025"
    assert list(org) == [
        "id",
        "name",
        "source_name",
        "alternate_names",
        "kind",
        "kind_label",
        "parent",
        "description",
        "services",
        "source_services",
        "phones",
        "emails",
        "contacts",
        "location",
        "service_area",
        "website",
        "period",
        "contactable",
        "last_verified",
        "notes",
        "sources",
        "origin",
        "warnings",
    ]


def test_card_format_on_a_terminal(run: Run) -> None:
    result = run("show", "sengsavang", "--format", "card", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("╭─ Sengsavang ─")
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=30))
def test_show_never_fails_but_with_one_line_of_error(run: Run, text: str) -> None:
    result = run("show", "--", text)
    assert result.exit_code in (0, 1, 2)
    if result.exit_code:
        assert result.stderr.startswith("tiplookup: error: ")
        assert result.stderr.count("\n") == 1


def test_a_long_error_is_cut_but_keeps_its_hint(capsys: pytest.CaptureFixture[str]) -> None:
    from tiplookup import render

    many = "; ".join(f"org-{n} (Organisation {n})" for n in range(200))
    render.error(f"'women' matches 1,249 organisations: {many}", "give one of these ids")
    line = capsys.readouterr().err
    assert line.count("\n") == 1 and len(line) < 420
    assert line.startswith("tiplookup: error: 'women' matches 1,249 organisations: org-0 ")
    assert line.endswith("… (give one of these ids)\n")


def test_show_does_not_guess_from_a_typos_neighbour_outside_the_names(run: Run) -> None:
    # "friends" is no name here; only "find" in one description is near it
    result = run("show", "friends")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(
        "tiplookup: error: no organisation called 'friends'; nearest: "
        "anti-trafficking-divisions (Anti-Trafficking Divisions: in description: 'find'"
    )


@pytest.mark.parametrize("name", ["lwu", "LWU", "Lao Women's Union", "lao-womens-union"])
def test_a_hidden_organisation_is_never_answered_with_another_that_mentions_it(
    run: Run, name: str
) -> None:
    assert run("hide", "lao-womens-union").exit_code == 0
    result = run("show", name)  # Sengsavang's description mentions LWU: it must not show
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "is hidden by your overlay" in result.stderr
    assert "tiplookup unhide lao-womens-union" in result.stderr


def test_many_candidates_are_listed_by_id_so_that_they_fit_on_the_line(run: Run) -> None:
    result = run("show", "shelter")
    assert result.exit_code == 2
    line = result.stderr
    assert line.startswith("tiplookup: error: 'shelter' matches 7 organisations: ")
    assert line.endswith(
        "(give one of these ids, or see them all: tiplookup search 'shelter' --all)\n"
    )
    assert "…" not in line and line.count("\n") == 1
    ids = line.split("organisations: ")[1].split(" (give")[0].split(", ")
    assert len(ids) == 7 and all(run("show", i).exit_code == 0 for i in ids)
