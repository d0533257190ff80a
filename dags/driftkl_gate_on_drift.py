"""Gate a pipeline on drift: ``on_drift="skip"`` skips the check and everything downstream.

Use it when drifted data should simply not be published today (no failure alert); the report is
still written to the report folder and pushed to XCom for inspection.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()


@dag(
    dag_id="driftkl_gate_on_drift",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_gate_on_drift() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: write the day's sample partition (your data comes from upstream)."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))

    gate = DriftCheckOperator(
        task_id="drift_gate",
        reference=DATA_DIR + "/profiles/orders.profile.json",
        current=DATA_DIR + "/orders/dt=" + DAY + "/",
        dataset="orders",
        output_path=DATA_DIR + "/reports/gate/" + DAY + ".json",
        on_drift="skip",
    )

    @task
    def publish(report: dict[str, Any]) -> str:
        """Stand-in for publishing the day's data; runs only when nothing drifted."""
        return f"published {report['current']['source']}"

    make_sample_data(DATA_DIR, DAY) >> gate
    publish(gate.output)


driftkl_gate_on_drift()
