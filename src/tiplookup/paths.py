"""Which directory file to use: ``--directory``, then ``$TIPLOOKUP_DIRECTORY``, then the
copy shipped inside the package. Kept apart from the loader, so that finding the file
costs a warm start nothing (issue 7)."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "TIPLOOKUP_DIRECTORY"


def bundled_path() -> Path:
    """The directory shipped inside the package (or, in a source checkout, data/)."""
    packaged = Path(__file__).parent / "data" / "directory.toml"  # where the wheel puts it
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data" / "directory.toml"


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """``--directory`` wins, then ``$TIPLOOKUP_DIRECTORY``, then the bundled file."""
    if path:
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else bundled_path()
