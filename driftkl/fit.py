"""Fitting bins on the reference and counting sources into them, batch by batch."""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from driftkl.bins import BinSpec, CategoricalBins, NumericBins
from driftkl.columns import (
    as_float_seconds,
    as_strings,
    from_numpy,
    natural_kind,
    raw_values,
    type_name,
    validity,
)
from driftkl.engine import map_batches, map_passes, resolve_threads
from driftkl.errors import ColumnNotFoundError, InputError
from driftkl.quantiles import linear_quantiles
from driftkl.sources import COLUMNS_PER_PASS

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from numpy.typing import NDArray

    from driftkl.config import DriftConfig
    from driftkl.sources import Source

__all__ = ["FittedColumn", "count_batch", "count_source", "fit_source", "select_columns"]


@dataclass(frozen=True)
class FittedColumn:
    """What fitting produced for one column."""

    name: str
    kind: str
    dtype: str
    bins: BinSpec
    counts: NDArray[np.int64]
    notes: tuple[str, ...] = ()


def select_columns(schema: pa.Schema, config: DriftConfig, where: str) -> list[str]:
    """Columns to check: ``include`` (or all) minus ``exclude``, in source order."""
    names = list(schema.names)
    if config.include is not None:
        missing = [c for c in config.include if c not in names]
        if missing:
            raise ColumnNotFoundError(
                f"column(s) {missing} from include are not in {where} (it has {names}). "
                "Hint: fix the include list or the data."
            )
        chosen = [c for c in names if c in set(config.include)]
    else:
        chosen = names
    chosen = [c for c in chosen if c not in set(config.exclude)]
    if not chosen:
        raise InputError(f"no columns left to check in {where}. Hint: check include/exclude.")
    return chosen


@dataclass
class _Accumulator:
    """Reference values of one column gathered over batches.

    Numeric columns keep their non-NaN values (infinities included); :meth:`values` returns
    them sorted ascending, which gives exact quantiles and ``O(k log n)`` counting, and does
    not depend on batch order. Categorical columns keep only per-value counts, built from
    dictionary codes with one ``bincount`` per batch.
    """

    natural: str
    chunks: list[NDArray[np.float64]] = field(default_factory=list)
    n_missing: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)
    _sorted: NDArray[np.float64] | None = None

    def add(self, arr: pa.Array | pa.ChunkedArray) -> None:
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

    def values(self) -> NDArray[np.float64]:
        """All gathered non-NaN values, sorted ascending (computed once, chunks released)."""
        if self._sorted is None:
            out = np.concatenate(self.chunks) if self.chunks else np.empty(0, dtype=np.float64)
            self.chunks = []
            out.sort()
            self._sorted = out
        return self._sorted

    def release(self) -> None:
        """Drop the gathered values once the column is fitted."""
        self.chunks = []
        self._sorted = None


def _merge_small(
    edges: NDArray[np.float64], counts: NDArray[np.int64], minimum: int
) -> NDArray[np.int64]:
    """Indices of the edges kept when adjacent inner bins are merged.

    Bins are joined left to right until each holds at least ``minimum`` reference values.
    """
    keep = [0]
    acc = 0
    for i, c in enumerate(counts):
        acc += int(c)
        if acc >= minimum and i < len(counts) - 1:
            keep.append(i + 1)
            acc = 0
    keep.append(len(edges) - 1)
    if acc < minimum and len(keep) > 2:  # noqa: PLR2004 - last bin too small: join its left
        keep.pop(-2)
    return np.asarray(sorted(set(keep)), dtype=np.int64)


@dataclass(frozen=True)
class _NumericSummary:
    """What edge fitting needs to know about a numeric reference column."""

    n_finite: int
    n_inf: int
    n_missing: int
    minimum: float
    maximum: float


def _numeric_plan(
    name: str, summary: _NumericSummary, config: DriftConfig, where: str
) -> tuple[str, int, NDArray[np.float64] | None, list[str]]:
    """Method, bin count, explicit edges (if configured) and notes of a numeric column."""
    col = config.columns.get(name)
    notes: list[str] = []
    if summary.n_inf:
        notes.append(
            f"{summary.n_inf} infinite reference value(s) counted in the out-of-range bins"
        )
    method = (col.method if col and col.method else None) or config.binning.method
    n_bins = (col.bins if col and col.bins else None) or config.binning.bins
    if col is not None and col.edges is not None:
        return "explicit", n_bins, np.asarray(col.edges, dtype=np.float64), notes
    if summary.n_finite == 0:
        what = "NaN/null" if summary.n_inf == 0 else "NaN/null or infinite"
        raise InputError(
            f"column {name!r} in {where} has no finite values "
            f"({summary.n_missing + summary.n_inf} rows, all {what}), so no bins can be "
            f"fitted. Hint: exclude it (exclude: [{name}]) or fix the upstream data."
        )
    return method, n_bins, None, notes


