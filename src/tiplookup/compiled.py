"""A compiled, cached copy of a loaded and validated directory file.

Reading TOML and checking every entry is the slow part of a start: tens of
milliseconds for the bundled file, seconds for a national one. The first run on a
file saves the validated :class:`~tiplookup.model.Directory` as a pickle under the
user cache folder; later runs load that instead.

When is a cached copy used?

- It must carry the same *stamp*: tiplookup's version, the Python version, the fields
  of every model class, and the size and modification time of the modules and data
  that decide what "valid" means (so editing the loader in a checkout invalidates it).
- The directory file must have the same size and modification time (``mtime_ns``) as
  when it was compiled. That costs one ``stat``, which keeps a warm start fast even
  for a 100 MB file. Hashing on every run would cost a full read and hash.
- When size or time differ, the content is hashed (BLAKE2b). If the hash still
  matches (the file was touched or copied), the cached copy is kept and re-stamped.
- A file changed within :data:`RACY_NS` of being compiled may change again without
  its time moving (coarse file-system clocks), so its copy is trusted only after a
  hash check, as git does for "racily clean" index entries.

A damaged, unreadable or unwritable cache is never an error: it is ignored, and the
directory is loaded from the file as if there were no cache.
"""

from __future__ import annotations

import os
import pickle
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tiplookup import __version__
from tiplookup.model import (
    Contact,
    Directory,
    Location,
    Organization,
    Period,
    Phone,
    ServiceArea,
    Website,
)

FORMAT = 1  # bump when the layout of a cache file changes
RACY_NS = 2_000_000_000  # 2 s: FAT's clock granularity, the coarsest in common use
SUBDIR = "directories"
# What decides the validated result, besides the directory file itself.
_LOADER_FILES = (
    "directory.py",
    "model.py",
    "taxonomy.py",
    "places.py",
    "phones.py",
    "data/lao_admin.toml",
)
_MODEL = (Organization, Phone, Contact, Location, ServiceArea, Website, Period, Directory)


@dataclass(frozen=True, slots=True)
class Header:
    """The first pickle in a cache file, read before the (large) directory that follows."""

    stamp: tuple[Any, ...]
    size: int
    mtime_ns: int
    digest: str
    racy: bool  # the file changed just before it was compiled: check its hash next time


def load(path: Path) -> Directory:
    """The validated directory in ``path``, from the cache when it is current."""
    from tiplookup import directory as directory_module

    try:
        stat = path.stat()
    except OSError:
        return directory_module.load(path)  # let the loader word the error
    cache = cache_file(path)
    stamp = code_stamp()
    header, cached = _read(cache, stamp)
    if cached is not None and _unchanged(header, stat):
        return _at(cached, path)
    data = directory_module.read_text(path).encode("utf-8")
    digest = content_digest(data)
    if cached is not None and header is not None and header.digest == digest:
        _write(cache, _header(stamp, stat, digest), cached)
        return _at(cached, path)
    built = _build(path)
    _write(cache, _header(stamp, path.stat(), digest), built)
    return built


def _unchanged(header: Header | None, stat: os.stat_result) -> bool:
    """Same size and time as when compiled, and compiled long enough after its last change."""
    if header is None or header.racy:
        return False
    return (header.size, header.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _at(directory: Directory, path: Path) -> Directory:
    """The cached directory, named by the path it was asked for this time."""
    return directory if directory.path == str(path) else replace(directory, path=str(path))


def cache_file(path: Path) -> Path:
    """One cache file for each directory file, named after a hash of its absolute path."""
    import hashlib

    from tiplookup import userdata

    key = hashlib.blake2b(str(path.resolve()).encode(), digest_size=12).hexdigest()
    return userdata.cache_dir() / SUBDIR / f"{key}.pickle"


def content_digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=20).hexdigest()


def code_stamp() -> tuple[Any, ...]:
    """Everything besides the file that a cached directory depends on."""
    here = Path(__file__).parent
    files = []
    for name in _LOADER_FILES:
        try:
            st = (here / name).stat()
            files.append((name, st.st_size, st.st_mtime_ns))
        except OSError:
            files.append((name, -1, -1))
    return (
        FORMAT,
        __version__,
        sys.version_info[:2],
        tuple((cls.__name__, cls.__slots__) for cls in _MODEL),
        tuple(files),
    )


def _header(stamp: tuple[Any, ...], stat: os.stat_result, digest: str) -> Header:
    racy = time.time_ns() - stat.st_mtime_ns < RACY_NS
    return Header(stamp, stat.st_size, stat.st_mtime_ns, digest, racy)


def _read(cache: Path, stamp: tuple[Any, ...]) -> tuple[Header | None, Directory | None]:
    """The cached header and directory, or Nones when missing, stale or damaged."""
    try:
        with cache.open("rb") as handle:
            header = pickle.load(handle)
            if not isinstance(header, Header) or header.stamp != stamp:
                return None, None
            cached = pickle.load(handle)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        return None, None
    except (ValueError, TypeError, IndexError, KeyError, MemoryError):  # damaged bytes
        return None, None
    if not isinstance(cached, Directory):
        return None, None
    return header, cached


def _write(cache: Path, header: Header, directory: Directory) -> None:
    """Write atomically (a temporary file renamed over the old one); never fail a command."""
    import tempfile

    tmp = None
    try:
        cache.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(header, handle, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(directory, handle, protocol=pickle.HIGHEST_PROTOCOL)
        Path(tmp).replace(cache)
        tmp = None
    except OSError:
        pass  # a read-only or full disk only costs the next run its speed
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _build(path: Path) -> Directory:
    """Load and validate from the file, with a progress display on a terminal if it is slow."""
    from tiplookup import directory as directory_module

    if not sys.stderr.isatty():
        return directory_module.load(path)
    from tiplookup.render import progress

    with progress.after(1.0, f"Reading {path.name} for the first time"):
        return directory_module.load(path)
