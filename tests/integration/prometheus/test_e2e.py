"""End to end: CLI drift check -> real Pushgateway -> real Prometheus -> alert -> Alertmanager.

The stack runs the shipped prometheus.yml, rules and alertmanager.yml; only addresses, the 1 s
scrape/evaluation interval, ``for: 2s`` and the Alertmanager group waits differ (the ``for:``
semantics themselves are covered by ``promtool test rules``).
"""

from __future__ import annotations

import urllib.parse

import pytest
from helpers import run_cli
from integration.prometheus.prom_helpers import http_json, wait_until

pytestmark = pytest.mark.prometheus

DATASET = "e2e_orders"


def _check(stack, sample_data, current: str) -> None:
    ref, cur = str(sample_data["reference"]), str(sample_data[current])
    args = ["compare", ref, cur, "--dataset", DATASET, "--pushgateway", stack.pushgateway]
    proc = run_cli(*args, "--job", "driftkl")
    assert proc.returncode == 0, proc.stderr


def _query(stack, expr: str) -> list[dict]:
    q = urllib.parse.quote(expr)
    body = http_json(f"{stack.prometheus}/api/v1/query?query={q}")
    assert body["status"] == "success"
    return body["data"]["result"]


def _prom_alerts(stack) -> list[dict]:
    alerts = http_json(f"{stack.prometheus}/api/v1/alerts")["data"]["alerts"]
    return [a for a in alerts if a["labels"].get("dataset") == DATASET]


def _firing(stack, feature: str) -> list[dict]:
    return [
        a
        for a in _prom_alerts(stack)
        if a["state"] == "firing"
        and a["labels"]["alertname"] == "DriftklFeatureDrift"
        and a["labels"].get("feature") == feature
    ]


def _am_alerts(stack) -> list[dict]:
    alerts = http_json(f"{stack.alertmanager}/api/v2/alerts")
    return [a for a in alerts if a["labels"].get("dataset") == DATASET]


def _hook(stack, status: str, feature: str) -> list[dict]:
    return [
        a
        for a in stack.webhook.alerts(status)
        if a["labels"].get("dataset") == DATASET and a["labels"].get("feature") == feature
    ]


def test_drift_alert_fires_reaches_alertmanager_and_resolves(stack, sample_data, drift_report):
    """Drifted features alert and reach the webhook, undrifted ones never; a clean run resolves."""
    drifted = set(drift_report.drifted_features)
    assert "amount" in drifted and "age" not in drifted

    _check(stack, sample_data, "current")
    wait_until(
        lambda: _query(stack, f'driftkl_feature_status{{dataset="{DATASET}",feature="amount"}}'),
        "Prometheus to scrape the pushed metrics",
    )
    (series,) = _query(stack, f'driftkl_feature_status{{dataset="{DATASET}",feature="amount"}}')
    assert series["metric"]["job"] == "driftkl"  # honor_labels kept the pushed job label
    assert series["value"][1] == "2"

    (alert,) = wait_until(lambda: _firing(stack, "amount"), "DriftklFeatureDrift to fire")
    assert alert["labels"]["severity"] == "warning"
    assert alert["annotations"]["summary"] == f"Data drift in {DATASET}.amount"
    js = drift_report["amount"].metrics["js_divergence"]
    assert (
        f"js_divergence = {js.value:.4g} bits; drift threshold {js.drift:.4g} bits"
        in (alert["annotations"]["description"])
    )
    firing_features = {a["labels"]["feature"] for a in _prom_alerts(stack)}
    assert firing_features == drifted  # age, channel, ... never alert

    am = wait_until(
        lambda: [a for a in _am_alerts(stack) if a["labels"].get("feature") == "amount"],
        "the alert to reach Alertmanager",
    )
    assert am[0]["labels"]["alertname"] == "DriftklFeatureDrift"
    assert am[0]["status"]["state"] == "active"
    wait_until(lambda: _hook(stack, "firing", "amount"), "the webhook to receive the alert")
    assert {p["path"] for p in stack.webhook.posts if p["commonLabels"].get("dataset") == DATASET} \
        == {"/warning"}  # fmt: skip
    assert not _hook(stack, "firing", "age")

    _check(stack, sample_data, "current_nodrift")
    wait_until(
        lambda: (
            not _prom_alerts(stack)
            and _query(
                stack, f'driftkl_feature_status{{dataset="{DATASET}",feature="amount"}} == 0'
            )
        ),
        "the alerts to resolve after the clean run",
    )
    wait_until(lambda: _hook(stack, "resolved", "amount"), "the webhook to receive the resolution")
    wait_until(
        lambda: not [a for a in _am_alerts(stack) if a["status"]["state"] == "active"],
        "Alertmanager to hold no active alert for the dataset",
    )


def test_stale_check_alert_uses_last_success(stack, drift_report):
    """A dataset whose last success is 30 h old triggers DriftklCheckStale in real Prometheus."""
    from driftkl.integrations.prometheus import push_report  # noqa: PLC0415

    old = drift_report.to_dict(bins=False)
    old["dataset"] = "stale_orders"
    old["created_at"] = "2020-01-01T00:00:00+00:00"
    for f in old["features"]:  # a clean old report: only the stale alert may fire
        f["status"] = "ok"
    push_report(old, stack.pushgateway, job="driftkl")

    def stale() -> list[dict]:
        alerts = http_json(f"{stack.prometheus}/api/v1/alerts")["data"]["alerts"]
        return [
            a
            for a in alerts
            if a["labels"]["alertname"] == "DriftklCheckStale"
            and a["labels"].get("dataset") == "stale_orders"
            and a["state"] == "firing"
        ]

    (alert,) = wait_until(stale, "DriftklCheckStale to fire")
    assert alert["labels"]["severity"] == "warning"
    assert "No successful drift check of stale_orders" in alert["annotations"]["summary"]
