"""Exact reference quantiles in bounded memory.

A numeric reference column whose values fit in ``binning.reference_memory_mib`` is sorted in
memory (:func:`linear_quantiles` over the sorted array). A larger column is never sorted and
never approximated: its quantiles are found in a few streaming passes, each reading only the
columns being fitted:

1. **Sketch.** Count missing, infinite and finite values, track the finite minimum and maximum,
   and feed the finite values to an Apache DataSketches KLL sketch (``k = 4000``; its
   single-rank error is about 0.07% of the values with 99% confidence). One sketch per batch,
   merged in batch order; past about 4 million values per column the batches are sampled
   (:data:`SKETCH_SAMPLE`), which adds at most 0.025% of rank error and makes this pass cheap.
2. **Bracket.** For every order statistic the quantiles need, take sketch quantiles over a
   window of three times that rank error around it as boundaries, and count exactly how many
   values fall on and between them. Each order statistic is then either a boundary itself or
   lies in one open cell between two boundaries whose exact rank range is known.
3. **Refine** (only when the cells are still large): split each open cell that holds a
   wanted order statistic into 1024 equal-width cells and count again.
4. **Gather.** Collect the values inside the remaining open cells (a few thousand per
   quantile), sort them and read off the order statistics by rank.

The sketch only chooses where to look; every rank comes from exact counts, so the quantiles
equal ``numpy.quantile(values, q)`` (``method="linear"``) bit for bit, whatever the batch size,
thread count or sketch randomness. The price is extra reads of the reference (three instead of
one, plus one to count it into the final bins), paid once when a profile is built.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl._optional import import_optional

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

__all__ = [
    "BOUNDARIES_PER_RANK",
    "SKETCH_K",
    "WINDOW_RANK_ERRORS",
    "StreamingQuantiles",
    "WindowCounts",
    "count_windows",
    "linear_quantiles",
    "order_statistics_needed",
    "sketch_bytes",
]

SKETCH_K = 4000
# Boundaries per wanted order statistic, spread over +- WINDOW_RANK_ERRORS sketch rank errors.
BOUNDARIES_PER_RANK = 64
WINDOW_RANK_ERRORS = 3.0
# An open cell still too large to gather is split into this many equal-width cells.
_REFINE_SPLIT = 1024
# Values gathered at most (all cells of one column together) before another refine pass.
GATHER_MAX_VALUES = 4_000_000
_MAX_REFINES = 8


def _virtual(n: int, qs: NDArray[np.float64]) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Positions of numpy's ``method="linear"``: lower order-statistic index and weight."""
    virtual = (n - 1) * qs
    lower = np.floor(virtual)
    gamma = virtual - lower
    return lower.astype(np.int64), gamma


def order_statistics_needed(n: int, qs: NDArray[np.float64]) -> NDArray[np.int64]:
    """0-based ranks (in ascending order) whose values the quantiles ``qs`` of ``n`` need."""
    lower, _ = _virtual(n, qs)
    upper = np.minimum(lower + 1, n - 1)
    return np.unique(np.concatenate([lower, upper]))


