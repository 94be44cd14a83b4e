"""``tiplookup sheet`` as a user drives it: selection, output files, refusals, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, Run

SHEET_DIR = FIXTURES / "sheet" / "directory.toml"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


def sheet(run: Run, *args: str):  # type: ignore[no-untyped-def]
    return run("--directory", str(SHEET_DIR), "sheet", *args)


def ids(run: Run, *args: str) -> list[str]:
    result = sheet(run, "--format", "json", *args)
    assert result.exit_code == 0, result.stderr
    return sorted(o["id"] for o in json.loads(result.stdout)["organizations"])


def test_everything_by_default(run: Run) -> None:
    assert len(ids(run)) == 5


def test_ids_select_exactly(run: Run) -> None:
    assert ids(run, "--id", "safe-house", "--id", "national-helpline") == [
        "national-helpline",
        "safe-house",
    ]


def test_unknown_id_is_a_usage_error(run: Run) -> None:
    result = sheet(run, "--id", "safe-hose")
    assert result.exit_code == 2
    assert result.stderr.startswith("tiplookup: error: unknown id 'safe-hose'; did you mean")
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_province_means_what_search_means(run: Run) -> None:
    from tiplookup import directory, search

    loaded = directory.load(SHEET_DIR)
    expected = sorted(h.org.id for h in search.search(loaded, province="savannakhet").hits)
    got = ids(run, "--province", "Savannakhet")
    assert got == expected
    assert "safe-house" in got and "legal-aid-centre" not in got


def test_service_filter(run: Run) -> None:
    assert ids(run, "--service", "legal aid") == ["hostile-entry", "legal-aid-centre"]


def test_needs_take_the_referral_plan(run: Run) -> None:
    from tiplookup import directory, referral

    loaded = directory.load(SHEET_DIR)
    plan = referral.plan(loaded, ("shelter",), "savannakhet")
    expected = sorted(o.id for o in referral.plan_organizations(plan))
    assert ids(run, "--needs", "shelter", "--province", "savannakhet") == expected


def test_nothing_matches_exits_1(run: Run) -> None:
    result = sheet(run, "zzzzqqqq")
    assert result.exit_code == 1
    assert result.stderr.startswith("tiplookup: error: no organisation matches")


def test_output_format_from_extension(run: Run, tmp_path: Path) -> None:
    for name, start in (
        ("a.html", b"<!DOCTYPE html>"),
        ("a.csv", b"\xef\xbb\xbfid,"),
        ("a.vcf", b"BEGIN:VCARD"),
        ("a.pdf", b"%PDF-"),
        ("a.json", b"{"),
        ("a.md", b"# "),
        ("a.txt", b"Anti-trafficking"),
    ):
        result = sheet(run, "-o", str(tmp_path / name))
        assert result.exit_code == 0, result.stderr
        assert (tmp_path / name).read_bytes().startswith(start), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["a.html", "a.csv", "a.vcf", "a.pdf", "a.json", "a.md", "a.txt"]
    )  # no temporary files left behind


def test_unknown_extension_needs_format(run: Run, tmp_path: Path) -> None:
    result = sheet(run, "-o", str(tmp_path / "sheet.docx"))
    assert result.exit_code == 2
    assert "cannot tell the format" in result.stderr
    assert sheet(run, "-o", str(tmp_path / "sheet.docx"), "--format", "html").exit_code == 0


def test_existing_file_needs_force(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "sheet.html"
    out.write_text("keep me", encoding="utf-8")
    result = sheet(run, "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"tiplookup: error: {out} already exists; add --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "keep me"
    assert sheet(run, "-o", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["sheet.html"]


def test_missing_folder(run: Run, tmp_path: Path) -> None:
    result = sheet(run, "-o", str(tmp_path / "nope" / "sheet.html"))
    assert result.exit_code == 2
    assert "no folder" in result.stderr


def test_pdf_refused_on_a_terminal(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tiplookup import render

    monkeypatch.setattr(render, "is_terminal", lambda stream=None: True)
    result = sheet(run, "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr == (
        "tiplookup: error: not writing a PDF to the terminal (use -o FILE or a pipe)\n"
    )


def test_pdf_to_a_pipe(run: Run) -> None:
    result = sheet(run, "--format", "pdf")
    assert result.exit_code == 0
    assert result.stdout.startswith("%PDF-")


def test_unknown_format_and_group(run: Run) -> None:
    assert sheet(run, "--format", "docx").exit_code == 2
    result = sheet(run, "--group-by", "colour")
    assert result.exit_code == 2
    assert "cannot group by 'colour'" in result.stderr


def test_vcard_version_4(run: Run) -> None:
    result = sheet(run, "--format", "vcard", "--vcard-version", "4.0", "--id", "safe-house")
    assert result.exit_code == 0
    assert "VERSION:4.0" in result.stdout
    assert 'TEL;VALUE=uri;TYPE="cell,voice":tel:+8562055551234' in result.stdout
    assert sheet(run, "--format", "vcard", "--vcard-version", "2.1").exit_code == 2


def test_title_and_selection_in_header(run: Run) -> None:
    result = sheet(run, "--title", "Savannakhet desk\x1b[31m", "--province", "savannakhet")
    lines = result.stdout.splitlines()
    assert lines[0] == "Savannakhet desk"
    assert "Selection: working in Savannakhet" in lines


def test_local_changes_are_marked(run: Run) -> None:
    edited = run("--directory", str(SHEET_DIR), "edit", "safe-house", "--set", "emails=a@b.org")
    assert edited.exit_code == 0, edited.stderr
    added = run(
        "--directory",
        str(SHEET_DIR),
        "add",
        "--name",
        "New Shelter",
        "--phone",
        "020 5555 9999",
        "--province",
        "savannakhet",
    )
    assert added.exit_code == 0, added.stderr
    result = sheet(run, "--format", "json")
    orgs = {o["id"]: o for o in json.loads(result.stdout)["organizations"]}
    assert orgs["safe-house"]["local_changes"] == "changed locally (tiplookup overlay): emails"
    assert orgs["new-shelter"]["local_changes"].startswith("added locally")
    assert orgs["national-helpline"]["local_changes"] is None
    text = sheet(run, "--id", "safe-house").stdout
    assert "  Local: changed locally (tiplookup overlay): emails" in text


def test_a_province_sheet_groups_by_how_each_organisation_relates_to_it(run: Run) -> None:
    result = run(
        "sheet",
        "--province",
        "savannakhet",
        "--id",
        "village-focus-international",
        "--format",
        "md",
    )
    assert result.exit_code == 0, result
    headings = [line for line in result.stdout.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Based in Savannakhet",
        "## Serves Savannakhet",
        "## National coverage",
        "## Service area not stated in the source",
        "## Added by id",  # VFI works in Champasak and Vientiane Capital only
    ]
    based = result.stdout.split("## Serves Savannakhet")[0]
    assert "### Sengsavang" in based
