"""A compiled, cached copy of a loaded and validated directory file.

Reading TOML and checking every entry is the slow part of a start: tens of
milliseconds for the bundled file, seconds for a national one. The first run on a
file saves the validated :class:`~tiplookup.model.Directory` and its search index in
the user cache folder; later runs read that instead.

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

The compiled copy is an SQLite store (:mod:`tiplookup.store`) holding the directory's
records and its search index (:mod:`tiplookup.searchindex`); a warm run reads only what
it needs from it. Bundled TOML data (the provinces) is cached as a pickle, so a warm start
never imports ``tomllib``.

A damaged, unreadable or unwritable cache found when opening it is never an error: it is
ignored, and the directory is loaded from the file as if there were no cache. Damage found
later, while reading (a value that fails its checksum), stops the command with one line
asking to run it again, and the file is removed so that the next run rebuilds it.

The cache folder is the user's own (``$TIPLOOKUP_CACHE``, else platformdirs), created
private (0700), as pickles must only be read from a folder no one else can write to. A
cache folder or file that another user owns, or that its group or others may write to,
is neither read nor written: the directory is loaded from its file, quietly, every time.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple, TypeVar, cast

from tiplookup import __version__, store
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

if TYPE_CHECKING:
    from tiplookup.searchindex import Built, SearchIndex, Source

T = TypeVar("T")

FORMAT = 4  # bump when the layout of a cache file changes
RACY_NS = 2_000_000_000  # 2 s: FAT's clock granularity, the coarsest in common use
SUBDIR = "directories"
# What decides the validated result, besides the directory file itself.
_LOADER_FILES = (
    "directory.py",
    "fields.py",
    "model.py",
    "taxonomy.py",
    "places.py",
    "phones.py",
    "data/lao_admin.toml",
    "matching.py",  # and the search index stored beside it
    "searchindex.py",
    "store.py",
)
_MODEL = (Organization, Phone, Contact, Location, ServiceArea, Website, Period, Directory)
# Where the index of each directory this process loaded comes from: the store it was read
# from, or the index built when it was compiled. id(directory) → (directory, source).
_sources: dict[int, tuple[Directory, Source]] = {}
# Each directory this process compiled or read compiled: id → (directory, store file, digest).
_compiled: dict[int, tuple[Directory, Path, str]] = {}


class Header(NamedTuple):
    """The first pickle in a cache file, read before the (large) directory that follows."""

    stamp: tuple[Any, ...]
    source: str  # absolute path of the directory file
    size: int
    mtime_ns: int
    digest: str
    racy: bool  # the file changed just before it was compiled: check its hash next time


def load(path: Path) -> Directory:
    """The validated directory in ``path``, from the cache when it is current."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    cache = cache_file(path)
    stamp = code_stamp()
    source = str(path.resolve())
    opened = _open(cache, stamp, source) if stat else None
    if opened is not None and stat and _unchanged(opened[0], stat):
        return _remember(_at(opened[1].directory(), path), opened[1], cache, opened[0].digest)
    from tiplookup import directory as directory_module  # the slow path from here on

    try:
        if stat is None or not S_ISREG(stat.st_mode):  # missing, a folder, a FIFO…
            raise FileNotFoundError(path)
        data = path.read_bytes()
    except OSError:
        return directory_module.load(path)  # missing or unreadable: the loader words it
    digest = content_digest(data)
    if opened is not None and opened[0].digest == digest:  # touched or copied, not changed
        with contextlib.suppress(sqlite3.Error, OSError):  # read-only: hash again next time
            store.restamp(cache, _header(stamp, source, stat, digest))
        return _remember(_at(opened[1].directory(), path), opened[1], cache, digest)
    if opened is not None:
        opened[1].close()  # before it is replaced (Windows cannot replace an open file)
    built, index = _slowly(
        f"First run on {path.name}: compiling it",
        lambda: _compile(path, data, cache, _header(stamp, source, stat, digest)),
    )
    return _remember(built, index, cache, digest)


