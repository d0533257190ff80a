"""Every example DAG in dags/ parses and runs end to end on real Airflow (dag.test, SQLite)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest
from integration.airflow.airflow_helpers import (
    DAGS_FOLDER,
    asset_events,
    rendered_fields,
    run_dag,
    task_states,
    xcom,
)

import driftkl
from driftkl.demo import make_sample_frame
from driftkl.model.profile import Profile

pytestmark = pytest.mark.airflow

SAMPLE_FEATURES = {"amount", "age", "country", "channel", "items", "created_at", "is_returning"}
DRIFTED = {"amount", "country"}  # created_at is event time: reported, not judged
EXAMPLE_DAGS = {
    "driftkl_daily_check",
    "driftkl_branch_on_drift",
    "driftkl_gate_on_drift",
    "driftkl_profile_rebuild",
    "driftkl_taskflow",
    "driftkl_orders_ingest",
    "driftkl_asset_check",
    "driftkl_rolling_reference",
    "driftkl_timeline_backfill",
    "driftkl_spark_check",
}


def _assert_ok_report(report):
    assert report["schema"] == "driftkl.report.summary"  # the default XCom form
    assert report["summary"]["status"] == report["status"] == "ok"
    assert {f["name"] for f in report["features"]} == SAMPLE_FEATURES
    assert report["units"] == {"js_divergence": "bits"}
    for feature in report["features"]:
        assert feature["metric"] == "js_divergence"
        if feature["rule"] != "event_time":  # event time: reported, compared with nothing
            assert 0.0 <= feature["value"] < feature["threshold"] == 0.001
        assert "bins" not in feature and "top_bin" not in feature  # XCom stays small


def test_dagbag_loads_every_dag_file_without_errors(dagbag):
    """DagBag parses every file in dags/ with zero import errors; each file defines a DAG."""
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == EXAMPLE_DAGS
    files = {Path(d.fileloc).name for d in dagbag.dags.values()}
    assert files == {p.name for p in DAGS_FOLDER.glob("*.py")}


def test_daily_check_no_drift_succeeds_with_report_in_xcom(dagbag, data_dir):
    """No drift: the run and both tasks succeed; XCom holds every feature's values."""
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-03")
    assert dr.state == "success"
    assert task_states(dr) == {"make_sample_data": "success", "check_orders_drift": "success"}
    report = xcom(dr, "check_orders_drift")
    _assert_ok_report(report)
    assert report["dataset"] == "orders"
    assert report["current"]["rows"] == 5000
    saved = json.loads((data_dir / "reports/orders/2026-11-03.json").read_text())
    assert saved["summary"] == report["summary"]
    assert "bins" in saved["features"][0]  # the file keeps the full report
    html = (data_dir / "reports/orders/2026-11-03.html").read_text()
    assert html.startswith("<!DOCTYPE html>")
    assert "amount" in html


def test_daily_check_renders_ds_in_templated_paths(dagbag, data_dir):
    """{{ ds }} and the data-dir Variable render into the current and output paths."""
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-04")
    assert dr.state == "success"
    fields = rendered_fields(dr, "check_orders_drift")
    assert fields["current"] == f"{data_dir}/orders/dt=2026-11-04/"
    assert fields["output_path"] == f"{data_dir}/reports/orders/2026-11-04.json"
    assert fields["reference"] == f"{data_dir}/profiles/orders.profile.json"
    assert (
        xcom(dr, "check_orders_drift")["current"]["source"] == f"{data_dir}/orders/dt=2026-11-04/"
    )


def test_daily_check_drift_fails_without_retry(dagbag, capfd):
    """Drift with on_drift='fail': the check fails at once despite retries=1, naming features."""
    assert dagbag.dags["driftkl_daily_check"].get_task("check_orders_drift").retries == 1
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-05", {"sample_drift": True})
    assert dr.state == "failed"
    assert task_states(dr) == {"make_sample_data": "success", "check_orders_drift": "failed"}
    (ti,) = [t for t in dr.get_task_instances() if t.task_id == "check_orders_drift"]
    assert ti.try_number == 1
    log = capfd.readouterr().out
    failure = "DriftDetected: drift in orders: amount, country (2 of 7 features); on_drift='fail'"
    assert failure in log
    assert "drift check on orders: DRIFT - 2 of 7 features drifted, 0 warn" in log
    assert "  amount: js_divergence " in log  # the reason, in the task log
    assert "  country: js_divergence " in log and "→ drift" in log
    report = xcom(dr, "check_orders_drift")  # pushed before failing, for notifiers
    assert set(report["summary"]["drifted_features"]) == DRIFTED


