"""Counting a source into fitted bins: one map-reduce of integer sums.

Counts are integer sums, so they are identical whatever the engine, batch size, thread count
or merge order. Where a batch holds novel values (outside the reference range, unseen
categories), the same pass also notes what they were: the current minimum and maximum, and
the most frequent unseen categories with their counts (bounded), so a report can name them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from driftkl.columns import as_float_seconds, as_strings, raw_values, validity
from driftkl.engines.base import merge_by_key
from driftkl.errors import InputError
from driftkl.model.bins import CategoricalBins
from driftkl.sources import column_passes

if TYPE_CHECKING:
    import pyarrow as pa
    from numpy.typing import NDArray

    from driftkl.engines.base import Engine
    from driftkl.model.bins import BinSpec
    from driftkl.sources import Source

__all__ = [
    "UNSEEN_KEPT",
    "Counts",
    "Novel",
    "count_batch",
    "count_source",
    "merge_counts",
    "require_rows",
]

UNSEEN_KEPT = 10_000  # distinct unseen categories counted per column before giving up on names


@dataclass
class Novel:
    """What the novel values of one column were (mergeable).

    Attributes:
        minimum: smallest finite current value below the reference range (numeric, datetime
            in epoch seconds); ``inf`` when none (none below, or only ``-inf``).
        maximum: largest finite current value above the reference range; ``-inf`` when none.
        unseen: every unseen category with its exact count, while there are at most
            :data:`UNSEEN_KEPT` of them.
        overflow: more than :data:`UNSEEN_KEPT` distinct unseen categories: ``unseen`` is then
            empty (names are given up rather than approximated, so the result never depends
            on the merge order).
    """

    minimum: float = np.inf
    maximum: float = -np.inf
    unseen: dict[str, int] = field(default_factory=dict)
    overflow: bool = False

    def merge(self, other: Novel) -> Novel:
        """Combine with another batch's (associative, order-independent); returns this one."""
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        self.overflow = self.overflow or other.overflow
        if not self.overflow:
            for value, c in other.unseen.items():
                self.unseen[value] = self.unseen.get(value, 0) + c
            self.overflow = len(self.unseen) > UNSEEN_KEPT
        if self.overflow:
            self.unseen = {}
        return self

    def most_frequent(self, k: int) -> tuple[tuple[str, int], ...]:
        """The ``k`` most frequent unseen categories, ties by value."""
        return tuple(sorted(self.unseen.items(), key=lambda kv: (-kv[1], kv[0]))[:k])


Counts = tuple[int, dict[str, "NDArray[np.int64]"], dict[str, Novel]]
"""Rows seen, per-column bin counts and novel values (a partial result of the counting pass)."""


def require_rows(rows: int, source: Source) -> int:
    """``rows``, or the one "has no rows" error naming the source."""
    if rows == 0:
        raise InputError(
            f"{source.description} has no rows. Hint: check the path, the filter and the data."
        )
    return rows


def _novel(arr: pa.Array, spec: BinSpec, counts: NDArray[np.int64]) -> Novel | None:
    """The novel values of one batch's column, looked at only when its counts show some."""
    if isinstance(spec, CategoricalBins):
        unseen_bin = spec.unseen_bins[0]
        if not counts[unseen_bin]:
            return None
        enc = as_strings(arr)
        codes = enc.indices
        mask = validity(codes)
        raw = raw_values(codes)
        per_code = np.bincount(
            (raw if mask is None else raw[mask]).astype(np.int64), minlength=len(enc.dictionary)
        )
        lookup = spec.code_lookup(enc.dictionary)[:-1]  # the last entry is for null codes
        hits = np.flatnonzero((lookup == unseen_bin) & (per_code > 0))
        if hits.size > UNSEEN_KEPT:
            return Novel(overflow=True)
        names = enc.dictionary.take(hits).to_pylist()  # distinct unseen values, not rows
        unseen: dict[str, int] = {}
        for name, c in zip(names, per_code[hits].tolist(), strict=True):
            unseen[name] = unseen.get(name, 0) + c  # a dictionary may repeat a value
        return Novel(unseen=unseen)
    below, above = spec.out_of_range_bins
    if not counts[below] and not counts[above]:
        return None
    # only the finite values beyond the range: a batch's overall minimum would depend on
    # which batch an infinity fell into, and so on the batch size and the engine
    x = as_float_seconds(arr)
    lo, hi = float(spec.edges[0]), float(spec.edges[-1])
    low = x[np.isfinite(x) & (x < lo)] if counts[below] else x[:0]
    high = x[np.isfinite(x) & (x > hi)] if counts[above] else x[:0]
    if not low.size and not high.size:  # only infinities out of range
        return None
    return Novel(
        minimum=float(low.min()) if low.size else np.inf,
        maximum=float(high.max()) if high.size else -np.inf,
    )


def count_batch(batch: pa.RecordBatch, *, specs: dict[str, BinSpec]) -> Counts:
    """One batch's rows, counts and novel values of the columns it holds (one pass's columns)."""
    counts = {}
    novel = {}
    for name in batch.schema.names:
        arr = batch.column(name)
        counts[name] = specs[name].count(arr)
        found = _novel(arr, specs[name], counts[name])
        if found is not None:
            novel[name] = found
    return batch.num_rows, counts, novel


def merge_counts(a: Counts, b: Counts) -> Counts:
    """Sum two partial counts (associative, order-independent; updates ``a``)."""
    return a[0] + b[0], merge_by_key(a[1], b[1], np.add), merge_by_key(a[2], b[2], Novel.merge)


def count_source(
    source: Source, specs: dict[str, BinSpec], engine: Engine, *, label: str = "current"
) -> tuple[dict[str, NDArray[np.int64]], int, dict[str, Novel]]:
    """Count every column of ``source`` into its bins: counts, row count, novel values."""
    results = engine.map_reduce(
        source,
        column_passes(list(specs)),
        functools.partial(count_batch, specs=specs),
        merge_counts,
        label=label,
    )
    rows: int | None = None
    counts = {n: np.zeros(s.n_bins, dtype=np.int64) for n, s in specs.items()}
    novel: dict[str, Novel] = {}
    for result in results:
        seen, parts, found = result if result is not None else (0, {}, {})
        rows = seen if rows is None else rows  # every pass reads every row
        counts.update(parts)
        novel.update(found)
    return counts, require_rows(rows or 0, source), novel