def _compile(path: Path, data: bytes, cache: Path, header: Header) -> tuple[Directory, Built]:
    """Load and check the file's ``data``, index it, and save both in the cache."""
    from tiplookup import directory as directory_module
    from tiplookup import searchindex

    built = directory_module.load_bytes(data, path)
    index = searchindex.build(built.organizations)
    _write(cache, lambda file: store.write(file, header, built, index))
    return built, index


def _unchanged(header: Header, stat: os.stat_result) -> bool:
    """Same size and time as when compiled, and compiled long enough after its last change."""
    return not header.racy and (header.size, header.mtime_ns) == (stat.st_size, stat.st_mtime_ns)


def _at(directory: Directory, path: Path) -> Directory:
    """The cached directory, named by the path it was asked for this time."""
    return directory if directory.path == str(path) else replace(directory, path=str(path))


def _remember(directory: Directory, source: Source, cache: Path, digest: str) -> Directory:
    """Keep where ``directory``'s index comes from, and (for :func:`merged`) where it is
    stored and the digest of its file's content."""
    _sources[id(directory)] = (directory, source)
    _compiled[id(directory)] = (directory, cache, digest)
    return directory


def merged(
    base: Directory,
    overlay_file: Path,
    data: bytes,
    merge: Callable[[], tuple[Directory, dict[str, Any]]],
) -> tuple[Directory, dict[str, Any]]:
    """``merge()``: ``base`` with the user's overlay (``data``, read from ``overlay_file``)
    merged in, and what the caller keeps beside it. Stored beside ``base``'s compiled copy
    and read back while the directory file, the overlay and the code stay the same, so that
    a national directory with a few local corrections stays fast."""
    known = _compiled.get(id(base))
    if known is None or known[0] is not base:
        return merge()  # the base was not compiled (e.g. the cache cannot be written)
    _, base_cache, base_digest = known
    cache = base_cache.with_suffix(".merged.sqlite")
    stamp = (code_stamp((*_LOADER_FILES, "overlay.py", "tables.py")), base_digest)
    source = str(overlay_file.resolve())
    digest = content_digest(data)
    opened = _open(cache, stamp, source)
    if opened is not None and opened[0].digest == digest:
        directory = _at(opened[1].directory(), Path(base.path))
        extra = opened[1].part("overlay")
        if isinstance(extra, dict):
            _sources[id(directory)] = (directory, opened[1])
            return directory, extra
    if opened is not None:
        opened[1].close()
    from tiplookup import searchindex

    def build() -> tuple[Directory, dict[str, Any], Built]:
        directory, extra = merge()
        index = searchindex.build(directory.organizations)
        header = _header(stamp, source, overlay_file.stat(), digest)
        _write(cache, lambda file: store.write(file, header, directory, index, {"overlay": extra}))
        return directory, extra, index

    label = f"Applying your local changes to {Path(base.path).name}"
    directory, extra, index = _slowly(label, build)
    _sources[id(directory)] = (directory, index)
    return directory, extra


def cache_file(path: Path, suffix: str = ".sqlite") -> Path:
    """The cache file for a file, named after its absolute path (headers name it in full)."""
    import zlib

    from tiplookup import userdata

    key = zlib.crc32(str(path.resolve()).encode())
    return userdata.cache_dir() / SUBDIR / f"{key:08x}{suffix}"


def content_digest(data: bytes) -> str:
    import hashlib

    return hashlib.blake2b(data, digest_size=20).hexdigest()


def code_stamp(names: tuple[str, ...] = _LOADER_FILES) -> tuple[Any, ...]:
    """Everything besides the file that a cached result depends on."""
    here = Path(__file__).parent
    files = []
    for name in names:
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


def _header(stamp: tuple[Any, ...], source: str, stat: os.stat_result, digest: str) -> Header:
    racy = time.time_ns() - stat.st_mtime_ns < RACY_NS
    return Header(stamp, source, stat.st_size, stat.st_mtime_ns, digest, racy)


# Damaged bytes can make pickle (or SQLite) raise almost anything; none may stop a command.
_DAMAGED = (OSError, *store.DAMAGED)


def _safe(status: os.stat_result) -> bool:
    """Owned by this user and not writable by its group or others."""
    getuid = getattr(os, "getuid", None)
    if getuid is None:  # Windows: no owners or modes to check; the profile folder is private
        return True
    return status.st_uid == getuid() and not status.st_mode & 0o022