def test_daily_check_bad_input_fails_with_clear_message(dagbag, tmp_path, monkeypatch, capfd):
    """A missing column with on_schema_change: fail fails after its retry, naming the fix."""
    check = dagbag.dags["driftkl_daily_check"].get_task("check_orders_drift")
    monkeypatch.setattr(check, "retry_delay", dt.timedelta(seconds=0))
    frame = make_sample_frame(500, drift=False, seed=1).assign(discount=0.1)
    driftkl.profile(frame).save(tmp_path / "profiles/orders.profile.json")
    monkeypatch.setenv("AIRFLOW_VAR_DRIFTKL_DATA_DIR", str(tmp_path))
    (tmp_path / "strict.yaml").write_text("dataset: orders\non_schema_change: fail\n")
    monkeypatch.setenv("AIRFLOW_VAR_DRIFTKL_CONFIG", str(tmp_path / "strict.yaml"))
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-06")
    assert dr.state == "failed"
    assert task_states(dr) == {"make_sample_data": "success", "check_orders_drift": "failed"}
    log = capfd.readouterr().out
    assert "driftkl input error: schema of " in log
    assert "'discount' missing from the current data (was double)" in log
    assert "Hint:" in log
    (ti,) = [t for t in dr.get_task_instances() if t.task_id == "check_orders_drift"]
    assert ti.try_number == 2  # a data error keeps the task's retries (data may land late)
    assert isinstance(pd.read_parquet(tmp_path / "orders/dt=2026-11-06"), pd.DataFrame)


def test_daily_check_config_error_fails_without_retry(dagbag, tmp_path, monkeypatch, capfd):
    """An unknown config key fails the check at once (no retry) with the core's message."""
    bad = tmp_path / "drift.yaml"
    bad.write_text("dataset: orders\nbse: 2\n")
    monkeypatch.setenv("AIRFLOW_VAR_DRIFTKL_CONFIG", str(bad))
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-16")
    assert dr.state == "failed"
    assert task_states(dr) == {"make_sample_data": "success", "check_orders_drift": "failed"}
    (ti,) = [t for t in dr.get_task_instances() if t.task_id == "check_orders_drift"]
    assert ti.try_number == 1
    assert "driftkl configuration error:" in capfd.readouterr().out
    assert rendered_fields(dr, "check_orders_drift")["config"] == str(bad)


def test_gate_skips_check_and_downstream_on_drift(dagbag):
    """Drift with on_drift='skip': check and publish are skipped, the run still succeeds."""
    dr = run_dag(dagbag, "driftkl_gate_on_drift", "2026-11-07", {"sample_drift": True})
    assert dr.state == "success"
    assert task_states(dr) == {
        "make_sample_data": "success",
        "drift_gate": "skipped",
        "publish": "skipped",
    }
    assert set(xcom(dr, "drift_gate")["summary"]["drifted_features"]) == DRIFTED


def test_gate_publishes_when_nothing_drifted(dagbag):
    """No drift: the gate passes and publish runs with the report from XCom."""
    dr = run_dag(dagbag, "driftkl_gate_on_drift", "2026-11-08")
    assert dr.state == "success"
    assert set(task_states(dr).values()) == {"success"}
    assert xcom(dr, "publish").startswith("published ")


def test_branch_routes_drift_to_retrain_and_notify(dagbag):
    """Drift: the branch runs retrain and notify and skips publish."""
    dr = run_dag(dagbag, "driftkl_branch_on_drift", "2026-11-09", {"sample_drift": True})
    assert dr.state == "success"
    assert task_states(dr) == {
        "make_sample_data": "success",
        "check_drift": "success",
        "route": "success",
        "retrain": "success",
        "notify": "success",
        "publish": "skipped",
    }
    assert set(xcom(dr, "retrain")) == DRIFTED
    assert xcom(dr, "notify").startswith("orders: 2 feature(s) drifted: ")


def test_branch_routes_no_drift_to_publish(dagbag):
    """No drift: the branch runs publish and skips retrain and notify."""
    dr = run_dag(dagbag, "driftkl_branch_on_drift", "2026-11-10")
    assert dr.state == "success"
    states = task_states(dr)
    assert states["publish"] == "success"
    assert states["retrain"] == states["notify"] == "skipped"
    _assert_ok_report(xcom(dr, "check_drift"))


