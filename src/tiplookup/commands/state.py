"""Global options shared by every command, set once by the CLI callback.

The directory is loaded lazily, on first use, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from tiplookup.model import Directory

if TYPE_CHECKING:
    from tiplookup.search import SearchIndex

_options: dict[str, Path | None] = {"directory": None}
_flags: dict[str, bool] = {"no_overlay": False}
_loaded: dict[str, Directory] = {}


def configure(*, directory: Path | None, no_overlay: bool = False) -> None:
    _options["directory"] = directory
    _flags["no_overlay"] = no_overlay
    _hidden.clear()
    _loaded.clear()


def directory_path() -> Path:
    from tiplookup import paths

    return paths.resolve_path(_options["directory"])


def base_directory() -> Directory:
    """The bundled directory (or ``--directory``), without the user's overlay."""
    if "base" not in _loaded:
        from tiplookup import compiled  # the validated directory, cached (issue 7)

        _loaded["base"] = compiled.load(directory_path())
    return _loaded["base"]


def search_index() -> SearchIndex:
    """The search index of :func:`directory`, cached beside the compiled directory."""
    from tiplookup import compiled

    return compiled.search_index(directory())


def directory() -> Directory:
    """The directory every command works on: the base with the user's overlay on top."""
    if "d" not in _loaded:
        _loaded["d"] = base_directory() if _flags["no_overlay"] else _with_overlay()
    return _loaded["d"]


_hidden: set[str] = set()


def hidden_ids() -> frozenset[str]:
    """Ids the user's overlay hides (known once :func:`directory` has loaded)."""
    directory()
    return frozenset(_hidden)


def _with_overlay() -> Directory:
    from tiplookup import userdata

    path = userdata.overlay_path()
    if not path.exists():  # most runs: skip importing the overlay code (issue 7)
        return base_directory()
    from tiplookup import compiled, overlay

    data = overlay.read_bytes(path)  # no file: one failed open, nothing more
    if data is None:
        return base_directory()
    base = base_directory()

    def merge() -> tuple[Directory, dict[str, Any]]:
        local = overlay.parse_bytes(data, str(path))
        merged = overlay.merge(base, local)
        return merged.directory, {
            "hidden": tuple(local.hidden),
            "orphans": merged.orphans,
            "path": str(local.path),
        }

    # the merged directory is compiled too: a large directory stays fast with local changes
    directory, kept = compiled.merged(base, path, data, merge)
    _hidden.update(kept["hidden"])
    if kept["orphans"]:
        from tiplookup import render

        render.warn(
            f"{kept['path']}: {len(kept['orphans'])} local correction(s) name ids this "
            f"directory does not have ({', '.join(kept['orphans'])}); "
            "see 'tiplookup overlay diff'"
        )
    return directory