def _numeric_edges(
    method: str,
    n_bins: int,
    summary: _NumericSummary,
    quantiles: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Edges from the reference: equal-width or (exact) quantiles."""
    if method == "uniform":
        return np.linspace(summary.minimum, summary.maximum, n_bins + 1)
    return quantiles(np.linspace(0.0, 1.0, n_bins + 1))


def _numeric_spec(
    edges: NDArray[np.float64], method: str, kind: str, notes: list[str]
) -> NumericBins:
    """Bins from fitted edges (tied edges merged; a note for a constant column)."""
    edges = np.unique(edges)
    if edges.size == 1:
        notes.append(f"constant in the reference (every finite value is {edges[0]:.6g})")
    return NumericBins(
        edges=tuple(float(e) for e in edges), method=method, datetime=kind == "datetime"
    )


def _numeric_column(
    name: str,
    kind: str,
    spec: NumericBins,
    counts: NDArray[np.int64],
    *,
    notes: list[str],
    config: DriftConfig,
) -> FittedColumn:
    """The fitted column, thin bins joined per ``min_count`` (their counts summed)."""
    col = config.columns.get(name)
    min_count = col.min_count if col and col.min_count is not None else None
    if min_count is None:
        min_count = config.binning.min_count
    edges = np.asarray(spec.edges)
    if min_count and edges.size > 2 and spec.method != "explicit":  # noqa: PLR2004
        keep = _merge_small(edges, counts[1:-2], min_count)
        spec = NumericBins(
            edges=tuple(float(e) for e in edges[keep]),
            method=spec.method,
            datetime=spec.datetime,
        )
        inner = np.add.reduceat(counts[1:-2], keep[:-1])
        counts = np.concatenate([counts[:1], inner, counts[-2:]])
    return FittedColumn(name, kind, "", spec, counts, tuple(notes))


def _fit_numeric(
    name: str, acc: _Accumulator, config: DriftConfig, kind: str, where: str
) -> FittedColumn:
    values = acc.values()  # sorted, no NaN: -inf first, +inf last
    lo = int(np.searchsorted(values, -np.inf, side="right"))
    hi = int(np.searchsorted(values, np.inf, side="left"))
    finite = values[lo:hi]
    summary = _NumericSummary(
        n_finite=int(finite.size),
        n_inf=int(values.size - finite.size),
        n_missing=acc.n_missing,
        minimum=float(finite[0]) if finite.size else 0.0,
        maximum=float(finite[-1]) if finite.size else 0.0,
    )
    method, n_bins, edges, notes = _numeric_plan(name, summary, config, where)
    if edges is None:
        edges = _numeric_edges(
            method,
            n_bins,
            summary,
            lambda qs: linear_quantiles(finite.__getitem__, finite.size, qs),
        )
    spec = _numeric_spec(edges, method, kind, notes)
    counts = spec.count_sorted(values)
    counts[-1] += acc.n_missing
    return _numeric_column(name, kind, spec, counts, notes=notes, config=config)


def _fit_categorical(name: str, acc: _Accumulator, config: DriftConfig) -> FittedColumn:
    col = config.columns.get(name)
    top_k = (col.top_k if col and col.top_k else None) or config.binning.top_k
    ranked = sorted(acc.category_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cats = tuple(k for k, _ in ranked[:top_k])
    rest = ranked[top_k:]
    vocab = config.binning.max_vocabulary
    other = tuple(sorted(k for k, _ in rest[:vocab]))
    spec = CategoricalBins(categories=cats, other=other, vocabulary_truncated=len(rest) > vocab)
    counts = np.zeros(spec.n_bins, dtype=np.int64)
    counts[: len(cats)] = [c for _, c in ranked[:top_k]]
    counts[len(cats)] = sum(c for _, c in rest)
    counts[-1] = acc.n_missing
    notes = []
    if rest:
        notes.append(f"{len(ranked)} reference categories; top {top_k} kept, the rest in (other)")
    if not cats:
        notes.append("no non-missing reference values: every row is in the missing bin")
    return FittedColumn(name, "categorical", "", spec, counts, tuple(notes))


def _int_as_categorical(name: str, acc: _Accumulator, config: DriftConfig) -> FittedColumn:
    values = acc.values()
    uniq, counts = np.unique(values, return_counts=True)  # sorted input: a linear pass
    return _int_counts_as_categorical(name, uniq, counts, acc.n_missing, config)


def _int_counts_as_categorical(
    name: str,
    uniq: NDArray[np.float64],
    counts: NDArray[np.int64],
    n_missing: int,
    config: DriftConfig,
) -> FittedColumn:
    """An integer column with few distinct values, binned as categorical."""
    labels = from_numpy(uniq.astype(np.int64)).cast(pa.string()).to_pylist()
    cat = _Accumulator(
        "categorical",
        n_missing=n_missing,
        category_counts=dict(zip(labels, counts.tolist(), strict=True)),
    )
    return _fit_categorical(name, cat, config)


def _kinds(source: Source, columns: Sequence[str], config: DriftConfig) -> dict[str, str]:
    where = source.description
    kinds: dict[str, str] = {}
    for name in columns:
        dtype = source.schema.field(name).type
        natural = natural_kind(dtype, name, where)
        col = config.columns.get(name)
        configured = col.kind if col is not None else None
        if configured in ("numeric", "datetime") and natural == "categorical":
            raise InputError(
                f"column {name!r} in {where} has type {type_name(dtype)} and cannot be binned "
                f"as {configured}. Hint: remove columns.{name}.kind or cast the column."
            )
        kinds[name] = configured or natural
    return kinds


def _groups(
    columns: Sequence[str], kinds: dict[str, str], rows: int | None, budget: int
) -> list[list[str]]:
    """Columns per reading pass: numeric ones within the memory budget, then categoricals."""
    numeric = [c for c in columns if kinds[c] != "categorical"]
    categorical = [c for c in columns if kinds[c] == "categorical"]
    per_group = COLUMNS_PER_PASS
    if rows:
        per_group = max(1, min(per_group, budget // (8 * rows)))
    groups = [numeric[i : i + per_group] for i in range(0, len(numeric), per_group)]
    groups += [
        categorical[i : i + COLUMNS_PER_PASS] for i in range(0, len(categorical), COLUMNS_PER_PASS)
    ]
    return groups


def _passes(columns: Sequence[str]) -> list[list[str]]:
    return [
        list(columns[i : i + COLUMNS_PER_PASS]) for i in range(0, len(columns), COLUMNS_PER_PASS)
    ]


def _gather(batch: pa.RecordBatch, accs: dict[str, _Accumulator]) -> dict[str, _Accumulator]:
    """One batch's partial accumulators (merged in batch order by the caller)."""
    out = {}
    for name, acc in accs.items():
        part = _Accumulator(acc.natural)
        part.add(batch.column(name))
        out[name] = part
    return out


def _gather_rows(
    batch: pa.RecordBatch, *, accs: dict[str, _Accumulator]
) -> tuple[int, dict[str, _Accumulator]]:
    return batch.num_rows, _gather(batch, accs)


def _count_rows(
    batch: pa.RecordBatch, *, specs: dict[str, BinSpec]
) -> tuple[int, dict[str, NDArray[np.int64]]]:
    """One batch's rows and counts of the columns it holds (one pass's columns)."""
    return batch.num_rows, {n: specs[n].count(batch.column(n)) for n in batch.schema.names}


def _merge(into: _Accumulator, part: _Accumulator) -> None:
    into.n_missing += part.n_missing
    into.chunks.extend(part.chunks)
    for value, c in part.category_counts.items():
        into.category_counts[value] = into.category_counts.get(value, 0) + c


def _fit_column(
    name: str, acc: _Accumulator, kind: str, config: DriftConfig, where: str
) -> FittedColumn:
    if kind == "integer":
        values = acc.values()
        uniq = int(np.count_nonzero(np.diff(values))) + 1 if values.size else 0
        kind = "categorical" if uniq <= config.binning.integer_categorical_max else "numeric"
    if kind == "categorical" and acc.natural == "numeric":
        return _int_as_categorical(name, acc, config)
    if kind == "categorical":
        return _fit_categorical(name, acc, config)
    return _fit_numeric(name, acc, config, kind, where)


def fit_source(
    source: Source, columns: Sequence[str], config: DriftConfig
) -> tuple[list[FittedColumn], int]:
    """Read the reference and fit bins and counts for every column.

    Numeric quantile edges are exact (``numpy.quantile`` over all finite reference values).
    To bound memory, numeric columns are read in groups whose values fit in
    ``binning.reference_memory_mib`` (each group reads only its own columns), and each column
    is sorted once, which gives both its quantiles and its counts. A column too large for that
    budget on its own is fitted in streaming passes (:mod:`driftkl.streamfit`) with the same
    exact result; so is every numeric column of a dask DataFrame, whose length is unknown.
    """
    where = source.description
    kinds = _kinds(source, columns, config)
    total = source.count_rows()
    fitted: dict[str, FittedColumn] = {}
    rows = 0
    budget = config.binning.reference_memory_mib * 2**20
    streamed = [
        c for c in columns if kinds[c] != "categorical" and (total is None or 8 * total > budget)
    ]
    for group in _passes(streamed):
        from driftkl.streamfit import fit_streaming  # noqa: PLC0415 - large references only

        done, rows = fit_streaming(source, group, kinds, config)
        fitted.update({n: _with_dtype(source, fc) for n, fc in done.items()})
    in_memory = [c for c in columns if c not in set(streamed)]
    if source.engine == "dask" and in_memory:
        from driftkl.engine import dask_module  # noqa: PLC0415

        gathered, rows = dask_module().gather_reference(source, in_memory, kinds)
        if rows == 0:
            raise InputError(f"{where} has no rows. Hint: check the path, the filter and the data.")
        fitted.update({c.name: c for c in _fitted(source, in_memory, kinds, gathered, config)})
        return [fitted[c] for c in columns], rows
    if source.engine == "dask":
        if rows == 0:
            raise InputError(f"{where} has no rows. Hint: check the path, the filter and the data.")
        return [fitted[c] for c in columns], rows
    groups = _groups(in_memory, kinds, total, budget)
    threads = resolve_threads(source.threads)
    for i, group in enumerate(groups):
        # "integer" columns gather numbers and become categorical after the pass if they have
        # few distinct values; everything else is gathered in its final form.
        accs = {
            n: _Accumulator("categorical" if kinds[n] == "categorical" else "numeric")
            for n in group
        }
        label = "reference" if len(groups) == 1 else f"reference {i + 1}/{len(groups)}"
        group_rows = 0
        for n_rows, part in map_batches(
            source,
            group,
            functools.partial(_gather_rows, accs=accs),
            label=label,
            total_rows=total,
        ):
            group_rows += n_rows
            for name, p in part.items():
                _merge(accs[name], p)
        rows = group_rows
        if rows == 0:
            raise InputError(f"{where} has no rows. Hint: check the path, the filter and the data.")
        fitted.update(_fit_all(source, group, kinds, accs, config, threads=threads))
    return [fitted[c] for c in columns], rows


def _with_dtype(source: Source, fc: FittedColumn) -> FittedColumn:
    """The fitted column with its source type name filled in."""
    dtype = type_name(source.schema.field(fc.name).type)
    return FittedColumn(fc.name, fc.kind, dtype, fc.bins, fc.counts, fc.notes)


def _fit_all(
    source: Source,
    /,
    group: Sequence[str],
    kinds: dict[str, str],
    accs: dict[str, _Accumulator],
    config: DriftConfig,
    *,
    threads: int,
) -> dict[str, FittedColumn]:
    where = source.description

    def one(name: str) -> FittedColumn:
        try:
            fc = _fit_column(name, accs[name], kinds[name], config, where)
        finally:
            accs[name].release()
        return _with_dtype(source, fc)

    if threads == 1 or len(group) <= 1:
        return {n: one(n) for n in group}
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="driftkl-fit") as pool:
        return dict(zip(group, pool.map(one, group), strict=True))


