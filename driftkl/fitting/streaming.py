"""Fitting numeric reference columns too large to hold in memory, in streaming passes.

Used by :func:`driftkl.fitting.fit.fit_source` for a numeric column whose reference values exceed
``binning.reference_memory_mib``. Memory stays bounded by the batch size and a few thousand
gathered values per quantile; the edges and counts equal those of the in-memory fit (see
:mod:`driftkl.stats.quantiles` for how the quantiles are found exactly).

Passes over the columns being fitted (each reads only those columns):

1. counts of missing and infinite values, finite range, a KLL sketch per batch (quantile
   columns), distinct values while there are few (integer columns);
2. exact counts around the wanted order statistics, a refine pass if needed, and a gather pass
   (quantile columns only);
3. the reference counted into the final bins.

Every pass is one map-reduce on the engine: per-batch partial results (counts, ranges, a
serialised KLL sketch, gathered values) and associative merges, so any engine runs them.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl.columns import as_float_seconds, exact_integers
from driftkl.counting import count_source, require_rows
from driftkl.engines.base import merge_by_key
from driftkl.fitting.categorical import fit_integer_categorical
from driftkl.fitting.numeric import (
    FittedColumn,
    NumericPlan,
    NumericSummary,
    finish_numeric,
    numeric_edges,
    numeric_plan,
    numeric_spec,
)
from driftkl.stats.quantiles import (
    StreamingQuantiles,
    WindowCounts,
    count_windows,
    sketch_bytes,
    sketch_every,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import pyarrow as pa
    from numpy.typing import NDArray

    from driftkl.config import ColumnBinning
    from driftkl.engines.base import Engine
    from driftkl.model.bins import BinSpec, NumericBins
    from driftkl.sources import Source

__all__ = ["ColumnStats", "fit_streaming"]

log = logging.getLogger(__name__)


@dataclass
class ColumnStats:
    """Pass-1 summary of one column over some batches (mergeable)."""

    n_missing: int
    n_neg_inf: int
    n_pos_inf: int
    n_finite: int
    minimum: float
    maximum: float
    sketch: Any  # serialised (bytes) or live KLL sketch, or None
    distinct: dict[Any, int] | None  # integer columns: exact value counts while there are few
    distinct_max: int | None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the sketch serialised (live sketches do not pickle)."""
        state = dict(self.__dict__)
        state["sketch"] = sketch_bytes(self.sketch)
        return state

    def merge(self, other: ColumnStats) -> ColumnStats:
        """Add ``other`` into this summary (associative) and return it."""
        self.n_missing += other.n_missing
        self.n_neg_inf += other.n_neg_inf
        self.n_pos_inf += other.n_pos_inf
        self.n_finite += other.n_finite
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        self.sketch = StreamingQuantiles.merge_sketches(self.sketch, other.sketch)
        if self.distinct is None or other.distinct is None:
            self.distinct = None
        else:
            for v, c in other.distinct.items():
                self.distinct[v] = self.distinct.get(v, 0) + c
            if self.distinct_max is not None and len(self.distinct) > self.distinct_max:
                self.distinct = None
        return self

    def summary(self) -> NumericSummary:
        """What edge fitting needs."""
        return NumericSummary(
            n_finite=self.n_finite,
            n_inf=self.n_neg_inf + self.n_pos_inf,
            n_missing=self.n_missing,
            minimum=self.minimum,
            maximum=self.maximum,
        )


def _finite(x: NDArray[np.float64]) -> NDArray[np.float64]:
    ok = np.isfinite(x)
    return x if bool(ok.all()) else x[ok]


def _stats(
    batch: pa.RecordBatch, *, plan: dict[str, tuple[bool, int | None]], every: int
) -> tuple[int, dict[str, ColumnStats]]:
    out: dict[str, ColumnStats] = {}
    for name in batch.schema.names:
        sketch, distinct_max = plan[name]
        x = as_float_seconds(batch.column(name))
        finite = _finite(x)
        n_nan = int(np.count_nonzero(np.isnan(x))) if finite.size != x.size else 0
        n_neg = int(np.count_nonzero(x == -np.inf)) if finite.size != x.size else 0
        distinct = None
        if distinct_max is not None:
            ints = exact_integers(batch.column(name))  # ids beyond 2**53 stay distinct
            uniq, counts = np.unique(finite if ints is None else ints[0], return_counts=True)
            if uniq.size <= distinct_max:
                distinct = dict(zip(uniq.tolist(), counts.tolist(), strict=True))
        out[name] = ColumnStats(
            n_missing=n_nan,
            n_neg_inf=n_neg,
            n_pos_inf=int(x.size - finite.size) - n_nan - n_neg,
            n_finite=int(finite.size),
            minimum=float(finite.min()) if finite.size else np.inf,
            maximum=float(finite.max()) if finite.size else -np.inf,
            sketch=StreamingQuantiles.batch_sketch(finite, every) if sketch else None,
            distinct=distinct,
            distinct_max=distinct_max,
        )
    return batch.num_rows, out


def _merge_stats(
    a: tuple[int, dict[str, ColumnStats]], b: tuple[int, dict[str, ColumnStats]]
) -> tuple[int, dict[str, ColumnStats]]:
    return a[0] + b[0], merge_by_key(a[1], b[1], ColumnStats.merge)


def _windows_batch(
    batch: pa.RecordBatch, *, windows: dict[str, list[NDArray[np.float64]]]
) -> dict[str, Any]:
    return {
        n: count_windows(windows[n], _finite(as_float_seconds(batch.column(n))))
        for n in batch.schema.names
    }


