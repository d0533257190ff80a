"""Check a backfill window by window: one drift report per day of the current data.

Trigger it with the paths in the run's conf, e.g.
``airflow dags trigger driftkl_timeline_backfill --conf '{"reference": "ref.profile.json",
"current": "/data/orders/", "time_column": "created_at", "every": "1d"}'``.

``DriftCheckOperator`` with ``time_column`` and ``every`` runs :func:`driftkl.timeline`: the
current data is read once, every calendar window gets its own report, each report is filed in
the report store under its window's start (``driftkl history`` lists them, and
``ReportStore`` rebuilds the timeline), and XCom holds the latest window's report plus a
``timeline`` list of every window's status. The Pushgateway (if configured) receives only the
latest window: it keeps one value per series and cannot take history.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag

from driftkl.integrations.airflow import DriftCheckOperator
from driftkl.integrations.airflow.examples import data_dir_template

REPORT_STORE = data_dir_template() + "/report-store"


@dag(
    dag_id="driftkl_timeline_backfill",
    schedule=None,
    start_date=pendulum.datetime(2026, 11, 1, tz="UTC"),
    catchup=False,
    params={
        "reference": Param(default="", type="string"),
        "current": Param(default="", type="string"),
        "time_column": Param(default="created_at", type="string"),
        "every": Param(default="1d", type="string"),
    },
    tags=["driftkl", "example"],
)
def driftkl_timeline_backfill() -> None:
    DriftCheckOperator(
        task_id="check_each_window",
        reference="{{ params.reference }}",
        current="{{ params.current }}",
        time_column="{{ params.time_column }}",
        every="{{ params.every }}",
        report_store=REPORT_STORE,
        on_drift="warn",
    )


driftkl_timeline_backfill()