def linear_quantiles(
    value_at: Callable[[NDArray[np.int64]], NDArray[np.float64]],
    n: int,
    qs: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Quantiles as ``numpy.quantile(x, qs)`` computes them, from ``value_at(ranks)``.

    ``value_at`` returns the order statistics (values of the ascending-sorted data) at the
    given 0-based ranks; the interpolation repeats numpy's ``_lerp`` operation for operation,
    so a sorted array and a streamed column give the same floats.
    """
    lower, gamma = _virtual(n, qs)
    upper = np.minimum(lower + 1, n - 1)
    a = value_at(lower)
    b = value_at(upper)
    with np.errstate(over="ignore", invalid="ignore"):  # values more than the float range apart
        diff = b - a
        out = np.add(a, diff * gamma)
        np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)  # noqa: PLR2004
    overflow = np.isinf(diff) & np.isfinite(a) & np.isfinite(b)
    if overflow.any():  # a weighted mean of finite values stays finite and between them
        g = gamma[overflow]
        out[overflow] = a[overflow] * (1 - g) + b[overflow] * g
    return out


# Values sketched per column at most (about): beyond, batches are sampled. Sampling error
# (0.5 / sqrt(4M) = 0.025% of the rows) is then small against the sketch's own.
SKETCH_SAMPLE = 4_000_000


def sketch_every(rows: int | None) -> int:
    """Sample one value in this many for the sketch of a column of ``rows`` values."""
    return 1 if not rows else max(1, rows // SKETCH_SAMPLE)


@functools.lru_cache(maxsize=8)
def _sample_positions(n: int, m: int) -> NDArray[np.int64]:
    positions = np.random.default_rng(n).integers(0, n, m)
    positions.sort()
    positions.flags.writeable = False
    return positions


def _kll() -> Any:
    return import_optional("datasketches", extra="core", feature="large reference columns")


def sketch_bytes(sketch: Any) -> bytes | None:
    """A sketch (serialised or live, or ``None``) in its serialised form."""
    if sketch is None or isinstance(sketch, bytes):
        return sketch
    return bytes(sketch.serialize())


@dataclass
class WindowCounts:
    """Exact counts of finite values against one window of sorted boundaries ``c``.

    ``below`` counts values ``< c[0]``; ``equal[j]`` values ``== c[j]``; ``between[j]`` values
    strictly between ``c[j]`` and ``c[j + 1]``.
    """

    below: int
    equal: NDArray[np.int64]
    between: NDArray[np.int64]

    def add(self, other: WindowCounts) -> None:
        """Sum another batch's counts into these."""
        self.below += other.below
        self.equal += other.equal
        self.between += other.between


def count_windows(
    windows: Sequence[NDArray[np.float64]], x: NDArray[np.float64]
) -> list[WindowCounts]:
    """Exact :class:`WindowCounts` of finite values ``x`` for every window.

    Two comparisons per window select the few values inside it; only those are located among
    the window's boundaries (``searchsorted``), so the cost barely grows with the boundaries.
    """
    out = []
    for c in windows:
        ge = x >= c[0]
        inside = x[ge & (x <= c[-1])]
        pos = np.searchsorted(c, inside, side="left")  # boundaries < v
        on = c[np.minimum(pos, c.size - 1)] == inside
        equal = np.bincount(pos[on], minlength=c.size).astype(np.int64)
        # a value not on a boundary with pos = j lies strictly between c[j-1] and c[j]
        between = np.bincount(pos[~on] - 1, minlength=c.size - 1).astype(np.int64)
        out.append(WindowCounts(int(x.size - np.count_nonzero(ge)), equal, between))
    return out


@dataclass
class StreamingQuantiles:
    """State of the exact streaming quantile search for one column (see module docstring).

    Use: :meth:`add_stats` over every batch (pass 1) and :meth:`start`; then while
    :meth:`windows` is not ``None``, :func:`count_windows` every batch into :meth:`add_counts`
    and call :meth:`end_count`; then while :meth:`cells` is not ``None``, :meth:`gather_batch`
    every batch into :meth:`add_gathered` and call :meth:`end_gather`; then :meth:`quantiles`.
    """

    qs: NDArray[np.float64]
    n_finite: int = 0
    minimum: float = math.inf
    maximum: float = -math.inf
    passes: int = 1
    _sketch: Any = None
    _values: dict[int, float] = field(default_factory=dict)
    _windows: list[NDArray[np.float64]] | None = None
    _acc: list[WindowCounts] | None = None
    _widen: float = 1.0
    _half: float = 0.0
    _refines: int = 0
    _pending: list[tuple[float, float, int, list[int]]] = field(default_factory=list)
    _gathered: list[list[NDArray[np.float64]]] = field(default_factory=list)

    # pass 1 -------------------------------------------------------------------------------
    @staticmethod
    def batch_sketch(finite: NDArray[np.float64], every: int = 1) -> bytes:
        """A serialised KLL sketch of one batch's finite values (built in a worker).

        ``every > 1`` sketches a sample of one value in ``every``, at pseudo-random positions
        fixed per batch length (no aliasing with periodic row orders). The sketch only decides
        where to count, so sampling changes how many values are counted, never the result.
        Serialised so that it can travel from a Dask worker as well as from a thread.
        """
        sketch = _kll().kll_doubles_sketch(SKETCH_K)
        if every > 1 and finite.size > every:
            finite = finite[_sample_positions(finite.size, finite.size // every)]
        if finite.size:
            # the binding takes only writable C-contiguous arrays; Arrow views are read-only
            sketch.update(np.require(finite, dtype=np.float64, requirements=["C", "W"]))
        return bytes(sketch.serialize())

    @staticmethod
    def merge_sketches(a: Any, b: Any) -> Any:
        """Two sketches (serialised or live; either may be ``None``) merged into a live one.

        The result may be ``a`` itself, updated; serialise it with :func:`sketch_bytes` to
        send it between processes.
        """
        if a is None or b is None:
            return a if b is None else b
        kll = _kll().kll_doubles_sketch
        merged = kll.deserialize(a) if isinstance(a, bytes) else a
        merged.merge(kll.deserialize(b) if isinstance(b, bytes) else b)
        return merged

    def add_stats(self, n_finite: int, minimum: float, maximum: float, sketch: Any) -> None:
        """Merge one batch's count and range of finite values and its sketch (if any)."""
        self.n_finite += n_finite
        self.minimum = min(self.minimum, minimum)
        self.maximum = max(self.maximum, maximum)
        if sketch is not None:
            kll = _kll().kll_doubles_sketch
            if self._sketch is None:
                self._sketch = kll(SKETCH_K)
            self._sketch.merge(kll.deserialize(sketch) if isinstance(sketch, bytes) else sketch)

    def _wanted(self) -> list[int]:
        return order_statistics_needed(self.n_finite, self.qs).tolist()  # type: ignore[no-any-return]

    def start(self) -> None:
        """After pass 1: place windows of boundaries around every wanted order statistic."""
        n = self.n_finite
        if n == 0:
            return
        self._values.setdefault(0, self.minimum)
        self._values.setdefault(n - 1, self.maximum)
        todo = [r for r in self._wanted() if r not in self._values]
        if not todo:
            return
        eps = self._sketch.normalized_rank_error(False)  # noqa: FBT003 - single-rank error
        if self._sketch.n < n:  # a sample: add its rank error (at most 0.5 / sqrt(size))
            eps += 0.5 / math.sqrt(max(self._sketch.n, 1))
        half = self._half = WINDOW_RANK_ERRORS * self._widen * eps
        spans: list[tuple[float, float, NDArray[np.float64]]] = []
        for r in todo:
            p = r / (n - 1)
            ranks = np.clip(np.linspace(p - half, p + half, BOUNDARIES_PER_RANK), 0.0, 1.0)
            cuts = np.asarray(self._sketch.get_quantiles(ranks.tolist()), dtype=np.float64)
            # The sketch's extreme quantiles are estimates too: a window reaching rank 0 or 1
            # ends at the exact minimum or maximum, so a wide enough window always succeeds.
            ends = [self.minimum] * (p - half <= 0) + [self.maximum] * (p + half >= 1)
            cuts = np.clip(np.concatenate([cuts, ends]), self.minimum, self.maximum)
            spans.append((float(cuts.min()), float(cuts.max()), cuts))
        self._begin_count(_merge_windows(spans))

    def _begin_count(self, windows: list[NDArray[np.float64]]) -> None:
        self._windows = windows
        self._acc = None
        self.passes += 1

    # counting passes ------------------------------------------------------------------------
    def windows(self) -> list[NDArray[np.float64]] | None:
        """Boundary windows the next counting pass needs, or ``None`` when none is due."""
        return self._windows

    def add_counts(self, part: list[WindowCounts]) -> None:
        """Sum one batch's :func:`count_windows` result."""
        if self._acc is None:
            self._acc = [WindowCounts(w.below, w.equal.copy(), w.between.copy()) for w in part]
        else:
            for into, w in zip(self._acc, part, strict=True):
                into.add(w)

    def end_count(self) -> None:
        """After a counting pass: read ranks that sit on boundaries; refine or gather the rest."""
        windows, acc = self._windows, self._acc
        self._windows = self._acc = None
        if windows is None or acc is None:
            return
        pending: dict[tuple[float, float], tuple[float, float, int, list[int]]] = {}
        for r in self._wanted():
            if r in self._values:
                continue
            found = _locate(windows, acc, r)
            if found is None:  # outside every window: the sketch missed; widen and recount
                if self._half >= 1.0:  # the windows spanned [minimum, maximum] already
                    raise RuntimeError(f"rank {r} of {self.n_finite} not found")
                self._widen *= 4.0
                self.start()
                return
            if isinstance(found, float):
                self._values[r] = found
                continue
            lo, hi, first = found
            pending.setdefault((lo, hi), (lo, hi, first, []))[3].append(r)
        if not pending:
            return
        size = sum(_cell_size(windows, acc, lo, hi) for lo, hi in pending)
        if size > GATHER_MAX_VALUES and self._refines < _MAX_REFINES:
            self._refines += 1
            self._begin_count(
                [np.unique(np.linspace(lo, hi, _REFINE_SPLIT + 1)) for lo, hi in sorted(pending)]
            )
            return
        self._pending = list(pending.values())
        self._gathered = [[] for _ in self._pending]
        self.passes += 1

    # gather pass ------------------------------------------------------------------------------
    def cells(self) -> list[tuple[float, float]] | None:
        """Open cells whose values the gather pass collects, or ``None``."""
        if not self._pending:
            return None
        return [(lo, hi) for lo, hi, _, _ in self._pending]

    @staticmethod
    def gather_batch(
        finite: NDArray[np.float64], cells: Sequence[tuple[float, float]]
    ) -> list[NDArray[np.float64]]:
        """One batch's values strictly inside each cell."""
        return [finite[(finite > lo) & (finite < hi)] for lo, hi in cells]

    def add_gathered(self, parts: list[NDArray[np.float64]]) -> None:
        """Keep one batch's gathered values."""
        for into, part in zip(self._gathered, parts, strict=True):
            if part.size:
                into.append(part)

    def end_gather(self) -> None:
        """Sort each cell's values and read off the wanted ranks."""
        for (_, _, first, ranks), chunks in zip(self._pending, self._gathered, strict=True):
            values = np.sort(np.concatenate(chunks))
            for r in ranks:
                self._values[r] = float(values[r - first])
        self._pending = []
        self._gathered = []

    # introspection ----------------------------------------------------------------------------
    @property
    def widening(self) -> float:
        """How many times wider than :data:`WINDOW_RANK_ERRORS` the windows had to be (1 = not)."""
        return self._widen

    @property
    def sketched_values(self) -> int:
        """How many values the merged sketch has seen (fewer than ``n_finite`` when sampled)."""
        return 0 if self._sketch is None else int(self._sketch.n)

    # result -----------------------------------------------------------------------------------
    def quantiles_of(self, qs: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`quantiles`, checking that ``qs`` are the quantiles searched for."""
        if not np.array_equal(qs, self.qs):
            raise ValueError(f"quantiles {qs} were not searched for (searched {self.qs})")
        return self.quantiles()

    def quantiles(self) -> NDArray[np.float64]:
        """The quantiles ``qs`` of the finite values, equal to ``numpy.quantile``."""
        values = self._values
        return linear_quantiles(
            lambda ranks: np.asarray([values[int(r)] for r in ranks], dtype=np.float64),
            self.n_finite,
            self.qs,
        )


def _merge_windows(
    spans: list[tuple[float, float, NDArray[np.float64]]],
) -> list[NDArray[np.float64]]:
    """Overlapping windows joined; each a sorted array of unique boundaries."""
    spans.sort(key=lambda s: s[0])
    merged: list[tuple[float, float, list[NDArray[np.float64]]]] = []
    for lo, hi, cuts in spans:
        if merged and lo <= merged[-1][1]:
            mlo, mhi, parts = merged[-1]
            merged[-1] = (mlo, max(mhi, hi), [*parts, cuts])
        else:
            merged.append((lo, hi, [cuts]))
    return [np.unique(np.concatenate(parts)) for _, _, parts in merged]


def _locate(
    windows: list[NDArray[np.float64]], acc: list[WindowCounts], r: int
) -> float | tuple[float, float, int] | None:
    """Where rank ``r`` is: a boundary value, an open cell ``(lo, hi, first rank)``, or None."""
    for c, w in zip(windows, acc, strict=True):
        if r < w.below:
            return None  # before this window (and after the previous one)
        at = w.below
        for j in range(c.size):
            if r < at + w.equal[j]:
                return float(c[j])
            at += int(w.equal[j])
            if j < c.size - 1:
                if r < at + w.between[j]:
                    return (float(c[j]), float(c[j + 1]), at)
                at += int(w.between[j])
    return None


def _cell_size(
    windows: list[NDArray[np.float64]], acc: list[WindowCounts], lo: float, hi: float
) -> int:
    for c, w in zip(windows, acc, strict=True):
        j = int(np.searchsorted(c, lo))
        if j < c.size - 1 and c[j] == lo and c[j + 1] == hi:
            return int(w.between[j])
    return 0
