"""Progress as plain log lines, for logs that are files (Airflow task logs)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TextIO

from driftkl.progress.phase import Phase, format_duration

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["PlainProgress"]


class PlainProgress:
    """One line every ``interval`` seconds, and one when such a long phase ends; no CR.

    Phases shorter than ``interval`` write nothing, so quick checks keep their logs clean.

    Args:
        stream: where to write (the task log).
        interval: seconds between two lines of the same phase.
    """

    def __init__(self, stream: TextIO, *, interval: float = 30.0) -> None:
        """Store the settings; nothing is written until a phase has gone on for ``interval``."""
        self.stream = stream
        self.interval = interval
        self.phase: Phase | None = None
        self._written = 0.0
        self._lines = 0  # lines written for the phase under way

    def start(self, label: str, total: int | None, *, passes: Sequence[int] = (1,)) -> None:
        """Begin a phase over ``total`` rows read in ``len(passes)`` passes."""
        self.phase = Phase(label, total, tuple(passes) or (1,))
        self._written = time.monotonic()
        self._lines = 0

    def advance(self, rows: int) -> None:
        """Count ``rows`` more rows read; write a line if ``interval`` has passed."""
        if self.phase is None:
            return
        self.phase.read += rows
        now = time.monotonic()
        if now - self._written >= self.interval:
            self._written = now
            self._lines += 1
            self._line(self.describe())

    def describe(self) -> str:
        """``fitting reference bins, columns 1-8 of 40: 2,500,000/5,000,000 rows (25%), ETA 0:12``."""  # noqa: E501
        p = self.phase
        if p is None:
            return ""
        if p.total is None or p.fraction is None:
            return f"{p.describe()}: {p.read:,} rows"
        eta = p.eta()
        text = f"{p.describe()}: {p.rows:,}/{p.total:,} rows ({p.fraction:.0%})"
        return text + (f", ETA {format_duration(eta)}" if eta else "")

    def finish(self) -> None:
        """Write one line for the finished phase, if it was long enough to write any before."""
        p = self.phase
        if p is not None and self._lines:
            p.ended = time.monotonic()
            rows = p.total if p.total is not None else p.read
            self._line(f"{p.label}: done, {rows:,} rows in {p.elapsed():.1f} s")

    def clear(self) -> None:
        """Nothing to erase in a log."""

    def end(self) -> None:
        """Nothing to sum up: every phase wrote its own line."""

    def _line(self, text: str) -> None:
        try:
            self.stream.write(f"driftkl: {text}\n")
            self.stream.flush()
        except (OSError, ValueError):
            self.phase = None
