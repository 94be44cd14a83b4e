"""``tiplookup sheet``: golden files for every format, and the rules every sheet keeps.

Regenerate the golden files with ``TIPLOOKUP_UPDATE_GOLDEN=1 pytest tests/test_sheet.py``
and review the diff like code.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES, Run

SHEET_DIR = FIXTURES / "sheet" / "directory.toml"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = "2026-12-04"
TEXT_FORMATS = {"text": "txt", "md": "md", "html": "html", "csv": "csv", "vcard": "vcf"}
HOSTILE_ADDRESS = "=cmd|' /C calc'!A0"
CONFIDENTIAL = "Ban Hidden"
NAMES = (
    "<script>alert(1)</script>",
    "Savannakhet Safe House",
    "Lao Youth Project (ໂຄງການຊາວໜຸ່ມ)",
    "National Helpline",
    "Legal Aid, Counselling; Advice Centre",
)
PHONES = (
    "+856 41 212 345",
    "+856 20 5555 1234",
    "+856 21 999 888",
    "1362",
    "+856 21 123 456",
    "+856 21 654 321",
)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", TODAY)


def sheet(run: Run, *args: str) -> tuple[int, str, str]:
    result = run("--directory", str(SHEET_DIR), "sheet", *args)
    return result.exit_code, result.stdout, result.stderr


def make(run: Run, tmp_path: Path, fmt: str, *args: str) -> bytes:
    """The sheet in ``fmt``, written with -o so that its bytes are exact."""
    ext = {"pdf": "pdf", "json": "json", **TEXT_FORMATS}[fmt]
    out = tmp_path / f"sheet-{fmt}-{len(list(tmp_path.iterdir()))}.{ext}"
    code, _, err = sheet(run, "--format", fmt, "-o", str(out), *args)
    assert code == 0, err
    return out.read_bytes()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "pdftotext (poppler-utils) is required; .ci/run installs it"
    path = tmp_path / "extract.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


def check_golden(name: str, data: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("TIPLOOKUP_UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}; run with TIPLOOKUP_UPDATE_GOLDEN=1"
    assert data == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize("fmt", [*TEXT_FORMATS, "json"])
def test_golden(run: Run, tmp_path: Path, fmt: str) -> None:
    ext = {"json": "json", **TEXT_FORMATS}[fmt]
    check_golden(f"sheet.{ext}", make(run, tmp_path, fmt))


def test_golden_pdf_text(run: Run, tmp_path: Path) -> None:
    check_golden("sheet.pdf.txt", pdf_text(make(run, tmp_path, "pdf"), tmp_path).encode())


def test_golden_grouped_by_service(run: Run, tmp_path: Path) -> None:
    check_golden("sheet-by-service.md", make(run, tmp_path, "md", "--group-by", "service"))


def test_same_bytes_twice(run: Run, tmp_path: Path) -> None:
    for fmt in ("pdf", "html", "csv"):
        assert make(run, tmp_path, fmt) == make(run, tmp_path, fmt)


# --- the rules every sheet keeps -----------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "md", "html", "csv", "vcard", "json", "pdf"])
def test_confidential_address_left_off_unless_asked(run: Run, tmp_path: Path, fmt: str) -> None:
    def text(data: bytes) -> str:
        return pdf_text(data, tmp_path) if fmt == "pdf" else data.decode("utf-8")

    assert CONFIDENTIAL not in text(make(run, tmp_path, fmt))
    shown = text(make(run, tmp_path, fmt, "--include-confidential"))
    assert CONFIDENTIAL in shown.replace("\r\n ", "")  # vCard folds long lines


@pytest.mark.parametrize("fmt", ["text", "md", "html", "csv", "pdf"])
def test_each_entry_says_when_it_was_verified(run: Run, tmp_path: Path, fmt: str) -> None:
    data = make(run, tmp_path, fmt)
    text = pdf_text(data, tmp_path) if fmt == "pdf" else data.decode("utf-8")
    assert "2026-01-15" in text  # the hostile entry
    assert "2025-06-01" in text  # the ended programme
    assert text.count("not verified") >= 2  # the safe house and the legal aid centre


@pytest.mark.parametrize("fmt", ["text", "md", "html", "csv", "vcard", "pdf"])
def test_ended_programme_flagged(run: Run, tmp_path: Path, fmt: str) -> None:
    data = make(run, tmp_path, fmt, "--id", "youth-project")
    text = pdf_text(data, tmp_path) if fmt == "pdf" else data.decode("utf-8")
    assert "ENDED" in text


def test_ended_programme_flagged_in_json(run: Run) -> None:
    code, out, _ = sheet(run, "--format", "json")
    assert code == 0
    orgs = {o["id"]: o for o in json.loads(out)["organizations"]}
    assert orgs["youth-project"]["ended"] is True
    assert orgs["youth-project"]["programme"] == "2015–2020 (ENDED)"
    assert orgs["safe-house"]["ended"] is False


@pytest.mark.parametrize("fmt", ["text", "md", "html", "csv", "vcard", "json", "pdf"])
def test_hostile_strings_are_inert(run: Run, tmp_path: Path, fmt: str) -> None:
    data = make(run, tmp_path, fmt)
    text = pdf_text(data, tmp_path) if fmt == "pdf" else data.decode("utf-8")
    assert "\x1b" not in text
    assert "[31m" not in text
    if fmt == "html":
        assert "<script" not in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    if fmt == "md":
        assert not re.search(r"(?<!\\)<script", text)
        assert r"\<script\>alert(1)\</script\>" in text
        assert r"\[bold\]x\[/bold\]" in text
    if fmt == "csv":
        cells = [c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row]
        assert "'" + HOSTILE_ADDRESS in cells
        assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_csv_columns_bom_and_phones(run: Run, tmp_path: Path) -> None:
    from tiplookup.render.sheet_csv import COLUMNS

    data = make(run, tmp_path, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 5
    by_id = {r["id"]: r for r in rows}
    legal = by_id["legal-aid-centre"]
    assert legal["phones_tel"] == "tel:+85621123456 tel:+85621654321"
    assert legal["phones"].startswith("landline +856 21 123 456 (Ms. Example Person")
    assert by_id["national-helpline"]["phones_tel"] == "tel:1362"
    docs = (Path(__file__).resolve().parents[1] / "docs" / "sheets.md").read_text("utf-8")
    for column in COLUMNS:
        assert f"`{column}`" in docs, f"column {column} is not documented in docs/sheets.md"


def test_html_is_self_contained_with_tel_links(run: Run, tmp_path: Path) -> None:
    html = make(run, tmp_path, "html").decode("utf-8")
    assert '<meta name="viewport"' in html
    assert "@page { size: A4" in html
    for tag in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert tag not in html
    for number in ("+85641212345", "+8562055551234", "+85621999888", "1362", "+85621654321"):
        assert f'href="tel:{number}"' in html
    assert "tel:+66" not in html  # the invalid Thai number is shown but not linked
    for label in ("Selection", "Generated", "Source", "Verification"):
        assert f"<dt>{label}</dt>" in html


def test_json_schema(run: Run) -> None:
    code, out, err = sheet(run, "--format", "json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["schema"] == "tiplookup.sheet/1"
    assert doc["count"] == len(doc["organizations"]) == 5
    assert doc["generated"] == TODAY
    safe = next(o for o in doc["organizations"] if o["id"] == "safe-house")
    assert safe["address"] is None and safe["address_withheld"] is True


def test_pdf_has_every_name_and_phone(run: Run, tmp_path: Path) -> None:
    data = make(run, tmp_path, "pdf")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    flat = " ".join(text.split())
    for name in NAMES:
        assert name in flat, name
    for phone in PHONES:
        assert phone in flat, phone
    assert "Page 1 of 1" in flat


def test_pdf_is_a4_with_page_numbers(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "all.pdf"
    result = run("sheet", "-o", str(path))  # the bundled directory: 36 organisations
    assert result.exit_code == 0, result.stderr
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    assert "595.28 x 841.89 pts (A4)" in info.stdout
    pages = int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])
    assert 3 <= pages <= 5  # about ten organisations to a page
    assert f"Page {pages} of {pages}" in pdf_text(path.read_bytes(), tmp_path)
