"""DriftCheckOperator with time_column/every: a backfill checked window by window (dag.test)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from integration.airflow.airflow_helpers import run_dag, task_states, xcom

import driftkl

pytestmark = pytest.mark.airflow


@pytest.fixture
def files(tmp_path):
    """A reference file and 4 days of current data whose x shifts on the last day."""
    rng = np.random.default_rng(1)
    pq.write_table(
        pa.table({"x": rng.normal(size=6_000), "c": rng.choice(list("abc"), 6_000)}),
        tmp_path / "ref.parquet",
    )
    x = rng.normal(size=8_000)
    ts = pd.Timestamp("2026-11-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 4 * 86_400, 8_000)), unit="s"
    )
    x[ts >= pd.Timestamp("2026-11-04", tz="UTC")] += 0.6
    cur = pd.DataFrame({"x": x, "c": rng.choice(list("abc"), 8_000), "ts": ts})
    pq.write_table(pa.Table.from_pandas(cur, preserve_index=False), tmp_path / "cur.parquet")
    return tmp_path


def test_backfill_timeline_saves_every_window_and_acts_on_drift(dagbag, data_dir, files):
    """The example DAG on a real Airflow run: four daily windows, each report in the store,
    the latest in XCom with the timeline list; on_drift='warn' lets the task succeed though
    day 4 drifted."""
    conf = {
        "reference": str(files / "ref.parquet"),
        "current": str(files / "cur.parquet"),
        "time_column": "ts",
        "every": "1d",
    }
    run = run_dag(dagbag, "driftkl_timeline_backfill", "2026-11-05", conf)
    assert task_states(run) == {"check_each_window": "success"}
    result = xcom(run, "check_each_window")
    assert [w["status"] for w in result["timeline"]] == ["ok", "ok", "ok", "drift"]
    assert result["current"]["window"]["start"] == "2026-11-04T00:00:00+00:00"
    assert result["summary"]["drifted_features"] == ["x"]
    saved = driftkl.ReportStore(str(data_dir / "report-store")).items(dataset="default")
    windows = [r for _, r in saved if "window" in r.current]
    again = driftkl.Timeline.from_reports(windows)
    assert [w.start.date().isoformat() for w in again.windows] == [
        "2026-11-01",
        "2026-11-02",
        "2026-11-03",
        "2026-11-04",
    ]
    assert again.status_of("x") == ("ok", "ok", "ok", "drift")


def test_time_column_without_every_is_refused():
    """time_column and every come together: a ValueError at DAG parse time."""
    from driftkl.integrations.airflow import DriftCheckOperator  # noqa: PLC0415

    with pytest.raises(ValueError, match="time_column and every together"):
        DriftCheckOperator(task_id="t", reference="r.json", current="c", time_column="ts")
