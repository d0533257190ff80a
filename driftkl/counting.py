"""Counting a source into fitted bins: one map-reduce of integer sums.

Counts are integer sums, so they are identical whatever the engine, batch size, thread count
or merge order.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from driftkl.engines.base import merge_by_key
from driftkl.errors import InputError
from driftkl.sources import column_passes

if TYPE_CHECKING:
    import pyarrow as pa
    from numpy.typing import NDArray

    from driftkl.engines.base import Engine
    from driftkl.model.bins import BinSpec
    from driftkl.sources import Source

__all__ = ["Counts", "count_batch", "count_source", "merge_counts", "require_rows"]

Counts = tuple[int, dict[str, "NDArray[np.int64]"]]
"""Rows seen and per-column bin counts (a partial result of the counting pass)."""


def require_rows(rows: int, source: Source) -> int:
    """``rows``, or the one "has no rows" error naming the source."""
    if rows == 0:
        raise InputError(
            f"{source.description} has no rows. Hint: check the path, the filter and the data."
        )
    return rows


def count_batch(batch: pa.RecordBatch, *, specs: dict[str, BinSpec]) -> Counts:
    """One batch's rows and the counts of the columns it holds (one pass's columns)."""
    return batch.num_rows, {n: specs[n].count(batch.column(n)) for n in batch.schema.names}


def merge_counts(a: Counts, b: Counts) -> Counts:
    """Sum two partial counts (associative, order-independent; updates ``a``)."""
    return a[0] + b[0], merge_by_key(a[1], b[1], np.add)


def count_source(
    source: Source, specs: dict[str, BinSpec], engine: Engine, *, label: str = "current"
) -> tuple[dict[str, NDArray[np.int64]], int]:
    """Count every column of ``source`` into its bins; the counts and the row count."""
    results = engine.map_reduce(
        source,
        column_passes(list(specs)),
        functools.partial(count_batch, specs=specs),
        merge_counts,
        label=label,
    )
    rows: int | None = None
    counts = {n: np.zeros(s.n_bins, dtype=np.int64) for n, s in specs.items()}
    for result in results:
        seen, parts = result if result is not None else (0, {})
        rows = seen if rows is None else rows  # every pass reads every row
        counts.update(parts)
    return counts, require_rows(rows or 0, source)
