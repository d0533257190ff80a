"""Counting a source into fitted bins: one map-reduce of integer sums.

Counts are integer sums, so they are identical whatever the engine, batch size, thread count
or merge order. Where a batch holds novel values (outside the reference range, unseen
categories), the same pass also notes what they were: the current minimum and maximum, and
the most frequent unseen categories with their counts (bounded), so a report can name them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from driftkl.columns import as_float_seconds, as_strings, raw_values, validity
from driftkl.engines.base import merge_by_key
from driftkl.errors import InputError
from driftkl.model.bins import CategoricalBins
from driftkl.sources import column_passes

if TYPE_CHECKING:
    from collections.abc import Hashable

    from numpy.typing import NDArray

    from driftkl.engines.base import Engine
    from driftkl.grouping import Grouping
    from driftkl.model.bins import BinSpec
    from driftkl.sources import Source

__all__ = [
    "UNSEEN_KEPT",
    "Counts",
    "GroupCounts",
    "Grouped",
    "Novel",
    "count_batch",
    "count_batch_grouped",
    "count_grouped",
    "count_source",
    "fold_segments",
    "merge_counts",
    "merge_grouped",
    "require_rows",
    "total",
]

UNSEEN_KEPT = 10_000  # distinct unseen categories counted per column before giving up on names


@dataclass
class Novel:
    """What the novel values of one column were (mergeable).

    Attributes:
        minimum: smallest finite current value below the reference range (numeric, datetime
            in epoch seconds); ``inf`` when none (none below, or only ``-inf``).
        maximum: largest finite current value above the reference range; ``-inf`` when none.
        unseen: every unseen category with its exact count, while there are at most
            :data:`UNSEEN_KEPT` of them.
        overflow: more than :data:`UNSEEN_KEPT` distinct unseen categories: ``unseen`` is then
            empty (names are given up rather than approximated, so the result never depends
            on the merge order).
    """

    minimum: float = np.inf
    maximum: float = -np.inf
    unseen: dict[str, int] = field(default_factory=dict)
    overflow: bool = False

    def merge(self, other: Novel) -> Novel:
        """Combine with another batch's (associative, order-independent); returns this one."""
        self.minimum = min(self.minimum, other.minimum)
        self.maximum = max(self.maximum, other.maximum)
        self.overflow = self.overflow or other.overflow
        if not self.overflow:
            for value, c in other.unseen.items():
                self.unseen[value] = self.unseen.get(value, 0) + c
            self.overflow = len(self.unseen) > UNSEEN_KEPT
        if self.overflow:
            self.unseen = {}
        return self

    def most_frequent(self, k: int) -> tuple[tuple[str, int], ...]:
        """The ``k`` most frequent unseen categories, ties by value."""
        return tuple(sorted(self.unseen.items(), key=lambda kv: (-kv[1], kv[0]))[:k])


Counts = tuple[int, dict[str, "NDArray[np.int64]"], dict[str, Novel]]
"""Rows seen, per-column bin counts and novel values (a partial result of the counting pass)."""


Grouped = dict["Hashable", Counts]
"""Partial counts per group label (a window index, a segment value); ``None``: rows in no group."""


@dataclass(frozen=True)
class GroupCounts:
    """One group's totals after a grouped counting pass."""

    rows: int
    counts: dict[str, NDArray[np.int64]]
    novel: dict[str, Novel]


def require_rows(rows: int, source: Source) -> int:
    """``rows``, or the one "has no rows" error naming the source."""
    if rows == 0:
        raise InputError(
            f"{source.description} has no rows. Hint: check the path, the filter and the data."
        )
    return rows


