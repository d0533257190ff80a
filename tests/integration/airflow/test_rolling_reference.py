"""The rolling-reference example DAG on real Airflow: daily profiles in a store, reports kept."""

from __future__ import annotations

import json

import pytest
from helpers import run_cli
from integration.airflow.airflow_helpers import run_dag, task_states

import driftkl

pytestmark = pytest.mark.airflow

DAG_ID = "driftkl_rolling_reference"
DAYS = [f"2026-11-{d:02d}" for d in range(1, 9)]


def test_rolling_reference_dag_profiles_compares_and_keeps_history(dagbag, tmp_path, monkeypatch):
    """8 clean days then a drifted one: windows grow to 7 days, drift is kept out of the store."""
    monkeypatch.setenv("AIRFLOW_VAR_DRIFTKL_DATA_DIR", str(tmp_path))
    for day in DAYS:
        dr = run_dag(dagbag, DAG_ID, day)
        assert dr.state == "success", (day, task_states(dr))
    profiles = driftkl.ProfileStore(tmp_path / "profile-store/orders")
    assert profiles.keys() == ["2026-10-31", *DAYS]  # the seed, then one profile per day
    reports = driftkl.ReportStore(tmp_path / "report-store")
    kept = reports.reports(dataset="orders")
    assert [r.status for r in kept] == ["ok"] * 8
    assert kept[0].reference["rows"] == 5_000  # day 1: the seed alone (partial window)
    assert kept[-1].reference["rows"] == 7 * 5_000  # day 8: days 1-7
    window = profiles.window("2026-11-07", 7)
    assert kept[-1].reference["profile_hash"] == window.fingerprint

    dr = run_dag(dagbag, DAG_ID, "2026-11-09", conf={"sample_drift": True})
    assert dr.state == "failed"
    assert task_states(dr) == {
        "make_sample_data": "success",
        "check_against_last_7_days": "failed",
        "store_todays_profile": "upstream_failed",
    }
    assert profiles.keys()[-1] == DAYS[-1]  # a drifted day never joins a reference
    latest = reports.reports(dataset="orders", since="2026-11-09")
    assert [r.status for r in latest] == ["drift"]

    shown = run_cli("history", tmp_path / "report-store", "--dataset", "orders", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    rows = json.loads(shown.stdout)
    assert [r["time"][:10] for r in rows] == [*DAYS, "2026-11-09"]
    assert rows[-1]["report"]["summary"]["status"] == "drift"


def test_operators_refuse_ambiguous_reference_and_store_arguments():
    """Both or neither of reference/reference_store, or a store without key, is refused early."""
    from driftkl.integrations.airflow import (  # noqa: PLC0415
        DriftCheckOperator,
        ProfileBuildOperator,
    )

    with pytest.raises(ValueError, match="either reference or reference_store"):
        DriftCheckOperator(task_id="a", reference="p.json", reference_store="s", current="c")
    with pytest.raises(ValueError, match="either reference or reference_store"):
        DriftCheckOperator(task_id="b", current="c")
    with pytest.raises(ValueError, match="profile_store and profile_key go together"):
        ProfileBuildOperator(task_id="c", data="d", profile_store="s")
    with pytest.raises(ValueError, match="give output_path, profile_store"):
        ProfileBuildOperator(task_id="d", data="d")
