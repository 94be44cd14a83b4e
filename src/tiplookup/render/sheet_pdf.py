"""PDF contact sheet, made in-process with fpdf2 (no browser): A4, page numbers, about ten
organisations to a page, and real text that can be selected and extracted.

Fonts ship in ``tiplookup/data/fonts`` (Noto Sans, with Noto Sans Lao as a fallback
for Lao script), so the PDF is the same on every machine and needs no network.
"""

from __future__ import annotations

import datetime as dt
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from tiplookup.render.sheet_lines import header_lines
from tiplookup.sheets import Entry, Sheet

if TYPE_CHECKING:
    from fpdf import FPDF

_FONTS = {
    ("sans", ""): "NotoSans-Regular.ttf",
    ("sans", "B"): "NotoSans-Bold.ttf",
    ("lao", ""): "NotoSansLao-Regular.ttf",
    ("lao", "B"): "NotoSansLao-Bold.ttf",
}
_NAVY = (31, 59, 110)
_RED = (160, 0, 0)
_LINE = 3.5  # mm per line of detail text
_LEGEND = (
    "* number worked out by tiplookup from how the source wrote it (for example +856 added);"
    " the CSV, HTML and JSON sheets say how. Facts marked 'read from the address' or"
    " 'inferred' were derived too."
)
_NAME_LINE = 4.6  # mm per line of an organisation's name
_LABEL = 19  # mm for the label column


def render(sheet: Sheet) -> bytes:
    with ExitStack() as stack:
        folder = stack.enter_context(
            resources.as_file(resources.files("tiplookup").joinpath("data/fonts"))
        )
        pdf = _document(sheet, folder)
        covered = _coverage(pdf)
        pdf.add_page()
        _header(pdf, sheet, covered)
        for group in sheet.groups:
            _group_title(pdf, _safe(group.title, covered))
            for e in group.entries:
                _entry(pdf, e, covered)
        return bytes(pdf.output())


