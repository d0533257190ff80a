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

from driftkl.columns import (
    as_float_seconds,
    as_strings,
    pyarrow_compute,
    raw_values,
    validity,
)
from driftkl.errors import ProfileError

if TYPE_CHECKING:
    from collections.abc import Callable

    from numpy.typing import NDArray

    from driftkl.columns import ArrowArray

__all__ = [
    "MAX_CATEGORIES",
    "MAX_EDGES",
    "BinSpec",
    "CategoricalBins",
    "NumericBins",
    "bins_from_dict",
]

# Up to this many edges, numeric counting compares against each edge (faster than
# searchsorted for the usual ~10 bins); beyond it, searchsorted + bincount.
_COMPARE_MAX_EDGES = 24
# Dictionaries with more distinct values than this are looked up in Arrow (a hash join in
# C++) rather than value by value in Python.
_PYTHON_LOOKUP_MAX = 4096
# Bins read from a profile at most (edges of one feature; categories of one feature).
MAX_EDGES = 100_000
MAX_CATEGORIES = 1_000_000


def _timespec(edges: tuple[float, ...]) -> str:
    """The coarsest ISO time precision the gaps between neighbouring edges suggest."""
    gaps = [b - a for a, b in itertools.pairwise(edges) if b > a]
    smallest = min(gaps, default=1.0)
    if smallest >= 1.0:
        return "seconds"
    return "milliseconds" if smallest >= 1e-3 else "microseconds"  # noqa: PLR2004


_TIMESPECS = ("seconds", "milliseconds", "microseconds", "nanoseconds")
_DIGITS = (6, 9, 12, 15, 17)  # 17 significant digits tell any two float64 apart


def _general(x: float, digits: int) -> str:
    return f"{x:.{digits}g}"


def _iso(x: float, timespec: str, digits: int) -> str:
    """``x`` seconds since the epoch as ISO-8601 UTC; as ``<seconds>s`` beyond year 1..9999."""
    try:
        if timespec != "nanoseconds":
            stamp = dt.datetime.fromtimestamp(x, tz=dt.timezone.utc)
            return stamp.isoformat(timespec=timespec).replace("+00:00", "Z")
        whole = math.floor(x)
        stamp = dt.datetime.fromtimestamp(whole, tz=dt.timezone.utc)
    except (OverflowError, ValueError, OSError):
        return f"{x:.{digits}g}s"
    nanos = min(round((x - whole) * 1e9), 999_999_999)
    return f"{stamp.isoformat(timespec='seconds').replace('+00:00', '')}.{nanos:09d}Z"


def _edge_formats(edges: tuple[float, ...], *, datetime: bool) -> list[Callable[[float], str]]:
    """Edge formatters from coarse to fine (each finer one tells more edges apart)."""
    if not datetime:
        return [functools.partial(_general, digits=d) for d in _DIGITS]
    specs = _TIMESPECS[_TIMESPECS.index(_timespec(edges)) :]
    formats = [
        functools.partial(_iso, timespec=s, digits=d) for s, d in zip(specs, _DIGITS, strict=False)
    ]
    return [*formats, _epoch_seconds]


def _epoch_seconds(x: float) -> str:
    return f"{x:.17g}s"


