"""Fitting numeric reference columns too large to hold in memory, in streaming passes.

Used by :func:`driftkl.fit.fit_source` for a numeric column whose reference values exceed
``binning.reference_memory_mib``. Memory stays bounded by the batch size and a few thousand
gathered values per quantile; the edges and counts equal those of the in-memory fit (see
:mod:`driftkl.quantiles` for how the quantiles are found exactly).

Passes over the columns being fitted (each reads only those columns):

1. counts of missing and infinite values, finite range, a KLL sketch per batch (quantile
   columns), distinct values while there are few (integer columns);
2. exact counts around the wanted order statistics, a refine pass if needed, and a gather pass
   (quantile columns only);
3. the reference counted into the final bins.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl.columns import as_float_seconds
from driftkl.engine import map_batches
from driftkl.fit import (
    FittedColumn,
    _int_counts_as_categorical,
    _numeric_column,
    _numeric_edges,
    _numeric_plan,
    _numeric_spec,
    _NumericSummary,
    count_source,
)
from driftkl.quantiles import StreamingQuantiles, count_windows, sketch_every

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    import pyarrow as pa
    from numpy.typing import NDArray

    from driftkl.bins import BinSpec, NumericBins
    from driftkl.config import DriftConfig
    from driftkl.sources import Source

__all__ = ["fit_streaming"]

log = logging.getLogger(__name__)


@dataclass
class _Column:
    """Pass-1 state of one column."""

    kind: str
    sketch: bool
    distinct_max: int | None  # integer columns: track distinct values up to this many
    n_missing: int = 0
    n_neg_inf: int = 0
    n_pos_inf: int = 0
    search: StreamingQuantiles = field(default_factory=lambda: StreamingQuantiles(np.empty(0)))
    distinct: dict[float, int] | None = field(default_factory=dict)

    def summary(self) -> _NumericSummary:
        s = self.search
        return _NumericSummary(
            n_finite=s.n_finite,
            n_inf=self.n_neg_inf + self.n_pos_inf,
            n_missing=self.n_missing,
            minimum=s.minimum,
            maximum=s.maximum,
        )


@dataclass(frozen=True)
class _BatchStats:
    n_missing: int
    n_neg_inf: int
    n_pos_inf: int
    n_finite: int
    minimum: float
    maximum: float
    sketch: bytes | None
    distinct: tuple[NDArray[np.float64], NDArray[np.int64]] | None


def _finite(x: NDArray[np.float64]) -> NDArray[np.float64]:
    ok = np.isfinite(x)
    return x if bool(ok.all()) else x[ok]


def _stats(
    batch: pa.RecordBatch, *, plan: dict[str, tuple[bool, int | None]], every: int
) -> dict[str, Any]:
    out: dict[str, Any] = {"rows": batch.num_rows}
    for name, (sketch, distinct_max) in plan.items():
        x = as_float_seconds(batch.column(name))
        finite = _finite(x)
        n_nan = int(np.count_nonzero(np.isnan(x))) if finite.size != x.size else 0
        n_neg = int(np.count_nonzero(x == -np.inf)) if finite.size != x.size else 0
        distinct = None
        if distinct_max is not None:
            uniq, counts = np.unique(finite, return_counts=True)
            if uniq.size <= distinct_max:
                distinct = (uniq, counts)
        out[name] = _BatchStats(
            n_missing=n_nan,
            n_neg_inf=n_neg,
            n_pos_inf=int(x.size - finite.size) - n_nan - n_neg,
            n_finite=int(finite.size),
            minimum=float(finite.min()) if finite.size else np.inf,
            maximum=float(finite.max()) if finite.size else -np.inf,
            sketch=StreamingQuantiles.batch_sketch(finite, every) if sketch else None,
            distinct=distinct,
        )
    return out


def _merge_stats(col: _Column, part: _BatchStats) -> None:
    col.n_missing += part.n_missing
    col.n_neg_inf += part.n_neg_inf
    col.n_pos_inf += part.n_pos_inf
    col.search.add_stats(part.n_finite, part.minimum, part.maximum, part.sketch)
    if col.distinct is not None:
        if part.distinct is None:
            col.distinct = None
            return
        for v, c in zip(*(a.tolist() for a in part.distinct), strict=True):
            col.distinct[v] = col.distinct.get(v, 0) + c
        if col.distinct_max is not None and len(col.distinct) > col.distinct_max:
            col.distinct = None


def _windows_batch(
    batch: pa.RecordBatch, *, windows: dict[str, list[NDArray[np.float64]]]
) -> dict[str, Any]:
    return {
        n: count_windows(w, _finite(as_float_seconds(batch.column(n)))) for n, w in windows.items()
    }


def _gather_batch(
    batch: pa.RecordBatch, *, cells: dict[str, list[tuple[float, float]]]
) -> dict[str, Any]:
    return {
        n: StreamingQuantiles.gather_batch(_finite(as_float_seconds(batch.column(n))), c)
        for n, c in cells.items()
    }


def _run(
    source: Source,
    names: Sequence[str],
    work: Callable[[pa.RecordBatch], dict[str, Any]],
    label: str,
) -> Iterator[dict[str, Any]]:
    """Per-batch results in batch order, streamed (never all held at once)."""
    if source.engine == "dask":
        from driftkl.engine import dask_module  # noqa: PLC0415

        return dask_module().map_batches(source, names, work)  # type: ignore[no-any-return]
    return map_batches(source, names, work, label=label, total_rows=source.count_rows())


def _search(source: Source, columns: dict[str, _Column], label: str) -> None:
    """Counting, refine and gather passes until every quantile search is resolved."""
    searches = {n: c.search for n, c in columns.items() if c.sketch}
    for s in searches.values():
        if s.n_finite:
            s.start()
    while True:
        windows = {n: w for n, s in searches.items() if (w := s.windows()) is not None}
        if windows:
            for part in _run(
                source, list(windows), functools.partial(_windows_batch, windows=windows), label
            ):
                for n in windows:
                    searches[n].add_counts(part[n])
            for n in windows:
                searches[n].end_count()
            continue
        cells = {n: c for n, s in searches.items() if (c := s.cells()) is not None}
        if not cells:
            return
        for part in _run(source, list(cells), functools.partial(_gather_batch, cells=cells), label):
            for n in cells:
                searches[n].add_gathered(part[n])
        for n in cells:
            searches[n].end_gather()


def fit_streaming(
    source: Source, names: Sequence[str], kinds: dict[str, str], config: DriftConfig
) -> tuple[dict[str, FittedColumn], int]:
    """Fit numeric/datetime/integer columns in streaming passes; returns them and the rows."""
    where = source.description
    columns: dict[str, _Column] = {}
    for name in names:
        col = config.columns.get(name)
        method = (col.method if col and col.method else None) or config.binning.method
        explicit = col is not None and col.edges is not None
        kind = kinds[name]
        limit = config.binning.integer_categorical_max if kind == "integer" else None
        columns[name] = _Column(
            kind=kind,
            sketch=method == "quantile" and not explicit,
            distinct_max=limit,
            distinct={} if limit is not None else None,
        )
    label = "reference (streaming)"
    plan = {n: (c.sketch, c.distinct_max) for n, c in columns.items()}
    rows = 0
    for part in _run(
        source,
        names,
        functools.partial(_stats, plan=plan, every=sketch_every(source.count_rows())),
        label,
    ):
        rows += part["rows"]
        for n, c in columns.items():
            _merge_stats(c, part[n])
    fitted: dict[str, FittedColumn] = {}
    for name, c in list(columns.items()):
        if c.kind == "integer" and c.distinct is not None:
            uniq = np.asarray(sorted(c.distinct), dtype=np.float64)
            per_value = np.asarray([c.distinct[v] for v in uniq.tolist()], dtype=np.int64)
            fitted[name] = _int_counts_as_categorical(
                name, uniq, per_value, c.n_missing + c.n_neg_inf + c.n_pos_inf, config
            )
            del columns[name]
    plans: dict[str, tuple[str, int, NDArray[np.float64] | None, list[str]]] = {}
    for name, c in columns.items():
        plans[name] = _numeric_plan(name, c.summary(), config, where)
        method, n_bins, _, _ = plans[name]
        if c.sketch:
            c.search.qs = np.linspace(0.0, 1.0, n_bins + 1)
    _search(source, columns, label)
    specs: dict[str, BinSpec] = {}
    notes: dict[str, list[str]] = {}
    for name, c in columns.items():
        method, n_bins, edges, notes[name] = plans[name]
        summary = c.summary()
        search = c.search
        if edges is None:
            edges = _numeric_edges(method, n_bins, summary, search.quantiles_of)
        specs[name] = _numeric_spec(edges, method, c.kind, notes[name])
        log.info(
            "column %r of %s: fitted in %d streaming passes (%d finite reference values)",
            name,
            where,
            search.passes + 1,
            summary.n_finite,
        )
    counts = count_source(source, specs, label="reference (counting)")[0] if specs else {}
    for name, c in columns.items():
        spec_n: NumericBins = specs[name]  # type: ignore[assignment]
        kind = "numeric" if c.kind == "integer" else c.kind
        fitted[name] = _numeric_column(
            name, kind, spec_n, counts[name], notes=notes[name], config=config
        )
    return fitted, rows
