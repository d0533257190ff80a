"""Route a DAG on drift: drifted -> retrain and notify, otherwise -> publish.

The check runs with ``on_drift="warn"`` so it always succeeds and returns the report dict; a
``@task.branch`` reads ``summary.status`` from that XCom and picks the downstream path.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()


@dag(
    dag_id="driftkl_branch_on_drift",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_branch_on_drift() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: write the day's sample partition (your data comes from upstream)."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))

    check = DriftCheckOperator(
        task_id="check_drift",
        reference=DATA_DIR + "/profiles/orders.profile.json",
        current=DATA_DIR + "/orders/dt=" + DAY + "/",
        dataset="orders",
        on_drift="warn",
    )

    @task.branch
    def route(report: dict[str, Any]) -> list[str]:
        """Pick the path from the drift report in XCom."""
        if report["summary"]["status"] == "drift":
            return ["retrain", "notify"]
        return ["publish"]

    @task
    def retrain(report: dict[str, Any]) -> list[str]:
        """Stand-in for a retraining job: returns the features that drifted."""
        return report["summary"]["drifted_features"]

    @task
    def notify(report: dict[str, Any]) -> str:
        """Stand-in for a notifier: returns the message it would send."""
        s = report["summary"]
        return f"{report['dataset']}: {s['features_drifted']} feature(s) drifted: " + ", ".join(
            s["drifted_features"]
        )

    @task
    def publish(report: dict[str, Any]) -> str:
        """Stand-in for publishing the day's data."""
        return f"published {report['current']['source']} ({report['current']['rows']} rows)"

    make_sample_data(DATA_DIR, DAY) >> check
    route(check.output) >> [retrain(check.output), notify(check.output), publish(check.output)]


driftkl_branch_on_drift()