def edge_labels(edges: tuple[float, ...], *, datetime: bool) -> list[str]:
    """The edges as text, in the coarsest format that keeps neighbouring edges distinct.

    >>> edge_labels((1.0, 1.000000001, 1.000000002), datetime=False)
    ['1', '1.000000001', '1.000000002']
    >>> edge_labels((0.5, 2.25), datetime=False)
    ['0.5', '2.25']
    """
    labels: list[str] = []
    for fmt in _edge_formats(edges, datetime=datetime):
        labels = [fmt(x) for x in edges]
        if all(a != b for a, b in itertools.pairwise(labels)):
            break
    return labels


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
        """Human-readable bin labels in count order (distinct edges print distinctly)."""
        e = edge_labels(self.edges, datetime=self.datetime)
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

    def count_values(self, x: NDArray[Any]) -> NDArray[np.int64]:
        """Count float values (NaN = missing) into the bins.

        A value ``v`` goes to the inner bin ``i`` when ``e(i-1) <= v < e(i)``, to the last
        inner bin when ``v == ek``, below/above when outside ``[e0, ek]`` (infinities too).
        With few edges this counts ``v < e`` per edge (one vectorised pass each, no index
        array); with many it uses ``searchsorted``. Both give the same integers. Integers
        are compared as their nearest float64, as the edges were fitted (see
        :func:`~driftkl.columns.as_float_seconds`), so the reference minimum and maximum of
        an id column beyond 2**53 stay inside the range.
        """
        if x.dtype.kind in "iu":
            x = x.astype(np.float64)
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

    def count_sorted(self, s: NDArray[Any]) -> NDArray[np.int64]:
        """Count ascending-sorted values without NaN; equal to :meth:`count_values` on them.

        Binary-searches the edges in the sorted values (``O(k log n)``), as the reference fit
        does after sorting a column for its exact quantiles. Integers (sorted) are compared as
        their nearest float64, like :meth:`count_values`.
        """
        if s.dtype.kind in "iu":
            s = s.astype(np.float64)
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
        vocabulary_truncated: the reference had more categories than were remembered
            (``binning.max_vocabulary``). A current value that is not remembered may then be
            one of the forgotten reference categories, which the reference counted in
            ``other``: it is counted in ``other`` too, never as ``unseen``, and the ``unseen``
            bin stays empty (the fit notes this).
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

    @property
    def unknown_bin(self) -> int:
        """Where a value the profile does not remember goes: unseen, or other if truncated."""
        return len(self.categories) if self.vocabulary_truncated else self.n_bins - 2

    @functools.cached_property
    def _table(self) -> dict[str, int]:
        k = len(self.categories)
        table = {c: i for i, c in enumerate(self.categories)}
        table.update(dict.fromkeys(self.other, k))
        return table

    @functools.cached_property
    def _value_set(self) -> pa.Array:
        return pa.array([*self.categories, *self.other], pa.string())

    def code_lookup(self, dictionary: pa.Array) -> NDArray[np.int64]:
        """Bin index of each dictionary value, plus a last entry (code ``-1``) for nulls.

        Small dictionaries are looked up value by value, large ones in Arrow (a hash lookup
        in C++); never one Python object per row.
        """
        unknown = self.unknown_bin
        missing = self.n_bins - 1
        if not pa.types.is_string(dictionary.type):
            dictionary = dictionary.cast(pa.string())
        if len(dictionary) > _PYTHON_LOOKUP_MAX:
            found = pyarrow_compute().index_in(dictionary, value_set=self._value_set)
            lut = np.minimum(raw_values(found), len(self.categories)).astype(np.int64)
            hit = validity(found)
            if hit is not None:
                lut[~hit] = unknown
            present = validity(dictionary)
            if present is not None:
                lut[~present] = missing
            return np.append(lut, np.int64(missing))
        table = self._table
        values = dictionary.to_pylist()
        lut = np.fromiter(
            (missing if v is None else table.get(v, unknown) for v in values),
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

_HINT = "Hint: rebuild it from the reference data with `driftkl profile`."
_JSON_TYPES = {dict: "an object", list: "an array", bool: "a boolean"}
_ONE = {"strings": "a string", "numbers": "a number", "integers": "an integer"}


def json_type(value: Any) -> str:
    """What a parsed JSON value is, for messages (``"an array"``, ``"the number 3"``)."""
    if value is None:
        return "null"
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        what = "the string" if isinstance(value, str) else "the number"
        return f"{what} {value!r}" if len(repr(value)) <= 40 else what[4:]  # noqa: PLR2004
    return _JSON_TYPES.get(type(value), type(value).__name__)


def invalid_profile(where: str, problem: str) -> ProfileError:
    """The error for a part of a profile driftkl would not write: key path, problem, fix."""
    return ProfileError(f"{where} {problem}. {_HINT}")


def checked_list(
    value: Any, where: str, *, item: type | tuple[type, ...], what: str, limit: int
) -> list[Any]:
    """``value`` if it is a list of at most ``limit`` items of type ``item`` (never bools)."""
    if not isinstance(value, list):
        raise invalid_profile(where, f"must be an array of {what}, not {json_type(value)}")
    if len(value) > limit:
        raise invalid_profile(where, f"has {len(value)} entries, more than the limit of {limit}")
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, item):
            one = _ONE.get(what, what)
            raise invalid_profile(f"{where}[{i}]", f"must be {one}, not {json_type(v)}")
    return value


