"""TaskFlow: call the pandas API inside ``@task`` and pass the report dict through XCom.

Use this shape when the data is already a DataFrame in your task (e.g. a model's feature frame);
the report's ``to_dict(bins=False)`` keeps the XCom small.
"""

from __future__ import annotations

from typing import Any

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()


@dag(
    dag_id="driftkl_taskflow",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_taskflow() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: write the day's sample partition (your data comes from upstream)."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))

    @task
    def compare_frames(paths: dict[str, str]) -> dict[str, Any]:
        """Load both sides with pandas and compare them with driftkl's Python API."""
        import pandas as pd  # noqa: PLC0415

        import driftkl  # noqa: PLC0415

        reference = pd.read_parquet(paths["reference"])
        current = pd.read_parquet(paths["current"])
        report = driftkl.compare(reference, current, dataset="orders", base=2)
        return report.to_dict(bins=False)

    @task
    def summarize(report: dict[str, Any]) -> dict[str, Any]:
        """Pick the numbers a dashboard or a notifier needs."""
        return {
            "status": report["summary"]["status"],
            "drifted": report["summary"]["drifted_features"],
            "js_bits": {
                f["name"]: f["metrics"]["js_divergence"]["value"] for f in report["features"]
            },
        }

    summarize(compare_frames(make_sample_data(DATA_DIR, DAY)))


driftkl_taskflow()
