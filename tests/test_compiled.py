"""The compiled directory cache: used when current, rebuilt when anything it depends on changes,
and never an error when it is damaged."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tiplookup import compiled
from tiplookup import directory as directory_module
from tiplookup.errors import DataError, ValidationFailed

ENTRY = """
[[organization]]
id = "{id}"
name = "{name}"
kind = "ngo"
services = ["shelter"]
"""

Loads = list[Path]


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> Loads:
    """Every time the slow path (read TOML and validate) runs, the file it read."""
    seen: Loads = []
    real = directory_module.load

    real_bytes = directory_module.load_bytes

    def counting(path: Path | None = None) -> object:
        seen.append(Path(str(path)))
        return real(path)

    def counting_bytes(data: bytes, path: Path) -> object:
        seen.append(Path(str(path)))
        return real_bytes(data, path)

    monkeypatch.setattr(directory_module, "load", counting)
    monkeypatch.setattr(directory_module, "load_bytes", counting_bytes)
    return seen


@pytest.fixture
def old_file(write_directory: Callable[..., Path]) -> Path:
    """A directory file last changed long ago (not 'racy')."""
    path = write_directory(ENTRY.format(id="sengsavang", name="Sengsavang"))
    os.utime(path, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    return path


def test_second_load_comes_from_the_cache(old_file: Path, loads: Loads) -> None:
    first = compiled.load(old_file)
    second = compiled.load(old_file)
    assert second == first
    assert [o.id for o in second.organizations] == ["sengsavang"]
    assert loads == [old_file]
    assert compiled.cache_file(old_file).is_file()


def test_cache_lives_under_tiplookup_cache(old_file: Path, isolated_user_dirs: Path) -> None:
    compiled.load(old_file)
    assert compiled.cache_file(old_file).is_relative_to(isolated_user_dirs / "cache")


def test_a_changed_file_is_detected(old_file: Path, loads: Loads) -> None:
    compiled.load(old_file)
    old_file.write_text(ENTRY.format(id="lao-womens-union", name="Lao Women's Union"), "utf-8")
    assert [o.id for o in compiled.load(old_file).organizations] == ["lao-womens-union"]
    assert len(loads) == 2


def test_same_size_same_mtime_change_is_caught_when_racy(
    write_directory: Callable[..., Path], loads: Loads
) -> None:
    # Written just now: the cache cannot trust the clock and checks the hash next time.
    path = write_directory(ENTRY.format(id="aaaa", name="Aaaa"))
    compiled.load(path)
    before = path.stat()
    path.write_text(ENTRY.format(id="bbbb", name="Bbbb"), "utf-8")  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # same time
    assert [o.id for o in compiled.load(path).organizations] == ["bbbb"]


def test_a_touched_file_with_the_same_content_is_not_rebuilt(old_file: Path, loads: Loads) -> None:
    compiled.load(old_file)
    os.utime(old_file, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    compiled.load(old_file)
    compiled.load(old_file)
    assert loads == [old_file]


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle at all", b"\x80\x05\x95garbage", "truncate"],
    ids=["empty", "text", "bad-pickle", "truncated"],
)
def test_a_damaged_cache_is_ignored_and_rebuilt(
    old_file: Path, loads: Loads, damage: bytes | str
) -> None:
    first = compiled.load(old_file)
    cache = compiled.cache_file(old_file)
    data = cache.read_bytes()
    cache.write_bytes(data[: len(data) // 2] if damage == "truncate" else damage)  # type: ignore[arg-type]
    assert compiled.load(old_file) == first
    assert len(loads) == 2
    assert compiled.load(old_file) == first  # the rebuilt cache is good again
    assert len(loads) == 2


def test_a_version_stamp_mismatch_rebuilds(
    old_file: Path, loads: Loads, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled.load(old_file)
    monkeypatch.setattr(compiled, "__version__", "999.0")
    compiled.load(old_file)
    assert len(loads) == 2


def test_a_changed_loader_module_rebuilds(
    old_file: Path, loads: Loads, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled.load(old_file)
    real = compiled.code_stamp()
    monkeypatch.setattr(compiled, "code_stamp", lambda: (*real[:-1], (("directory.py", 1, 2),)))
    compiled.load(old_file)
    assert len(loads) == 2


def test_an_invalid_file_is_refused_and_not_cached(write_directory: Callable[..., Path]) -> None:
    path = write_directory(ENTRY.format(id="Bad Id", name="X"))
    with pytest.raises(ValidationFailed):
        compiled.load(path)
    assert not compiled.cache_file(path).exists()


def test_a_missing_file_gives_the_loaders_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such directory file"):
        compiled.load(tmp_path / "nowhere.toml")


def test_an_unwritable_cache_folder_only_costs_speed(
    old_file: Path, loads: Loads, isolated_user_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = isolated_user_dirs / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", "utf-8")
    monkeypatch.setenv("TIPLOOKUP_CACHE", str(blocker))
    assert [o.id for o in compiled.load(old_file).organizations] == ["sengsavang"]
    assert [o.id for o in compiled.load(old_file).organizations] == ["sengsavang"]
    assert len(loads) == 2


def test_the_cli_uses_the_cache(old_file: Path, loads: Loads, run: Callable[..., Any]) -> None:
    compiled.load(old_file)
    result = run("--directory", str(old_file), "refer", "--needs", "shelter")
    assert result.exit_code == 0, result
    assert "Sengsavang" in result.stdout
    assert loads == [old_file]


def test_the_cli_reports_a_bad_file_through_the_cache(
    write_directory: Callable[..., Path], run: Callable[..., Any]
) -> None:
    path = write_directory(ENTRY.format(id="Bad Id", name="X"))
    result = run("--directory", str(path), "refer", "--needs", "shelter")
    assert result.exit_code == 3
    assert result.stderr.startswith("tiplookup: error: ")
    assert "must be a slug" in result.stderr


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every time a search index is built from organisations, how many there were."""
    from tiplookup import searchindex

    seen: list[int] = []
    real = searchindex.build

    def counting(orgs: Any) -> searchindex.Built:
        seen.append(len(orgs))
        return real(orgs)

    monkeypatch.setattr(searchindex, "build", counting)
    return seen


