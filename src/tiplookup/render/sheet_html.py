"""HTML contact sheet: one self-contained file (inline CSS, no scripts, no external assets)
that reads on a phone and prints on A4. Every directory string goes through html.escape."""

from __future__ import annotations

from html import escape

from tiplookup.render.sheet_lines import Line, details, header_lines
from tiplookup.sheets import Entry, Sheet

# No script may run and nothing may load, even if escaping were ever to fail.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'"

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans", "Noto Sans Lao", "Phetsarath OT", "DejaVu Sans", Arial,
  sans-serif; font-size: 15px; line-height: 1.4; color: #111; background: #fff;
  margin: 0 auto; max-width: 60rem; padding: 0.75rem; overflow-wrap: anywhere; }
header { border-bottom: 3px solid #1f3b6e; margin-bottom: 0.5rem; padding-bottom: 0.4rem; }
h1 { font-size: 1.45rem; margin: 0 0 0.35rem; color: #1f3b6e; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.6rem;
  margin: 0; font-size: 0.9rem; }
header dt { font-weight: bold; }
header dd { margin: 0; }
h2 { font-size: 1.15rem; background: #1f3b6e; color: #fff; padding: 0.25rem 0.5rem;
  margin: 1rem 0 0.5rem; }
.entries { display: grid; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr));
  gap: 0.5rem; }
article { border: 1px solid #b8c2d6; border-radius: 4px; padding: 0.4rem 0.6rem; }
article.ended { border: 2px dashed #a00; background: #fff6f6; }
h3 { font-size: 1.02rem; margin: 0 0 0.1rem; }
.kind { font-size: 0.82rem; color: #444; margin: 0 0 0.25rem; }
.badge { display: inline-block; background: #a00; color: #fff; font-size: 0.75rem;
  padding: 0 0.35rem; border-radius: 3px; margin-left: 0.3rem; vertical-align: middle; }
article dl { display: grid; grid-template-columns: 5.6rem 1fr; gap: 0.05rem 0.4rem;
  margin: 0; font-size: 0.88rem; }
article dt { color: #444; }
article dd { margin: 0; }
dd.phone a { font-weight: bold; font-size: 1.05rem; color: #0a3d91; text-decoration: none; }
dd.check { color: #8a0000; }
dd.unverified { color: #8a4b00; }
footer { margin-top: 1rem; font-size: 0.8rem; color: #444; border-top: 1px solid #ccc; }
@media (max-width: 30rem) {
  body { font-size: 16px; padding: 0.5rem; }
  .entries { grid-template-columns: 1fr; }
  article dl { grid-template-columns: 1fr; }
  article dt { font-weight: bold; margin-top: 0.2rem; }
}
@page { size: A4; margin: 10mm 10mm 12mm; }
@media print {
  body { font-size: 8.5pt; line-height: 1.25; max-width: none; padding: 0; }
  h1 { font-size: 14pt; margin-bottom: 1mm; }
  header dl { font-size: 8pt; }
  h2 { font-size: 10.5pt; margin: 3mm 0 2mm; break-after: avoid;
    -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  .entries { display: block; column-count: 2; column-gap: 3mm; }
  article { break-inside: avoid; padding: 1.2mm 2.2mm; margin: 0 0 2mm; }
  h3 { font-size: 9.5pt; }
  .kind { font-size: 7.5pt; margin-bottom: 0.5mm; }
  article dl { font-size: 7.8pt; grid-template-columns: 17mm 1fr; gap: 0 1.5mm; }
  dd.phone a { color: #000; font-size: 9pt; }
  a { color: #000; text-decoration: none; }
  .badge, article.ended { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  footer { font-size: 7pt; }
}
"""


def render(sheet: Sheet) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="tiplookup sheet">',
        f"<title>{escape(sheet.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        _header(sheet),
        "<main>",
    ]
    for group in sheet.groups:
        parts.append(f"<section>\n<h2>{escape(group.title)}</h2>")
        parts.append('<div class="entries">')
        parts += [_entry(e) for e in group.entries]
        parts.append("</div>\n</section>")
    parts += [
        "</main>",
        "<footer><p>Made by tiplookup from the directory named above. Derived by tiplookup, "
        "not stated in the source: provinces marked “read from the address”, service areas "
        "marked “inferred”, and phone numbers whose note says how the source wrote them."
        "</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _header(sheet: Sheet) -> str:
    rows = "".join(
        f"<dt>{escape(label)}</dt><dd>{escape(value)}</dd>" for label, value in header_lines(sheet)
    )
    return f"<header>\n<h1>{escape(sheet.title)}</h1>\n<dl>{rows}</dl>\n</header>"


def _entry(e: Entry) -> str:
    badge = '<span class="badge">ENDED</span>' if e.ended else ""
    rows = "".join(_row(line) for line in details(e))
    return (
        f'<article class="{"ended" if e.ended else "current"}" id="{escape(e.id)}">'
        f"<h3>{escape(e.name)}{badge}</h3>"
        f'<p class="kind">{escape(e.kind)}</p>'
        f"<dl>{rows}</dl></article>"
    )


def _row(line: Line) -> str:
    css = {"Phone": "phone", "Check": "check"}.get(line.label, "")
    if line.label == "Verified" and line.text == "not verified":
        css = "unverified"
    value = escape(line.plain)
    if line.href:
        value = f'<a href="{escape(line.href)}">{escape(line.text)}</a>{escape(line.rest)}'
    cls = f' class="{css}"' if css else ""
    return f"<dt>{escape(line.label)}</dt><dd{cls}>{value}</dd>"
