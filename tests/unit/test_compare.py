"""driftkl.compare end to end on DataFrames and Parquet: values, alignment, inputs."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy

import driftkl
from driftkl.model.bins import NumericBins


def test_worked_example_through_compare(classic):
    """compare() on a categorical column reproduces the published values in both directions."""
    ref, cur = classic
    rc = driftkl.compare(
        ref,
        cur,
        pseudo_count=0,
        base=2,
        direction="reference||current",
        metrics=["kl_divergence", "js_divergence"],
    )
    cr = driftkl.compare(
        ref,
        cur,
        pseudo_count=0,
        base="e",
        direction="current||reference",
        metrics=["kl_divergence", "js_divergence"],
    )
    kl_rc = rc["x"].metrics["kl_divergence"]
    assert kl_rc.value == pytest.approx(0.471229, abs=1e-6)
    assert (kl_rc.unit, kl_rc.direction) == ("bits", "reference||current")
    kl_cr = cr["x"].metrics["kl_divergence"]
    assert kl_cr.value == pytest.approx(0.250201, abs=1e-6)
    assert (kl_cr.unit, kl_cr.direction) == ("nats", "current||reference")
    js = rc["x"].metrics["js_divergence"]
    assert js.value == pytest.approx(0.098045, abs=1e-6)
    assert js.direction == "symmetric"
    assert rc["x"].kind == "categorical"


def _numeric_frames(n=5000, shift=0.0, seed=0):
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"a": rng.normal(size=n), "c": rng.choice(list("abcde"), n)})
    cur = pd.DataFrame({"a": rng.normal(shift, size=n), "c": rng.choice(list("abcdf"), n)})
    return ref, cur


def test_scipy_cross_check_on_report_counts():
    """The report's values equal scipy's on the report's own (smoothed) counts."""
    ref, cur = _numeric_frames(shift=0.4)
    report = driftkl.compare(
        ref,
        cur,
        metrics=["kl_divergence", "js_distance"],
        direction="reference||current",
        base=2,
        pseudo_count=0.5,
    )
    for f in report.features:
        r = np.array(f.reference_counts, dtype=float)
        c = np.array(f.current_counts, dtype=float)
        used = (r > 0) | (c > 0)
        r, c = r[used] + 0.5, c[used] + 0.5
        assert f.metrics["kl_divergence"].value == pytest.approx(entropy(r, c, base=2))
        assert f.metrics["js_distance"].value == pytest.approx(jensenshannon(r, c, base=2))


def test_aligned_bins_and_shares():
    """Current values outside the reference range and unseen categories land in their bins."""
    ref = pd.DataFrame({"a": np.arange(100.0), "c": ["x", "y"] * 50})
    cur = pd.DataFrame(
        {
            "a": [-5.0, 50.0, 200.0, np.inf, -np.inf, np.nan, 99.0, 0.0],
            "c": ["x", "z", None, "y", "x", "x", "w", "y"],
        }
    )
    report = driftkl.compare(ref, cur)
    a = report["a"]
    assert a.labels[0].startswith("< ") and a.labels[-2].startswith("> ")
    assert a.labels[-1] == "missing"
    assert a.current_counts[0] == 2  # -5 and -inf
    assert a.current_counts[-2] == 2  # 200 and +inf
    assert a.current_counts[-1] == 1  # NaN
    assert a.current_counts[-3] == 1  # 99.0 is the reference max: last closed bin
    assert a.current_counts[1] == 1  # 0.0 is the reference min: first bin
    assert a.out_of_range_share == pytest.approx(4 / 8)
    assert a.missing_share == pytest.approx(1 / 8)
    c = report["c"]
    assert c.labels == ("x", "y", "(other)", "(unseen)", "missing")
    assert c.current_counts == (3, 2, 0, 2, 1)
    assert c.unseen_share == pytest.approx(2 / 8)


