"""Sheets read back by real consumers: vobject parses the vCards, headless Chromium prints
and screenshots the HTML. The browser tests fail (not skip) without chromium and
poppler-utils, which .ci/run installs."""

from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, Run

SHEET_DIR = FIXTURES / "sheet" / "directory.toml"


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_TODAY", "2026-12-04")


def write(run: Run, path: Path, *args: str, directory: Path | None = SHEET_DIR) -> Path:
    prefix = ("--directory", str(directory)) if directory else ()
    result = run(*prefix, "sheet", "-o", str(path), *args)
    assert result.exit_code == 0, result.stderr
    return path


# --- vCard -----------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_vcards_parse_back(run: Run, tmp_path: Path, version: str) -> None:
    import vobject

    path = write(run, tmp_path / "c.vcf", "--vcard-version", version, "--include-confidential")
    raw = path.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n")), "lines fold at 75 octets"
    cards = {c.uid.value: c for c in vobject.readComponents(raw.decode("utf-8"))}
    assert len(cards) == 5
    legal = cards["urn:tiplookup:legal-aid-centre"]
    assert legal.fn.value == "Legal Aid, Counselling; Advice Centre"
    assert legal.version.value == version
    tels = [t.value.removeprefix("tel:") for t in legal.contents["tel"]]
    assert tels == ["+85621123456", "+85621654321"]  # the invalid Thai number is not dialable
    assert [e.value for e in legal.contents["email"]] == [
        "advice@example.org",
        "director@example.org",
    ]
    assert "back entrance \\ gate 2" in legal.adr.value.street
    assert legal.adr.value.region == "Vientiane Capital"
    assert "Services: Legal aid, Legal documentation, Recovery and counselling" in (
        legal.note.value
    )
    assert "+66 2 123 4567" in legal.note.value
    assert "Legal aid" in legal.categories.value
    hostile = cards["urn:tiplookup:hostile-entry"]
    assert hostile.fn.value == "<script>alert(1)</script>"
    assert "\x1b" not in hostile.note.value
    youth = cards["urn:tiplookup:youth-project"]
    assert "ENDED" in youth.categories.value
    assert youth.fn.value == "Lao Youth Project (ໂຄງການຊາວໜຸ່ມ)"


def test_vcard_types(run: Run, tmp_path: Path) -> None:
    import vobject

    raw = write(run, tmp_path / "c.vcf").read_text(encoding="utf-8")
    cards = {c.uid.value: c for c in vobject.readComponents(raw)}
    safe = cards["urn:tiplookup:safe-house"]
    assert safe.tel.params["TYPE"] == ["CELL", "VOICE"]
    assert not hasattr(safe, "adr") or "Hidden" not in str(safe.adr.value)
    helpline = cards["urn:tiplookup:national-helpline"]
    assert helpline.tel.value == "1362"
    assert helpline.tel.params["TYPE"] == ["WORK", "VOICE"]


# --- HTML in a real browser -------------------------------------------------------------


def chromium(tmp_path: Path, html: Path, *args: str) -> None:
    exe = shutil.which("chromium")
    assert exe, "chromium is required (apt-get install chromium); .ci/run installs it"
    profile = tmp_path / "profile"
    subprocess.run(
        [
            exe,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
            html.as_uri(),
        ],
        capture_output=True,
        check=True,
        timeout=180,
    )


def png_pixels(path: Path) -> tuple[int, int, int]:
    """Width, height and how many pixels are not (nearly) white: a tiny PNG reader."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    width, height = int.from_bytes(header[:4], "big"), int.from_bytes(header[4:8], "big")
    depth, colour = header[8], header[9]
    assert depth == 8 and colour in (2, 6), "8-bit RGB or RGBA"
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    dark = 0
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        for x in range(0, stride, channels):
            if min(line[x : x + 3]) < 235:
                dark += 1
        previous = line
    return width, height, dark


def _unfilter(kind: int, line: bytearray, prev: bytearray, bpp: int) -> bytearray:
    for i in range(len(line)):
        left = line[i - bpp] if i >= bpp else 0
        up = prev[i]
        corner = prev[i - bpp] if i >= bpp else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + pred) & 0xFF
    return line


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])


def _png(path: Path, rows: bytes) -> Path:
    """A 10 x 10 RGB PNG with these (filter byte + 30 bytes) rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = (10).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
    return path


def test_png_reader_sees_ink(tmp_path: Path) -> None:
    """The blank-page check can fail: a white page has no ink, a drawn one has some."""
    white = b"\x00" + b"\xff" * 30
    black = b"\x00" + b"\x00" * 30
    up = b"\x02" + b"\x00" * 30  # filter 2: same as the row above
    assert png_pixels(_png(tmp_path / "w.png", white * 10)) == (10, 10, 0)
    assert png_pixels(_png(tmp_path / "b.png", black + up + white * 8)) == (10, 10, 20)


