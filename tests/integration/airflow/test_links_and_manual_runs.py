"""The UI's extra links of a drift check, and example DAGs run without a logical date."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from integration.airflow.airflow_helpers import rendered_fields, task_states, xcom

from driftkl.integrations.airflow import get_provider_info
from driftkl.integrations.airflow.links import DriftReportLink, GrafanaDashboardLink

pytestmark = pytest.mark.airflow

RUN_AFTER = dt.datetime(2026, 11, 25, 6, 30, tzinfo=dt.UTC)


def _ui_links(dagrun, task_id: str) -> dict[str, str | None]:
    """The extra links as Airflow's API serves them: serialized task + the run's XCom."""
    from airflow.models.serialized_dag import SerializedDagModel  # noqa: PLC0415
    from airflow.utils.session import create_session  # noqa: PLC0415

    with create_session() as session:
        dag = SerializedDagModel.get_dag(dagrun.dag_id, session=session)
        task = dag.get_task(task_id)
        (ti,) = [t for t in dagrun.get_task_instances(session=session) if t.task_id == task_id]
        return {name: task.get_extra_links(ti, name) or None for name in task.extra_links}


def test_provider_registers_links_hook_and_connection_type():
    """The provider info lists both extra links, the hook, its connection type and form."""
    info = get_provider_info()
    assert info["extra-links"] == [
        f"{DriftReportLink.__module__}.DriftReportLink",
        f"{GrafanaDashboardLink.__module__}.GrafanaDashboardLink",
    ]
    (conn,) = info["connection-types"]
    assert conn["connection-type"] == "driftkl_pushgateway"
    assert set(conn["conn-fields"]) == {"cafile", "certfile", "keyfile", "insecure_skip_verify"}
    assert conn["ui-field-behaviour"]["relabeling"]["login"] == "Basic auth user"
    assert set(info["config"]["driftkl"]["options"]) == {
        "report_base_url",
        "grafana_url",
        "grafana_dashboard_uid",
    }


def test_providers_manager_knows_the_extra_links(airflow_db):  # noqa: ARG001
    """Airflow's providers manager loads both link classes (the UI needs them registered)."""
    from airflow.providers_manager import ProvidersManager  # noqa: PLC0415

    names = ProvidersManager().extra_links_class_names
    assert f"{DriftReportLink.__module__}.DriftReportLink" in names
    assert f"{GrafanaDashboardLink.__module__}.GrafanaDashboardLink" in names


def test_connection_form_has_url_auth_and_tls_fields(airflow_db):  # noqa: ARG001
    """Airflow's connection form for the type: relabelled URL/auth fields and four TLS fields."""
    from airflow.providers_manager import ProvidersManager  # noqa: PLC0415

    pm = ProvidersManager()
    widgets = {k for k in pm.connection_form_widgets if k.startswith("extra__driftkl_pushgateway")}
    assert widgets == {
        f"extra__driftkl_pushgateway__{name}"
        for name in ("cafile", "certfile", "keyfile", "insecure_skip_verify")
    }
    relabel = pm.field_behaviours["driftkl_pushgateway"]["relabeling"]
    assert relabel["host"] == "Pushgateway host or URL"
    assert (relabel["login"], relabel["password"]) == ("Basic auth user", "Basic auth password")


def test_drifted_run_links_to_report_and_dashboard(dagbag, data_dir, monkeypatch):
    """A failed (drifted) check still resolves both links in the UI, from [driftkl] settings."""
    monkeypatch.setenv("AIRFLOW__DRIFTKL__REPORT_BASE_URL", "https://reports.example.com/")
    monkeypatch.setenv("AIRFLOW__DRIFTKL__GRAFANA_URL", "https://grafana.example.com")
    dag = dagbag.dags["driftkl_daily_check"]
    day = dt.datetime(2026, 11, 21, tzinfo=dt.UTC)
    dr = dag.test(logical_date=day, run_conf={"sample_drift": True})
    assert dr.state == "failed"
    links = _ui_links(dr, "check_orders_drift")
    report = f"{data_dir}/reports/orders/2026-11-21.html".lstrip("/")
    assert links == {
        "Drift report": f"https://reports.example.com/{report}",
        "Drift dashboard": "https://grafana.example.com/d/driftkl-overview"
        "?var-dataset=orders&var-job=driftkl",
    }


def test_links_are_empty_without_settings(dagbag, monkeypatch):
    """Without a base URL a local report path gives no link (a worker path helps nobody)."""
    monkeypatch.delenv("AIRFLOW__DRIFTKL__REPORT_BASE_URL", raising=False)
    monkeypatch.delenv("AIRFLOW__DRIFTKL__GRAFANA_URL", raising=False)
    dag = dagbag.dags["driftkl_daily_check"]
    day = dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    dr = dag.test(logical_date=day, run_conf={"sample_drift": False})
    assert dr.state == "success"
    assert _ui_links(dr, "check_orders_drift") == {"Drift report": None, "Drift dashboard": None}


@pytest.mark.parametrize(
    "dag_id", ["driftkl_daily_check", "driftkl_gate_on_drift", "driftkl_branch_on_drift"]
)
def test_example_dags_run_without_a_logical_date(dagbag, data_dir, dag_id):
    """A manual run with no logical date (no {{ ds }}) uses its run_after day for paths."""
    dag = dagbag.dags[dag_id]
    dr = dag.test(logical_date=None, run_after=RUN_AFTER, run_conf={"sample_drift": False})
    assert dr.logical_date is None
    assert dr.state == "success", task_states(dr)
    check = next(t for t in dag.task_ids if t not in {"make_sample_data", "route", "publish"})
    assert rendered_fields(dr, check)["current"] == f"{data_dir}/orders/dt=2026-11-25/"
    assert xcom(dr, check)["status"] == "ok"


def test_example_dag_with_logical_date_uses_it_not_run_after(dagbag, data_dir):
    """With a logical date, paths follow it (backfills), not the time the run was queued."""
    dag = dagbag.dags["driftkl_daily_check"]
    dr = dag.test(
        logical_date=dt.datetime(2026, 11, 2, tzinfo=dt.UTC),
        run_after=RUN_AFTER,
        run_conf={"sample_drift": False},
    )
    assert dr.state == "success"
    fields = rendered_fields(dr, "check_orders_drift")
    assert fields["current"] == f"{data_dir}/orders/dt=2026-11-02/"
    assert fields["html_output_path"] == f"{data_dir}/reports/orders/2026-11-02.html"


DATE_ONLY = ("{{ ds", "{{ ds_nodash", "{{ logical_date", "{{ data_interval_start")
DATE_ARGS = {"ds", "ds_nodash", "logical_date", "data_interval_start", "data_interval_end"}


def test_no_example_dag_needs_a_logical_date():
    """No example DAG templates ``{{ ds }}``-like values or takes them as task arguments:
    Airflow 3 manual runs have no logical date (``examples.DAY`` falls back to run_after)."""
    dags = sorted((Path(__file__).resolve().parents[3] / "dags").glob("*.py"))
    assert len(dags) >= 9
    found = []
    for path in dags:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in docs and any(t in node.value for t in DATE_ONLY):
                    found.append(f"{path.name}:{node.lineno} {node.value!r}")
            elif isinstance(node, ast.FunctionDef):
                found += [
                    f"{path.name}:{node.lineno} argument {a.arg}"
                    for a in node.args.args
                    if a.arg in DATE_ARGS
                ]
    assert found == []