def test_no_drift_is_ok_and_drift_is_flagged():
    """Identical distributions stay ok; a clear shift is flagged as drift."""
    ref, same = _numeric_frames(n=20000, seed=1)
    ok = driftkl.compare(ref, same.assign(c=ref["c"].sample(frac=1, random_state=2).to_numpy()))
    assert ok["a"].status == "ok"
    _, shifted = _numeric_frames(n=20000, shift=0.5, seed=1)
    drift = driftkl.compare(ref, shifted)
    assert drift["a"].status == "drift"
    assert drift["c"].status == "drift"  # 'e' replaced by unseen 'f'
    assert drift.summary()["features_drifted"] == 2
    assert drift.is_drifted


def test_parquet_file_folder_glob_and_dataframe_agree(tmp_path):
    """The same data gives the same counts from a DataFrame, a file, a folder and a glob."""
    ref, cur = _numeric_frames(shift=0.2)
    ref.to_parquet(tmp_path / "ref.parquet")
    folder = tmp_path / "cur"
    folder.mkdir()
    cur.iloc[:2000].to_parquet(folder / "part-0.parquet")
    cur.iloc[2000:].to_parquet(folder / "part-1.parquet")
    expected = driftkl.compare(ref, cur)
    for reference, current in [
        (tmp_path / "ref.parquet", cur),
        (str(tmp_path / "ref.parquet"), folder),
        (ref, str(folder / "*.parquet")),
    ]:
        got = driftkl.compare(reference, current)
        for e, g in zip(expected.features, got.features, strict=True):
            assert e.reference_counts == g.reference_counts
            assert e.current_counts == g.current_counts
            assert e.metrics == g.metrics


def test_hive_partitioned_dataset_with_filter(tmp_path):
    """A hive-partitioned folder is read with its partition column and a row filter."""
    rng = np.random.default_rng(5)
    for day, shift in (("2026-11-26", 0.0), ("2026-11-27", 3.0)):
        part = tmp_path / "data" / f"dt={day}"
        part.mkdir(parents=True)
        pq.write_table(pa.table({"v": rng.normal(shift, size=1000)}), part / "0.parquet")
    ref = pd.DataFrame({"v": rng.normal(size=1000)})
    only_26 = driftkl.compare(
        ref, tmp_path / "data", include=["v"], filter=[["dt", "==", "2026-11-26"]]
    )
    only_27 = driftkl.compare(
        ref, tmp_path / "data", include=["v"], filter=[["dt", "==", "2026-11-27"]]
    )
    assert only_26.current["rows"] == 1000
    assert only_26["v"].status == "ok"
    assert only_27["v"].status == "drift"


def test_include_exclude_and_column_overrides():
    """include/exclude select features; per-column kind, edges and thresholds apply."""
    rng = np.random.default_rng(0)
    ref = pd.DataFrame(
        {
            "a": rng.normal(size=500),
            "n": rng.integers(0, 100, 500),
            "s": rng.choice(["u", "v"], 500),
        }
    )
    report = driftkl.compare(
        ref,
        ref,
        exclude=["s"],
        columns={
            "n": {"kind": "categorical", "top_k": 5},
            "a": {"edges": [-1, 0, 1], "thresholds": {"js_divergence": 0.5}},
        },
    )
    assert [f.name for f in report.features] == ["a", "n"]
    assert report["n"].kind == "categorical"
    assert report["n"].labels[-3:] == ("(other)", "(unseen)", "missing")
    assert len(report["n"].labels) == 5 + 3
    assert report["a"].labels[1:4] == ("[-1, 0)", "[0, 1]", "> 1")
    assert report["a"].metrics["js_divergence"].drift == 0.5
    only = driftkl.compare(ref, ref, include=["s"])
    assert [f.name for f in only.features] == ["s"]


def test_integer_low_cardinality_is_categorical_high_is_numeric():
    """Integer columns with few distinct values are categorical, with many numeric."""
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"few": rng.integers(0, 5, 1000), "many": rng.integers(0, 10**6, 1000)})
    report = driftkl.compare(ref, ref)
    assert report["few"].kind == "categorical"
    assert report["many"].kind == "numeric"