def _novel(arr: pa.Array, spec: BinSpec, counts: NDArray[np.int64]) -> Novel | None:
    """The novel values of one batch's column, looked at only when its counts show some."""
    if isinstance(spec, CategoricalBins):
        unseen_bin = spec.unseen_bins[0]
        if not counts[unseen_bin]:
            return None
        enc = as_strings(arr)
        codes = enc.indices
        mask = validity(codes)
        raw = raw_values(codes)
        per_code = np.bincount(
            (raw if mask is None else raw[mask]).astype(np.int64), minlength=len(enc.dictionary)
        )
        lookup = spec.code_lookup(enc.dictionary)[:-1]  # the last entry is for null codes
        hits = np.flatnonzero((lookup == unseen_bin) & (per_code > 0))
        if hits.size > UNSEEN_KEPT:
            return Novel(overflow=True)
        names = enc.dictionary.take(hits).to_pylist()  # distinct unseen values, not rows
        unseen: dict[str, int] = {}
        for name, c in zip(names, per_code[hits].tolist(), strict=True):
            unseen[name] = unseen.get(name, 0) + c  # a dictionary may repeat a value
        return Novel(unseen=unseen)
    below, above = spec.out_of_range_bins
    if not counts[below] and not counts[above]:
        return None
    # only the finite values beyond the range: a batch's overall minimum would depend on
    # which batch an infinity fell into, and so on the batch size and the engine
    x = as_float_seconds(arr)
    lo, hi = float(spec.edges[0]), float(spec.edges[-1])
    low = x[np.isfinite(x) & (x < lo)] if counts[below] else x[:0]
    high = x[np.isfinite(x) & (x > hi)] if counts[above] else x[:0]
    if not low.size and not high.size:  # only infinities out of range
        return None
    return Novel(
        minimum=float(low.min()) if low.size else np.inf,
        maximum=float(high.max()) if high.size else -np.inf,
    )


def count_batch(batch: pa.RecordBatch, *, specs: dict[str, BinSpec]) -> Counts:
    """One batch's rows, counts and novel values of the columns it holds (one pass's columns)."""
    counts = {}
    novel = {}
    for name in batch.schema.names:
        arr = batch.column(name)
        counts[name] = specs[name].count(arr)
        found = _novel(arr, specs[name], counts[name])
        if found is not None:
            novel[name] = found
    return batch.num_rows, counts, novel


def merge_counts(a: Counts, b: Counts) -> Counts:
    """Sum two partial counts (associative, order-independent; updates ``a``)."""
    return a[0] + b[0], merge_by_key(a[1], b[1], np.add), merge_by_key(a[2], b[2], Novel.merge)


def count_source(
    source: Source,
    specs: dict[str, BinSpec],
    engine: Engine,
    *,
    label: str = "counting current rows",
) -> tuple[dict[str, NDArray[np.int64]], int, dict[str, Novel]]:
    """Count every column of ``source`` into its bins: counts, row count, novel values."""
    results = engine.map_reduce(
        source,
        column_passes(list(specs)),
        functools.partial(count_batch, specs=specs),
        merge_counts,
        label=label,
    )
    rows: int | None = None
    counts = {n: np.zeros(s.n_bins, dtype=np.int64) for n, s in specs.items()}
    novel: dict[str, Novel] = {}
    for result in results:
        seen, parts, found = result if result is not None else (0, {}, {})
        rows = seen if rows is None else rows  # every pass reads every row
        counts.update(parts)
        novel.update(found)
    return counts, require_rows(rows or 0, source), novel


def count_batch_grouped(
    batch: pa.RecordBatch, *, specs: dict[str, BinSpec], grouping: Grouping
) -> Grouped:
    """One batch's counts per group: rows ordered by group once, each group's run counted.

    The batch holds one pass's feature columns plus the grouping's columns; rows whose group
    code is ``-1`` are only counted (under the label ``None``).
    """
    codes, labels = grouping.keys(batch)
    features = batch.select([n for n in batch.schema.names if n in specs])
    order = np.argsort(codes, kind="stable")
    ordered = features.take(pa.array(order))
    sorted_codes = codes[order]
    cuts = np.flatnonzero(np.diff(sorted_codes)) + 1
    starts = np.concatenate(([0], cuts)) if len(sorted_codes) else np.empty(0, dtype=np.int64)
    stops = np.append(cuts, len(sorted_codes))
    out: Grouped = {}
    for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
        code = int(sorted_codes[start])
        label = None if code < 0 else labels[code]
        part = (
            (stop - start, {}, {})
            if label is None
            else count_batch(ordered.slice(start, stop - start), specs=specs)
        )
        out[label] = merge_counts(out[label], part) if label in out else part
    return out


