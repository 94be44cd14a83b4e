"""The user's own files when the file system misbehaves: unwritable folders, a folder or
a FIFO where the overlay should be, a shared cache folder, an -o path that is not a file,
and an editor session whose text does not validate."""

from __future__ import annotations

import contextlib
import os
import pickle
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tiplookup import compiled, paths, userdata
from tiplookup.errors import UsageError

from conftest import Run

ORG = "lao-womens-union"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes, FIFOs, symlinks")


def one_line_error(stderr: str) -> bool:
    lines = stderr.splitlines()
    return len(lines) == 1 and lines[0].startswith("tiplookup: error: ")


@contextlib.contextmanager
def fifo(path: Path) -> Iterator[Path]:
    """A FIFO that a thread keeps opening for writing (never blocking) and closing: a
    reader that does open it reads an empty file instead of waiting forever, so the
    tests fail, not hang."""
    os.mkfifo(path)
    stop = threading.Event()

    def feed() -> None:
        while not stop.wait(0.005):
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no reader yet (ENXIO), or the FIFO is gone
                continue
            os.close(fd)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        yield path
    finally:
        stop.set()
        writer.join()


# --- S1: writing the overlay -----------------------------------------------------------


def test_an_overlay_folder_that_cannot_be_created_is_a_one_line_error(
    run: Run, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    home = blocker / "home"
    result = run("hide", ORG, env={"TIPLOOKUP_HOME": str(home)})
    assert result.exit_code == 2, result
    assert one_line_error(result.stderr), result
    assert f"cannot create the folder {home}" in result.stderr


def test_a_backup_that_cannot_be_written_leaves_the_overlay_untouched(
    run: Run, isolated_user_dirs: Path
) -> None:
    assert run("hide", ORG).exit_code == 0
    overlay = isolated_user_dirs / "overlay.toml"
    before = overlay.read_bytes()
    (isolated_user_dirs / "overlay.toml.bak").mkdir()
    result = run("unhide", ORG)
    assert result.exit_code == 2, result
    assert one_line_error(result.stderr), result
    assert "overlay.toml.bak" in result.stderr
    assert "Is a directory" in result.stderr
    assert overlay.read_bytes() == before


def test_a_lock_file_that_cannot_be_opened_is_a_one_line_error(
    run: Run, isolated_user_dirs: Path
) -> None:
    (isolated_user_dirs / "overlay.toml.lock").mkdir()
    result = run("hide", ORG)
    assert result.exit_code == 2, result
    assert one_line_error(result.stderr), result
    assert "overlay.toml.lock" in result.stderr
    assert not (isolated_user_dirs / "overlay.toml").exists()


# --- S2, S4: an overlay that is not a regular file -------------------------------------


@pytest.mark.parametrize("args", [("overlay", "show"), ("search", "food"), ("hide", ORG)])
def test_a_folder_named_overlay_toml_is_a_one_line_data_error(
    run: Run, isolated_user_dirs: Path, args: tuple[str, ...]
) -> None:
    (isolated_user_dirs / "overlay.toml").mkdir()
    result = run(*args)
    assert result.exit_code == 3, result
    assert one_line_error(result.stderr), result
    assert "overlay.toml" in result.stderr


@posix_only
@pytest.mark.parametrize("args", [("overlay", "show"), ("search", "food"), ("hide", ORG)])
def test_a_fifo_named_overlay_toml_is_refused_not_waited_on(
    run: Run, isolated_user_dirs: Path, args: tuple[str, ...]
) -> None:
    with fifo(isolated_user_dirs / "overlay.toml"):
        result = run(*args)
    assert result.exit_code == 3, result
    assert one_line_error(result.stderr), result
    assert "not a regular file" in result.stderr


@posix_only
def test_importing_a_fifo_is_refused_not_waited_on(
    run: Run, isolated_user_dirs: Path, tmp_path: Path
) -> None:
    with fifo(tmp_path / "shared.toml") as shared:
        result = run("overlay", "import", str(shared))
    assert result.exit_code == 3, result
    assert one_line_error(result.stderr), result
    assert "not a regular file" in result.stderr
    assert not (isolated_user_dirs / "overlay.toml").exists()


# --- S5: a cache folder others can write to --------------------------------------------


class _Planted:
    """Unpickling this creates a folder: proof that a planted pickle was run."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _plant(cache: Path, marker: Path) -> bytes:
    cache.parent.mkdir(parents=True, exist_ok=True)
    data = pickle.dumps(_Planted(marker))
    cache.write_bytes(data)
    return data


@posix_only
@pytest.mark.parametrize("shared", ["root", "subfolder", "file"])
def test_a_cache_others_can_write_is_neither_read_nor_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: str
) -> None:
    root = tmp_path / "cache"
    monkeypatch.setenv("TIPLOOKUP_CACHE", str(root))
    source = paths.bundled_path()
    cache = compiled.cache_file(source)
    marker = tmp_path / "planted-pickle-ran"
    planted = _plant(cache, marker)
    root.chmod(0o700)
    cache.parent.chmod(0o700)
    cache.chmod(0o600)
    {"root": root, "subfolder": cache.parent, "file": cache}[shared].chmod(0o777)
    directory = compiled.load(source)
    assert directory.get(ORG) is not None  # loaded from the file itself
    assert not marker.exists()
    assert sorted(p.name for p in cache.parent.iterdir()) == [cache.name]
    if shared == "file":  # a private folder: the unsafe file is replaced by a private one
        assert cache.stat().st_mode & 0o077 == 0
        assert cache.read_bytes() != planted
    else:  # no cache is written where others could swap it
        assert cache.read_bytes() == planted


@posix_only
def test_nothing_is_created_in_a_cache_folder_others_can_write(run: Run, tmp_path: Path) -> None:
    shared = tmp_path / "shared-cache"
    shared.mkdir()
    shared.chmod(0o777)
    result = run("show", ORG, env={"TIPLOOKUP_CACHE": str(shared)})
    assert result.exit_code == 0, result
    assert list(shared.iterdir()) == []


def test_a_private_cache_is_still_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIPLOOKUP_CACHE", str(tmp_path / "cache"))
    source = paths.bundled_path()
    compiled.load(source)
    cache = compiled.cache_file(source)
    assert compiled._open(cache, compiled.code_stamp(), str(source.resolve())) is not None


# --- S6: -o paths that are not regular files -------------------------------------------


@posix_only
def test_force_does_not_replace_a_symlink(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "out.toml"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="is not a regular file; refusing to replace it"):
        userdata.write_output(link, b"new", force=True)
    assert link.is_symlink()
    assert target.read_text() == "keep me"


@posix_only
def test_force_does_not_replace_a_dangling_symlink(tmp_path: Path) -> None:
    link = tmp_path / "out.toml"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(UsageError, match="not a regular file"):
        userdata.write_output(link, b"new", force=True)
    assert link.is_symlink()


@posix_only
def test_force_does_not_replace_a_fifo(tmp_path: Path) -> None:
    pipe = tmp_path / "out.toml"
    os.mkfifo(pipe)
    with pytest.raises(UsageError, match="is not a regular file; refusing to replace it"):
        userdata.write_output(pipe, b"new", force=True)
    assert pipe.is_fifo()


@posix_only
def test_export_to_a_symlink_is_refused_on_the_command_line(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "out.json"
    link.symlink_to(target)
    result = run("export", "-f", "json", "-o", str(link), "--force")
    assert result.exit_code == 2, result
    assert one_line_error(result.stderr), result
    assert link.is_symlink() and target.read_text() == "keep me"


def test_force_still_replaces_a_regular_file(tmp_path: Path) -> None:
    out = tmp_path / "out.toml"
    out.write_text("old")
    userdata.write_output(out, b"new", force=True)
    assert out.read_bytes() == b"new"


# --- S7: an editor session that does not validate keeps the user's typing --------------


def _editor(tmp_path: Path, text: str | None) -> str:
    """An editor that types ``text`` (None: renames Adjudicate to Judges) and notes the
    file it was given in ``edited-path``."""
    script = tmp_path / "fake_editor.py"
    typing = (
        f"p.write_text({text!r})"
        if text is not None
        else "p.write_text(p.read_text().replace('Adjudicate', 'Judges'))"
    )
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[-1])\n"
        f"{typing}\n"
        f"pathlib.Path({str(tmp_path / 'edited-path')!r}).write_text(sys.argv[-1])\n"
    )
    return f"{sys.executable} {script}"


@pytest.mark.parametrize(
    "typed",
    [
        '[[organization]]\nid = "lao-womens-union"\nname = "LWU"\nkind = "court"\n',
        "[[organization]\nnot toml at all",
        '[[organization]]\nid = "lao-womens-union"\nparent = "no-such-id"\n',
    ],
)
def test_a_refused_edit_keeps_the_edited_text_and_names_its_file(
    run: Run, isolated_user_dirs: Path, tmp_path: Path, typed: str
) -> None:
    result = run("edit", ORG, "--editor", env={"EDITOR": _editor(tmp_path, typed)})
    assert result.exit_code == 2, result
    assert one_line_error(result.stderr), result
    kept = Path((tmp_path / "edited-path").read_text())
    try:
        assert str(kept) in result.stderr
        assert kept.read_text() == typed
    finally:
        kept.unlink(missing_ok=True)
    assert not (isolated_user_dirs / "overlay.toml").exists()


def test_an_accepted_edit_removes_its_temporary_file(
    run: Run, isolated_user_dirs: Path, tmp_path: Path
) -> None:
    result = run("edit", "criminal-chamber", "--editor", env={"EDITOR": _editor(tmp_path, None)})
    assert result.exit_code == 0, result
    assert "Judges criminal case" in run("show", "criminal-chamber").stdout
    assert not Path((tmp_path / "edited-path").read_text()).exists()