def _trusted_folder(folder: Path) -> bool:
    """Whether pickles in ``folder`` (a subfolder of the cache folder) are only ours."""
    try:
        return all(_safe(f.stat()) for f in (folder.parent, folder))
    except OSError:
        return False


def _open_trusted(file: Path) -> BinaryIO:
    """``file`` opened for reading; an OSError when it, or its folder, is not only ours."""
    if not _trusted_folder(file.parent):
        raise PermissionError(f"{file.parent}: not private")
    handle = file.open("rb")
    if not _safe(os.fstat(handle.fileno())):
        handle.close()
        raise PermissionError(f"{file}: not private")
    return handle


def _open(cache: Path, stamp: tuple[Any, ...], source: str) -> tuple[Header, store.Store] | None:
    """The cached header and store, or None when missing, stale, damaged or unsafe."""
    try:
        _open_trusted(cache).close()
        header, db = store.header(cache)
    except _DAMAGED:
        return None
    if not isinstance(header, Header) or (header.stamp, header.source) != (stamp, source):
        db.close()
        return None
    return header, store.Store(db, cache)


def _write(cache: Path, fill: Callable[[Path], None]) -> None:
    """``fill`` a new file, then rename it over ``cache``; never fail a command."""
    import tempfile

    tmp = None
    try:
        # Both levels private: parents=True alone would give the top one the umask's mode.
        cache.parent.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _safe(cache.parent.parent.stat()):
            return  # others could swap what we write: do not feed them a cache
        cache.parent.mkdir(mode=0o700, exist_ok=True)
        if not _trusted_folder(cache.parent):
            return
        fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=f".{cache.name}.", suffix=".tmp")
        os.close(fd)
        fill(Path(tmp))
        Path(tmp).replace(cache)
        tmp = None
    except (OSError, sqlite3.Error):
        pass  # a read-only or full disk only costs the next run its speed
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _pickles(*values: Any) -> Callable[[Path], None]:
    def fill(file: Path) -> None:
        with file.open("wb") as handle:
            for value in values:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)

    return fill


# -- the search index --------------------------------------------------------------------


def search_index(directory: Directory) -> SearchIndex:
    """The search index of ``directory``: the stored one when it came from :func:`load`."""
    from tiplookup.searchindex import SearchIndex

    known = _sources.get(id(directory))
    if known is None or known[0] is not directory:
        return SearchIndex.build(directory)  # e.g. with the user's overlay merged in
    return SearchIndex(directory, known[1])


# -- bundled data files ------------------------------------------------------------------


def cached(name: str, files: tuple[Path, ...], build: Callable[[], T]) -> T:
    """``build()``, computed once, then read back from a pickle until one of ``files``
    or tiplookup's version changes. For tables derived from data shipped with tiplookup."""
    stamps = []
    for file in files:
        st = file.stat()
        stamps.append((str(file.resolve()), st.st_size, st.st_mtime_ns))
    stamp = (FORMAT, __version__, sys.version_info[:2], name, tuple(stamps))
    from tiplookup import userdata

    cache = userdata.cache_dir() / SUBDIR / f"{name}.pickle"
    try:
        with _open_trusted(cache) as handle:
            if pickle.load(handle) == stamp:
                return cast(T, pickle.load(handle))
    except _DAMAGED:
        pass
    value = build()
    _write(cache, _pickles(stamp, value))
    return value


def toml_data(path: Path) -> dict[str, Any]:
    """A TOML data file shipped with tiplookup, parsed once, then read back from a pickle."""

    def parse() -> dict[str, Any]:
        import tomllib

        return tomllib.loads(path.read_text(encoding="utf-8"))

    return cached(f"data-{path.stem}", (path,), parse)


def _slowly(label: str, work: Callable[[], T]) -> T:
    """Run ``work``; on a terminal, a progress bar on stderr once it has taken a second."""
    if not sys.stderr.isatty():
        return work()
    from tiplookup.render import progress

    with progress.after(1.0, label):
        return work()
