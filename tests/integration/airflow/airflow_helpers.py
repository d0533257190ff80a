"""Helpers to run a DAG with dag.test() and read back states, XComs, rendered fields, events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from airflow.models.asset import AssetEvent, AssetModel
from airflow.models.renderedtifields import RenderedTaskInstanceFields
from airflow.models.xcom import XComModel
from airflow.utils.session import create_session
from sqlalchemy import select

DAGS_FOLDER = Path(__file__).resolve().parents[3] / "dags"


def run_dag(dagbag: Any, dag_id: str, day: str, conf: dict[str, Any] | None = None) -> Any:
    """Run ``dag_id`` for logical date ``day`` (YYYY-MM-DD) with dag.test(); returns the DagRun."""
    dag = dagbag.dags[dag_id]
    logical = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    # Every param is passed explicitly: dag.test() may keep the previous run's conf values on
    # the shared DAG object.
    full = {"sample_drift": False} if "sample_drift" in dag.params else {}
    full.update(conf or {})
    return dag.test(logical_date=logical, run_conf=full)


def run_own_dag(dag: Any, logical_date: dt.datetime | None) -> Any:
    """Run a DAG built in a test (not in dags/) with dag.test(); returns the DagRun.

    dag.test() only runs DAGs Airflow has serialised, so the DAG is first written to the
    metadata database in the DAGs-folder bundle, as the DAG processor would.
    """
    from airflow.dag_processing.bundles.manager import DagBundlesManager  # noqa: PLC0415
    from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db  # noqa: PLC0415

    DagBundlesManager().sync_bundles_to_db()
    bag = DagBag(dag_folder=str(DAGS_FOLDER), collect_dags=False)
    bag.bag_dag(dag)
    sync_bag_to_db(bag, "dags-folder", None)
    return dag.test(logical_date=logical_date)


def task_states(dagrun: Any) -> dict[str, str]:
    """Task id -> final state name of a DagRun."""
    return {ti.task_id: str(ti.state) for ti in dagrun.get_task_instances()}


def xcom(dagrun: Any, task_id: str, key: str = "return_value") -> Any:
    """The deserialised XCom value ``key`` pushed by ``task_id`` in ``dagrun`` (None if absent)."""
    with create_session() as session:
        row = session.scalars(
            XComModel.get_many(
                run_id=dagrun.run_id, dag_ids=dagrun.dag_id, task_ids=task_id, key=key
            )
        ).first()
        return None if row is None else XComModel.deserialize_value(row)


def rendered_fields(dagrun: Any, task_id: str) -> dict[str, Any]:
    """The rendered template fields recorded for ``task_id`` in ``dagrun``."""
    with create_session() as session:
        (ti,) = [t for t in dagrun.get_task_instances(session=session) if t.task_id == task_id]
        return RenderedTaskInstanceFields.get_templated_fields(ti, session=session) or {}


def asset_events(asset_name: str, dagrun: Any) -> list[dict[str, Any]]:
    """``extra`` of the events on Asset ``asset_name`` emitted by ``dagrun``'s tasks."""
    with create_session() as session:
        rows = session.scalars(
            select(AssetEvent)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .where(AssetModel.name == asset_name)
            .where(AssetEvent.source_run_id == dagrun.run_id)
            .where(AssetEvent.source_dag_id == dagrun.dag_id)
        ).all()
        return [dict(r.extra or {}) for r in rows]
