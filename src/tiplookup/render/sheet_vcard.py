"""vCard contact sheet: one card per organisation, for importing into a phone.

Version 3.0 (RFC 2426) by default, since phones import it; 4.0 (RFC 6350) on request.
Text values are escaped (backslash, comma, semicolon, newline) and lines are folded at
75 octets without splitting a UTF-8 character.
"""

from __future__ import annotations

from tiplookup import places
from tiplookup.render.sheet_lines import phone_note
from tiplookup.sheets import Entry, Sheet

VERSIONS = ("3.0", "4.0")
CATEGORY = "Anti-trafficking (Lao PDR)"
_TEL_TYPES = {"mobile": "CELL,VOICE", "landline": "WORK,VOICE", "hotline": "WORK,VOICE"}


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str, limit: int = 75) -> str:
    """Split a content line into physical lines of at most ``limit`` octets."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size = " ", 1  # a continuation line starts with one space
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def render(sheet: Sheet, version: str = "3.0") -> str:
    if version not in VERSIONS:
        raise ValueError(version)  # the CLI only offers VERSIONS
    cards = [_card(e, sheet, version) for e in sheet.entries]
    return "".join("\r\n".join(fold(line) for line in card) + "\r\n" for card in cards)


def _card(e: Entry, sheet: Sheet, version: str) -> list[str]:
    v4 = version == "4.0"
    lines = ["BEGIN:VCARD", f"VERSION:{version}", "PRODID:-//tiplookup//sheet//EN"]
    lines.append("KIND:org" if v4 else "N:;;;;")
    lines += [f"FN:{escape(e.name)}", f"ORG:{escape(e.name)}", f"UID:urn:tiplookup:{e.id}"]
    if not v4:
        lines.append("X-ABShowAs:COMPANY")
    for p in e.phones:
        if not p.valid:
            continue  # not dialable; the note quotes it
        types = _TEL_TYPES.get(p.kind, "VOICE")
        if v4:
            lines.append(f'TEL;VALUE=uri;TYPE="{types.lower()}":tel:{p.number}')
        else:
            lines.append(f"TEL;TYPE={types}:{p.number}")
    for email in e.emails:
        lines.append(f"EMAIL;TYPE={'work' if v4 else 'INTERNET,WORK'}:{escape(email)}")
    adr = _adr(e)
    if adr:
        lines.append(f"ADR;TYPE={'work' if v4 else 'WORK'}:{adr}")
    if e.website.startswith(("http://", "https://")):
        lines.append(f"URL:{e.website}")
    lines.append(f"NOTE:{escape(_note(e, sheet))}")
    categories = [CATEGORY, *e.services] + (["ENDED"] if e.ended else [])
    lines.append("CATEGORIES:" + ",".join(escape(c) for c in categories))
    lines.append("END:VCARD")
    return lines


def _adr(e: Entry) -> str:
    """post-office box; extended; street; locality; region; postal code; country."""
    region = places.province_name(e.province_slug) if e.province_slug else ""
    street = e.address if e.has_address else ""
    if not street and not region:
        return ""
    return ";".join(escape(part) for part in ("", "", street, "", region, "", "Lao PDR"))


def _note(e: Entry, sheet: Sheet) -> str:
    lines = [e.kind]
    if e.ended:
        lines.append(f"PROGRAMME ENDED: {e.period}")
    lines += [f"{p.display}{phone_note(p)}" for p in e.phones if p.note or p.derivation]
    if e.address_withheld:
        lines.append(e.address)
    lines.append(f"Services: {', '.join(e.services) or 'none listed in the source'}")
    lines.append(f"Works in: {e.works_in}")
    lines += [f"Contact: {c}" for c in e.contacts]
    if e.local:
        lines.append(f"Local: {e.local}")
    lines.append(f"Verified: {e.verified}")
    if e.cautions:
        lines.append("Check: " + "; ".join(e.cautions))
    lines.append(f"Source: {sheet.source}; exported {sheet.generated.isoformat()} by tiplookup")
    return "\n".join(lines)