def test_datetime_and_bool_columns():
    """Datetimes bin as time with ISO labels; booleans are categorical."""
    ref = pd.DataFrame(
        {"t": pd.date_range("2026-01-01", periods=100, freq="h", tz="UTC"), "b": [True, False] * 50}
    )
    cur = pd.DataFrame(
        {"t": pd.date_range("2026-01-03", periods=100, freq="h", tz="UTC"), "b": [True] * 100}
    )
    report = driftkl.compare(ref, cur)
    assert report["t"].kind == "datetime"
    assert report["t"].labels[0] == "< 2026-01-01T00:00:00Z"
    assert report["t"].out_of_range_share == pytest.approx(0.48)  # 48 of 100 hours after max
    assert report["b"].kind == "categorical"
    assert set(report["b"].labels[:2]) == {"true", "false"}


def test_uniform_quantile_and_min_count_binning():
    """Quantile edges hold equal mass; uniform edges are equal width; min_count merges bins."""
    x = np.random.default_rng(0).exponential(size=10_000)
    ref = pd.DataFrame({"x": x})
    q = driftkl.profile(ref).feature("x")
    inner = np.array(q.counts[1:-2])
    assert len(inner) == 10
    assert inner.min() >= 990
    u = driftkl.profile(ref, binning={"method": "uniform", "bins": 10}).feature("x")
    widths = np.diff(u.bins.edges)
    np.testing.assert_allclose(widths, widths[0])
    m = driftkl.profile(ref, binning={"method": "uniform", "bins": 10, "min_count": 500})
    counts = m.feature("x").counts[1:-2]
    assert min(counts) >= 500
    assert sum(counts) == 10_000


def test_tied_quantiles_merge():
    """Heavily tied values give fewer, non-empty bins instead of repeated edges."""
    ref = pd.DataFrame({"x": [0.0] * 900 + list(np.linspace(1, 2, 100))})
    f = driftkl.profile(ref).feature("x")
    edges = f.bins.edges
    assert len(set(edges)) == len(edges)
    assert len(edges) < 11


def test_report_dict_is_strict_json_and_round_trips(classic):
    """to_dict() is strict JSON (inf as "inf") and from_dict() rebuilds the same report."""
    ref, cur = classic
    cur = pd.DataFrame({"x": ["1", "4", "4"]})
    report = driftkl.compare(ref, cur, pseudo_count=0)
    kl = report["x"].metrics["kl_divergence"]
    assert math.isinf(kl.value)
    assert kl.status == "ok"  # no threshold on KL by default
    assert any("inf" in n for n in report["x"].notes)
    d = json.loads(report.to_json())
    assert d["features"][0]["metrics"]["kl_divergence"]["value"] == "inf"
    assert d["schema_version"] == 1
    back = driftkl.DriftReport.from_dict(d)
    assert back.features == report.features
    assert back.summary() == report.summary()


def test_to_frame_columns_carry_units_and_direction():
    """to_frame(full=True) has one row per feature and unit/direction in the column names."""
    ref, cur = _numeric_frames()
    frame = driftkl.compare(ref, cur).to_frame(full=True)
    assert list(frame.index) == ["a", "c"]
    assert "kl_divergence current||reference [bits]" in frame.columns
    assert "js_divergence [bits]" in frame.columns
    assert "DriftReport(" in repr(driftkl.compare(ref, cur))


def test_threshold_on_inf_is_drift(classic):
    """An infinite KL over a configured threshold is drift, not hidden."""
    ref, _ = classic
    cur = pd.DataFrame({"x": ["9"] * 5})
    report = driftkl.compare(ref, cur, pseudo_count=0, thresholds={"kl_divergence": {"drift": 1.0}})
    assert report["x"].status == "drift"


def test_datetime_labels_drop_sub_second_noise():
    """Quantile edges of timestamps print to the second when the bins are wider than that."""
    wide = NumericBins(edges=(1_700_000_000.25, 1_700_003_600.5, 1_700_007_200.75), datetime=True)
    assert wide.labels[1] == "[2023-11-14T22:13:20Z, 2023-11-14T23:13:20Z)"
    narrow = NumericBins(edges=(1_700_000_000.25, 1_700_000_000.5), datetime=True)
    assert narrow.labels[1] == "[2023-11-14T22:13:20.250Z, 2023-11-14T22:13:20.500Z]"
    fine = NumericBins(edges=(1_700_000_000.000001, 1_700_000_000.000002), datetime=True)
    assert fine.labels[0] == "< 2023-11-14T22:13:20.000001Z"
