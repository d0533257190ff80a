"""Categorical bins: the most frequent reference categories, the rest as ``(other)``."""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from driftkl.columns import from_numpy
from driftkl.fitting.accumulate import CategoryCounts
from driftkl.fitting.numeric import FittedColumn
from driftkl.model.bins import CategoricalBins

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from driftkl.config import ColumnBinning

__all__ = ["fit_categorical", "fit_integer_categorical"]


def _most_frequent(
    category_counts: Mapping[str, int] | CategoryCounts, n: int
) -> tuple[list[tuple[str, int]], int, int]:
    """The ``n`` most frequent categories (by count, then name), the distinct count, the total."""
    if isinstance(category_counts, CategoryCounts):
        top = category_counts.most_frequent(n)
        return top, category_counts.distinct(), category_counts.total()
    top = heapq.nsmallest(n, category_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return top, len(category_counts), sum(category_counts.values())


def fit_categorical(
    name: str,
    category_counts: Mapping[str, int] | CategoryCounts,
    n_missing: int,
    binning: ColumnBinning,
) -> FittedColumn:
    """Bins for the ``top_k`` most frequent categories, ``(other)``, ``(unseen)`` and missing.

    Besides the ``top_k`` categories, at most ``max_vocabulary`` further ones are remembered
    (by frequency) so that a current value among them counts as ``(other)``. Beyond that the
    vocabulary is truncated: the profile stays small, a current value not remembered counts
    as ``(other)`` too (it may be a forgotten reference category), and a note says so.
    """
    top_k = binning.top_k
    vocab = binning.max_vocabulary
    ranked, n_distinct, total = _most_frequent(category_counts, top_k + vocab)
    cats = tuple(k for k, _ in ranked[:top_k])
    other = tuple(sorted(k for k, _ in ranked[top_k:]))
    n_rest = n_distinct - len(cats)
    truncated = n_rest > vocab
    spec = CategoricalBins(categories=cats, other=other, vocabulary_truncated=truncated)
    counts = np.zeros(spec.n_bins, dtype=np.int64)
    counts[: len(cats)] = [c for _, c in ranked[:top_k]]
    counts[len(cats)] = total - int(counts[: len(cats)].sum())
    counts[-1] = n_missing
    notes = []
    if n_rest:
        notes.append(f"{n_distinct} reference categories; top {top_k} kept, the rest in (other)")
    if truncated:
        notes.append(
            f"vocabulary truncated: {n_rest - vocab} rare reference categories beyond "
            f"max_vocabulary ({vocab}) are not remembered, so a current category the profile "
            "does not know counts as (other), not (unseen): new categories cannot be told "
            f"from forgotten ones. Hint: raise binning.max_vocabulary to {n_rest} to remember "
            "them all, or exclude the column if it is an identifier."
        )
    if not cats:
        notes.append("no non-missing reference values: every row is in the missing bin")
    return FittedColumn(name, "categorical", "", spec, counts, tuple(notes))


def _integer_labels(uniq: NDArray[np.generic]) -> list[str]:
    """Exact decimal text of integer levels (int64, uint64, or integral float64)."""
    if uniq.dtype.kind == "f" and not (uniq.size and float(np.abs(uniq).max()) >= 2.0**63):
        uniq = uniq.astype(np.int64)
    if uniq.dtype.kind in "iu":
        return list(from_numpy(uniq).cast(pa.string()).to_pylist())
    return [str(int(v)) for v in uniq.tolist()]  # floats beyond int64: one per level


def fit_integer_categorical(
    name: str,
    uniq: NDArray[np.generic],
    counts: NDArray[np.int64],
    n_missing: int,
    binning: ColumnBinning,
) -> FittedColumn:
    """An integer column with few distinct values, binned as categorical (labels "3", "7").

    The labels are the exact decimal text of the values, as the current data is counted, so
    ids beyond 2**53 keep their own category.
    """
    labels = _integer_labels(uniq)
    return fit_categorical(
        name, dict(zip(labels, counts.tolist(), strict=True)), n_missing, binning
    )