def _document(sheet: Sheet, folder: Path) -> FPDF:
    from fpdf import FPDF

    footer_text: list[str] = []

    class Pages(FPDF):
        def footer(self) -> None:
            self.set_y(-11)
            self.set_font("sans", "", 7.5)
            self.set_text_color(90, 90, 90)
            self.cell(0, 4, footer_text[0], align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = Pages(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(12, 11, 12)
    pdf.set_auto_page_break(auto=True, margin=14)
    for (family, style), name in _FONTS.items():
        pdf.add_font(family, style, str(folder / name))
    pdf.set_fallback_fonts(["lao"], exact_match=False)
    title = _safe(sheet.title, _coverage(pdf))
    footer_text.append(f"{title} · generated {sheet.generated.isoformat()}")
    pdf.set_title(title)
    pdf.set_lang("en")
    pdf.set_creator("tiplookup sheet")
    pdf.set_producer("tiplookup (fpdf2)")
    # Pinned to the sheet's date so that the same sheet gives the same bytes.
    pdf.set_creation_date(dt.datetime.combine(sheet.generated, dt.time(), tzinfo=dt.UTC))
    return pdf


def _coverage(pdf: FPDF) -> frozenset[int]:
    """Every code point the embedded fonts can draw."""
    from fpdf.fonts import TTFFont

    points: set[int] = set()
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            points.update(font.cmap)
    return frozenset(points)


def _safe(text: str, covered: frozenset[int]) -> str:
    """Characters no bundled font has become U+FFFD, so nothing vanishes silently."""
    return "".join(c if ord(c) in covered else "\ufffd" for c in text)


def _header(pdf: FPDF, sheet: Sheet, covered: frozenset[int]) -> None:
    pdf.set_font("sans", "B", 15)
    pdf.set_text_color(*_NAVY)
    pdf.multi_cell(0, 7, _safe(sheet.title, covered), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for label, value in header_lines(sheet):
        pdf.set_font("sans", "B", 8)
        pdf.cell(_LABEL + 5, _LINE, f"{label}:")
        pdf.set_font("sans", "", 8)
        pdf.multi_cell(0, _LINE, _safe(value, covered), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("sans", "", 7)
    pdf.multi_cell(0, 3.2, _LEGEND, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(*_NAVY)
    pdf.set_line_width(0.6)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(2)


def _group_title(pdf: FPDF, title: str) -> None:
    if pdf.will_page_break(7 + 24):  # never leave a heading alone at the foot of a page
        pdf.add_page()
    pdf.ln(1)
    pdf.set_font("sans", "B", 10.5)
    pdf.set_fill_color(*_NAVY)
    pdf.set_text_color(255, 255, 255)
    pdf.cell(0, 6, " " + title, fill=True, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.ln(1)


def _entry(pdf: FPDF, e: Entry, covered: frozenset[int]) -> None:
    """One entry, kept on one page. Lines are wrapped once, then measured and printed."""
    pdf.set_font("sans", "B", 9.5)
    name = _wrap(pdf, pdf.epw, _safe(e.name + ("  [ENDED]" if e.ended else ""), covered))
    pdf.set_font("sans", "", 7.8)
    rows = [(label, _wrap(pdf, pdf.epw - _LABEL, _safe(v, covered))) for label, v in _rows(e)]
    height = len(name) * _NAME_LINE + sum(len(lines) for _, lines in rows) * _LINE + 2.6
    if pdf.will_page_break(height):
        pdf.add_page()
    pdf.set_font("sans", "B", 9.5)
    pdf.set_text_color(*(_RED if e.ended else (0, 0, 0)))
    for line in name:
        pdf.cell(pdf.epw, _NAME_LINE, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    for label, lines in rows:
        pdf.set_font("sans", "B", 7.8)
        pdf.cell(_LABEL, _LINE, label)
        pdf.set_font("sans", "", 7.8)
        for line in lines:
            pdf.set_x(pdf.l_margin + _LABEL)
            pdf.cell(pdf.epw - _LABEL, _LINE, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_draw_color(200, 205, 215)
    pdf.set_line_width(0.2)
    y = pdf.get_y() + 0.8
    pdf.line(pdf.l_margin, y, pdf.w - pdf.r_margin, y)
    pdf.ln(1.8)


def _wrap(pdf: FPDF, width: float, text: str) -> list[str]:
    lines = pdf.multi_cell(width, _LINE, text, align="L", dry_run=True, output="LINES")
    assert isinstance(lines, list)  # output="LINES" returns only the lines
    return [str(line) for line in lines] or [""]


def _rows(e: Entry) -> list[tuple[str, str]]:
    """Compact rows, to fit about ten entries a page; derived numbers carry a "*"."""
    rows = [("Phone", _phones(e))] if e.phones else []
    reach = list(e.emails) + ([f"website: {e.website}"] if e.website.startswith("http") else [])
    if reach:
        rows.append(("Email", " · ".join(reach)))
    if not e.phones and not e.emails:
        rows.append(("Phone", "none in the source"))
    rows.append(("Where", f"{e.address} · province: {e.province} · works in: {e.works_in}"))
    rows.append(("Services", ", ".join(e.services) or "none listed in the source"))
    named = " ".join(p.note for p in e.phones)
    others = [c for c in e.contacts if c.split(",")[0] not in named]
    if others:
        rows.append(("Contact", " · ".join(others)))
    if e.period:
        rows.append(("Programme", e.period))
    if e.local:
        rows.append(("Local", e.local))
    rows.append(("Verified", " · ".join([e.verified, *e.cautions, e.kind, f"id {e.id}"])))
    return rows


def _phones(e: Entry) -> str:
    """Numbers that share a kind and a note are listed together."""
    runs: list[tuple[str, list[str]]] = []
    for p in e.phones:
        note = "; ".join(x for x in (p.kind, p.note) if x)
        if not p.valid:
            note = "not a valid Lao number, as written in the source"
        number = p.display + ("*" if p.derivation and p.valid else "")
        if runs and runs[-1][0] == note:
            runs[-1][1].append(number)
        else:
            runs.append((note, [number]))
    return " · ".join(f"{', '.join(numbers)} ({note})" for note, numbers in runs)
