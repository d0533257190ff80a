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

import datetime as dt
import functools
import itertools
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from driftkl.columns import as_float_seconds, as_strings, raw_values, validity

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from driftkl.columns import ArrowArray

__all__ = ["BinSpec", "CategoricalBins", "NumericBins", "bins_from_dict"]

# Up to this many edges, numeric counting compares against each edge (faster than
# searchsorted for the usual ~10 bins); beyond it, searchsorted + bincount.
_COMPARE_MAX_EDGES = 24


def _timespec(edges: tuple[float, ...]) -> str:
    """The coarsest ISO time precision that still tells neighbouring edges apart."""
    gaps = [b - a for a, b in itertools.pairwise(edges) if b > a]
    smallest = min(gaps, default=1.0)
    if smallest >= 1.0:
        return "seconds"
    return "milliseconds" if smallest >= 1e-3 else "microseconds"  # noqa: PLR2004


def _fmt(x: float, *, datetime: bool, timespec: str = "auto") -> str:
    if datetime:
        stamp = dt.datetime.fromtimestamp(x, tz=dt.timezone.utc)
        return stamp.isoformat(timespec=timespec).replace("+00:00", "Z")
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
        spec = _timespec(self.edges) if self.datetime else "auto"
        e = [_fmt(x, datetime=self.datetime, timespec=spec) for x in self.edges]
        if len(self.edges) == 1 or self.edges[0] == self.edges[-1]:
            inner = [f"[{e[0]}, {e[0]}]"]
        else:
            inner = [f"[{a}, {b})" for a, b in itertools.pairwise(e)]
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
        """Count float values (NaN = missing) into the bins.

        A value ``v`` goes to the inner bin ``i`` when ``e(i-1) <= v < e(i)``, to the last
        inner bin when ``v == ek``, below/above when outside ``[e0, ek]`` (infinities too).
        With few edges this counts ``v < e`` per edge (one vectorised pass each, no index
        array); with many it uses ``searchsorted``. Both give the same integers.
        """
        edges = np.asarray(self.edges, dtype=np.float64)
        k = self.n_bins - 3
        n_nan = int(np.count_nonzero(np.isnan(x)))
        n_valid = int(x.size) - n_nan
        counts = np.zeros(k + 3, dtype=np.int64)
        counts[-1] = n_nan
        if len(edges) == 1 or edges[0] == edges[-1]:
            below = int(np.count_nonzero(x < edges[0]))
            equal = int(np.count_nonzero(x == edges[0]))
            counts[:3] = (below, equal, n_valid - below - equal)
            return counts
        if len(edges) <= _COMPARE_MAX_EDGES:
            # less[j] = #{v < e_j}; le_last = #{v <= ek}. NaN compares False everywhere.
            buf = np.empty(x.shape, dtype=bool)  # one scratch mask, reused for every edge
            less = [int(np.count_nonzero(np.less(x, e, out=buf))) for e in edges[:-1]]
            le_last = int(np.count_nonzero(np.less_equal(x, edges[-1], out=buf)))
            cum = np.array([*less, le_last], dtype=np.int64)
            counts[0] = cum[0]
            counts[1 : k + 1] = np.diff(cum)
            counts[k + 1] = n_valid - le_last
            return counts
        vals = x[~np.isnan(x)] if n_nan else x
        pos = np.searchsorted(edges, vals, side="right")
        pos[vals == edges[-1]] = k
        counts[: k + 2] = np.bincount(pos, minlength=k + 2)
        return counts

    def count_sorted(self, s: NDArray[np.float64]) -> NDArray[np.int64]:
        """Count ascending-sorted values without NaN; equal to :meth:`count_values` on them.

        Binary-searches the edges in the sorted values (``O(k log n)``), as the reference fit
        does after sorting a column for its exact quantiles.
        """
        edges = np.asarray(self.edges, dtype=np.float64)
        k = self.n_bins - 3
        n = int(s.size)
        counts = np.zeros(k + 3, dtype=np.int64)
        left = np.searchsorted(s, edges, side="left")
        last = int(np.searchsorted(s, edges[-1], side="right"))
        if len(edges) == 1 or edges[0] == edges[-1]:
            counts[:3] = (left[0], last - left[0], n - last)
            return counts
        cum = np.append(left[:-1], last).astype(np.int64)
        counts[0] = cum[0]
        counts[1 : k + 1] = np.diff(cum)
        counts[k + 1] = n - last
        return counts

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

    @functools.cached_property
    def _table(self) -> dict[str, int]:
        k = len(self.categories)
        table = {c: i for i, c in enumerate(self.categories)}
        table.update(dict.fromkeys(self.other, k))
        return table

    def code_lookup(self, dictionary: pa.Array) -> NDArray[np.int64]:
        """Bin index of each dictionary value, plus a last entry (code ``-1``) for nulls.

        One Python object per distinct value of the batch, never per row.
        """
        table = self._table
        unseen = self.n_bins - 2
        missing = self.n_bins - 1
        if not pa.types.is_string(dictionary.type):
            dictionary = dictionary.cast(pa.string())
        values = dictionary.to_pylist()
        lut = np.fromiter(
            (missing if v is None else table.get(v, unseen) for v in values),
            dtype=np.int64,
            count=len(values),
        )
        return np.append(lut, np.int64(missing))

    def _cached_lookup(self, dictionary: pa.Array) -> NDArray[np.int64]:
        # Batches of one Parquet row group share their dictionary: reuse the last lookup
        # when the dictionary is equal (a C comparison), else build it. The pair is replaced
        # atomically, so threads always see a matching (dictionary, lookup).
        last = self.__dict__.get("_last_lookup")
        if last is not None and last[0].equals(dictionary):
            return last[1]  # type: ignore[no-any-return]
        lut = self.code_lookup(dictionary)
        self.__dict__["_last_lookup"] = (dictionary, lut)
        return lut

    def count(self, arr: ArrowArray) -> NDArray[np.int64]:
        """Count an Arrow array into the bins via its dictionary codes."""
        enc = as_strings(arr)
        lut = self._cached_lookup(enc.dictionary)
        codes = enc.indices
        raw = raw_values(codes)
        valid = validity(codes)
        if valid is not None:
            raw = raw[valid]
        # Count per dictionary code, then fold codes into bins (integer sums, exact).
        per_code = np.bincount(raw, minlength=len(lut) - 1).astype(np.int64)
        out = np.zeros(self.n_bins, dtype=np.int64)
        np.add.at(out, lut[: len(per_code)], per_code)
        out[-1] += len(codes) - len(raw)  # null codes: the missing bin
        return out

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
