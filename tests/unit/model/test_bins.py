"""Bin labels stay distinct and printable; category lookups agree whatever the dictionary size."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from driftkl.model.bins import CategoricalBins, NumericBins, edge_labels


def test_numeric_labels_gain_digits_only_where_needed():
    """Ordinary edges keep six significant digits; edges a billionth apart get more."""
    assert NumericBins((0.5, 2.25, 10.0)).labels[1:3] == ("[0.5, 2.25)", "[2.25, 10]")
    labels = NumericBins((1.0, 1.000000001, 1.000000002)).labels
    assert labels[1:3] == ("[1, 1.000000001)", "[1.000000001, 1.000000002]")


def test_datetime_labels_reach_nanoseconds_then_seconds():
    """Datetime edges a nanosecond apart print distinctly, as do edges beyond year 9999."""
    base = 1_767_225_600.0  # 2026-01-01T00:00:00Z
    labels = edge_labels((base, base + 2e-6, base + 4e-6), datetime=True)
    assert labels[0] == "2026-01-01T00:00:00.000000Z"
    assert len(set(labels)) == 3
    tiny = edge_labels((0.0, 1e-9, 2e-9), datetime=True)
    assert tiny == [
        "1970-01-01T00:00:00.000000000Z",
        "1970-01-01T00:00:00.000000001Z",
        "1970-01-01T00:00:00.000000002Z",
    ]
    far = NumericBins((0.0, 1e12, 2e12), datetime=True).labels
    assert far[2] == "[1e+12s, 2e+12s]"


def test_labels_of_any_two_distinct_floats_differ():
    """Even neighbouring float64 values get distinct labels (17 significant digits at most)."""
    x = 1e-300
    edges = (x, float(np.nextafter(x, 1.0)), float(np.nextafter(np.nextafter(x, 1.0), 1.0)))
    labels = edge_labels(edges, datetime=False)
    assert len(set(labels)) == 3


@pytest.mark.parametrize("truncated", [False, True])
def test_arrow_lookup_matches_the_python_lookup(truncated):
    """A dictionary large enough for the Arrow lookup gives the bins the Python lookup gives."""
    bins = CategoricalBins(categories=("a", "b"), other=("c", "d"), vocabulary_truncated=truncated)
    small = pa.array(["b", "zz", None, "c", "a"])
    big = pa.array(["b", "zz", None, "c", "a"] + [f"x{i}" for i in range(5_000)])
    expected = bins.code_lookup(small)
    got = bins.code_lookup(big)
    assert got[:5].tolist() == expected[:5].tolist()
    unknown = 2 if truncated else 3
    assert expected[:5].tolist() == [1, unknown, 4, 2, 0]
    assert set(got[5:-1].tolist()) == {unknown}


def test_truncated_vocabulary_counts_unknown_values_as_other():
    """With a truncated vocabulary, values the profile does not know go to (other)."""
    bins = CategoricalBins(categories=("a",), other=("b",), vocabulary_truncated=True)
    counts = bins.count(pa.array(["a", "b", "new", "newer", None]))
    assert counts.tolist() == [1, 3, 0, 1]


def test_integer_and_float_arrays_count_alike():
    """uint64 values count into numeric bins like their float64 conversions."""
    bins = NumericBins((0.0, 2.0**63, 2.0**64))
    values = np.array([0, 2**63 - 1, 2**63, 2**64 - 1], dtype=np.uint64)
    assert (
        bins.count(pa.array(values)).tolist()
        == bins.count_values(values.astype(np.float64)).tolist()
    )
    assert bins.count_sorted(values).tolist() == bins.count(pa.array(values)).tolist()
