"""Categorical bins: the most frequent reference categories, the rest as ``(other)``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from driftkl.columns import from_numpy
from driftkl.fitting.numeric import FittedColumn
from driftkl.model.bins import CategoricalBins

if TYPE_CHECKING:
    from collections.abc import Mapping

    from numpy.typing import NDArray

    from driftkl.config import ColumnBinning

__all__ = ["fit_categorical", "fit_integer_categorical"]


def fit_categorical(
    name: str, category_counts: Mapping[str, int], n_missing: int, binning: ColumnBinning
) -> FittedColumn:
    """Bins for the ``top_k`` most frequent categories, ``(other)``, ``(unseen)`` and missing."""
    top_k = binning.top_k
    ranked = sorted(category_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cats = tuple(k for k, _ in ranked[:top_k])
    rest = ranked[top_k:]
    vocab = binning.max_vocabulary
    other = tuple(sorted(k for k, _ in rest[:vocab]))
    spec = CategoricalBins(categories=cats, other=other, vocabulary_truncated=len(rest) > vocab)
    counts = np.zeros(spec.n_bins, dtype=np.int64)
    counts[: len(cats)] = [c for _, c in ranked[:top_k]]
    counts[len(cats)] = sum(c for _, c in rest)
    counts[-1] = n_missing
    notes = []
    if rest:
        notes.append(f"{len(ranked)} reference categories; top {top_k} kept, the rest in (other)")
    if not cats:
        notes.append("no non-missing reference values: every row is in the missing bin")
    return FittedColumn(name, "categorical", "", spec, counts, tuple(notes))


def fit_integer_categorical(
    name: str,
    uniq: NDArray[np.float64],
    counts: NDArray[np.int64],
    n_missing: int,
    binning: ColumnBinning,
) -> FittedColumn:
    """An integer column with few distinct values, binned as categorical (labels "3", "7")."""
    labels = from_numpy(uniq.astype(np.int64)).cast(pa.string()).to_pylist()
    return fit_categorical(
        name, dict(zip(labels, counts.tolist(), strict=True)), n_missing, binning
    )
