"""Daily drift check that fails the run on drift (``on_drift="fail"``).

Checks the day's partition ``orders/dt={{ ds }}/`` against the weekly reference profile.
Paths come from the Airflow Variable ``driftkl_data_dir`` (or ``AIRFLOW_VAR_DRIFTKL_DATA_DIR``,
or ``$DRIFTKL_DATA_DIR``). Trigger with ``{"sample_drift": true}`` to see a drifted day fail.

Drift fails the task at once (no retry); a data error (e.g. the partition has not landed) is
retried; a configuration error is not.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()
# Set the Variable (or AIRFLOW_VAR_DRIFTKL_PUSHGATEWAY_CONN_ID) to the id of a connection holding
# the Pushgateway URL, e.g. AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY='http://pushgateway:9091', to push
# the drift metrics; empty means no push.
PUSHGATEWAY_CONN_ID = "{{ var.value.get('driftkl_pushgateway_conn_id', '') }}"
# Path of a driftkl YAML config (see configs/drift.yaml); empty means the defaults.
CONFIG = "{{ var.value.get('driftkl_config', '') }}"


@dag(
    dag_id="driftkl_daily_check",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_daily_check() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: write the day's sample partition (your data comes from upstream)."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))

    check = DriftCheckOperator(
        task_id="check_orders_drift",
        reference=DATA_DIR + "/profiles/orders.profile.json",
        current=DATA_DIR + "/orders/dt=" + DAY + "/",
        config=CONFIG,
        dataset="orders",
        output_path=DATA_DIR + "/reports/orders/" + DAY + ".json",
        html_output_path=DATA_DIR + "/reports/orders/" + DAY + ".html",
        on_drift="fail",
        prometheus_conn_id=PUSHGATEWAY_CONN_ID,
        retries=1,
        retry_delay=timedelta(minutes=10),
    )
    make_sample_data(DATA_DIR, DAY) >> check


driftkl_daily_check()
