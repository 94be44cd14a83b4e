"""The compiled directory on disk: one SQLite file, read on demand (issue 7).

A warm start must not rebuild 100,000 organisations to show ten. The store keeps each
organisation as its own pickle, numbered as in the directory file, beside the parts and
lookups of its search index (:mod:`tiplookup.searchindex`). A command reads the few parts
it needs and builds only the organisations it prints: :class:`Records` is a lazy sequence
standing in for ``Directory.organizations``.

Tables (every ``value`` is a pickle):

- ``part(name, value)``: the header (see :mod:`tiplookup.compiled`), the directory's own
  fields, and each index part;
- ``record(n, id, value)``: organisation ``n``;
- ``word(word, key, value)``: a word's postings and its romanised spelling (``key``);
- ``name(form, value)``: the organisations with this name form.

Files are written whole under a temporary name and renamed into place; readers open them
read-only. The folder's privacy is checked by :mod:`tiplookup.compiled` before any read,
as pickles must only be read from a folder no one else can write to.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import zlib
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from tiplookup.errors import DataError
from tiplookup.model import Directory, Organization

if TYPE_CHECKING:  # a warm `show` by id needs none of the search code
    from tiplookup.searchindex import Built, NameEntry, Postings

_SCHEMA = """
CREATE TABLE part (name TEXT PRIMARY KEY, value BLOB NOT NULL, crc INTEGER NOT NULL);
CREATE TABLE record (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, value BLOB NOT NULL, crc INTEGER NOT NULL
);
CREATE TABLE word (
    word TEXT PRIMARY KEY, key TEXT NOT NULL, value BLOB NOT NULL, crc INTEGER NOT NULL
);
CREATE TABLE name (form TEXT PRIMARY KEY, value BLOB NOT NULL, crc INTEGER NOT NULL);
"""
_INDEXES = """
CREATE INDEX record_id ON record (id);
CREATE INDEX word_key ON word (key);
"""
# The key columns of each table, the one looked up first.
_KEYS = {"part": ("name",), "record": ("n", "id"), "word": ("word", "key"), "name": ("form",)}
_DIRECTORY_FIELDS = (
    "path",
    "source_name",
    "source_url",
    "retrieved",
    "retrieved_note",
    "citations",
)
_BATCH = 2_000  # organisations read per query when iterating


# Damaged bytes can make pickle (or SQLite) raise almost anything.
DAMAGED = (
    sqlite3.Error,
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    AttributeError,
    ImportError,
    TypeError,
    IndexError,
    KeyError,
    MemoryError,
    OverflowError,
)


class StoreDamaged(DataError):
    """The compiled cache could not be read after it was opened."""


def _dump(value: Any, *keys: Any) -> tuple[bytes, int]:
    """A value as stored: its pickle, and a CRC-32 of the row's keys and the pickle, checked
    on every read, so that a damaged byte is an error rather than a wrong phone number or
    another organisation's card."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return data, _crc(keys, data)


def _crc(keys: tuple[Any, ...], data: bytes) -> int:
    return zlib.crc32("\x1f".join(map(str, keys)).encode() + b"\x1e" + data)


