"""A parser for the raw source page in data/source/, used to prove the directory kept every fact.

The page is a text copy of a web directory: an organisation's name on one line,
its description on the next, then optional sections (Address, Email, Phone,
Website, Services), each a heading line followed by its value(s).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SOURCE = (
    Path(__file__).resolve().parents[1] / "data" / "source" / "lao-anti-trafficking-directory.txt"
)
SECTIONS = ("Address", "Email", "Phone", "Website", "Services")


@dataclass
class SourceEntry:
    name: str
    description: str = ""
    sections: dict[str, list[str]] = field(default_factory=dict)

    def get(self, section: str) -> str | None:
        values = self.sections.get(section)
        return values[0] if values else None

    @property
    def services(self) -> list[str]:
        return self.sections.get("Services", [])


def parse(path: Path = SOURCE) -> list[SourceEntry]:
    lines = [ln.rstrip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    entries: list[SourceEntry] = []
    current: SourceEntry | None = None
    section: str | None = None
    for line in lines:
        if line in SECTIONS:
            section = line
            assert current is not None
            current.sections[section] = []
        elif line.lstrip().startswith("•"):
            assert current is not None and section == "Services"
            current.sections[section].append(line.lstrip()[1:].strip())
        elif section and current and not current.sections[section]:
            current.sections[section].append(line)
        elif current is not None and not current.description and section is None:
            current.description = line
        else:
            current = SourceEntry(name=line)
            entries.append(current)
            section = None
    return entries
