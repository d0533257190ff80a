"""A tiny progress bar for long runs, written to stderr only when stderr is a terminal.

The core reports rows processed to whatever bar is active (a context variable); nothing is
shown unless a caller (the CLI) activates one with :func:`reporting`. :func:`should_show` is
off when stderr is not a TTY (pipes, files, CI) and inside Airflow tasks, whose logs are files.

>>> import io
>>> with reporting(ProgressBar(io.StringIO(), min_interval=0.0)) as bar:
...     bar.start("current", 10); bar.advance(5); bar.finish()
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import sys
import time
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["AIRFLOW_ENV", "ProgressBar", "current", "reporting", "should_show"]

_ACTIVE: contextvars.ContextVar[ProgressBar | None] = contextvars.ContextVar(
    "driftkl_progress", default=None
)
# Set in every Airflow task process; its stderr goes to the task log, not a terminal.
AIRFLOW_ENV = ("AIRFLOW_CTX_DAG_ID", "AIRFLOW_CTX_TASK_ID")


def should_show(stream: TextIO | None = None) -> bool:
    """Whether a progress bar belongs on ``stream`` (default stderr): a TTY, not Airflow."""
    stream = sys.stderr if stream is None else stream
    if any(os.environ.get(k) for k in AIRFLOW_ENV):
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed stream
        return False


class ProgressBar:
    """Rows done (and percent when the total is known), redrawn at most every ``min_interval``.

    Args:
        stream: where to draw (a terminal).
        min_interval: seconds between redraws.
        width: characters of the bar itself.
    """

    def __init__(self, stream: TextIO, *, min_interval: float = 0.2, width: int = 30) -> None:
        """Store the settings; nothing is drawn until :meth:`start`."""
        self.stream = stream
        self.min_interval = min_interval
        self.width = width
        self.label = ""
        self.total: int | None = None
        self.done = 0
        self._started = 0.0
        self._drawn = 0.0

    def start(self, label: str, total: int | None) -> None:
        """Begin a pass over ``total`` rows (``None`` if unknown)."""
        self.label, self.total, self.done = label, total, 0
        self._started = self._drawn = time.monotonic()

    def advance(self, rows: int) -> None:
        """Count ``rows`` more rows done; redraw if due."""
        self.done += rows
        now = time.monotonic()
        if now - self._drawn >= self.min_interval:
            self._drawn = now
            self._draw(now)

    def finish(self) -> None:
        """Draw the final state of the pass and end the line."""
        self._draw(time.monotonic())
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, now: float) -> None:
        rate = self.done / max(now - self._started, 1e-9)
        if self.total:
            frac = min(self.done / self.total, 1.0)
            fill = int(frac * self.width)
            bar = "#" * fill + "-" * (self.width - fill)
            text = f"{self.label:>10} [{bar}] {frac:4.0%} {self.done:,}/{self.total:,} rows"
        else:
            text = f"{self.label:>10} {self.done:,} rows"
        self.stream.write(f"\r{text} ({rate / 1e6:.1f} M rows/s)")
        self.stream.flush()


def current() -> ProgressBar | None:
    """The active bar, or ``None`` (the default: nothing is drawn)."""
    return _ACTIVE.get()


@contextlib.contextmanager
def reporting(bar: ProgressBar | None) -> Iterator[ProgressBar | None]:
    """Make ``bar`` the active progress bar inside the ``with`` block (``None``: no bar)."""
    token = _ACTIVE.set(bar)
    try:
        yield bar
    finally:
        _ACTIVE.reset(token)