def test_the_search_index_is_stored_with_the_directory(old_file: Path, builds: list[int]) -> None:
    from tiplookup import search, store

    first = compiled.search_index(compiled.load(old_file))
    again = compiled.load(old_file)
    second = compiled.search_index(again)
    assert builds == [1]  # built once, on the first (cold) load
    assert second.directory is again
    assert isinstance(second.source, store.Store) and not isinstance(first.source, store.Store)
    assert second.vocabulary == first.vocabulary
    assert search.search(again, "sengsavang", index=second).hits[0].org.id == "sengsavang"


def test_a_damaged_or_stale_store_is_rebuilt(
    old_file: Path, builds: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    compiled.search_index(compiled.load(old_file))
    compiled.cache_file(old_file).write_bytes(b"SQLite format 3\x00garbage")
    compiled.search_index(compiled.load(old_file))
    assert builds == [1, 1]
    real = compiled.code_stamp
    monkeypatch.setattr(compiled, "code_stamp", lambda names=(): (*real(names), "search.py v2"))
    compiled.search_index(compiled.load(old_file))
    assert builds == [1, 1, 1]


def test_an_index_is_never_reused_for_another_directory(old_file: Path, builds: list[int]) -> None:
    from dataclasses import replace

    loaded = compiled.load(old_file)
    compiled.search_index(loaded)
    merged = replace(loaded, organizations=())  # like an overlay merge
    assert compiled.search_index(merged).directory is merged
    assert builds == [1, 0]


def test_bundled_data_is_read_back_from_the_cache(tmp_path: Path, isolated_user_dirs: Path) -> None:
    data = tmp_path / "data.toml"
    data.write_text('[meta]\nname = "one"\n', "utf-8")
    assert compiled.toml_data(data) == {"meta": {"name": "one"}}
    caches = list((isolated_user_dirs / "cache" / compiled.SUBDIR).glob("data-data.pickle"))
    assert caches
    caches[0].write_bytes(b"damaged")
    assert compiled.toml_data(data) == {"meta": {"name": "one"}}
    data.write_text('[meta]\nname = "two, longer"\n', "utf-8")
    assert compiled.toml_data(data) == {"meta": {"name": "two, longer"}}


def test_derived_tables_are_rebuilt_when_their_inputs_change(tmp_path: Path) -> None:
    source = tmp_path / "input.txt"
    source.write_text("a", "utf-8")
    calls: list[str] = []

    def build() -> str:
        calls.append(source.read_text("utf-8"))
        return calls[-1] * 2

    assert compiled.cached("test-table", (source,), build) == "aa"
    assert compiled.cached("test-table", (source,), build) == "aa"
    source.write_text("bcd", "utf-8")
    assert compiled.cached("test-table", (source,), build) == "bcdbcd"
    assert calls == ["a", "bcd"]


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal (POSIX)")
def test_a_slow_first_run_shows_a_progress_bar_on_a_terminal(
    old_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys
    import threading

    real = compiled._compile
    finished = threading.Event()

    def slow(*args: Any) -> Any:
        finished.wait(timeout=10)  # until the bar has been drawn (or 10 s)
        return real(*args)

    monkeypatch.setattr(compiled, "_compile", slow)
    main, secondary = os.openpty()
    terminal = os.fdopen(secondary, "w", encoding="utf-8")
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setenv("TERM", "xterm")
    drawn = bytearray()

    def read_until_drawn() -> None:
        while b"compiling it" not in drawn:
            drawn.extend(os.read(main, 4096))
        finished.set()

    reader = threading.Thread(target=read_until_drawn, daemon=True)
    reader.start()
    directory = compiled.load(old_file)
    reader.join(timeout=5)
    terminal.close()
    os.close(main)
    assert [o.id for o in directory.organizations] == ["sengsavang"]
    assert b"First run on directory.toml: compiling it" in drawn


def test_a_store_damaged_after_it_was_opened_is_removed_and_reported(
    old_file: Path, run: Callable[..., Any]
) -> None:
    import sqlite3

    assert run("--directory", str(old_file), "show", "sengsavang").exit_code == 0  # compiled
    store_file = compiled.cache_file(old_file)
    db = sqlite3.connect(store_file)
    db.execute("UPDATE record SET value = x'8005deadbeef'")  # the header still reads fine
    db.commit()
    db.close()
    result = run("--directory", str(old_file), "show", "sengsavang")
    assert result.exit_code == 3
    assert result.stderr.startswith("tiplookup: error: the compiled copy of the directory was")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not store_file.exists()  # a derived file: removed, so the next run rebuilds it
    again = run("--directory", str(old_file), "show", "sengsavang")
    assert again.exit_code == 0 and "Sengsavang" in again.stdout


@pytest.mark.parametrize(
    ("damage", "args"),
    [
        ("UPDATE record SET crc = crc + 1", ["show", "sengsavang"]),  # a changed byte
        ("UPDATE word SET crc = crc + 1", ["search", "shelter"]),
        ("UPDATE part SET crc = crc + 1 WHERE name = 'offers'", ["refer", "--needs", "shelter"]),
        ("DELETE FROM record", ["list"]),  # a record gone missing
        ("UPDATE record SET value = ?, crc = ?", ["show", "sengsavang"]),  # not a record
    ],
    ids=["record", "postings", "part", "missing-record", "wrong-type"],
)
def test_damage_found_while_reading_is_one_line_never_a_wrong_answer(
    old_file: Path, run: Callable[..., Any], damage: str, args: list[str]
) -> None:
    import pickle
    import sqlite3
    import zlib

    assert run("--directory", str(old_file), *args).exit_code == 0  # compiles the store
    store_file = compiled.cache_file(old_file)
    db = sqlite3.connect(store_file)
    wrong = pickle.dumps(42)  # a valid pickle with a valid checksum, but not an organisation
    db.execute(damage, (wrong, zlib.crc32(wrong)) if "?" in damage else ())
    db.commit()
    db.close()
    result = run("--directory", str(old_file), *args)
    assert result.exit_code == 3, result
    assert result.stderr.startswith("tiplookup: error: the compiled copy of the directory was")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not store_file.exists()
    assert run("--directory", str(old_file), *args).exit_code == 0  # rebuilt


def test_a_file_with_crlf_line_ends_compiles_to_what_the_loader_reads(
    write_directory: Callable[..., Path],
) -> None:
    text = ENTRY.format(id="sengsavang", name="Sengsavang") + ENTRY.format(id="lwu", name="LWU")
    path = write_directory(text.replace("\n", "\r\n"))
    assert compiled.load(path) == directory_module.load(path)  # cold: from the hashed bytes
    assert compiled.load(path) == directory_module.load(path)  # warm


def test_a_directory_with_local_changes_is_compiled_too(
    write_directory: Callable[..., Path], run: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from tiplookup import overlay

    text = ENTRY.format(id="sengsavang", name="Sengsavang") + ENTRY.format(id="lwu", name="LWU")
    path = write_directory(text)
    merges: list[int] = []
    real = overlay.merge

    def counting(*args: Any) -> Any:
        merges.append(1)
        return real(*args)

    monkeypatch.setattr(overlay, "merge", counting)

    def ids() -> list[str]:
        result = run("--directory", str(path), "list", "--format", "json")
        assert result.exit_code == 0, result
        return sorted(o["id"] for o in json.loads(result.stdout)["organizations"])

    assert run("--directory", str(path), "hide", "lwu").exit_code == 0
    merges.clear()
    assert ids() == ["sengsavang"]  # merged, indexed and stored
    assert ids() == ["sengsavang"]  # read back: no merge
    assert merges == [1]
    assert run("--directory", str(path), "show", "lwu").stderr.startswith(
        "tiplookup: error: 'lwu' is hidden by your overlay"
    )
    assert run("--directory", str(path), "unhide", "lwu").exit_code == 0
    merges.clear()
    assert ids() == ["lwu", "sengsavang"]  # the overlay changed: merged again
    assert merges == [1]
    path.write_text(text + ENTRY.format(id="vfi", name="VFI"), "utf-8")
    assert ids() == ["lwu", "sengsavang", "vfi"]  # the directory changed: merged again
    assert merges == [1, 1]


@pytest.mark.parametrize(
    ("damage", "args"),
    [
        # two records' ids swapped: show must not print the other organisation's card
        (
            "UPDATE record SET id = CASE id WHEN 'sengsavang' THEN 'lwu' ELSE 'sengsavang' END",
            ["show", "sengsavang"],
        ),
        ("UPDATE word SET word = word || 'x'", ["search", "sengsavang"]),  # a renamed key
    ],
    ids=["swapped-ids", "renamed-word"],
)
def test_damaged_keys_are_found_too(
    write_directory: Callable[..., Path], run: Callable[..., Any], damage: str, args: list[str]
) -> None:
    import sqlite3

    text = ENTRY.format(id="sengsavang", name="Sengsavang") + ENTRY.format(id="lwu", name="LWU")
    path = write_directory(text)
    assert run("--directory", str(path), *args).exit_code == 0
    db = sqlite3.connect(compiled.cache_file(path))
    db.execute(damage)
    db.commit()
    db.close()
    result = run("--directory", str(path), *args)
    assert result.exit_code == 3, result
    assert result.stderr.startswith("tiplookup: error: the compiled copy of the directory was")
    assert "LWU" not in result.stdout
