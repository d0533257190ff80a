"""Mergeable reference accumulators: the unit of work of the in-memory fit.

An :class:`Accumulator` is built per batch (:meth:`Accumulator.of_batch`) and merged
(:meth:`Accumulator.merge`); merging is associative and the fitted result does not depend on
the order (values are sorted before use, category counts are sums), so any engine may reduce
them in any tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from driftkl.columns import as_float_seconds, as_strings, raw_values, validity
from driftkl.engines.base import merge_by_key

if TYPE_CHECKING:
    import pyarrow as pa
    from numpy.typing import NDArray

__all__ = ["Accumulator", "gather_batch", "merge_gathered"]


@dataclass
class Accumulator:
    """Reference values of one column gathered over batches.

    Numeric columns keep their non-NaN values (infinities included); :meth:`values` returns
    them sorted ascending, which gives exact quantiles and ``O(k log n)`` counting. Categorical
    columns keep only per-value counts, built from dictionary codes with one ``bincount`` per
    batch.
    """

    natural: str
    chunks: list[NDArray[np.float64]] = field(default_factory=list)
    n_missing: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)
    sorted_values: NDArray[np.float64] | None = None

    def update(self, arr: pa.Array | pa.ChunkedArray) -> None:
        """Add one batch's column."""
        if self.natural == "categorical":
            enc = as_strings(arr)
            codes = enc.indices
            self.n_missing += codes.null_count
            mask = validity(codes)
            raw = raw_values(codes)
            valid = (raw if mask is None else raw[mask]).astype(np.int64)
            counts = np.bincount(valid, minlength=len(enc.dictionary))
            nonzero = np.flatnonzero(counts)
            distinct = enc.dictionary.to_pylist()  # one object per distinct value, not per row
            values = [distinct[i] for i in nonzero.tolist()]
            for value, c in zip(values, counts[nonzero].tolist(), strict=True):
                self.category_counts[value] = self.category_counts.get(value, 0) + c
            return
        x = as_float_seconds(arr)
        nan = np.isnan(x)
        n_nan = int(np.count_nonzero(nan))
        self.n_missing += n_nan
        self.chunks.append(x[~nan] if n_nan else x.copy())

    def merge(self, other: Accumulator) -> Accumulator:
        """Add ``other``'s values and counts to this accumulator and return it."""
        self.n_missing += other.n_missing
        self.chunks.extend(other.chunks)
        for value, c in other.category_counts.items():
            self.category_counts[value] = self.category_counts.get(value, 0) + c
        return self

    def values(self) -> NDArray[np.float64]:
        """All gathered non-NaN values, sorted ascending (computed once, chunks released)."""
        if self.sorted_values is None:
            out = np.concatenate(self.chunks) if self.chunks else np.empty(0, dtype=np.float64)
            self.chunks = []
            out.sort()
            self.sorted_values = out
        return self.sorted_values

    def release(self) -> None:
        """Drop the gathered values once the column is fitted."""
        self.chunks = []
        self.sorted_values = None


Gathered = tuple[int, dict[str, Accumulator]]


def gather_batch(batch: pa.RecordBatch, *, naturals: dict[str, str]) -> Gathered:
    """One batch's rows and accumulators of the columns it holds (one pass's columns)."""
    out = {}
    for name in batch.schema.names:
        acc = Accumulator(naturals[name])
        acc.update(batch.column(name))
        out[name] = acc
    return batch.num_rows, out


def merge_gathered(a: Gathered, b: Gathered) -> Gathered:
    """Merge two partial gathers (associative; updates ``a``)."""
    return a[0] + b[0], merge_by_key(a[1], b[1], Accumulator.merge)
