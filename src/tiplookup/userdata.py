"""Where the user's own files live, and how they are written without ever losing one.

Paths are resolved on each call (never at import time): ``$TIPLOOKUP_HOME`` wins,
then ``platformdirs``. Writes go to a temporary file in the same folder, are fsynced,
then renamed over the old file, whose previous contents are kept as ``<name>.bak``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from tiplookup.errors import UsageError

HOME_VAR = "TIPLOOKUP_HOME"
CACHE_VAR = "TIPLOOKUP_CACHE"
OVERLAY_NAME = "overlay.toml"


def user_dir() -> Path:
    """The folder for the user's overlay: ``$TIPLOOKUP_HOME``, else the platform's data dir."""
    env = os.environ.get(HOME_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_path("tiplookup"))


def cache_dir() -> Path:
    """The folder for caches: ``$TIPLOOKUP_CACHE``, else the platform's cache dir."""
    env = os.environ.get(CACHE_VAR)
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_path("tiplookup"))


def overlay_path() -> Path:
    return user_dir() / OVERLAY_NAME


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def ensure_dir(folder: Path) -> None:
    """Create ``folder`` (private to the user) if it does not exist yet."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise _unwritable(f"cannot create the folder {folder}", exc) from None


def _unwritable(what: str, exc: OSError) -> UsageError:
    """A one-line error for a write that the operating system refused."""
    reason = exc.strerror or type(exc).__name__
    return UsageError(f"{what}: {reason}", hint="nothing was changed")


def regular_file(path: Path) -> os.stat_result | None:
    """``path``'s status when it is a regular file; None when nothing is there.

    Anything else (a folder, a FIFO, a device, a socket) is refused with an OSError
    before it is opened: reading a FIFO would wait forever.
    """
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # no file, or no folder to hold one
        return None
    if not stat.S_ISREG(status.st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return status


def atomic_write(
    path: Path,
    data: bytes,
    *,
    mode: int = 0o600,
    backup: bool = True,
    validate: Callable[[bytes], None] | None = None,
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old or the new file.

    ``validate`` runs first and may raise; then nothing is touched. The previous
    contents are kept as ``<name>.bak`` (written the same careful way).
    """
    if validate is not None:
        validate(data)
    ensure_dir(path.parent)
    target = path
    try:
        if backup and regular_file(path) is not None:
            old = path.read_bytes()
            target = backup_path(path)
            _replace(target, old, mode)
        target = path
        _replace(path, data, mode)
    except OSError as exc:
        raise _unwritable(f"cannot write {target}", exc) from None


def _replace(path: Path, data: bytes, mode: int, *, overwrite: bool = True) -> None:
    import tempfile  # only when writing: a start-up saving (issue 7)

    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(mode)
        if overwrite:
            tmp.replace(path)
        else:
            _place_new(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    _fsync_dir(path.parent)


def _place_new(tmp: Path, path: Path) -> None:
    """Rename into place, but never over a file that appeared meanwhile."""
    try:
        path.hardlink_to(tmp)
    except OSError:  # the name is taken, or no hard links here (FAT, some shares)
        if os.path.lexists(path):
            raise FileExistsError(str(path)) from None
        tmp.replace(path)


def check_output(path: Path, *, force: bool) -> None:
    """Refuse, before any work is done, an output file that cannot or must not be written."""
    try:
        status: os.stat_result | None = path.lstat()
    except OSError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        raise UsageError(f"{path} is a folder; give a file name after -o")
    if status is not None and not stat.S_ISREG(status.st_mode):
        raise UsageError(f"{path} is not a regular file; refusing to replace it")
    if status is not None and not force:
        raise UsageError(f"{path} already exists; add --force to overwrite it")
    if not path.parent.is_dir():
        raise UsageError(f"cannot write {path}: no folder {path.parent}")


def write_output(path: Path, data: bytes, *, force: bool, mode: int = 0o644) -> None:
    """Write a file the user named with -o: atomically, and over an existing file only
    with ``force``."""
    check_output(path, force=force)
    try:
        _replace(path, data, mode, overwrite=force)
    except FileExistsError:
        raise UsageError(f"{path} already exists; add --force to overwrite it") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def _fsync_dir(folder: Path) -> None:
    if sys.platform == "win32":  # folders cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``<path>.lock`` for a read-modify-write of ``path``.

    Another tiplookup process that wants to write waits until this one is done,
    so two edits made at the same moment are both kept.
    """
    ensure_dir(path.parent)
    lock_file = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise _unwritable(f"cannot open the lock file {lock_file}", exc) from None
    try:
        try:
            _lock(fd)
        except OSError as exc:
            raise _unwritable(f"cannot lock {lock_file}", exc) from None
        try:
            yield
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


if sys.platform == "win32":

    def _lock(fd: int) -> None:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:  # LK_LOCK gives up after ~10 s; keep waiting
                continue

    def _unlock(fd: int) -> None:
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:

    def _lock(fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)

    def _unlock(fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_UN)