def write(
    file: Path,
    header: Any,
    directory: Directory,
    built: Built,
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Write ``directory`` and its index to ``file`` (a new file, renamed into place by the
    caller), with ``extra`` parts the caller reads back with :meth:`Store.part`."""
    db = sqlite3.connect(file)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        fields = {name: getattr(directory, name) for name in _DIRECTORY_FIELDS}
        parts = {"header": header, "directory": fields, **built.parts, **(extra or {})}
        db.executemany(
            "INSERT INTO part VALUES (?, ?, ?)", ((k, *_dump(v, k)) for k, v in parts.items())
        )
        db.executemany(
            "INSERT INTO record VALUES (?, ?, ?, ?)",
            ((n, org.id, *_dump(org, n, org.id)) for n, org in enumerate(directory.organizations)),
        )
        keys = {word: key for key, words in built.keys.items() for word in words}
        db.executemany(
            "INSERT INTO word VALUES (?, ?, ?, ?)",
            (
                (word, keys[word], *_dump(postings, word, keys[word]))
                for word, postings in built.words.items()
            ),
        )
        db.executemany(
            "INSERT INTO name VALUES (?, ?, ?)",
            ((form, *_dump(entries, form)) for form, entries in built.forms.items()),
        )
        db.executescript(_INDEXES)
        db.commit()
    finally:
        db.close()


def _checked(row: tuple[Any, ...], load: bool = True) -> tuple[Any, ...]:
    """A stored row (its keys, then a value and its CRC) with the CRC checked: the keys, and
    the value unpickled (``load``) or left out."""
    *keys, data, crc = row
    if _crc(tuple(keys), data) != crc:
        raise ValueError("checksum mismatch")
    return (*keys, pickle.loads(data)) if load else tuple(keys)


def header(file: Path) -> tuple[Any, sqlite3.Connection]:
    """The header of ``file`` and a read-only connection to the rest. Raises
    ``sqlite3.Error`` (or whatever unpickling raises) when the file is not a store."""
    from urllib.parse import quote

    db = sqlite3.connect(f"file:{quote(str(file))}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT name, value, crc FROM part WHERE name = 'header'").fetchone()
        if row is None:
            raise sqlite3.DatabaseError("no header")
        return _checked(row)[-1], db
    except BaseException:
        db.close()
        raise


def restamp(file: Path, new: Any) -> None:
    """Replace the header of ``file`` in place."""
    db = sqlite3.connect(file)
    try:
        db.execute("UPDATE part SET value = ?, crc = ? WHERE name = 'header'", _dump(new, "header"))
        db.commit()
    finally:
        db.close()


class Store:
    """An open store: the directory it holds, and its index's parts and lookups.

    Every read goes through :meth:`_rows`: whatever a damaged file makes SQLite or pickle
    raise becomes one :class:`StoreDamaged`, and the file is removed so that the next run
    rebuilds it.
    """

    def __init__(self, db: sqlite3.Connection, file: Path) -> None:
        self.db = db
        self.file = file

    def close(self) -> None:
        self.db.close()

    def _rows(self, sql: str, *args: Any, load: bool = True) -> list[tuple[Any, ...]]:
        """The stored rows a query selects (keys, value, CRC), checked: see :func:`_checked`."""
        try:
            return [_checked(row, load) for row in self.db.execute(sql, args).fetchall()]
        except DAMAGED as exc:
            raise self._damaged(exc) from None

    def _one(self, table: str, key: Any) -> Any:
        """The value stored in ``table`` under ``key``; None if there is none."""
        column = _KEYS[table][0]
        keys = ", ".join(_KEYS[table])
        rows = self._rows(f"SELECT {keys}, value, crc FROM {table} WHERE {column} = ?", key)
        return rows[0][-1] if rows else None

    def _damaged(self, exc: Exception) -> StoreDamaged:
        self.db.close()
        with contextlib.suppress(OSError):
            self.file.unlink(missing_ok=True)  # a derived file: the next run rebuilds it
        return StoreDamaged(
            f"the compiled copy of the directory was damaged ({type(exc).__name__}); "
            "it has been removed: run the command again"
        )

    def directory(self) -> Directory:
        fields = self._one("part", "directory")
        count = self.part("count")
        if not isinstance(fields, dict) or not isinstance(count, int):
            raise self._damaged(LookupError("directory"))
        records = Records(self, count)
        return Directory(records, **fields)

    # -- the search index's Source ---------------------------------------------------------

    def part(self, name: str) -> Any:
        return self._one("part", name)

    def postings(self, word: str) -> Postings | None:
        found = self._one("word", word)
        if found is None:  # only words of the stored vocabulary are asked for
            raise self._damaged(LookupError(word))
        return found  # type: ignore[no-any-return]

    def spellings(self, key: str) -> list[str]:
        sql = "SELECT word, key, value, crc FROM word WHERE key = ? ORDER BY word"
        return [word for word, _ in self._rows(sql, key, load=False)]

    def names(self, form: str) -> list[NameEntry]:
        return self._one("name", form) or []

    # -- organisations ---------------------------------------------------------------------

    def record(self, n: int) -> Organization:
        rows = self._rows("SELECT n, id, value, crc FROM record WHERE n = ?", n)
        if not rows:
            raise self._damaged(LookupError(n))
        _, org_id, org = rows[0]
        return self._organization(org, org_id)

    def number_of(self, org_id: str) -> int | None:
        sql = "SELECT n, id, value, crc FROM record WHERE id = ?"
        rows = self._rows(sql, org_id, load=False)
        return int(rows[0][0]) if rows else None

    def records(self, start: int) -> list[tuple[int, Organization]]:
        sql = "SELECT n, id, value, crc FROM record WHERE n >= ? ORDER BY n LIMIT ?"
        rows = self._rows(sql, start, _BATCH)
        if not rows or [n for n, _, _ in rows] != list(range(start, start + len(rows))):
            raise self._damaged(LookupError(start))  # a record is missing
        return [(n, self._organization(org, org_id)) for n, org_id, org in rows]

    def _organization(self, value: Any, org_id: str) -> Organization:
        if not isinstance(value, Organization) or value.id != org_id:
            raise self._damaged(LookupError(org_id))
        return value


class Records(Sequence[Organization]):
    """``Directory.organizations`` read from a store: each organisation built when asked
    for, and kept."""

    def __init__(self, store: Store, count: int) -> None:
        self._store = store
        self._count = count
        self._built: dict[int, Organization] = {}

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, n: int) -> Organization: ...
    @overload
    def __getitem__(self, n: slice) -> Sequence[Organization]: ...

    def __getitem__(self, n: int | slice) -> Organization | Sequence[Organization]:
        if isinstance(n, slice):
            return tuple(self[i] for i in range(*n.indices(self._count)))
        if n < 0:
            n += self._count
        if not 0 <= n < self._count:
            raise IndexError(n)
        org = self._built.get(n)
        if org is None:
            org = self._built[n] = self._store.record(n)
        return org

    def __iter__(self) -> Iterator[Organization]:
        start = 0
        while start < self._count:
            batch = self._store.records(start)
            for n, org in batch:
                yield self._built.get(n, org)
            start = batch[-1][0] + 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def find(self, org_id: str) -> Organization | None:
        n = self._store.number_of(org_id)
        return None if n is None else self[n]
