"""The daily example DAG pushes its drift metrics to a real Pushgateway through a connection."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from integration.airflow.airflow_helpers import run_dag, task_states

import driftkl.integrations.prometheus as prom
from driftkl.errors import MissingExtraError
from driftkl.integrations.airflow import PushgatewayHook

pytestmark = [pytest.mark.airflow, pytest.mark.prometheus]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as resp:  # noqa: S310 - a local test server
        return resp.read().decode()


@pytest.fixture
def pushgateway(tmp_path):
    """A real prometheus-pushgateway on a free 127.0.0.1 port; yields its base URL."""
    binary = shutil.which("prometheus-pushgateway")
    assert binary, "prometheus-pushgateway is not installed (apt-get install it; .ci does)"
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with (tmp_path / "pushgateway.log").open("w") as log:
        proc = subprocess.Popen(
            [
                binary,
                f"--web.listen-address=127.0.0.1:{port}",
                # Debian defaults to a shared /var/lib/prometheus/pushgateway.data: keep it private
                f"--persistence.file={tmp_path / 'pushgateway.data'}",
            ],
            stdout=log,
            stderr=log,
        )
        try:
            for _ in range(100):
                try:
                    _get(url + "/-/ready")
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("pushgateway did not become ready")
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _use_gateway(monkeypatch, url, scheme="http"):
    monkeypatch.setenv("AIRFLOW_CONN_DRIFTKL_PUSHGATEWAY", url.replace("http", scheme, 1))
    monkeypatch.setenv("AIRFLOW_VAR_DRIFTKL_PUSHGATEWAY_CONN_ID", "driftkl_pushgateway")


def _series(metrics: str, name: str) -> list[str]:
    return [
        line
        for line in metrics.splitlines()
        if line.startswith(name + "{") and 'dag_id="driftkl_daily_check"' in line
    ]


@pytest.mark.parametrize(
    ("scheme", "day"), [("http", "2026-11-20"), ("driftkl-pushgateway", "2026-11-22")]
)
def test_daily_check_pushes_metrics_via_airflow_connection(
    dagbag, pushgateway, monkeypatch, scheme, day
):
    """No drift: via an http or driftkl_pushgateway connection, the group holds divergences."""
    _use_gateway(monkeypatch, pushgateway, scheme)
    dr = run_dag(dagbag, "driftkl_daily_check", day)
    assert dr.state == "success"
    assert task_states(dr)["check_orders_drift"] == "success"
    metrics = _get(pushgateway + "/metrics")
    divergences = _series(metrics, "driftkl_feature_divergence")
    assert divergences, metrics[:2000]
    assert all('job="driftkl"' in s and 'dataset="orders"' in s for s in divergences)
    assert any('feature="amount"' in s for s in divergences)
    assert _series(metrics, "driftkl_last_success_timestamp_seconds")


def test_drifted_check_still_pushes_before_failing(dagbag, pushgateway, monkeypatch):
    """Drift with on_drift='fail': the task fails, the drift status is still in Prometheus."""
    _use_gateway(monkeypatch, pushgateway)
    dr = run_dag(dagbag, "driftkl_daily_check", "2026-11-21", {"sample_drift": True})
    assert task_states(dr)["check_orders_drift"] == "failed"
    status = _series(_get(pushgateway + "/metrics"), "driftkl_feature_status")
    drifted = {s.split('feature="')[1].split('"')[0] for s in status if s.endswith(" 2")}
    assert drifted == {"amount", "country"}, status  # created_at: event time, not judged


def test_missing_prometheus_extra_names_the_pip_line(monkeypatch):
    """Without prometheus_client the push raises MissingExtraError naming driftkl[prometheus]."""
    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    for name in [m for m in sys.modules if m.startswith("driftkl.integrations.prometheus")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(sys.modules["driftkl.integrations"], "prometheus", raising=False)
    with pytest.raises(MissingExtraError, match=r"pip install 'driftkl\[prometheus\]'"):
        PushgatewayHook("unused").push_report(None, job="driftkl", grouping_key={})
    assert prom.push_report is not None  # the real module object is untouched
