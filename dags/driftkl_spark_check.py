"""Daily drift check whose counting runs on Spark (``engine="spark"``).

The same check as ``driftkl_daily_check``, but the day's partition is read and counted by
Spark jobs: only per-partition bin counts come back to the Airflow worker. The Spark master
comes from the Airflow Variable ``driftkl_spark_master`` (``spark://host:7077``, ``yarn``,
``k8s://...``; default ``local[2]``: Spark inside the worker, which needs Java and
``driftkl[spark]``). For a cluster, the executors need driftkl installed and must see the data
(an object store or a shared file system). To run the check as a ``spark-submit`` job instead,
see docs/spark.md (``SparkSubmitOperator`` with ``python -m driftkl compare --engine spark``).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()
SPARK_MASTER = "{{ var.value.get('driftkl_spark_master', 'local[2]') }}"


@dag(
    dag_id="driftkl_spark_check",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example", "spark"],
)
def driftkl_spark_check() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: write the day's sample partition (your data comes from upstream)."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))

    check = DriftCheckOperator(
        task_id="check_orders_drift_on_spark",
        reference=DATA_DIR + "/profiles/orders.profile.json",
        current=DATA_DIR + "/orders/dt=" + DAY + "/",
        dataset="orders",
        config_overrides={
            "engine": "spark",
            "spark": {
                "master": SPARK_MASTER,
                "app_name": "driftkl-orders-" + DAY,
                "conf": {"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2"},
            },
        },
        output_path=DATA_DIR + "/reports/orders/spark-" + DAY + ".json",
        on_drift="warn",
    )
    make_sample_data(DATA_DIR, DAY) >> check


driftkl_spark_check()
