"""The labelled lines every printed sheet format shows, in the same order and words."""

from __future__ import annotations

from typing import NamedTuple

from tiplookup.sheets import Entry, PhoneLine, Sheet


class Line(NamedTuple):
    """One labelled line of an entry. ``href`` (a tel: or mailto: URI) links ``text``."""

    label: str
    text: str
    href: str | None = None
    rest: str = ""  # plain text after the linked part

    @property
    def plain(self) -> str:
        return self.text + self.rest


def phone_note(p: PhoneLine) -> str:
    return " (" + "; ".join(x for x in (p.kind, p.note, p.derivation) if x) + ")"


def details(e: Entry) -> list[Line]:
    """The labelled lines of one entry, in the order every printed format shows them."""
    lines = [Line("Phone", p.display, p.tel_uri, phone_note(p)) for p in e.phones]
    lines += [Line("Email", m, f"mailto:{m}") for m in e.emails]
    if not e.phones and not e.emails:
        lines.append(Line("Phone", "none in the source"))
    lines.append(Line("Address", e.address))
    lines.append(Line("Province", e.province))
    lines.append(Line("Works in", e.works_in))
    lines.append(Line("Services", ", ".join(e.services) or "none listed in the source"))
    lines += [Line("Contact", c) for c in e.contacts]
    if e.website.startswith(("http://", "https://")):
        lines.append(Line("Website", e.website))
    if e.period:
        lines.append(Line("Programme", e.period))
    if e.local:
        lines.append(Line("Local", e.local))
    lines.append(Line("Verified", e.verified))
    if e.cautions:
        lines.append(Line("Check", "; ".join(e.cautions)))
    return lines


def header_lines(sheet: Sheet) -> list[tuple[str, str]]:
    lines = [
        ("Selection", sheet.selection),
        ("Organisations", str(len(sheet.entries))),
        ("Generated", sheet.generated.isoformat()),
        ("Source", sheet.source + (f" ({sheet.source_url})" if sheet.source_url else "")),
        ("Verification", sheet.verification),
    ]
    if sheet.confidential and sheet.include_confidential:
        lines.append(
            (
                "Confidential",
                f"{sheet.confidential} confidential address(es) INCLUDED: keep private",
            )
        )
    elif sheet.confidential:
        lines.append(("Confidential", f"{sheet.confidential} confidential address(es) left off"))
    return lines
