"""Global options shared by every command, set once by the CLI callback.

The directory is loaded lazily, on first use, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

from pathlib import Path

from tiplookup import directory as directory_module
from tiplookup.model import Directory

_options: dict[str, Path | None] = {"directory": None}
_loaded: dict[str, Directory] = {}


def configure(*, directory: Path | None) -> None:
    _options["directory"] = directory
    _loaded.clear()


def directory_path() -> Path:
    return directory_module.resolve_path(_options["directory"])


def directory() -> Directory:
    """The directory every command works on."""
    if "d" not in _loaded:
        _loaded["d"] = directory_module.load(_options["directory"])
    return _loaded["d"]
