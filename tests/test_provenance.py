"""Every result says which parts come from the user's overlay, not from the source."""

from __future__ import annotations

from conftest import Run


def test_a_local_addition_is_never_credited_to_the_published_source(run: Run) -> None:
    added = run(
        "add",
        "--name",
        "Pakse Safe House",
        "--service",
        "shelter",
        "--province",
        "champasak",
        "--phone",
        "020 5555 1234",
    )
    assert added.exit_code == 0, added
    card = run("show", "pakse-safe-house", "--format", "plain").stdout
    assert "source:          added on this computer (your tiplookup overlay), not published" in card
    assert "ASEAN-ACT" not in card


def test_a_local_correction_names_the_changed_fields_beside_the_source(run: Run) -> None:
    edited = run("edit", "care-international-laos", "--set", "phones=+856 21 217 728")
    assert edited.exit_code == 0, edited
    card = run("show", "care-international-laos", "--format", "plain").stdout
    assert "+856 21 217 728" in card and "+856 21 217 727" not in card
    assert "source:          ASEAN-ACT country directory: Lao PDR" in card
    assert "changed on this computer (your tiplookup overlay): phones" in card


def test_show_marks_a_confidential_address(run: Run) -> None:
    added = run(
        "add",
        "--name",
        "Hidden Refuge",
        "--service",
        "shelter",
        "--province",
        "champasak",
        "--address",
        "Ban Secret, Pakse",
        "--confidential",
    )
    assert added.exit_code == 0, added
    card = run("show", "hidden-refuge", "--format", "plain").stdout
    lines = card.splitlines()
    at = next(i for i, line in enumerate(lines) if "Ban Secret, Pakse" in line)
    assert lines[at + 1].strip() == "CONFIDENTIAL: do not share; left off printed sheets"


def test_show_on_a_hidden_id_says_it_is_hidden(run: Run) -> None:
    assert run("hide", "usaid-laos-ctip").exit_code == 0
    result = run("show", "usaid-laos-ctip")
    assert result.exit_code == 1
    assert result.stderr == (
        "tiplookup: error: 'usaid-laos-ctip' is hidden by your overlay "
        "(to show it again: tiplookup unhide usaid-laos-ctip)\n"
    )
    assert run("unhide", "usaid-laos-ctip").exit_code == 0
    assert run("show", "usaid-laos-ctip").exit_code == 0
