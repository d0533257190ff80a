"""Asset pattern: an ingest DAG updates the orders Asset; the check runs on each update.

``driftkl_orders_ingest`` writes the latest orders and emits an event on ``ORDERS``.
``driftkl_asset_check`` is scheduled on ``ORDERS``; its check writes the JSON report and emits an
event on ``ORDERS_DRIFT`` whose ``extra`` holds the drift metadata (``driftkl_status``,
``drifted_features``, ``max_divergence`` ...), so further DAGs can be scheduled on drift results.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, Metadata, Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()
ORDERS = Asset(name="driftkl_orders", uri="file:///driftkl/orders/latest")
ORDERS_DRIFT = Asset(name="driftkl_orders_drift", uri="file:///driftkl/orders/drift-report.json")


@dag(
    dag_id="driftkl_orders_ingest",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_orders_ingest() -> None:
    @task(outlets=[ORDERS])
    def ingest(data_dir: str, day: str, params: dict):
        """Example only: write the day's orders and announce them on the ORDERS Asset."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        drift = bool(params["sample_drift"])
        paths = prepare_sample_data(data_dir, ds=day, drift=drift, partition="latest")
        yield Metadata(ORDERS, {"path": paths["current"], "ds": day})

    ingest(DATA_DIR, DAY)


@dag(
    dag_id="driftkl_asset_check",
    schedule=[ORDERS],
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    tags=["driftkl", "example"],
)
def driftkl_asset_check() -> None:
    DriftCheckOperator(
        task_id="check_orders_drift",
        reference=DATA_DIR + "/profiles/orders.profile.json",
        current=DATA_DIR + "/orders/latest/",
        dataset="orders",
        on_drift="warn",
        output_path=DATA_DIR + "/reports/orders/latest.json",
        outlets=[ORDERS_DRIFT],
    )


driftkl_orders_ingest()
driftkl_asset_check()
