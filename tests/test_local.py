"""Local knowledge as a field worker records it: add, edit, hide, unhide, verify, overlay."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from conftest import Run

SHELTER = [
    "add",
    "--name",
    "Sunshine Shelter Pakse",
    "--kind",
    "ngo",
    "--service",
    "shelter",
    "--service",
    "medical, counselling",
    "--province",
    "Champasak",
    "--address",
    "Ban Phonsaard, Pakse",
    "--phone",
    "020 5555 1234 (Ms Noy)",
    "--email",
    "shelter@example.org",
    "--description",
    "Short-term shelter for women and girls",
    "--confidential",
]


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


def overlay_file(home: Path) -> Path:
    return home / "overlay.toml"


def test_add_then_search_finds_the_new_shelter(run: Run, isolated_user_dirs: Path) -> None:
    added = run(*SHELTER)
    assert added.exit_code == 0, added
    assert added.stdout.startswith("Added Sunshine Shelter Pakse (sunshine-shelter-pakse).\n")
    assert "Services: Shelter, Medical care, Recovery and counselling" in added.stdout
    found = run("search", "sunshine")
    assert found.exit_code == 0, found
    assert "Sunshine Shelter Pakse" in found.stdout
    assert "+856 20 5555 1234" in found.stdout
    assert "sunshine" not in run("--no-overlay", "search", "sunshine").stdout.lower()


def test_a_new_entry_is_marked_local_and_cites_the_local_source(
    run: Run, isolated_user_dirs: Path
) -> None:
    assert run(*SHELTER).exit_code == 0
    text = overlay_file(isolated_user_dirs).read_text(encoding="utf-8")
    assert 'sources = [\n    "local",\n]' in text
    assert "last_verified" not in text  # only 'verify' records a check
    assert 'number = "+8562055551234"' in text
    assert "confidential = true" in text


def test_overlay_files_are_private(run: Run, isolated_user_dirs: Path) -> None:
    assert run(*SHELTER).exit_code == 0
    assert run("hide", "criminal-chamber").exit_code == 0
    for name in ("overlay.toml", "overlay.toml.bak"):
        mode = stat.S_IMODE((isolated_user_dirs / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_the_id_defaults_to_a_slug_and_a_taken_id_is_refused(run: Run) -> None:
    assert run("add", "--name", "Care International Laos!", "--id", "x-1").exit_code == 0
    taken = run("add", "--name", "CARE International Laos")
    assert taken.exit_code == 2
    assert taken.stderr == (
        "tiplookup: error: id 'care-international-laos' is already used by "
        "'CARE International Laos' (choose another with --id)\n"
    )
    again = run("add", "--name", "Other", "--id", "x-1")
    assert again.exit_code == 2
    assert "already used by 'Care International Laos!'" in again.stderr


def test_add_without_a_name_off_a_terminal_says_what_is_missing(run: Run) -> None:
    result = run("add", "--kind", "ngo")
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: --name is required")


def test_add_suggests_a_service_and_a_province(run: Run) -> None:
    bad_service = run("add", "--name", "X", "--service", "shelterr")
    assert bad_service.exit_code == 2
    assert "unknown service 'shelterr'; did you mean 'shelter'?" in bad_service.stderr
    bad_province = run("add", "--name", "X", "--province", "Atlantis")
    assert bad_province.exit_code == 2
    assert "unknown province 'Atlantis'" in bad_province.stderr


def test_add_asks_for_each_field_and_asks_again_after_a_mistake(run: Run) -> None:
    answers = "\n".join(
        [
            "Hope House",  # name
            "",  # id: take the suggestion
            "",  # kind: ngo
            "shelterr",  # a typo: explained, asked again
            "shelter, legal",
            "savanakhet",  # close enough: Savannakhet
            "Ban Xayaphoum",  # address
            "y",  # confidential
            "041 212 345",
            "",  # emails
            "Temporary shelter",
            "provinces:savannakhet,champasak",
        ]
    )
    result = run("add", "--ask", input=answers + "\n")
    assert result.exit_code == 0, result
    assert "unknown service 'shelterr'; did you mean 'shelter'?" in result.stderr
    assert "→ Savannakhet" in result.stdout
    shown = run("show", "hope-house")
    assert "Savannakhet, Champasak" in shown.stdout
    assert "+856 41 212 345" in shown.stdout


def test_edit_overrides_a_phone_number(run: Run, isolated_user_dirs: Path) -> None:
    before = run("show", "care-international-laos")
    assert "+856 21 217 727" in before.stdout
    result = run("edit", "care-international-laos", "--set", "phones=+856 21 217 728")
    assert result.exit_code == 0, result
    assert result.stdout == (
        "Updated CARE International Laos (care-international-laos): phones.\n"
        "Local values now: phones.\n"
    )
    after = run("show", "care-international-laos").stdout
    assert "+856 21 217 728" in after
    assert "+856 21 217 727" not in after
    diff = run("overlay", "diff").stdout
    assert "phones: +856 21 217 727  →  +856 21 217 728" in diff
    assert "+856 21 217 727" in run("--no-overlay", "show", "care-international-laos").stdout


def test_edit_appends_to_a_list_and_reset_goes_back(run: Run) -> None:
    assert run("edit", "care-international-laos", "--set", "phones+=020 9999 8888").exit_code == 0
    shown = run("show", "care-international-laos").stdout
    assert "+856 21 217 727" in shown and "+856 20 9999 8888" in shown
    assert run("edit", "care-international-laos", "--reset", "phones").exit_code == 0
    assert "+856 20 9999 8888" not in run("show", "care-international-laos").stdout
    assert "changes nothing" in run("overlay", "diff").stderr


def test_setting_a_value_back_to_the_directorys_drops_the_correction(
    run: Run, isolated_user_dirs: Path
) -> None:
    assert run("edit", "criminal-chamber", "--set", "name=Criminal Chamber X").exit_code == 0
    assert run("edit", "criminal-chamber", "--set", "name=Criminal Chamber").exit_code == 0
    assert "criminal-chamber" not in overlay_file(isolated_user_dirs).read_text()


def test_edit_errors_name_the_problem_and_change_nothing(
    run: Run, isolated_user_dirs: Path
) -> None:
    assert run("edit", "criminal-chamber", "--set", "notes=checked").exit_code == 0
    before = overlay_file(isolated_user_dirs).read_bytes()
    cases = {
        ("criminal-chamber", "--set", "colour=red"): "cannot set 'colour'",
        ("criminal-chamber", "--set", "kind=club"): "unknown kind 'club'",
        ("criminal-chamber", "--set", "emails=not-an-email"): "malformed email",
        ("criminal-chambre", "--set", "name=X"): "did you mean 'criminal-chamber'?",
        ("criminal-chamber",): "nothing to change",
    }
    for args, message in cases.items():
        result = run("edit", *args)
        assert result.exit_code == 2, (args, result)
        assert message in result.stderr, (args, result.stderr)
    assert overlay_file(isolated_user_dirs).read_bytes() == before


def test_edit_in_an_editor_is_validated_on_save(
    run: Run, isolated_user_dirs: Path, tmp_path: Path
) -> None:
    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        "p.write_text(p.read_text().replace(sys.argv[1], sys.argv[2]))\n"
    )
    editor = f"{sys.executable} {script}"
    good = run(
        "edit",
        "criminal-chamber",
        "--editor",
        env={"EDITOR": f"{editor} Adjudicate Judges"},
    )
    assert good.exit_code == 0, good
    assert "Judges criminal case" in run("show", "criminal-chamber").stdout
    before = overlay_file(isolated_user_dirs).read_bytes()
    bad = run(
        "edit",
        "criminal-chamber",
        "--editor",
        env={"EDITOR": f"{editor} 'kind = \"justice\"' 'kind = \"court\"'"},
    )
    assert bad.exit_code == 2
    assert "unknown kind 'court'" in bad.stderr
    assert "nothing was changed" in bad.stderr
    assert overlay_file(isolated_user_dirs).read_bytes() == before


def test_hide_removes_an_entry_and_unhide_restores_it(run: Run) -> None:
    assert "USAID Laos" in run("search", "usaid").stdout
    hidden = run("hide", "usaid-laos-ctip")
    assert hidden.exit_code == 0
    assert "it no longer appears in any result" in hidden.stdout
    assert run("search", "usaid").exit_code == 1
    assert "usaid-laos-ctip" not in run("list").stdout
    assert run("show", "usaid-laos-ctip").exit_code != 0
    assert "USAID Laos" in run("--no-overlay", "search", "usaid").stdout
    assert "already hidden" in run("hide", "usaid-laos-ctip").stdout
    restored = run("unhide", "usaid-laos-ctip")
    assert restored.exit_code == 0
    assert "USAID Laos" in run("search", "usaid").stdout
    again = run("unhide", "usaid-laos-ctip")
    assert again.exit_code == 2
    assert "'usaid-laos-ctip' is not hidden" in again.stderr


def test_hiding_a_parent_leaves_its_children_without_a_dangling_parent(run: Run) -> None:
    assert run("hide", "ministry-of-public-security").exit_code == 0
    result = run("show", "anti-trafficking-divisions")
    assert result.exit_code == 0, result
    assert "Ministry of Public Security" not in result.stdout


def test_hide_an_unknown_id_is_a_usage_error(run: Run) -> None:
    result = run("hide", "no-such-org")
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: no entry with id 'no-such-org'")


def test_verify_sets_the_date(run: Run) -> None:
    assert "not verified" in run("show", "criminal-chamber").stdout
    result = run("verify", "criminal-chamber")
    assert result.exit_code == 0
    assert result.stdout == (
        "Recorded: Criminal Chamber (criminal-chamber) last verified 2026-12-04.\n"
    )
    assert "last verified 2026-12-04" in run("show", "criminal-chamber").stdout
    assert run("verify", "criminal-chamber", "--date", "2026-11-30").exit_code == 0
    assert "last verified 2026-11-30" in run("show", "criminal-chamber").stdout
    future = run("verify", "criminal-chamber", "--date", "2027-01-01")
    assert future.exit_code == 2
    assert "is in the future" in future.stderr
    assert run("verify", "criminal-chamber", "--date", "31/12/2025").exit_code == 2


def test_overlay_path_show_export_and_import(
    run: Run, isolated_user_dirs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("overlay", "path").stdout == f"{overlay_file(isolated_user_dirs)}\n"
    assert run(*SHELTER).exit_code == 0
    assert run("hide", "usaid-laos-ctip").exit_code == 0
    assert "Sunshine Shelter Pakse" in run("overlay", "show").stdout
    shared = tmp_path / "shared.toml"
    assert run("overlay", "export", "-o", str(shared)).exit_code == 0
    # a colleague on another computer imports it
    colleague = tmp_path / "colleague"
    monkeypatch.setenv("TIPLOOKUP_HOME", str(colleague))
    assert run("edit", "criminal-chamber", "--set", "notes=colleague's note").exit_code == 0
    imported = run("overlay", "import", str(shared))
    assert imported.exit_code == 0, imported
    assert "added sunshine-shelter-pakse" in imported.stdout
    assert "hid usaid-laos-ctip" in imported.stdout
    assert "Sunshine Shelter Pakse" in run("search", "sunshine").stdout
    assert "colleague's note" in run("show", "criminal-chamber").stdout
    assert run("search", "usaid").exit_code == 1


def test_importing_a_damaged_file_changes_nothing(
    run: Run, isolated_user_dirs: Path, tmp_path: Path
) -> None:
    assert run("hide", "usaid-laos-ctip").exit_code == 0
    before = overlay_file(isolated_user_dirs).read_bytes()
    bad = tmp_path / "bad.toml"
    bad.write_text('[[organization]]\nid = "criminal-chamber"\nkind = "court"\n')
    result = run("overlay", "import", str(bad))
    assert result.exit_code == 3
    assert f"{bad}:1: [criminal-chamber]: unknown kind 'court'" in result.stderr
    assert "nothing was imported" in result.stderr
    assert overlay_file(isolated_user_dirs).read_bytes() == before


def test_a_damaged_overlay_is_reported_with_file_and_line_and_left_untouched(
    run: Run, isolated_user_dirs: Path
) -> None:
    assert run(*SHELTER).exit_code == 0
    file = overlay_file(isolated_user_dirs)
    damaged = file.read_bytes().replace(b'kind = "ngo"', b'kind = "ngo')
    file.write_bytes(damaged)
    line = damaged.decode().splitlines().index('kind = "ngo') + 1
    for args in (("search", "shelter"), ("hide", "criminal-chamber"), ("verify", "x")):
        result = run(*args)
        assert result.exit_code == 3, (args, result)
        assert result.stderr.startswith(f"tiplookup: error: {file}:{line}: not valid TOML")
        assert "the file was not changed" in result.stderr
        assert file.read_bytes() == damaged
    assert run("--no-overlay", "search", "shelter").exit_code == 0


def test_an_invalid_value_in_the_overlay_names_file_line_and_entry(
    run: Run, isolated_user_dirs: Path
) -> None:
    file = overlay_file(isolated_user_dirs)
    text = "[meta]\nschema_version = 1\n\n" + '[[organization]]\nid = "criminal-chamber"\n'
    text += 'kind = "court"\n'
    file.write_text(text)
    result = run("list")
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"tiplookup: error: {file}:4: [criminal-chamber]: unknown kind 'court'"
    )
    assert file.read_text() == text


def test_the_overlay_applies_on_top_of_another_directory_file(
    run: Run, write_directory: object, tmp_path: Path
) -> None:
    exported = tmp_path / "team.toml"
    assert run("export", "--format", "toml", "-o", str(exported)).exit_code == 0
    assert run("edit", "criminal-chamber", "--set", "notes=local note").exit_code == 0
    shown = run("--directory", str(exported), "show", "criminal-chamber")
    assert "local note" in shown.stdout
    # an override of an id the other file lacks is ignored, with a warning
    small = tmp_path / "small.toml"
    small.write_text(
        '[meta]\nschema_version = 1\n\n[[organization]]\nid = "one"\nname = "One"\nkind = "ngo"\n'
    )
    result = run("--directory", str(small), "list")
    assert result.exit_code == 0
    assert "criminal-chamber" in result.stderr and "does not have" in result.stderr


def test_a_closed_programme_can_be_marked_ended_instead_of_hidden(run: Run) -> None:
    assert run("edit", "gender-development-association", "--set", "end=2025").exit_code == 0
    assert "programme ended in 2025" in run("show", "gender-development-association").stdout
    bad = run("edit", "gender-development-association", "--set", "start=2030")
    assert bad.exit_code == 2
    assert bad.stderr == (
        "tiplookup: error: not saved: [gender-development-association]: period.end 2025 "
        "is before period.start 2030 (your overlay is unchanged)\n"
    )


def test_the_edit_help_lists_every_settable_field(run: Run) -> None:
    from tiplookup import edits
    from tiplookup.commands import local

    assert ", ".join(edits.SETTABLE) == local.SETTABLE_HELP
    assert "FIELD+=VALUE" in run("edit", "--help").stdout


def test_hostile_text_in_local_entries_is_printed_inert(run: Run) -> None:
    name = "Evil \x1b[31mRed\x1b[0m [bold]Shelter[/bold] \u202eesrever"
    added = run("add", "--name", name, "--id", "evil", "--description", "=HYPERLINK(1)")
    assert added.exit_code == 0, added
    outputs = [added.stdout, run("overlay", "diff").stdout, run("overlay", "show").stdout]
    outputs.append(run("edit", "evil", "--set", "notes=\x1b]8;;http://x\x07link").stdout)
    for text in outputs:
        assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "Evil Red [bold]Shelter[/bold] esrever (evil)" in added.stdout


def test_hide_by_acronym_suggests_the_id(run: Run) -> None:
    result = run("hide", "lwu")
    assert result.exit_code == 2
    assert result.stderr == (
        "tiplookup: error: no entry with id 'lwu' (did you mean 'lao-womens-union'?)\n"
    )