def test_profile_rebuild_writes_profile_and_asset_event(dagbag, data_dir):
    """The weekly rebuild writes a loadable profile and announces its hash on the Asset."""
    dr = run_dag(dagbag, "driftkl_profile_rebuild", "2026-11-11")
    assert dr.state == "success"
    assert set(task_states(dr).values()) == {"success"}
    result = xcom(dr, "build_reference_profile")
    prof = Profile.load(data_dir / "profiles/orders.profile.json")
    assert set(result["features"]) == SAMPLE_FEATURES == set(prof.names)
    assert result["content_hash"] == prof.content_hash
    assert result["rows"] == 5000
    (event,) = asset_events("driftkl_orders_profile", dr)
    assert event["profile_hash"] == prof.content_hash


@pytest.mark.parametrize(("drift", "status"), [(False, "ok"), (True, "drift")])
def test_taskflow_pandas_api_in_task(dagbag, drift, status):
    """The TaskFlow DAG compares DataFrames inside @task and passes the report via XCom."""
    day = "2026-11-13" if drift else "2026-11-12"
    dr = run_dag(dagbag, "driftkl_taskflow", day, {"sample_drift": drift})
    assert dr.state == "success"
    assert set(task_states(dr).values()) == {"success"}
    summary = xcom(dr, "summarize")
    assert summary["status"] == status
    assert set(summary["drifted"]) == (DRIFTED if drift else set())
    assert set(summary["js_bits"]) == SAMPLE_FEATURES
    assert summary["js_bits"]["amount"] > (0.01 if drift else 0.0)


def test_asset_check_is_scheduled_on_the_orders_asset(dagbag):
    """driftkl_asset_check's schedule is the Asset the ingest DAG updates."""
    check = dagbag.dags["driftkl_asset_check"]
    ingest = dagbag.dags["driftkl_orders_ingest"]
    (outlet,) = ingest.get_task("ingest").outlets
    assert outlet.name == "driftkl_orders"
    assert [a.name for a in check.timetable.asset_condition.objects] == ["driftkl_orders"]


@pytest.mark.parametrize(("drift", "status"), [(False, "ok"), (True, "drift")])
def test_asset_pattern_emits_drift_metadata(dagbag, data_dir, drift, status):
    """Ingest emits an orders event; the check emits drift metadata on its report Asset."""
    day = "2026-11-15" if drift else "2026-11-14"
    ingest = run_dag(dagbag, "driftkl_orders_ingest", day, {"sample_drift": drift})
    assert ingest.state == "success"
    assert asset_events("driftkl_orders", ingest) == [
        {"path": f"{data_dir}/orders/latest", "ds": day}
    ]
    dr = run_dag(dagbag, "driftkl_asset_check", day)
    assert dr.state == "success"
    assert task_states(dr) == {"check_orders_drift": "success"}
    (extra,) = asset_events("driftkl_orders_drift", dr)
    assert extra["driftkl_status"] == status
    assert set(extra["drifted_features"]) == (DRIFTED if drift else set())
    assert extra["features_checked"] == 7
    assert extra["max_divergence"]["js_divergence"]["unit"] == "bits"
    assert extra["report_path"] == f"{data_dir}/reports/orders/latest.json"
    saved = json.loads(Path(extra["report_path"]).read_text())
    assert saved["summary"]["status"] == status


def test_spark_check_counts_on_spark_and_gives_the_local_report(dagbag, data_dir):
    """The Spark example DAG runs its check as Spark jobs; the report is the local one."""
    dr = run_dag(dagbag, "driftkl_spark_check", "2026-11-12")
    assert task_states(dr) == {
        "make_sample_data": "success",
        "check_orders_drift_on_spark": "success",
    }
    assert xcom(dr, "check_orders_drift_on_spark")["summary"]["status"] == "ok"
    written = json.loads((data_dir / "reports" / "orders" / "spark-2026-11-12.json").read_text())
    local = driftkl.compare(
        str(data_dir / "profiles" / "orders.profile.json"),
        str(data_dir / "orders" / "dt=2026-11-12"),
    ).to_dict()

    # statuses and every metric value are the local ones (a pandas-categorical column is a
    # dictionary locally and `string` on Spark, so its dtype and type notes differ)
    def measured(report):
        return {f["name"]: (f["status"], f["metrics"]) for f in report["features"]}

    assert measured(written) == measured(local)
    assert set(measured(written)) == SAMPLE_FEATURES
