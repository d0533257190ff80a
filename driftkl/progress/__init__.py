"""Progress of long runs: a redrawn line on a terminal, periodic lines in Airflow logs.

The core reports rows read to whatever display is active (a context variable); nothing is
shown unless a caller (the CLI) activates one with :func:`reporting`. :func:`choose` picks the
display for a stream: the in-place :class:`ProgressBar` on a terminal, :class:`PlainProgress`
lines inside Airflow tasks (whose logs are files), nothing on pipes and files.

>>> import io
>>> with reporting(ProgressBar(io.StringIO(), min_interval=0.0, width=80)) as bar:
...     bar.start("counting current rows", 10); bar.advance(5); bar.finish()
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
from typing import TYPE_CHECKING, Protocol, TextIO

from driftkl.progress.phase import Phase
from driftkl.progress.plain import PlainProgress
from driftkl.progress.terminal import ProgressBar, stream_width

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

__all__ = [
    "AIRFLOW_ENV",
    "MODES",
    "Phase",
    "PlainProgress",
    "Progress",
    "ProgressBar",
    "choose",
    "current",
    "reporting",
    "should_show",
    "stream_width",
]


class Progress(Protocol):
    """What the engines report to: phases of rows read, then an end."""

    def start(self, label: str, total: int | None, *, passes: Sequence[int] = ...) -> None:
        """Begin a phase: ``label`` in words, ``total`` rows per pass, columns per pass."""

    def advance(self, rows: int) -> None:
        """``rows`` more rows read."""

    def finish(self) -> None:
        """The phase is over."""

    def clear(self) -> None:
        """Take the display off the screen (before other output or an error)."""

    def end(self) -> None:
        """Every phase is over: sum up (idempotent)."""


_ACTIVE: contextvars.ContextVar[Progress | None] = contextvars.ContextVar(
    "driftkl_progress", default=None
)
# Set in every Airflow task process; its stderr goes to the task log, not a terminal.
AIRFLOW_ENV = ("AIRFLOW_CTX_DAG_ID", "AIRFLOW_CTX_TASK_ID")
MODES = ("auto", "always", "never")


def _in_airflow() -> bool:
    return any(os.environ.get(k) for k in AIRFLOW_ENV)


def should_show(stream: TextIO | None = None) -> bool:
    """Whether a progress bar belongs on ``stream`` (default stderr): a TTY, not Airflow."""
    stream = sys.stderr if stream is None else stream
    if _in_airflow():
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


def choose(stream: TextIO | None = None, mode: str = "auto") -> Progress | None:
    """The display for ``stream`` (default stderr) in ``mode``.

    ``auto``: a :class:`ProgressBar` on a terminal, :class:`PlainProgress` in an Airflow task,
    nothing otherwise; ``always``: a :class:`ProgressBar` even on a pipe; ``never``: nothing.
    """
    stream = sys.stderr if stream is None else stream
    if mode == "never":
        return None
    if mode == "always" or should_show(stream):
        return ProgressBar(stream)
    return PlainProgress(stream) if _in_airflow() else None


def current() -> Progress | None:
    """The active display, or ``None`` (the default: nothing is shown)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def reporting(bar: Progress | None) -> Iterator[Progress | None]:
    """Make ``bar`` the active display inside the ``with`` block (``None``: no display).

    On a normal exit the display sums up (:meth:`Progress.end`); on an exception it is cleared.
    """
    token = _ACTIVE.set(bar)
    try:
        yield bar
    except BaseException:
        if bar is not None:
            bar.clear()
        raise
    else:
        if bar is not None:
            bar.end()
    finally:
        _ACTIVE.reset(token)