def _edges(value: Any, where: str, limit: int) -> tuple[float, ...]:
    raw = checked_list(value, where, item=(int, float), what="numbers", limit=limit)
    if not raw:
        raise invalid_profile(where, "is empty (a numeric feature has at least one edge)")
    edges: list[float] = []
    for i, e in enumerate(raw):
        try:
            x = float(e)
        except OverflowError:
            x = math.inf
        if not math.isfinite(x):
            raise invalid_profile(f"{where}[{i}]", f"is {json_type(e)}; edges must be finite")
        if edges and x <= edges[-1]:
            raise invalid_profile(
                f"{where}[{i}]",
                f"is {x!r}, not above the edge before it ({edges[-1]!r}); edges must increase",
            )
        edges.append(x)
    return tuple(edges)


def _categories(d: dict[str, Any], where: str, limit: int) -> CategoricalBins:
    cats = checked_list(
        d.get("categories"), f"{where}.categories", item=str, what="strings", limit=limit
    )
    other = checked_list(
        d.get("other", []), f"{where}.other", item=str, what="strings", limit=limit - len(cats)
    )
    truncated = d.get("vocabulary_truncated", False)
    if not isinstance(truncated, bool):
        raise invalid_profile(
            f"{where}.vocabulary_truncated", f"must be true or false, not {json_type(truncated)}"
        )
    seen: set[str] = set()
    for key, values in (("categories", cats), ("other", other)):
        for i, c in enumerate(values):
            if c in seen:
                raise invalid_profile(f"{where}.{key}[{i}]", f"repeats the category {c!r}")
            seen.add(c)
    return CategoricalBins(tuple(cats), tuple(other), truncated)


def bins_from_dict(
    d: Any,
    *,
    where: str = "bins",
    max_edges: int = MAX_EDGES,
    max_categories: int = MAX_CATEGORIES,
) -> BinSpec:
    """Rebuild a bin specification from its :meth:`to_dict` form, checking every part.

    Raises:
        ProfileError: naming the key path (``where``) of the first part that is not what
            driftkl writes: an unknown type, edges that are not finite or not increasing,
            categories that are not strings or repeat, more edges or categories than the caps.
    """
    if not isinstance(d, dict):
        raise invalid_profile(where, f"must be an object, not {json_type(d)}")
    kind = d.get("type")
    if kind == "categorical":
        return _categories(d, where, max_categories)
    if kind not in ("numeric", "datetime"):
        raise invalid_profile(
            f"{where}.type",
            f"is {json_type(kind)}; expected 'numeric', 'datetime' or 'categorical'",
        )
    method = d.get("method", "quantile")
    if not isinstance(method, str) or len(method) > 64:  # noqa: PLR2004
        raise invalid_profile(f"{where}.method", f"must be a short string, not {json_type(method)}")
    return NumericBins(
        edges=_edges(d.get("edges"), f"{where}.edges", max_edges),
        method=method,
        datetime=kind == "datetime",
    )