def test_html_prints_to_a4_pages_that_are_not_blank(run: Run, tmp_path: Path) -> None:
    assert shutil.which("pdftoppm"), "pdftoppm (poppler-utils) is required"
    html = write(run, tmp_path / "all.html", directory=None)  # the bundled 36 organisations
    pdf = tmp_path / "printed.pdf"
    chromium(tmp_path, html, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    pages = page_count(pdf)
    assert 3 <= pages <= 12, pages
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    for image in images:
        width, height, dark = png_pixels(image)
        assert dark > width * height // 50, f"{image.name} looks blank"


def test_html_screenshot_on_a_phone_is_not_blank(run: Run, tmp_path: Path) -> None:
    html = write(run, tmp_path / "s.html")
    shot = tmp_path / "phone.png"
    chromium(tmp_path, html, f"--screenshot={shot}", "--window-size=390,844")
    width, height, dark = png_pixels(shot)
    assert (width, height) == (390, 844)
    assert dark > width * height // 40


# --- units where the logic is subtle ----------------------------------------------------


def test_vcard_fold_keeps_utf8_whole() -> None:
    from tiplookup.render.sheet_vcard import escape, fold

    line = "NOTE:" + "ໂຄງການ, ຊາວໜຸ່ມ; " * 12
    folded = fold(escape(line)).encode("utf-8")
    parts = folded.split(b"\r\n")
    assert len(parts) > 3
    assert all(len(p) <= 75 for p in parts)
    assert all(p.startswith(b" ") for p in parts[1:])
    for p in parts:
        p.decode("utf-8")  # no character was cut in two
    unfolded = folded.decode("utf-8").replace("\r\n ", "")
    assert unfolded == escape(line)
    assert escape("a\\b,c;d\ne") == "a\\\\b\\,c\\;d\\ne"


def test_pdf_marks_characters_no_font_has(tmp_path: Path) -> None:
    from tiplookup import sheets
    from tiplookup.model import Directory, Organization
    from tiplookup.render import sheet_pdf

    org = Organization(id="x", name="Shelter 中心 ສູນ", kind="ngo")
    directory = Directory(organizations=(org,), path="test")
    sheet = sheets.build(directory, [org], sheets.Selection())
    path = tmp_path / "x.pdf"
    path.write_bytes(sheet_pdf.render(sheet))
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    assert "Shelter \ufffd\ufffd ສູນ" in done.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["text", "md", "html", "pdf", "csv", "vcard", "json"])
def test_every_format_renders_the_bundled_directory(run: Run, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"all.{fmt}"
    args = ("--format", fmt, "--group-by", "service", "--include-confidential")
    result = run("sheet", "-o", str(out), *args)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "wrote 36 organisation(s) to " + str(out) + "\n"
    assert out.stat().st_size > 5000


# --- any text the directory may hold comes out inert ----------------------------------

_hostile = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=40
)


@settings(max_examples=60, deadline=None)
@given(name=_hostile, address=_hostile, contact=_hostile)
def test_any_text_is_inert_in_every_format(name: str, address: str, contact: str) -> None:
    import csv
    import html as html_module
    import io

    import vobject

    from tiplookup import sheets
    from tiplookup.model import Contact, Directory, Location, Organization
    from tiplookup.render import sheet_csv, sheet_html, sheet_md, sheet_vcard
    from tiplookup.text import one_line

    org = Organization(
        id="x",
        name=name,
        kind="ngo",
        location=Location(address=address, province="savannakhet"),
        contacts=(Contact(contact),),
    )
    sheet = sheets.build(Directory((org,), "test"), [org], sheets.Selection(), title=name)
    shown = one_line(name)

    page = sheet_html.render(sheet)
    assert f"<h3>{html_module.escape(shown)}</h3>" in page
    assert "<script" not in page.replace(html_module.escape(shown), "")

    cells = [c for row in csv.reader(io.StringIO(sheet_csv.render(sheet)[1:])) for c in row]
    assert not [c for c in cells if c.startswith(sheet_csv._TRIGGERS)]

    markdown = sheet_md.render(sheet)
    assert "\x1b" not in markdown and "<" not in markdown.replace("\\<", "").replace("(<", "")

    card = sheet_vcard.render(sheet)
    assert all(len(line.encode()) <= 75 for line in card.split("\r\n"))
    parsed = vobject.readOne(card)
    assert parsed.fn.value == shown
