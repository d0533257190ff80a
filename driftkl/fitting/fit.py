"""Fitting a reference: bins and counts for every column, through the engine.

Numeric quantile edges are exact (``numpy.quantile`` over all finite reference values). When
a column's values fit ``binning.reference_memory_mib`` they are gathered and sorted in memory:
all such columns are read in one stream of column passes
(:func:`~driftkl.fitting.plan.fit_passes`), and each pass is sorted, fitted and released as
soon as it is read, before the next is consumed; so the reference is read once and memory is
bounded by a pass. Otherwise (or when the length is unknown, as for
a dask DataFrame) the column is fitted in streaming passes (:mod:`driftkl.fitting.streaming`)
with the same exact result. The rule is the same for every engine.
"""

from __future__ import annotations

import functools
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from driftkl.columns import type_name
from driftkl.counting import require_rows
from driftkl.fitting.accumulate import Accumulator, gather_batch, merge_gathered
from driftkl.fitting.categorical import fit_categorical, fit_integer_categorical
from driftkl.fitting.numeric import FittedColumn, fit_sorted
from driftkl.fitting.plan import column_kinds, fit_passes
from driftkl.fitting.streaming import fit_streaming
from driftkl.sources import column_passes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from driftkl.config import ColumnBinning
    from driftkl.engines.base import Engine
    from driftkl.sources import Source

__all__ = ["FittedColumn", "fit_source"]


def _fit_column(
    name: str, acc: Accumulator, kind: str, binning: ColumnBinning, where: str
) -> FittedColumn:
    if kind == "categorical" and acc.natural == "categorical":
        return fit_categorical(name, acc.category_counts, acc.n_missing, binning)
    values = acc.values()
    if kind == "integer":
        uniq = int(np.count_nonzero(np.diff(values))) + 1 if values.size else 0
        kind = "categorical" if uniq <= binning.integer_categorical_max else "numeric"
    if kind == "categorical":
        levels, counts = np.unique(values, return_counts=True)  # sorted input: a linear pass
        return fit_integer_categorical(name, levels, counts, acc.n_missing, binning)
    values = values.astype(np.float64, copy=False)  # ids beyond 2**53: edges as streamed
    return fit_sorted(name, values, acc.n_missing, kind=kind, binning=binning, where=where)


def _with_dtype(source: Source, fc: FittedColumn) -> FittedColumn:
    dtype = type_name(source.schema.field(fc.name).type)
    return FittedColumn(fc.name, fc.kind, dtype, fc.bins, fc.counts, fc.notes)


def _fit_in_memory(
    source: Source,
    passes: list[list[str]],
    kinds: dict[str, str],
    binning_for: Callable[[str], ColumnBinning],
    engine: Engine,
    *,
    threads: int,
) -> tuple[dict[str, FittedColumn], int]:
    """One read of all ``passes``; each pass's columns fitted and released as it completes."""
    # "integer" columns gather numbers and become categorical after the pass if they have few
    # distinct values; everything else is gathered in its final form.
    naturals = {
        n: "categorical" if kinds[n] == "categorical" else "numeric" for p in passes for n in p
    }
    results = engine.map_reduce(
        source,
        passes,
        functools.partial(gather_batch, naturals=naturals),
        merge_gathered,
        label="fitting reference bins",
    )

    def one(name: str, acc: Accumulator) -> FittedColumn:
        try:
            fc = _fit_column(name, acc, kinds[name], binning_for(name), source.description)
        finally:
            acc.release()
        return _with_dtype(source, fc)

    rows: int | None = None
    fitted: dict[str, FittedColumn] = {}
    unfinished: deque[list[tuple[str, Future[FittedColumn]]]] = deque()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="driftkl-fit") as pool:
        for columns, result in zip(passes, results, strict=True):
            seen, accs = result if result is not None else (0, {})
            rows = seen if rows is None else rows  # every pass reads every row
            require_rows(rows, source)
            unfinished.append(
                [(n, pool.submit(one, n, accs.pop(n, Accumulator(naturals[n])))) for n in columns]
            )
            del accs, result
            # back-pressure: the next pass is read once this one is fitted (its columns in
            # parallel), so memory holds one pass's values; the engine still decodes a few
            # batches ahead. Overlapping more passes was measured: no faster on 2 cores, and
            # +60 MiB on W1.
            while unfinished:
                fitted.update((n, f.result()) for n, f in unfinished.popleft())
        while unfinished:
            fitted.update((n, f.result()) for n, f in unfinished.popleft())
    return fitted, rows or 0


def fit_source(
    source: Source,
    columns: Sequence[str],
    binning_for: Callable[[str], ColumnBinning],
    engine: Engine,
    *,
    memory_mib: int,
    threads: int = 1,
) -> tuple[list[FittedColumn], int]:
    """Read the reference and fit bins and counts for every column; the row count too.

    Args:
        source: the reference.
        columns: the columns to fit.
        binning_for: each column's binning settings.
        engine: where the passes run.
        memory_mib: reference values held in memory at once (``binning.reference_memory_mib``).
        threads: columns fitted in parallel after a read.
    """
    where = source.description
    kinds = column_kinds(source.schema, columns, binning_for, where)
    total = source.count_rows()
    budget = memory_mib * 2**20
    streamed = [
        c for c in columns if kinds[c] != "categorical" and (total is None or 8 * total > budget)
    ]
    fitted: dict[str, FittedColumn] = {}
    rows = 0
    for group in column_passes(streamed):
        done, rows = fit_streaming(source, group, kinds, binning_for, engine)
        fitted.update({n: _with_dtype(source, fc) for n, fc in done.items()})
    in_memory = [c for c in columns if c not in set(streamed)]
    if in_memory:
        passes = fit_passes(in_memory, kinds, total or 0, budget)
        done, rows = _fit_in_memory(source, passes, kinds, binning_for, engine, threads=threads)
        fitted.update(done)
    return [fitted[c] for c in columns], rows
