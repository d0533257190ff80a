"""Bin specifications fitted on the reference, and counting any data into them.

Every feature's distribution is a vector of counts over a fixed list of bins:

* numeric / datetime: ``[below, [e0, e1), …, [e(k-1), ek], above, missing]`` where ``e0`` and
  ``ek`` are the reference minimum and maximum (or explicit edges). ``below``/``above`` count
  values outside the reference range, ``-inf``/``+inf`` included; ``missing`` counts NaN/null.
* categorical: ``[c1, …, ck, other, unseen, missing]``: the reference's ``top_k`` categories,
  ``other`` for the rest of the reference vocabulary, ``unseen`` for values the reference never
  had, ``missing`` for nulls.

Counting runs on numpy/Arrow buffers: ``searchsorted`` + ``bincount`` for numbers, dictionary
codes + a lookup table for categories; no Python object is built per row.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl.columns import as_float_seconds, as_strings

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from driftkl.columns import ArrowArray

__all__ = ["BinSpec", "CategoricalBins", "NumericBins", "bins_from_dict"]


def _fmt(x: float, *, datetime: bool) -> str:
    if datetime:
        stamp = _dt.datetime.fromtimestamp(x, tz=_dt.timezone.utc)
        return stamp.isoformat().replace("+00:00", "Z")
    return f"{x:.6g}"


@dataclass(frozen=True)
class NumericBins:
    """Edges for a numeric or datetime column (datetimes in seconds since the epoch, UTC).

    Attributes:
        edges: strictly increasing (a single repeated value for a constant column).
        method: ``"quantile"``, ``"uniform"`` or ``"explicit"``.
        datetime: labels render edges as ISO-8601 timestamps.
    """

    edges: tuple[float, ...]
    method: str = "quantile"
    datetime: bool = False

    @property
    def n_bins(self) -> int:
        """Total bins including below, above and missing."""
        return max(len(self.edges) - 1, 1) + 3

    @property
    def labels(self) -> tuple[str, ...]:
        """Human-readable bin labels in count order."""
        e = [_fmt(x, datetime=self.datetime) for x in self.edges]
        if len(self.edges) == 1 or self.edges[0] == self.edges[-1]:
            inner = [f"[{e[0]}, {e[0]}]"]
        else:
            inner = [f"[{a}, {b})" for a, b in zip(e[:-1], e[1:])]
            inner[-1] = inner[-1][:-1] + "]"
        return (f"< {e[0]}", *inner, f"> {e[-1]}", "missing")

    @property
    def out_of_range_bins(self) -> tuple[int, ...]:
        """Indices of the below-range and above-range bins."""
        return (0, self.n_bins - 2)

    @property
    def unseen_bins(self) -> tuple[int, ...]:
        """Numeric columns have no unseen-category bin."""
        return ()

    @property
    def missing_bin(self) -> int:
        """Index of the NaN/null bin."""
        return self.n_bins - 1

    def count_values(self, x: NDArray[np.float64]) -> NDArray[np.int64]:
        """Count float values (NaN = missing) into the bins."""
        edges = np.asarray(self.edges, dtype=np.float64)
        k = self.n_bins - 3
        nan = np.isnan(x)
        n_nan = int(nan.sum())
        vals = x[~nan] if n_nan else x
        # pos: 0 below e0; i for e(i-1) <= v < e(i); k+1 for v >= ek. v == ek goes to bin k.
        pos = np.searchsorted(edges, vals, side="right")
        if len(edges) > 1 and edges[0] != edges[-1]:
            pos[vals == edges[-1]] = k
        else:
            pos = np.where(vals == edges[0], 1, np.where(vals < edges[0], 0, 2))
        counts = np.bincount(pos, minlength=k + 2).astype(np.int64)
        return np.append(counts, np.int64(n_nan))

    def count(self, arr: ArrowArray) -> NDArray[np.int64]:
        """Count an Arrow array into the bins."""
        return self.count_values(as_float_seconds(arr))

    def to_dict(self) -> dict[str, Any]:
        """JSON form stored in profiles."""
        return {
            "type": "datetime" if self.datetime else "numeric",
            "method": self.method,
            "edges": list(self.edges),
        }


@dataclass(frozen=True)
class CategoricalBins:
    """Categories for a categorical column.

    Attributes:
        categories: the reference's most frequent categories, one bin each.
        other: further reference categories sharing the ``other`` bin.
        vocabulary_truncated: the reference had more categories than were remembered; values
            not remembered count as ``unseen`` in the current data.
    """

    categories: tuple[str, ...]
    other: tuple[str, ...] = ()
    vocabulary_truncated: bool = False

    @property
    def n_bins(self) -> int:
        """Total bins including other, unseen and missing."""
        return len(self.categories) + 3

    @property
    def labels(self) -> tuple[str, ...]:
        """Bin labels in count order."""
        return (*self.categories, "(other)", "(unseen)", "missing")

    @property
    def out_of_range_bins(self) -> tuple[int, ...]:
        """Categorical columns have no out-of-range bins."""
        return ()

    @property
    def unseen_bins(self) -> tuple[int, ...]:
        """Index of the unseen-category bin."""
        return (self.n_bins - 2,)

    @property
    def missing_bin(self) -> int:
        """Index of the null bin."""
        return self.n_bins - 1

    def _lookup(self) -> dict[str, int]:
        k = len(self.categories)
        table = {c: i for i, c in enumerate(self.categories)}
        table.update(dict.fromkeys(self.other, k))
        return table

    def count(self, arr: ArrowArray) -> NDArray[np.int64]:
        """Count an Arrow array into the bins via its dictionary codes."""
        enc = as_strings(arr)
        table = self._lookup()
        unseen = self.n_bins - 2
        missing = self.n_bins - 1
        values = enc.dictionary.to_pylist()  # one Python object per distinct value, not per row
        lut = np.fromiter(
            (missing if v is None else table.get(v, unseen) for v in values),
            dtype=np.int64,
            count=len(values),
        )
        lut = np.append(lut, np.int64(missing))  # code -1 (null) maps to the missing bin
        codes = enc.indices
        if codes.null_count:
            import pyarrow.compute as pc  # noqa: PLC0415

            codes = pc.fill_null(codes, -1)
        idx = np.asarray(codes.to_numpy(zero_copy_only=False), dtype=np.int64)
        return np.bincount(lut[idx], minlength=self.n_bins).astype(np.int64)

    def to_dict(self) -> dict[str, Any]:
        """JSON form stored in profiles."""
        return {
            "type": "categorical",
            "categories": list(self.categories),
            "other": list(self.other),
            "vocabulary_truncated": self.vocabulary_truncated,
        }


BinSpec = NumericBins | CategoricalBins


def bins_from_dict(d: dict[str, Any]) -> BinSpec:
    """Rebuild a bin specification from its :meth:`to_dict` form."""
    if d["type"] == "categorical":
        return CategoricalBins(
            categories=tuple(str(c) for c in d["categories"]),
            other=tuple(str(c) for c in d.get("other", ())),
            vocabulary_truncated=bool(d.get("vocabulary_truncated", False)),
        )
    edges = tuple(float(e) for e in d["edges"])
    if not edges or any(not math.isfinite(e) for e in edges):
        raise ValueError(f"edges must be finite numbers, got {d['edges']!r}")
    return NumericBins(edges=edges, method=str(d["method"]), datetime=d["type"] == "datetime")
