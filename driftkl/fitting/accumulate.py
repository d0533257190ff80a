"""Mergeable reference accumulators: the unit of work of the in-memory fit.

An :class:`Accumulator` is built per batch (:meth:`Accumulator.of_batch`) and merged
(:meth:`Accumulator.merge`); merging is associative and the fitted result does not depend on
the order (values are sorted before use, category counts are sums), so any engine may reduce
them in any tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from driftkl.columns import (
    as_float_seconds,
    as_strings,
    exact_integers,
    pyarrow_compute,
    raw_values,
    validity,
)
from driftkl.engines.base import merge_by_key

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["Accumulator", "CategoryCounts", "gather_batch", "merge_gathered"]

# Category counts stay in a Python dict while a column has at most this many distinct values
# (the usual case: no pyarrow.compute import, cheap merges); beyond, they move to Arrow.
PYTHON_CATEGORIES_MAX = 65_536
# Integers up to this magnitude are exact in float64, where the numeric fit works.
_EXACT_IN_FLOAT = 2**53


@dataclass
class CategoryCounts:
    """Exact counts of many distinct categories, held in Arrow buffers.

    A column of millions of distinct strings (ids, emails) would cost a Python string and a
    dict entry per value; here the values stay an Arrow string array and the counts a numpy
    array, summed per value (a sort in Arrow's C++) whenever the unsummed parts outgrow the
    summed one. The sums are exact and independent of the merge order.
    """

    values: list[pa.Array] = field(default_factory=list)
    counts: list[NDArray[np.int64]] = field(default_factory=list)
    summed: int = 0  # length of the first part when its values are distinct (summed)

    @classmethod
    def of(cls, counts: dict[str, int]) -> CategoryCounts:
        """The counts of a Python dict, moved to Arrow."""
        if not counts:
            return cls()
        return cls(
            [pa.array(list(counts), pa.string())],
            [np.fromiter(counts.values(), dtype=np.int64, count=len(counts))],
            summed=len(counts),  # dict keys are distinct
        )

    def add(
        self, values: pa.Array, counts: NDArray[np.int64], *, distinct: bool = False
    ) -> CategoryCounts:
        """Add one part and return ``self``; ``distinct``: no value repeats within the part.

        Parts are summed when the unsummed ones outgrow the summed one, so each value is
        sorted a few times in all, not once per merge.
        """
        if not self.values and distinct:
            self.values, self.counts, self.summed = [values], [counts], len(values)
            return self
        self.values.append(values)
        self.counts.append(counts)
        if sum(len(v) for v in self.values) > 2 * self.summed + PYTHON_CATEGORIES_MAX:
            self.sum_up()
        return self

    def merge(self, other: CategoryCounts) -> CategoryCounts:
        """Add ``other``'s parts and return ``self``."""
        for i, (v, c) in enumerate(zip(other.values, other.counts, strict=True)):
            self.add(v, c, distinct=i == 0 and other.summed == len(v))
        return self

    def sum_up(self) -> tuple[pa.Array, NDArray[np.int64]]:
        """One count per distinct value (the parts summed), as the only part.

        Sorting, not hashing: Arrow's hash table for millions of strings needs about seven
        times their bytes, a sort about four (the sorted copy and the order).
        """
        if not self.values:
            return pa.array([], pa.large_string()), np.empty(0, dtype=np.int64)
        if len(self.values) > 1 or self.summed != len(self.values[0]):
            values = pa.concat_arrays([v.cast(pa.large_string()) for v in self.values])
            counts = np.concatenate(self.counts)
            order = pyarrow_compute().array_sort_indices(values)
            values, counts = values.take(order), counts[np.asarray(order)]
            starts = np.flatnonzero(
                np.asarray(pyarrow_compute().not_equal(values[1:], values[:-1]))
            )
            starts = np.concatenate([np.zeros(min(len(values), 1), np.int64), starts + 1])
            self.values = [values.take(pa.array(starts))]
            self.counts = [np.add.reduceat(counts, starts) if starts.size else counts]
            self.summed = len(self.values[0])
        return self.values[0], self.counts[0]

    def distinct(self) -> int:
        """The number of distinct categories."""
        return len(self.sum_up()[0])

    def most_frequent(self, n: int) -> list[tuple[str, int]]:
        """The ``n`` most frequent categories, by count then by name (code point order)."""
        values, counts = self.sum_up()
        if n <= 0 or not len(values):
            return []
        table = pa.table({"value": values, "count": counts})
        keys = [("count", "descending"), ("value", "ascending")]
        top = table.take(pyarrow_compute().select_k_unstable(table, min(n, len(values)), keys))
        pairs = zip(top.column("value").to_pylist(), top.column("count").to_pylist(), strict=True)
        return sorted(pairs, key=lambda kv: (-kv[1], kv[0]))

    def total(self) -> int:
        """Rows counted over every category."""
        return int(sum(int(c.sum()) for c in self.counts))


def _category_part(arr: Any) -> tuple[pa.DictionaryArray, NDArray[np.int64], NDArray[Any], int]:
    """Dictionary encoding, per-code counts, the codes that occur, and the nulls of a batch.

    Null codes and codes of a null dictionary entry are both nulls (as counting sees them).
    """
    enc = as_strings(arr)
    codes = enc.indices
    mask = validity(codes)
    raw = raw_values(codes)
    valid = (raw if mask is None else raw[mask]).astype(np.int64)
    counts = np.bincount(valid, minlength=len(enc.dictionary))
    nulls = codes.null_count
    present = validity(enc.dictionary)
    if present is not None:
        nulls += int(counts[~present].sum())
        counts[~present] = 0
    return enc, counts, np.flatnonzero(counts), nulls


@dataclass
class Accumulator:
    """Reference values of one column gathered over batches.

    Numeric columns keep their non-NaN values (infinities included); :meth:`values` returns
    them sorted ascending, which gives exact quantiles and ``O(k log n)`` counting. Integer
    columns keep their exact integers. Categorical columns keep only per-value counts, built
    from dictionary codes with one ``bincount`` per batch: in a dict while there are few
    distinct values, in Arrow (:class:`CategoryCounts`) beyond
    :data:`PYTHON_CATEGORIES_MAX`, so millions of distinct strings cost their bytes, not a
    Python object each.
    """

    natural: str
    chunks: list[NDArray[Any]] = field(default_factory=list)
    n_missing: int = 0
    category_counts: dict[str, int] | CategoryCounts = field(default_factory=dict)
    sorted_values: NDArray[Any] | None = None

    def update(self, arr: pa.Array | pa.ChunkedArray) -> None:
        """Add one batch's column."""
        if self.natural == "categorical":
            self._update_categories(arr)
            return
        ints = exact_integers(arr)
        if ints is not None:
            values, n_null = ints
            self.n_missing += n_null
            self.chunks.append(values.copy())
            return
        x = as_float_seconds(arr)
        nan = np.isnan(x)
        n_nan = int(np.count_nonzero(nan))
        self.n_missing += n_nan
        self.chunks.append(x[~nan] if n_nan else x.copy())

    def _update_categories(self, arr: pa.Array | pa.ChunkedArray) -> None:
        enc, counts, nonzero, n_null = _category_part(arr)
        self.n_missing += n_null
        known = self.category_counts
        if isinstance(known, dict) and len(known) + nonzero.size <= PYTHON_CATEGORIES_MAX:
            distinct = enc.dictionary.to_pylist()  # one object per distinct value, not per row
            for i, c in zip(nonzero.tolist(), counts[nonzero].tolist(), strict=True):
                known[distinct[i]] = known.get(distinct[i], 0) + c
            return
        arrow = CategoryCounts.of(known) if isinstance(known, dict) else known
        taken = enc.dictionary.take(pa.array(nonzero, pa.int64()))
        self.category_counts = arrow.add(taken, counts[nonzero].astype(np.int64), distinct=True)

    def merge(self, other: Accumulator) -> Accumulator:
        """Add ``other``'s values and counts to this accumulator and return it."""
        self.n_missing += other.n_missing
        self.chunks.extend(other.chunks)
        mine, theirs = self.category_counts, other.category_counts
        if (
            isinstance(mine, dict)
            and isinstance(theirs, dict)
            and len(mine) + len(theirs) <= PYTHON_CATEGORIES_MAX
        ):
            for value, c in theirs.items():
                mine[value] = mine.get(value, 0) + c
            return self
        if isinstance(theirs, dict) and not theirs:
            return self
        left = CategoryCounts.of(mine) if isinstance(mine, dict) else mine
        right = CategoryCounts.of(theirs) if isinstance(theirs, dict) else theirs
        self.category_counts = left.merge(right)
        return self

    def values(self) -> NDArray[Any]:
        """All gathered non-NaN values, sorted ascending (computed once, chunks released).

        Float64, except for an integer column holding values beyond ±2**53: those stay
        ``int64``/``uint64`` so that distinct ids stay distinct and are counted exactly.
        """
        if self.sorted_values is None:
            out = np.concatenate(self.chunks) if self.chunks else np.empty(0, dtype=np.float64)
            self.chunks = []
            out.sort()
            if out.dtype.kind in "iu" and not _needs_integers(out):
                out = out.astype(np.float64)
            self.sorted_values = out
        return self.sorted_values

    def release(self) -> None:
        """Drop the gathered values once the column is fitted."""
        self.chunks = []
        self.sorted_values = None


def _needs_integers(s: NDArray[Any]) -> bool:
    """Whether sorted integers ``s`` hold a value float64 cannot represent exactly."""
    return bool(s.size) and (int(s[-1]) > _EXACT_IN_FLOAT or int(s[0]) < -_EXACT_IN_FLOAT)


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
