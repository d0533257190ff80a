"""One phase of work as the progress displays describe it: real rows, passes, columns, ETA.

An engine reads every row once per *pass* (a subset of the columns). A phase counts rows read
over all passes, but shows real rows: the rows of the pass under way, and which columns it is.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

__all__ = ["Phase", "format_duration", "format_rows"]


def format_duration(seconds: float) -> str:
    """``0:07``, ``12:30`` or ``2:05:00`` (hours only when needed).

    >>> format_duration(7.4), format_duration(750), format_duration(7500)
    ('0:07', '12:30', '2:05:00')
    """
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_rows(n: int, *, short: bool = False) -> str:
    """``5,000,000`` or, when ``short``, ``5.0M``."""
    if not short:
        return f"{n:,}"
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            return f"{n / scale:.1f}{suffix}"
    return str(n)


@dataclass
class Phase:
    """Rows read so far in one engine run.

    Attributes:
        label: what is being done, in words (``"fitting reference bins"``).
        total: rows of the source (``None`` if unknown); every pass reads them all.
        columns: how many columns each pass reads (one entry per pass).
        read: rows read over all passes so far.
    """

    label: str
    total: int | None
    columns: tuple[int, ...] = (1,)
    read: int = 0
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None

    @property
    def passes(self) -> int:
        """Number of passes (at least 1)."""
        return max(len(self.columns), 1)

    @property
    def pass_index(self) -> int:
        """The pass under way, from 0 (passes run in order, each over every row)."""
        if not self.total:
            return 0
        return min(self.read // self.total, self.passes - 1)

    @property
    def rows(self) -> int:
        """Real rows done in the pass under way (never more than the source has)."""
        if not self.total:
            return self.read
        return min(self.read - self.pass_index * self.total, self.total)

    @property
    def fraction(self) -> float | None:
        """Share of the whole phase done (``None`` when the row count is unknown)."""
        if not self.total:
            return None
        return min(self.read / (self.total * self.passes), 1.0)

    def elapsed(self, now: float | None = None) -> float:
        """Seconds since the phase started (until it ended)."""
        end = self.ended if self.ended is not None else (time.monotonic() if now is None else now)
        return max(end - self.started, 0.0)

    def eta(self, now: float | None = None) -> float | None:
        """Seconds left at the pace so far (``None`` until there is a pace to go by)."""
        frac, spent = self.fraction, self.elapsed(now)
        if not frac or spent < 0.5:  # noqa: PLR2004 - half a second of pace at least
            return None
        return spent * (1 - frac) / frac

    def describe(self) -> str:
        """The phase in words: ``fitting reference bins, columns 9-16 of 40``."""
        if self.passes <= 1:
            return self.label
        i = self.pass_index
        first = sum(self.columns[:i]) + 1
        last = first + self.columns[i] - 1
        span = str(first) if first == last else f"{first}-{last}"
        return f"{self.label}, columns {span} of {sum(self.columns)}"
