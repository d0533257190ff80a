"""The one atomic writer: readers never see half a file.

:func:`write_atomic` writes to a temporary file in the target's folder and renames it over the
target, so a reader sees the old content or the new, never a mix, and a failure (a full disk, a
read-only folder) leaves the old file as it was. Around that:

* a symlink is written through: its target is replaced, the link stays;
* only regular files are replaced: a directory, a device node (``/dev/null``), a FIFO or a
  socket is refused with an :class:`OSError` that names the path, never turned into a file;
* the new file gets the permissions a plain ``open(path, "w")`` would give it (``0o666``
  minus the umask), so a web server or an exporter running as another user can read it.

:func:`output_target` runs the same checks without writing, and :func:`check_output` adds a
check of the folder, for callers that validate their options before any work.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

__all__ = ["check_output", "output_target", "write_atomic"]

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)
_MAX_TEMP_NAME = 200  # leaves room for the prefix and suffix under the usual 255-byte limit
_TEMP_ATTEMPTS = 100


def _refuse(path: str | os.PathLike[str], real: Path, mode: int) -> OSError:
    kind = next((text for test, text in _KINDS if test(mode)), "not a regular file")
    via = f" (through the link to {real})" if Path(path).is_symlink() else ""
    message = (
        f"refusing to write {os.fspath(path)!r}{via}: it is {kind}, not a regular file, and "
        "driftkl only replaces regular files. Hint: pass the path of a file to create or replace"
    )
    # One argument: str(exc) is the message itself (it names the path), errno is None.
    return IsADirectoryError(message) if stat.S_ISDIR(mode) else OSError(message)


def output_target(path: str | os.PathLike[str]) -> Path:
    """The file a write to ``path`` lands in: symlinks followed, only regular files allowed.

    Args:
        path: the output path as the user gave it.

    Returns:
        The resolved path (it may not exist yet).

    Raises:
        OSError: the path (or the file a symlink points to) exists but is not a regular file
            (``IsADirectoryError`` for a directory), or it cannot be examined (a symlink loop,
            a folder that cannot be searched). ``str(exc)`` names the path.

    >>> import tempfile, pathlib
    >>> output_target(tempfile.mkdtemp())
    Traceback (most recent call last):
    IsADirectoryError: refusing to write ...
    """
    real = Path(os.path.realpath(path))
    try:
        mode = real.stat().st_mode
    except FileNotFoundError:
        return real
    if not stat.S_ISREG(mode):
        raise _refuse(path, real, mode)
    return real


def check_output(path: str | os.PathLike[str]) -> Path:
    """:func:`output_target`, and the nearest existing folder on the way must be writable.

    Raises:
        OSError: as for :func:`output_target`, or the file could not be created because its
            nearest existing parent is not a folder this process may write in.
    """
    real = output_target(path)
    folder = real.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(
            f"cannot create {os.fspath(path)!r}: {str(folder)!r} is not a folder this process "
            "may write in. Hint: choose a path in a writable folder"
        )
    return real


def _temp_file(folder: Path, name: str) -> tuple[int, Path]:
    """Create a new empty file beside the target, with the mode ``open()`` would give it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(_TEMP_ATTEMPTS):
        tmp = folder / f".{name[:_MAX_TEMP_NAME]}.{secrets.token_hex(4)}.tmp"
        try:
            # 0o666: the kernel applies the umask (and any default ACL), as for open(path, "w").
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name", os.fspath(folder))


def write_atomic(path: str | os.PathLike[str], text: str, *, make_parents: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file renamed over it.

    Args:
        path: the target; a symlink is followed and its target replaced.
        text: the content.
        make_parents: create missing parent folders (otherwise a missing folder is an error).

    Returns:
        ``path`` as given.

    Raises:
        OSError: the target is not a regular file (see :func:`output_target`) or the write
            failed (full disk, permissions, read-only folder ...). The temporary file is
            removed and the target is left as it was.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "a" / "b.txt", "hi").read_text()
    'hi'
    """
    real = output_target(path)
    if make_parents:
        real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = _temp_file(real.parent, real.name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())  # a full disk fails here, not after the rename
        tmp.replace(real)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return Path(path)
