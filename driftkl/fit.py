"""Fitting bins on the reference and counting sources into them, batch by batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from driftkl.bins import BinSpec, CategoricalBins, NumericBins
from driftkl.columns import as_float_seconds, as_strings, natural_kind, type_name
from driftkl.errors import ColumnNotFoundError, InputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import NDArray

    from driftkl.config import DriftConfig
    from driftkl.sources import Source

__all__ = ["FittedColumn", "count_source", "fit_source", "select_columns"]


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
    """Reference values of one column gathered over batches."""

    natural: str
    chunks: list[NDArray[np.float64]] = field(default_factory=list)
    n_missing: int = 0
    category_counts: dict[str, int] = field(default_factory=dict)

    def add(self, arr: pa.Array | pa.ChunkedArray) -> None:
        if self.natural == "categorical":
            enc = as_strings(arr)
            codes = enc.indices
            self.n_missing += codes.null_count
            valid = np.asarray(codes.drop_null().to_numpy(zero_copy_only=False), dtype=np.int64)
            counts = np.bincount(valid, minlength=len(enc.dictionary))
            for value, c in zip(enc.dictionary.to_pylist(), counts.tolist()):
                if c:
                    self.category_counts[value] = self.category_counts.get(value, 0) + c
            return
        x = as_float_seconds(arr)
        nan = np.isnan(x)
        self.n_missing += int(nan.sum())
        self.chunks.append(x[~nan])

    def values(self) -> NDArray[np.float64]:
        return np.concatenate(self.chunks) if self.chunks else np.empty(0, dtype=np.float64)


def _merge_small(
    edges: NDArray[np.float64], counts: NDArray[np.int64], minimum: int
) -> NDArray[np.float64]:
    """Merge adjacent inner bins until each holds at least ``minimum`` reference values."""
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
    return edges[sorted(set(keep))]


def _fit_numeric(
    name: str, acc: _Accumulator, config: DriftConfig, kind: str, where: str
) -> FittedColumn:
    col = config.columns.get(name)
    values = acc.values()
    finite = values[np.isfinite(values)]
    notes: list[str] = []
    n_inf = int(values.size - finite.size)
    if n_inf:
        notes.append(f"{n_inf} infinite reference value(s) counted in the out-of-range bins")
    method = (col.method if col and col.method else None) or config.binning.method
    n_bins = (col.bins if col and col.bins else None) or config.binning.bins
    min_count = col.min_count if col and col.min_count is not None else None
    if min_count is None:
        min_count = config.binning.min_count
    if col is not None and col.edges is not None:
        edges = np.asarray(col.edges, dtype=np.float64)
        method = "explicit"
    elif finite.size == 0:
        what = "NaN/null" if n_inf == 0 else "NaN/null or infinite"
        raise InputError(
            f"column {name!r} in {where} has no finite values ({acc.n_missing + n_inf} rows, "
            f"all {what}), so no bins can be fitted. Hint: exclude it (exclude: [{name}]) or "
            "fix the upstream data."
        )
    elif method == "uniform":
        edges = np.linspace(finite.min(), finite.max(), n_bins + 1)
    else:
        edges = np.quantile(finite, np.linspace(0.0, 1.0, n_bins + 1))
    edges = np.unique(edges)
    if edges.size == 1:
        notes.append(f"constant in the reference (every finite value is {edges[0]:.6g})")
    spec = NumericBins(
        edges=tuple(float(e) for e in edges), method=method, datetime=kind == "datetime"
    )
    counts = spec.count_values(values)
    if min_count and edges.size > 2 and method != "explicit":  # noqa: PLR2004
        merged = _merge_small(edges, counts[1:-2], min_count)
        spec = NumericBins(
            edges=tuple(float(e) for e in merged), method=method, datetime=kind == "datetime"
        )
        counts = spec.count_values(values)
    counts[-1] += acc.n_missing
    return FittedColumn(name, kind, "", spec, counts, tuple(notes))


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
    uniq, counts = np.unique(values, return_counts=True)
    labels = pa.array(uniq.astype(np.int64)).cast(pa.string()).to_pylist()
    cat = _Accumulator(
        "categorical", n_missing=acc.n_missing, category_counts=dict(zip(labels, counts.tolist()))
    )
    return _fit_categorical(name, cat, config)


def fit_source(
    source: Source, columns: Sequence[str], config: DriftConfig
) -> tuple[list[FittedColumn], int]:
    """Read the reference once and fit bins and counts for every column."""
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
    # "integer" columns gather numbers and become categorical after the pass if they have few
    # distinct values; everything else is gathered in its final form.
    accs = {
        n: _Accumulator("categorical" if kinds[n] == "categorical" else "numeric") for n in columns
    }
    rows = 0
    for batch in source.batches(columns):
        rows += batch.num_rows
        for name in columns:
            accs[name].add(batch.column(name))
    if rows == 0:
        raise InputError(f"{where} has no rows. Hint: check the path, the filter and the data.")
    fitted = []
    for name in columns:
        acc, kind = accs[name], kinds[name]
        if kind == "integer":
            uniq = np.unique(acc.values()).size
            kind = "categorical" if uniq <= config.binning.integer_categorical_max else "numeric"
        if kind == "categorical" and acc.natural == "numeric":
            fc = _int_as_categorical(name, acc, config)
        elif kind == "categorical":
            fc = _fit_categorical(name, acc, config)
        else:
            fc = _fit_numeric(name, acc, config, kind, where)
        fitted.append(
            FittedColumn(
                name,
                fc.kind,
                type_name(source.schema.field(name).type),
                fc.bins,
                fc.counts,
                fc.notes,
            )
        )
    return fitted, rows


def count_source(
    source: Source, specs: dict[str, BinSpec]
) -> tuple[dict[str, NDArray[np.int64]], int]:
    """Stream a source and count each column into its bins."""
    columns = list(specs)
    counts = {n: np.zeros(specs[n].n_bins, dtype=np.int64) for n in columns}
    rows = 0
    for batch in source.batches(columns):
        rows += batch.num_rows
        for name in columns:
            counts[name] += specs[name].count(batch.column(name))
    if rows == 0:
        raise InputError(
            f"{source.description} has no rows. Hint: check the path, the filter and the data."
        )
    return counts, rows