def _add_windows(a: list[WindowCounts], b: list[WindowCounts]) -> list[WindowCounts]:
    for into, w in zip(a, b, strict=True):
        into.add(w)
    return a


def _merge_windows(
    a: dict[str, list[WindowCounts]], b: dict[str, list[WindowCounts]]
) -> dict[str, list[WindowCounts]]:
    return merge_by_key(a, b, _add_windows)


def _gather_batch(
    batch: pa.RecordBatch, *, cells: dict[str, list[tuple[float, float]]]
) -> dict[str, list[list[NDArray[np.float64]]]]:
    return {
        n: [
            [v]
            for v in StreamingQuantiles.gather_batch(
                _finite(as_float_seconds(batch.column(n))), cells[n]
            )
        ]
        for n in batch.schema.names
    }


def _extend_cells(
    a: list[list[NDArray[np.float64]]], b: list[list[NDArray[np.float64]]]
) -> list[list[NDArray[np.float64]]]:
    for into, chunks in zip(a, b, strict=True):
        into.extend(c for c in chunks if c.size)
    return a


def _merge_gathered(
    a: dict[str, list[list[NDArray[np.float64]]]], b: dict[str, list[list[NDArray[np.float64]]]]
) -> dict[str, list[list[NDArray[np.float64]]]]:
    return merge_by_key(a, b, _extend_cells)


def _search(
    source: Source, searches: dict[str, StreamingQuantiles], engine: Engine, label: str
) -> None:
    """Counting, refine and gather passes until every quantile search is resolved."""
    for s in searches.values():
        if s.n_finite:
            s.start()
    while True:
        windows = {n: w for n, s in searches.items() if (w := s.windows()) is not None}
        if windows:
            (counted,) = engine.map_reduce(
                source,
                [list(windows)],
                functools.partial(_windows_batch, windows=windows),
                _merge_windows,
                label=label,
            )
            for n in windows:
                if counted is not None and n in counted:
                    searches[n].add_counts(counted[n])
                searches[n].end_count()
            continue
        cells = {n: c for n, s in searches.items() if (c := s.cells()) is not None}
        if not cells:
            return
        (gathered,) = engine.map_reduce(
            source,
            [list(cells)],
            functools.partial(_gather_batch, cells=cells),
            _merge_gathered,
            label=label,
        )
        for n in cells:
            if gathered is not None and n in gathered:
                searches[n].add_gathered([np.concatenate(chunks) for chunks in gathered[n]])
            searches[n].end_gather()


def fit_streaming(
    source: Source,
    names: Sequence[str],
    kinds: dict[str, str],
    binning_for: Callable[[str], ColumnBinning],
    engine: Engine,
) -> tuple[dict[str, FittedColumn], int]:
    """Fit numeric/datetime/integer columns in streaming passes; returns them and the rows."""
    where = source.description
    label = "fitting reference bins (streaming quantiles)"
    plan: dict[str, tuple[bool, int | None]] = {}
    for name in names:
        b = binning_for(name)
        limit = b.integer_categorical_max if kinds[name] == "integer" else None
        plan[name] = (b.method == "quantile", limit)
    (result,) = engine.map_reduce(
        source,
        [list(names)],
        functools.partial(_stats, plan=plan, every=sketch_every(source.count_rows())),
        _merge_stats,
        label=label,
    )
    rows, stats = result if result is not None else (0, {})
    require_rows(rows, source)
    fitted: dict[str, FittedColumn] = {}
    plans: dict[str, NumericPlan] = {}
    searches: dict[str, StreamingQuantiles] = {}
    for name in names:
        st = stats[name]
        binning = binning_for(name)
        if kinds[name] == "integer" and st.distinct is not None:
            keys = sorted(st.distinct)
            uniq = np.asarray(keys)  # int64 or uint64 for integer columns: exact
            per_value = np.asarray([st.distinct[v] for v in keys], dtype=np.int64)
            n_missing = st.n_missing + st.n_neg_inf + st.n_pos_inf
            fitted[name] = fit_integer_categorical(name, uniq, per_value, n_missing, binning)
            continue
        plans[name] = numeric_plan(name, st.summary(), binning, where)
        if plan[name][0]:
            search = StreamingQuantiles(np.linspace(0.0, 1.0, plans[name].bins + 1))
            search.add_stats(st.n_finite, st.minimum, st.maximum, st.sketch)
            searches[name] = search
    _search(source, searches, engine, label)
    specs: dict[str, BinSpec] = {}
    for name, p in plans.items():
        summary = stats[name].summary()
        found = searches.get(name)
        quantiles = found.quantiles_of if found is not None else _no_quantiles
        specs[name] = numeric_spec(numeric_edges(p, summary, quantiles), p, kinds[name])
        log.info(
            "column %r of %s: fitted in %d streaming passes (%d finite reference values)",
            name,
            where,
            (found.passes if found is not None else 1) + 1,
            summary.n_finite,
        )
    counts = (
        count_source(source, specs, engine, label="counting reference rows")[0] if specs else {}
    )
    for name, p in plans.items():
        spec_n: NumericBins = specs[name]  # type: ignore[assignment]
        kind = "numeric" if kinds[name] == "integer" else kinds[name]
        fitted[name] = finish_numeric(
            name, kind, spec_n, counts[name], notes=p.notes, min_count=binning_for(name).min_count
        )
    return fitted, rows


def _no_quantiles(qs: NDArray[np.float64]) -> NDArray[np.float64]:
    raise AssertionError(f"quantiles {qs} asked of a column fitted without a quantile search")
