"""Atomic file writes: a temporary file in the target's folder, then ``os.replace``.

``os.replace`` within one folder (one file system) is atomic, so a reader sees either the
old file or the complete new one; a failure or cancellation before the rename deletes the
temporary file and leaves any older file exactly as it was. Temporary files are named
``.nnviz-tmp-<name>.XXXX.tmp``; those a killed process left behind (older than
:data:`STALE_SECONDS`) are removed by the next write into the same folder, and by the app's
start-up sweep of the folders it writes to (:func:`sweep_stale_temp_files`).
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import BinaryIO, Callable

from .errors import ExportError

_DEFAULT_MODE = 0o644  # what a new file gets; an existing file keeps its own mode
TEMP_PREFIX, TEMP_SUFFIX = ".nnviz-tmp-", ".tmp"
STALE_SECONDS = 60.0  # a write in progress is younger; an older one was killed mid-write


def atomic_write(path, write: Callable[[BinaryIO], None]) -> Path:
    """Call ``write(f)`` on a temporary binary file beside ``path``, then rename it over ``path``.

    Raises :class:`ExportError` with a message naming the path when the folder is missing or
    unwritable or ``path`` is a folder. Any exception from ``write`` propagates after the
    temporary file is removed.
    """
    path = Path(path).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    try:  # the checks themselves fail on a name too long or a folder that cannot be read
        if path.is_dir():
            raise ExportError(f"Cannot write {path}: it is a folder. Give a file name, such as "
                              f"{path / 'weights.npz'}.", path)
        if not folder.is_dir():
            raise ExportError(f"Cannot write {path}: the folder {folder} does not exist. "
                              "Create it first or choose another folder.", path)
    except OSError as exc:
        raise _export_error(path, exc) from exc
    sweep_stale_temp_files(folder)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{_name_start(path.name)}.",
                                        suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _export_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else _DEFAULT_MODE
        os.chmod(tmp, mode)  # mkstemp makes 0600 files
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and not isinstance(exc, ExportError):
            raise _export_error(path, exc) from exc
        raise
    return path


def sweep_stale_temp_files(folder, older_than: float = STALE_SECONDS) -> list[Path]:
    """Delete our own temporary files in ``folder`` older than ``older_than`` seconds (left by
    an export that was killed); only regular files with our prefix and suffix. Returns them.
    Never raises: a folder that is missing or unreadable has nothing to sweep."""
    removed = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not (entry.name.startswith(TEMP_PREFIX) and entry.name.endswith(TEMP_SUFFIX)):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > older_than:
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue  # gone already, or not ours to remove
    return removed


sweep_stale_temporaries = sweep_stale_temp_files  # the name before start-up sweeps existed


def atomic_write_text(path, text: str) -> Path:
    return atomic_write(path, lambda f: f.write(text.encode("utf-8")))


def _export_error(path: Path, exc: OSError) -> ExportError:
    if exc.errno == errno.ENAMETOOLONG:
        return ExportError(_name_too_long(path), path)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "permission denied" if exc.errno != errno.EROFS else "the disk is read-only"
        return ExportError(f"Cannot write {path}: {why}. Choose a folder you can write to, "
                           "such as your home or Documents folder.", path)
    if exc.errno == errno.ENOSPC:
        return ExportError(f"Cannot write {path}: the disk is full. Free some space or choose "
                           "another disk; any older file there is unchanged.", path)
    return ExportError(f"Cannot write {path}: {exc.strerror or exc}. Choose another location; "
                       "any older file there is unchanged.", path)


def _name_start(name: str, max_bytes: int = 80) -> str:
    """The start of ``name`` in at most ``max_bytes`` bytes, so that a name the file system
    allows still allows its temporary file (which adds a prefix and a suffix)."""
    return os.fsencode(name)[:max_bytes].decode("utf-8", "ignore")


def _name_too_long(path: Path) -> str:
    try:
        limit = os.pathconf(path.parent if path.parent.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    longest = max(path.parts, key=lambda part: len(os.fsencode(part)))
    size = len(os.fsencode(longest))
    if size > limit:
        return (f"Cannot write {_short(path)}: the name {_short(longest)} is {size} bytes long; "
                f"this file system allows at most {limit}. Choose a shorter name.")
    return (f"Cannot write {_short(path)}: the path is {len(os.fsencode(path))} bytes long, "
            "more than this file system allows. Choose a shorter name or a folder nearer the "
            "top.")


def _short(path) -> str:
    """A long name shortened for a message: its start and its end."""
    text = str(path)
    return text if len(text) <= 60 else text[:30] + "…" + text[-25:]
