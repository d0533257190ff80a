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


def _fit(text: str, cells: int) -> str:
    return text if len(text) <= cells else text[: max(cells - 1, 0)] + "…"


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
        """``done in 7.3 s: fitting reference bins 5,000,000 rows 4.1 s, ...`` within the width.

        The first figure is the wall-clock time since the first phase began (work between
        phases included); repeated phases (streaming passes) are summed; details go when the
        line is too long.
        """
        merged: dict[str, tuple[int, float]] = {}
        for p in self.phases:
            rows = p.total if p.total is not None else p.read
            merged[p.label] = (rows, merged.get(p.label, (0, 0.0))[1] + p.elapsed())
        total = time.monotonic() - self.phases[0].started
        head = f"done in {total:.1f} s: "
        for text in (
            head + ", ".join(f"{k} {r:,} rows {s:.1f} s" for k, (r, s) in merged.items()),
            head + ", ".join(f"{k} {s:.1f} s" for k, (_, s) in merged.items()),
        ):
            if len(text) <= self._cells():
                return text
        return f"{head}{len(merged)} phases"

    def _cells(self) -> int:
        return max((self.width or stream_width(self.stream)) - 1, 20)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # a terminal that went away: nothing to show it on
            self._visible = False

    def line(self, cells: int | None = None) -> str:
        """The status line for the phase under way, in at most ``cells`` characters.

        The bar keeps one length through a phase: it is sized for the longest the numbers
        beside it will get.
        """
        phase = self.phase
        if phase is None:
            return ""
        cells = self._cells() if cells is None else cells
        what = phase.describe()
        frac = phase.fraction
        if frac is None or phase.total is None:
            return _fit(f"{what}: {phase.read:,} rows", cells)
        eta = phase.eta()
        tail = f"ETA {format_duration(eta)}" if eta and phase.ended is None else ""
        for short in (False, True):
            total = format_rows(phase.total, short=short)
            rows = f"{format_rows(phase.rows, short=short):>{len(total)}}/{total} rows"
            widest = f"{what}  100%  {total}/{total} rows  ETA 00:00"
            room = min(cells - len(widest) - 3, 30)  # 3: the brackets and a space
            if room >= _MIN_BAR:
                fill = int(frac * room)
                bar = f"[{'#' * fill}{'-' * (room - fill)}] "
                return f"{what}  {bar}{frac:4.0%}  {rows}  {tail}".rstrip()
            if len(widest) - 3 <= cells:
                return f"{what}  {frac:4.0%}  {rows}  {tail}".rstrip()
        return _fit(f"{frac:4.0%}  {rows}  {tail}".rstrip() + f"  {what}", cells)

    def _draw(self) -> None:
        self._write(_CLEAR + self.line())
        self._visible = True
