"""Weekly rebuild of the reference profile, so daily checks read only the day's data.

The profile is written to ``<data dir>/profiles/orders.profile.json`` (atomically) and the task
emits an event on the profile Asset carrying the new profile hash.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Asset, dag, task

from driftkl.integrations.airflow import ProfileBuildOperator
from driftkl.integrations.airflow.examples import DAY, data_dir_template

DATA_DIR = data_dir_template()
ORDERS_PROFILE = Asset(name="driftkl_orders_profile", uri="file:///driftkl/orders.profile.json")


@dag(
    dag_id="driftkl_profile_rebuild",
    schedule="@weekly",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    tags=["driftkl", "example"],
)
def driftkl_profile_rebuild() -> None:
    @task
    def make_sample_data(data_dir: str, day: str) -> dict[str, str]:
        """Example only: make sure the sample reference data exists."""
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        return prepare_sample_data(data_dir, ds=day, profile=False)

    build = ProfileBuildOperator(
        task_id="build_reference_profile",
        data=DATA_DIR + "/reference.parquet",
        output_path=DATA_DIR + "/profiles/orders.profile.json",
        config_overrides={"dataset": "orders"},
        outlets=[ORDERS_PROFILE],
    )
    make_sample_data(DATA_DIR, DAY) >> build


driftkl_profile_rebuild()
