"""Numeric and datetime bins: edges from the reference, thin bins joined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from driftkl.errors import InputError
from driftkl.model.bins import BinSpec, NumericBins
from driftkl.stats.quantiles import linear_quantiles

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from driftkl.config import ColumnBinning

__all__ = [
    "FittedColumn",
    "NumericPlan",
    "NumericSummary",
    "finish_numeric",
    "fit_sorted",
    "numeric_edges",
    "numeric_plan",
    "numeric_spec",
]


@dataclass(frozen=True)
class FittedColumn:
    """What fitting produced for one column (``dtype`` is filled in by the caller)."""

    name: str
    kind: str
    dtype: str
    bins: BinSpec
    counts: NDArray[np.int64]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class NumericSummary:
    """What edge fitting needs to know about a numeric reference column."""

    n_finite: int
    n_inf: int
    n_missing: int
    minimum: float
    maximum: float


@dataclass(frozen=True)
class NumericPlan:
    """Method, bin count, explicit edges (if configured) and notes of a numeric column."""

    method: str
    bins: int
    edges: NDArray[np.float64] | None
    notes: list[str]


def numeric_plan(
    name: str, summary: NumericSummary, binning: ColumnBinning, where: str
) -> NumericPlan:
    """How to bin a numeric column; an error if it has no finite value to fit on."""
    notes: list[str] = []
    if summary.n_inf:
        notes.append(
            f"{summary.n_inf} infinite reference value(s) counted in the out-of-range bins"
        )
    if binning.edges is not None:
        return NumericPlan("explicit", binning.bins, np.asarray(binning.edges), notes)
    if summary.n_finite == 0:
        what = "NaN/null" if summary.n_inf == 0 else "NaN/null or infinite"
        raise InputError(
            f"column {name!r} in {where} has no finite values "
            f"({summary.n_missing + summary.n_inf} rows, all {what}), so no bins can be "
            f"fitted. Hint: exclude it (exclude: [{name}]) or fix the upstream data."
        )
    return NumericPlan(binning.method, binning.bins, None, notes)


def numeric_edges(
    plan: NumericPlan,
    summary: NumericSummary,
    quantiles: Callable[[NDArray[np.float64]], NDArray[np.float64]],
) -> NDArray[np.float64]:
    """Edges from the reference: configured, equal-width or (exact) quantiles."""
    if plan.edges is not None:
        return plan.edges
    if plan.method == "uniform":
        # min + (max - min) * t overflows for values more than the float range apart;
        # a weighted mean of the two ends cannot
        t = np.linspace(0.0, 1.0, plan.bins + 1)
        lo, hi = np.float64(summary.minimum), np.float64(summary.maximum)
        return np.asarray(lo * (1.0 - t) + hi * t, dtype=np.float64)
    return quantiles(np.linspace(0.0, 1.0, plan.bins + 1))


def numeric_spec(edges: NDArray[np.float64], plan: NumericPlan, kind: str) -> NumericBins:
    """Bins from fitted edges (tied edges merged; a note for a constant column)."""
    edges = np.unique(edges)
    if edges.size == 1:
        plan.notes.append(f"constant in the reference (every finite value is {edges[0]:.6g})")
    return NumericBins(
        edges=tuple(float(e) for e in edges), method=plan.method, datetime=kind == "datetime"
    )


def _merge_small(
    edges: NDArray[np.float64], counts: NDArray[np.int64], minimum: int
) -> NDArray[np.int64]:
    """Indices of the edges kept when adjacent inner bins are joined left to right.

    Bins are joined until each holds at least ``minimum`` reference values.
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


def finish_numeric(
    name: str,
    kind: str,
    spec: NumericBins,
    counts: NDArray[np.int64],
    *,
    notes: list[str],
    min_count: int,
) -> FittedColumn:
    """The fitted column, thin bins joined per ``min_count`` (their counts summed)."""
    edges = np.asarray(spec.edges)
    if min_count and edges.size > 2 and spec.method != "explicit":  # noqa: PLR2004
        keep = _merge_small(edges, counts[1:-2], min_count)
        spec = NumericBins(
            edges=tuple(float(e) for e in edges[keep]), method=spec.method, datetime=spec.datetime
        )
        inner = np.add.reduceat(counts[1:-2], keep[:-1])
        counts = np.concatenate([counts[:1], inner, counts[-2:]])
    return FittedColumn(name, kind, "", spec, counts, tuple(notes))


def fit_sorted(
    name: str,
    values: NDArray[np.float64],
    n_missing: int,
    *,
    kind: str,
    binning: ColumnBinning,
    where: str,
) -> FittedColumn:
    """Fit a numeric column from all its non-NaN reference values, sorted ascending."""
    lo = int(np.searchsorted(values, -np.inf, side="right"))
    hi = int(np.searchsorted(values, np.inf, side="left"))
    finite = values[lo:hi]
    summary = NumericSummary(
        n_finite=int(finite.size),
        n_inf=int(values.size - finite.size),
        n_missing=n_missing,
        minimum=float(finite[0]) if finite.size else 0.0,
        maximum=float(finite[-1]) if finite.size else 0.0,
    )
    plan = numeric_plan(name, summary, binning, where)
    edges = numeric_edges(
        plan, summary, lambda qs: linear_quantiles(finite.__getitem__, finite.size, qs)
    )
    spec = numeric_spec(edges, plan, kind)
    counts = spec.count_sorted(values)
    counts[-1] += n_missing
    return finish_numeric(name, kind, spec, counts, notes=plan.notes, min_count=binning.min_count)