def _fitted(
    source: Source,
    columns: Sequence[str],
    kinds: dict[str, str],
    accs: dict[str, _Accumulator],
    config: DriftConfig,
) -> list[FittedColumn]:
    out = _fit_all(source, columns, kinds, accs, config, threads=resolve_threads(source.threads))
    return [out[c] for c in columns]


def count_batch(batch: pa.RecordBatch, specs: dict[str, BinSpec]) -> dict[str, NDArray[np.int64]]:
    """Counts of one record batch, per column."""
    return {name: spec.count(batch.column(name)) for name, spec in specs.items()}


def count_source(
    source: Source, specs: dict[str, BinSpec], *, label: str = "current"
) -> tuple[dict[str, NDArray[np.int64]], int]:
    """Stream a source and count each column into its bins (integer sums: deterministic)."""
    columns = list(specs)
    if source.engine == "dask":
        from driftkl.engine import dask_module  # noqa: PLC0415

        counts, rows = dask_module().count(source, specs)
    else:
        counts = {n: np.zeros(specs[n].n_bins, dtype=np.int64) for n in columns}
        passes = _passes(columns)
        seen = 0
        for n_rows, part in map_passes(
            source,
            passes,
            functools.partial(_count_rows, specs=specs),
            label=label,
            total_rows=source.count_rows(),
        ):
            seen += n_rows
            for name, c in part.items():
                counts[name] += c
        rows = seen // len(passes)
    if rows == 0:
        raise InputError(
            f"{source.description} has no rows. Hint: check the path, the filter and the data."
        )
    return counts, rows