def merge_grouped(a: Grouped, b: Grouped) -> Grouped:
    """Merge per-group partial counts by label (associative, order-independent; updates ``a``)."""
    return merge_by_key(a, b, merge_counts)


def count_grouped(
    source: Source,
    specs: dict[str, BinSpec],
    engine: Engine,
    grouping: Grouping,
    *,
    label: str = "current",
) -> tuple[dict[Hashable, GroupCounts], int]:
    """Count every group of ``source`` in one read: per-group totals and rows in no group.

    Each pass reads its feature columns and the grouping's columns; memory holds one count
    vector per group and column (groups × bins), never rows.
    """
    extra = [c for c in grouping.columns if c not in specs]
    passes = [[*p, *extra] for p in column_passes(list(specs))] or [extra]
    results = engine.map_reduce(
        source,
        passes,
        functools.partial(count_batch_grouped, specs=specs, grouping=grouping),
        merge_grouped,
        label=label,
    )
    rows: dict[Hashable, int] = {}
    counts: dict[Hashable, dict[str, NDArray[np.int64]]] = {}
    novel: dict[Hashable, dict[str, Novel]] = {}
    for result in results:
        for key, (seen, parts, found) in (result or {}).items():
            rows.setdefault(key, seen)  # every pass reads every row
            counts.setdefault(key, {}).update(parts)
            novel.setdefault(key, {}).update(found)
    unplaced = rows.pop(None, 0)
    groups = {
        key: GroupCounts(
            rows=n,
            counts={
                c: counts[key].get(c, np.zeros(s.n_bins, dtype=np.int64)) for c, s in specs.items()
            },
            novel=novel[key],
        )
        for key, n in rows.items()
    }
    return groups, unplaced


def _sum_groups(parts: list[GroupCounts], specs: dict[str, BinSpec]) -> GroupCounts:
    novel: dict[str, Novel] = {}
    for p in parts:
        for c, found in p.novel.items():
            novel[c] = Novel().merge(novel[c]).merge(found) if c in novel else found
    return GroupCounts(
        rows=sum(p.rows for p in parts),
        counts={
            c: np.sum([p.counts[c] for p in parts], axis=0, dtype=np.int64)
            if parts
            else np.zeros(s.n_bins, dtype=np.int64)
            for c, s in specs.items()
        },
        novel=novel,
    )


def fold_segments(
    reference: dict[Hashable, GroupCounts],
    current: dict[Hashable, GroupCounts],
    specs: dict[str, BinSpec],
    *,
    keep: set[Hashable],
    other: str,
) -> dict[str, tuple[GroupCounts, GroupCounts]]:
    """Reference and current counts of each kept segment, the rest summed under ``other``.

    Segments are ordered by label; ``other`` (last) is present when some rows fall outside
    ``keep`` on either side.
    """
    out = {}
    for key in sorted(keep, key=str):
        out[str(key)] = (
            reference.get(key) or _sum_groups([], specs),
            current.get(key) or _sum_groups([], specs),
        )
    rest_ref = [g for k, g in reference.items() if k not in keep]
    rest_cur = [g for k, g in current.items() if k not in keep]
    if rest_ref or rest_cur:
        out[other] = (_sum_groups(rest_ref, specs), _sum_groups(rest_cur, specs))
    return out


def total(groups: dict[Hashable, GroupCounts], specs: dict[str, BinSpec]) -> GroupCounts:
    """All groups summed (the overall counts, with no second read)."""
    return _sum_groups(list(groups.values()), specs)
