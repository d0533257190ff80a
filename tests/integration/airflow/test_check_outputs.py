"""What a drift check leaves for people: the task-log table, the XCom forms, the UI links."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from integration.airflow.airflow_helpers import run_own_dag, task_states, xcom

import driftkl
from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.log_table import render_log_table
from driftkl.integrations.airflow.xcom import xcom_value

pytestmark = pytest.mark.airflow

WIDE = 1_000
SHIFTED = 30  # the first 30 columns drift


def _wide_frames(seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    names = [f"sensor_reading_{i:04d}" for i in range(WIDE)]
    ref = pd.DataFrame(rng.normal(size=(2_000, WIDE)), columns=names)
    cur = pd.DataFrame(rng.normal(size=(2_000, WIDE)), columns=names)
    cur.iloc[:, :SHIFTED] += 0.5
    return ref, cur


@pytest.fixture(scope="module")
def wide_files(tmp_path_factory):
    """A 1,000-column reference and current Parquet file; 30 columns shifted by 0.5 sigma."""
    folder = tmp_path_factory.mktemp("wide")
    ref, cur = _wide_frames()
    ref.to_parquet(folder / "ref.parquet")
    cur.to_parquet(folder / "cur.parquet")
    return folder


def _run_check(dag_id: str, logical: dt.datetime | None, **operator_args):
    """Run one DriftCheckOperator in its own DAG with dag.test(); returns the DagRun."""
    from airflow.sdk import DAG  # noqa: PLC0415 - Airflow loads after the test environment

    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with DAG(dag_id=dag_id, schedule=None, start_date=start) as dag:
        DriftCheckOperator(task_id="check", **operator_args)
    return run_own_dag(dag, logical)


@pytest.mark.usefixtures("airflow_db")
def test_xcom_of_a_1000_feature_check_stays_under_200_kb(wide_files):
    """Through dag.test(), the default XCom of 1,000 features is < 200 kB; drift rows first."""
    dr = _run_check(
        "driftkl_test_wide_xcom",
        dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        reference=str(wide_files / "ref.parquet"),
        current=str(wide_files / "cur.parquet"),
        dataset="wide",
        on_drift="warn",
    )
    assert dr.state == "success", task_states(dr)
    value = xcom(dr, "check")
    size = len(json.dumps(value).encode())
    assert size < 200_000, size
    assert value["summary"]["features_checked"] == WIDE
    assert len(value["features"]) == WIDE
    shifted = {f"sensor_reading_{i:04d}" for i in range(SHIFTED)}
    drifted = [f["name"] for f in value["features"] if f["status"] == "drift"]
    assert shifted <= set(drifted)
    assert len(drifted) <= SHIFTED + 5  # the FDR correction keeps false alarms rare
    assert {f["name"] for f in value["features"][:SHIFTED]} == shifted  # largest effects first
    assert value["features"][0]["value"] > value["features"][0]["threshold"]
    assert all("bins" not in f for f in value["features"])
    assert all(f["top_bin"] for f in value["features"][:SHIFTED])


def test_report_and_full_xcom_forms_keep_the_report_dict():
    """xcom='report' is the report dict without bins, 'full' adds them; both far larger."""
    ref, cur = _wide_frames()
    report = driftkl.compare(ref.iloc[:, :50], cur.iloc[:, :50], dataset="wide")
    summary, plain, full = (xcom_value(report, f) for f in ("summary", "report", "full"))
    assert plain == report.to_dict(bins=False)
    assert full == report.to_dict(bins=True)
    assert driftkl.DriftReport.from_dict(full).to_dict() == full
    sizes = [len(json.dumps(v)) for v in (summary, plain, full)]
    assert sizes[0] * 5 < sizes[1] < sizes[2]
    assert summary["summary"] == plain["summary"]


def test_log_table_is_bounded_and_puts_drift_first():
    """60 features, 20 rows shown: the 30 drifted ones first, then a count of the rest."""
    ref, cur = _wide_frames()
    report = driftkl.compare(ref.iloc[:, :60], cur.iloc[:, :60], dataset="wide")
    lines = render_log_table(report, max_rows=20).splitlines()
    assert lines[0].startswith("drift check on wide: DRIFT - 30 of 60 features drifted")
    assert lines[1].split()[:4] == ["feature", "status", "rule", "deciding"]
    rows = lines[2:22]
    assert all(" DRIFT " in r and " ≥ " in r and " bits " in r for r in rows)
    assert lines[22] == "... and 40 more features (10 drift, 30 ok); the full report has them all"
    assert all(line.startswith("sensor_reading_00") for line in rows)
    assert lines[23] == "why:"
    assert sum(1 for line in lines if line.startswith("  sensor_reading_")) == 20
    assert "net of its noise floor, in bits (log base 2)" in lines[-1]


def test_unknown_xcom_form_is_refused_at_parse_time():
    """xcom= must be summary, report or full; xcom_bins=True still means full."""
    with pytest.raises(ValueError, match="xcom must be one of"):
        DriftCheckOperator(task_id="x", reference="r.json", current="c", xcom="bins")
    old = DriftCheckOperator(task_id="y", reference="r.json", current="c", xcom_bins=True)
    assert old.xcom == "full"
