"""The terminal progress line: redrawn in place, within the width, ended by a summary line."""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, TextIO

from driftkl.progress.phase import Phase, format_duration, format_rows

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["ProgressBar", "stream_width"]

_CLEAR = "\r\x1b[K"  # back to the line's start, erase it
_DEFAULT_WIDTH = 80
_MIN_BAR = 10


def stream_width(stream: TextIO) -> int:
    """Columns of the terminal behind ``stream``: ``COLUMNS`` if set, else asked, else 80."""
    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return os.get_terminal_size(stream.fileno()).columns or _DEFAULT_WIDTH
    except (AttributeError, OSError, ValueError):  # not a terminal, or not a real file
        return _DEFAULT_WIDTH


class ProgressBar:
    """One status line on a terminal, redrawn at most every ``min_interval`` seconds.

    Each redraw returns to the start of the line and erases it, so the display never takes
    more than one line and never more than the terminal's width (less one cell, so that the
    terminal does not wrap). :meth:`end` replaces it with a one-line summary.

    Args:
        stream: where to draw (a terminal).
        min_interval: seconds between redraws.
        width: columns to fit in (default: asked from the terminal at every redraw).
    """

    def __init__(
        self, stream: TextIO, *, min_interval: float = 0.2, width: int | None = None
    ) -> None:
        """Store the settings; nothing is drawn until :meth:`start`."""
        self.stream = stream
        self.min_interval = min_interval
        self.width = width
        self.phases: list[Phase] = []
        self._drawn = 0.0
        self._visible = False
        self._ended = False

    @property
    def phase(self) -> Phase | None:
        """The phase under way (or last finished)."""
        return self.phases[-1] if self.phases else None

    def start(self, label: str, total: int | None, *, passes: Sequence[int] = (1,)) -> None:
        """Begin a phase over ``total`` rows read in ``len(passes)`` passes of those columns."""
        self.phases.append(Phase(label, total, tuple(passes) or (1,)))
        self._ended = False
        self._drawn = time.monotonic()
        self._draw()

    def advance(self, rows: int) -> None:
        """Count ``rows`` more rows read; redraw if due."""
        phase = self.phase
        if phase is None:
            return
        phase.read += rows
        now = time.monotonic()
        if now - self._drawn >= self.min_interval:
            self._drawn = now
            self._draw()

    def finish(self) -> None:
        """End the phase (its final state is drawn; the line stays for the next phase)."""
        if self.phase is not None:
            self.phase.ended = time.monotonic()
            self._draw()

    def clear(self) -> None:
        """Erase the line (before an error message or at an interruption)."""
        if self._visible:
            self._write(_CLEAR)
            self._visible = False

    def end(self) -> None:
        """Replace the line by a one-line summary of every phase (once; later calls: nothing)."""
        if self._ended or not self.phases:
            return
        self._ended = True
        self.clear()
        self._write(self.summary()[: self._cells()] + "\n")

    def summary(self) -> str:
        """``done in 7.3 s: fitting reference bins 5,000,000 rows (4.1 s); ...``."""
        merged: list[tuple[str, int, float]] = []
        for p in self.phases:
            rows = p.total if p.total is not None else p.read
            if merged and merged[-1][0] == p.label:
                label, _, spent = merged[-1]
                merged[-1] = (label, rows, spent + p.elapsed())
            else:
                merged.append((p.label, rows, p.elapsed()))
        total = sum(s for *_, s in merged)
        parts = [f"{label} {rows:,} rows ({s:.1f} s)" for label, rows, s in merged]
        text = f"done in {total:.1f} s: " + "; ".join(parts)
        if len(text) > self._cells():
            text = f"done in {total:.1f} s: {len(merged)} phases"
        return text

    def _cells(self) -> int:
        return max((self.width or stream_width(self.stream)) - 1, 20)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal that went away: nothing to show it on
            self._visible = False

    def line(self, cells: int | None = None) -> str:
        """The status line for the phase under way, in at most ``cells`` characters."""
        phase = self.phase
        if phase is None:
            return ""
        cells = self._cells() if cells is None else cells
        what = phase.describe()
        frac = phase.fraction
        eta = phase.eta()
        tail = "" if phase.ended is not None else f"  ETA {format_duration(eta)}" if eta else ""
        if frac is None or phase.total is None:
            text = f"{what}: {phase.read:,} rows"
            return text if len(text) <= cells else text[: cells - 1] + "…"
        pct = f"{frac:4.0%}"
        for short in (False, True):
            rows = (
                f"{format_rows(phase.rows, short=short)}/{format_rows(phase.total, short=short)}"
                " rows"
            )
            fixed = f"{what}  {pct}  {rows}{tail}"
            room = cells - len(fixed) - 3  # "[" "]" and a space
            if room >= _MIN_BAR:
                n = min(room, 30)
                fill = int(frac * n)
                return f"{what}  [{'#' * fill}{'-' * (n - fill)}] {pct}  {rows}{tail}"
            if len(fixed) <= cells:
                return fixed
        text = f"{pct}  {rows}{tail}"
        head = cells - len(text) - 2
        return (what[: head - 1] + "…  " + text) if head > 4 else text[:cells]  # noqa: PLR2004

    def _draw(self) -> None:
        self._write(_CLEAR + self.line())
        self._visible = True
