"""Where the command's words go: stderr messages, stdout that may be a closed pipe, saved files."""

from __future__ import annotations

import contextlib
import io
import os
import sys

from driftkl import progress
from driftkl._files import check_output, write_atomic
from driftkl.errors import ConfigError
from driftkl.render.escape import printable

__all__ = ["check_output_path", "error", "save", "stderr", "write_stdout"]


def _end_progress() -> None:
    """Replace a progress line by its summary, so that other output starts on a clean line."""
    shown = progress.current()
    if shown is not None:
        shown.end()


def stderr(line: str) -> None:
    """Write one line to stderr; a stderr that cannot take it is ignored (nowhere to report)."""
    _end_progress()
    with contextlib.suppress(OSError, ValueError):
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()


def error(message: object) -> None:
    """One ``driftkl: error: ...`` line on stderr."""
    stderr(f"driftkl: error: {message}")


def _detach_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    # ValueError, io.UnsupportedOperation: not a real file (e.g. captured in tests)
    with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def write_stdout(text: str) -> bool:
    """Write ``text`` to stdout; ``False`` (after a message) when stdout cannot take it.

    A closed pipe (``driftkl ... | head``) is not an error: the reader has what it wanted.
    """
    _end_progress()
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _detach_stdout()
    except OSError as exc:
        _detach_stdout()
        error(
            f"could not write to standard output: {exc.strerror or exc}. Hint: redirect it to "
            "a file on a device with free space"
        )
        return False
    return True


def _describe(exc: OSError, path: str) -> str:
    """Why writing ``path`` failed; driftkl's own refusals already name the path."""
    return str(exc) if exc.strerror is None else f"{path!r}: {exc.strerror}"


def check_output_path(path: str, flag: str) -> None:
    """Refuse an output path that cannot be written, before any work is done."""
    try:
        check_output(path)
    except OSError as exc:
        raise ConfigError(f"{flag}: {_describe(exc, path)}") from exc


def save(path: str, text: str, what: str) -> bool:
    """Write an output atomically; ``False`` (after a message naming the path) on failure."""
    try:
        write_atomic(path, text)
    except OSError as exc:
        error(
            f"could not write {what}: {_describe(exc, path)}. The previous file, if any, is "
            "unchanged. Hint: check the free space and the folder's permissions"
        )
        return False
    return True
