"""Daily profile-and-compare on a rolling reference: each day against the 7 days before it.

1. ``make_sample_data`` writes the day's partition ``orders/dt={{ ds }}/`` (example only).
2. ``check_against_last_7_days`` compares it with the merge of the last 7 daily profiles in
   the profile store (keys up to yesterday), and files the report in the report store under
   the day (``driftkl history <data dir>/report-store`` lists them).
3. ``store_todays_profile`` counts the day into the shared bins of the base profile and saves
   it in the store under ``{{ ds }}``, for the next days' references.

A drifted day fails the check (``on_drift="fail"``), so its profile is not stored and it never
becomes part of a later reference. The first days merge fewer than 7 profiles
(``reference_partial=True``); the store starts with the base profile, filed under the day
before the first run. For a seasonal reference (same weekday of the last 4 weeks) use
``reference_window=4, reference_every=7``.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, task

from driftkl.integrations.airflow import DriftCheckOperator, ProfileBuildOperator
from driftkl.integrations.airflow.examples import (
    DAY,
    PREVIOUS_DAY,
    data_dir_template,
)

DATA_DIR = data_dir_template()
PROFILE_STORE = DATA_DIR + "/profile-store/orders"
REPORT_STORE = DATA_DIR + "/report-store"
BASE_PROFILE = DATA_DIR + "/profiles/orders.profile.json"  # its bins are every day's bins
TODAY = DATA_DIR + "/orders/dt=" + DAY + "/"


@dag(
    dag_id="driftkl_rolling_reference",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={"sample_drift": Param(default=False, type="boolean")},
    tags=["driftkl", "example"],
)
def driftkl_rolling_reference() -> None:
    @task
    def make_sample_data(data_dir: str, day: str, params: dict) -> dict[str, str]:
        """Example only: the day's partition, and the store seeded with the base profile."""
        import datetime as dt  # noqa: PLC0415

        import driftkl  # noqa: PLC0415
        from driftkl.integrations.airflow.examples import prepare_sample_data  # noqa: PLC0415

        paths = prepare_sample_data(data_dir, ds=day, drift=bool(params["sample_drift"]))
        store = driftkl.ProfileStore(f"{data_dir}/profile-store/orders")
        if not store.keys():
            yesterday = (dt.date.fromisoformat(day) - dt.timedelta(days=1)).isoformat()
            store.put(driftkl.Profile.load(paths["profile"]), yesterday)
        return paths

    check = DriftCheckOperator(
        task_id="check_against_last_7_days",
        reference_store=PROFILE_STORE,
        reference_window=7,
        reference_end=PREVIOUS_DAY,
        reference_partial=True,
        current=TODAY,
        dataset="orders",
        report_store=REPORT_STORE,
        report_at=DAY,
        on_drift="fail",
    )
    store_today = ProfileBuildOperator(
        task_id="store_todays_profile",
        data=TODAY,
        bins=BASE_PROFILE,
        profile_store=PROFILE_STORE,
        profile_key=DAY,
    )
    make_sample_data(DATA_DIR, DAY) >> check >> store_today


driftkl_rolling_reference()
