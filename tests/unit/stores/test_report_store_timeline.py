"""ReportStore.timeline: saved window reports come back as the Timeline of a direct run."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from helpers import run_cli

import driftkl
from driftkl.errors import InputError


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A reference with a column the current data lost; 4 days whose x shifts on day 4."""
    root = tmp_path_factory.mktemp("timeline-store")
    rng = np.random.default_rng(11)
    ref = pd.DataFrame(
        {"x": rng.normal(size=6_000), "c": rng.choice(list("abc"), 6_000), "gone": 1.0}
    )
    pq.write_table(pa.Table.from_pandas(ref, preserve_index=False), root / "ref.parquet")
    ts = pd.Timestamp("2026-11-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 4 * 86_400, 8_000)), unit="s"
    )
    x = rng.normal(size=8_000)
    x[ts >= pd.Timestamp("2026-11-04", tz="UTC")] += 0.6
    cur = pd.DataFrame({"x": x, "c": rng.choice(list("abc"), 8_000), "ts": ts})
    pq.write_table(pa.Table.from_pandas(cur, preserve_index=False), root / "cur.parquet")
    return root


def _direct(files):
    return driftkl.timeline(
        files / "ref.parquet",
        files / "cur.parquet",
        time_column="ts",
        every="1d",
        dataset="orders",
    )


def test_saved_windows_rebuild_the_same_timeline(files, tmp_path):
    """Every window's report saved, then read back: the same Timeline, schema changes kept."""
    direct = _direct(files)
    store = driftkl.ReportStore(tmp_path / "reports")
    for w in direct.windows:
        store.put(w.report, at=w.start)
    store.put(driftkl.compare(files / "ref.parquet", files / "ref.parquet", dataset="orders"))
    again = store.timeline(dataset="orders")  # the whole-batch report is not a window
    assert again.to_dict() == direct.to_dict()
    assert again.status_of("x") == ("ok", "ok", "ok", "drift")
    assert [c.column for c in again.windows[0].report.schema_changes] == ["gone"]
    later = store.timeline(dataset="orders", since="2026-11-03")
    assert [w.start.day for w in later.windows] == [3, 4]


def test_cli_saved_windows_match_a_direct_run(files, tmp_path):
    """`driftkl timeline --report-store` then ReportStore.timeline: same windows and values."""
    out = run_cli(
        "timeline",
        files / "ref.parquet",
        files / "cur.parquet",
        "--time-column",
        "ts",
        "--every",
        "1d",
        "--dataset",
        "orders",
        "--report-store",
        tmp_path / "s",
        "--no-progress",
    )
    assert out.returncode == 0, out.stderr
    saved = driftkl.ReportStore(tmp_path / "s").timeline(dataset="orders")
    direct = _direct(files)
    assert [(w.start, w.end) for w in saved.windows] == [(w.start, w.end) for w in direct.windows]
    for a, b in zip(saved.windows, direct.windows, strict=True):
        assert a.report.status == b.report.status
        assert a.report.schema_changes == b.report.schema_changes
        for fa, fb in zip(a.report.features, b.report.features, strict=True):
            assert fa.current_counts == fb.current_counts
            assert fa.metrics == fb.metrics


def test_no_window_reports_is_a_clear_error(files, tmp_path):
    """A store of whole-batch reports only has no timeline: the error says what it holds."""
    store = driftkl.ReportStore(tmp_path)
    store.put(driftkl.compare(files / "ref.parquet", files / "ref.parquet", dataset="orders"))
    with pytest.raises(InputError, match=r"no window reports of dataset 'orders'.*1 whole-batch"):
        store.timeline(dataset="orders")
