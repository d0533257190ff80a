"""The Grafana dashboard: structurally valid, and every query returns data from real Prometheus."""

from __future__ import annotations

import json
import re
import time
import urllib.parse

import pytest
import yaml
from integration.prometheus.prom_helpers import CONFIGS, http_json, wait_until

from driftkl.integrations.prometheus import push_report

pytestmark = pytest.mark.prometheus

DASHBOARD = CONFIGS / "grafana" / "dashboards" / "driftkl.json"
DS_REF = {"type": "prometheus", "uid": "${datasource}"}
VALUES = {"dataset": "dash_orders", "feature": "amount", "metric": "js_divergence"}
LABEL_VALUES = re.compile(r"^label_values\((?:(?P<selector>.+),\s*)?(?P<label>\w+)\)$")


def _dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def _targets(dash: dict) -> list[tuple[dict, dict]]:
    return [(p, t) for p in dash["panels"] for t in p.get("targets", [])]


def _substitute(expr: str) -> str:
    for name, value in VALUES.items():
        expr = expr.replace(f"${{{name}}}", re.escape(value)).replace(f"${name}", re.escape(value))
    assert "$" not in expr, expr
    return expr


def test_dashboard_structure():
    """uid, schemaVersion, unique panel ids, datasource references and variables are valid."""
    dash = _dashboard()
    assert re.fullmatch(r"[a-zA-Z0-9_-]{1,40}", dash["uid"])
    assert dash["title"] and isinstance(dash["schemaVersion"], int) and dash["schemaVersion"] >= 36
    ids = [p["id"] for p in dash["panels"]]
    assert len(ids) == len(set(ids)) >= 8
    variables = {v["name"]: v for v in dash["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"
    for name in ("dataset", "feature", "metric"):
        assert variables[name]["type"] == "query"
        assert variables[name]["datasource"] == DS_REF
        assert LABEL_VALUES.match(variables[name]["definition"])
    for panel in dash["panels"]:
        assert panel["datasource"] == DS_REF, panel["title"]
        assert set(panel["gridPos"]) == {"x", "y", "w", "h"}
        assert panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        refs = [t["refId"] for t in panel["targets"]]
        assert refs and len(refs) == len(set(refs))
        for target in panel["targets"]:
            assert target["datasource"] == DS_REF
            used = set(re.findall(r"\$\{?(\w+)", target["expr"]))
            assert used <= set(variables), (panel["title"], used)
    repeated = [p for p in dash["panels"] if p.get("repeat")]
    assert [p["repeat"] for p in repeated] == ["feature"]
    kinds = {p["type"] for p in dash["panels"]}
    assert {"stat", "table", "timeseries"} <= kinds


def test_provisioning_matches_dashboard():
    """The provisioned datasource uid is the dashboard's default; the provider path is set."""
    ds = yaml.safe_load((CONFIGS / "grafana/provisioning/datasources/driftkl.yaml").read_text())
    (source,) = ds["datasources"]
    assert source["type"] == "prometheus" and source["url"] == "http://prometheus:9090"
    variables = {v["name"]: v for v in _dashboard()["templating"]["list"]}
    assert variables["datasource"]["current"]["value"] == source["uid"]
    dashboards = yaml.safe_load(
        (CONFIGS / "grafana/provisioning/dashboards/driftkl.yaml").read_text()
    )
    (provider,) = dashboards["providers"]
    assert (
        provider["type"] == "file" and provider["options"]["path"] == "/var/lib/grafana/dashboards"
    )


@pytest.fixture(scope="module")
def dash_data(stack, drift_report):
    """The drift report pushed as dataset dash_orders and scraped twice by Prometheus."""
    report = drift_report.to_dict(bins=False)
    report["dataset"] = VALUES["dataset"]
    push_report(report, stack.pushgateway, job="driftkl")
    q = urllib.parse.quote(f'driftkl_dataset_status{{dataset="{VALUES["dataset"]}"}}[10s]')

    def scraped_twice() -> bool:
        result = http_json(f"{stack.prometheus}/api/v1/query?query={q}")["data"]["result"]
        return bool(result) and len(result[0]["values"]) >= 2

    wait_until(scraped_twice, "Prometheus to scrape dash_orders")
    return stack


def test_variable_queries_return_values(dash_data):
    """Each label_values() variable, with earlier variables substituted, lists our values."""
    for var in _dashboard()["templating"]["list"]:
        if var["type"] != "query":
            continue
        m = LABEL_VALUES.match(var["definition"])
        assert m
        params = {}
        if m["selector"]:
            params["match[]"] = _substitute(m["selector"])
        url = f"{dash_data.prometheus}/api/v1/label/{m['label']}/values"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        values = http_json(url)["data"]
        assert VALUES[var["name"]] in values, (var["name"], values)


def test_every_panel_query_returns_data(dash_data):
    """Every target's PromQL (variables substituted) returns series, instant and over a range."""
    end = time.time()
    checked = 0
    for panel, target in _targets(_dashboard()):
        expr = _substitute(target["expr"])
        q = urllib.parse.quote(expr)
        instant = http_json(f"{dash_data.prometheus}/api/v1/query?query={q}")
        assert instant["status"] == "success"
        assert instant["data"]["result"], (panel["title"], expr)
        if target.get("range", True):
            rng = http_json(
                f"{dash_data.prometheus}/api/v1/query_range?query={q}"
                f"&start={end - 120}&end={end}&step=1"
            )
            assert rng["data"]["result"], (panel["title"], expr)
        checked += 1
    assert checked >= 12


def test_divergence_panel_has_value_and_both_threshold_lines(dash_data, drift_report):
    """The per-feature panel returns the JS value and its warn and drift thresholds."""
    (panel,) = [p for p in _dashboard()["panels"] if p.get("repeat") == "feature"]
    exprs = {t["refId"]: _substitute(t["expr"]) for t in panel["targets"]}
    value = http_json(
        f"{dash_data.prometheus}/api/v1/query?query={urllib.parse.quote(exprs['A'])}"
    )["data"]["result"]
    thresholds = http_json(
        f"{dash_data.prometheus}/api/v1/query?query={urllib.parse.quote(exprs['B'])}"
    )["data"]["result"]
    assert [r["metric"]["unit"] for r in value] == ["bits"]
    js = drift_report["amount"].metrics["js_divergence"]
    assert float(value[0]["value"][1]) == pytest.approx(js.value)
    assert {r["metric"]["level"]: float(r["value"][1]) for r in thresholds} == {
        "warn": js.warn,
        "drift": js.drift,
    }
