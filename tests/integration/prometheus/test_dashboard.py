"""The Grafana dashboard: structurally valid, and every query returns data from real Prometheus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.parse

import numpy as np
import pandas as pd
import pytest
import yaml
from integration.prometheus.prom_helpers import CONFIGS, http_json, wait_until

import driftkl
from driftkl.integrations.prometheus import push_failure, push_report

pytestmark = pytest.mark.prometheus

DASHBOARD = CONFIGS / "grafana" / "dashboards" / "driftkl.json"
BUILDER = CONFIGS / "grafana" / "build_dashboard.py"
DS_REF = {"type": "prometheus", "uid": "${datasource}"}
VALUES = {
    "job": "driftkl",
    "dataset": "dash_orders",
    "feature": "amount",
    "metric": "js_divergence",
    "unit": "bits",
    "topn": "20",
}
BUILTINS = {"__range": "1h"}
LABEL_VALUES = re.compile(r"^label_values\((?:(?P<selector>.+),\s*)?(?P<label>\w+)\)$")


def _dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def _targets(dash: dict) -> list[tuple[dict, dict]]:
    return [(p, t) for p in dash["panels"] for t in p.get("targets", [])]


def _exprs(dash: dict) -> list[tuple[str, str]]:
    """(where, expr) of every panel target and every annotation query."""
    out = [(p["title"], t["expr"]) for p, t in _targets(dash)]
    return out + [(a["name"], a["expr"]) for a in dash["annotations"]["list"]]


def _substitute(expr: str, regexes: dict[str, str] | None = None) -> str:
    """``expr`` with the variables replaced: VALUES escaped, ``regexes`` as given (Grafana's
    multi-value form)."""
    subs = {**BUILTINS, "topn": VALUES["topn"]}
    subs |= {k: re.escape(v) for k, v in VALUES.items() if k != "topn"} | (regexes or {})
    for name, value in subs.items():
        expr = expr.replace(f"${{{name}}}", value).replace(f"${name}", value)
    assert "$" not in expr, expr
    return expr


def _query(prom: str, expr: str) -> list[dict]:
    body = http_json(f"{prom}/api/v1/query?query={urllib.parse.quote(expr)}")
    assert body["status"] == "success"
    return body["data"]["result"]


def _panel(dash: dict, title_start: str) -> dict:
    (panel,) = [p for p in dash["panels"] if p["title"].startswith(title_start)]
    return panel


def test_dashboard_json_is_generated_by_the_builder():
    """The committed JSON is exactly what build_dashboard.py writes (edit the builder, not it)."""
    proc = subprocess.run(
        [sys.executable, str(BUILDER), "--check"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_queries_never_mix_push_groups():
    """Every selector filters on $job; every aggregation keeps job and instance (or is a total)."""
    for where, expr in _exprs(_dashboard()):
        for selector in re.findall(r"driftkl_\w+\{([^}]*)\}", expr):
            assert 'job=~"$job"' in selector, (where, expr)
        for labels in re.findall(r"\bby \(([^)]*)\)", expr):
            assert {"job", "instance", "dataset"} <= {x.strip() for x in labels.split(",")}, (
                where,
                expr,
            )
        assert "max by (dataset, feature)" not in expr


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
    for name in ("job", "dataset", "feature", "metric", "unit"):
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
            assert used <= set(variables) | set(BUILTINS), (panel["title"], used)
    assert not [p for p in dash["panels"] if p.get("repeat")]  # no panel per feature
    kinds = {p["type"] for p in dash["panels"]}
    assert {"stat", "table", "timeseries", "state-timeline"} <= kinds
    names = [a["name"] for a in dash["annotations"]["list"]]
    assert names == ["Check runs", "Check failures", "Schema changes"]
    for ann in dash["annotations"]["list"]:
        assert ann["datasource"] == DS_REF and ann["useValueForTime"] is True
        assert ") * 1000" in ann["expr"]  # Grafana wants milliseconds


def test_units_and_line_styles_of_the_deciding_metric():
    """Value, warn, drift and noise floor are drawn distinctly, with units in names and axis."""
    panel = _panel(_dashboard(), "Deciding metric")
    legends = [t["legendFormat"] for t in panel["targets"]]
    assert all("[{{unit}}]" in x for x in legends)
    assert [x.split("}} ", 1)[1].split(" [")[0] for x in legends] == [
        "{{metric}}",
        "warn threshold",
        "drift threshold",
        "noise floor",
    ]
    styles = {}
    for o in panel["fieldConfig"]["overrides"]:
        if o["matcher"]["id"] == "byFrameRefID":
            props = {p["id"]: p["value"] for p in o["properties"]}
            styles[o["matcher"]["options"]] = (
                props["color"]["fixedColor"],
                json.dumps(props["custom.lineStyle"]),
            )
    assert set(styles) == {"B", "C", "D"} and len(set(styles.values())) == 3
    units = {
        o["properties"][0]["value"]
        for o in panel["fieldConfig"]["overrides"]
        if o["matcher"]["id"] == "byRegexp"
    }
    assert units == {"suffix: bits", "suffix: nats", "suffix: hartleys"}
    assert panel["fieldConfig"]["defaults"]["custom"]["axisLabel"] == "$metric [$unit]"
    for title in ("Oldest successful check", "Check duration"):
        assert _panel(_dashboard(), title)["fieldConfig"]["defaults"]["unit"] == "s"


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
def dash_data(stack, drift_report, nodrift_report):
    """dash_orders: drift pushed as job driftkl (then a failed run), clean as job adhoc; and a
    clean dataset dash_clean; all scraped by Prometheus."""
    report = drift_report.to_dict(bins=False)
    report["dataset"] = VALUES["dataset"]
    push_report(report, stack.pushgateway, job="driftkl")
    clean = nodrift_report.to_dict(bins=False)
    clean["dataset"] = VALUES["dataset"]
    push_report(clean, stack.pushgateway, job="adhoc")  # same dataset, another push group
    clean["dataset"] = "dash_clean"
    push_report(clean, stack.pushgateway, job="driftkl")
    push_failure(stack.pushgateway, dataset=VALUES["dataset"], job="driftkl")  # a later failure
    ref = pd.DataFrame({"a": np.arange(300.0), "b": np.arange(300.0)})
    schema = driftkl.compare(ref, ref.drop(columns=["b"]), dataset="dash_schema")
    push_report(schema, stack.pushgateway, job="driftkl")  # a missing column
    q = urllib.parse.quote(f'driftkl_dataset_status{{dataset="{VALUES["dataset"]}"}}[10s]')

    def scraped_twice() -> bool:
        result = http_json(f"{stack.prometheus}/api/v1/query?query={q}")["data"]["result"]
        clean = http_json(
            f"{stack.prometheus}/api/v1/query?query="
            + urllib.parse.quote('driftkl_dataset_status{dataset="dash_clean"}')
        )["data"]["result"]
        schema = http_json(
            f"{stack.prometheus}/api/v1/query?query="
            + urllib.parse.quote('driftkl_schema_changes{dataset="dash_schema"}')
        )["data"]["result"]
        return bool(result) and len(result[0]["values"]) >= 2 and bool(clean) and bool(schema)

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
    """Every target and annotation query (variables substituted) returns series, as it runs."""
    end = time.time()
    checked = 0
    for where, raw in _exprs(_dashboard()):
        expr = _substitute(raw, {"dataset": "dash_schema"} if "schema_changes" in raw else None)
        assert _query(dash_data.prometheus, expr), (where, expr)
        q = urllib.parse.quote(expr)
        rng = http_json(
            f"{dash_data.prometheus}/api/v1/query_range?query={q}"
            f"&start={end - 120}&end={end}&step=1"
        )
        assert rng["data"]["result"], (where, expr)
        checked += 1
    assert checked >= 20


def test_deciding_metric_panel_values(dash_data, drift_report):
    """Value, warn and drift thresholds and noise floor of the job's own push group only."""
    panel = _panel(_dashboard(), "Deciding metric")
    js = drift_report["amount"].metrics["js_divergence"]
    expected = {"A": js.value, "B": js.warn, "C": js.drift, "D": js.noise_floor}
    for target in panel["targets"]:
        (series,) = _query(dash_data.prometheus, _substitute(target["expr"]))
        assert series["metric"]["job"] == "driftkl"
        assert series["metric"]["unit"] == "bits"
        assert float(series["value"][1]) == pytest.approx(expected[target["refId"]])


def test_table_rows_are_one_push_group_each(dash_data, drift_report, nodrift_report):
    """With both groups selected, each group's row keeps its own status and p-value."""
    table = _panel(_dashboard(), "Top $topn")
    exprs = {t["refId"]: t["expr"] for t in table["targets"]}
    both = {"job": "driftkl|adhoc"}
    status = {
        r["metric"]["job"]: float(r["value"][1])
        for r in _query(dash_data.prometheus, _substitute(exprs["A"], both))
        if r["metric"]["feature"] == "amount"
    }
    p_values = {
        r["metric"]["job"]: float(r["value"][1])
        for r in _query(dash_data.prometheus, _substitute(exprs["E"], both))
        if r["metric"]["feature"] == "amount"
    }
    assert status == {"driftkl": 2.0, "adhoc": 0.0}
    assert p_values["driftkl"] == pytest.approx(drift_report["amount"].test.p_value_adjusted)
    assert p_values["adhoc"] == pytest.approx(nodrift_report["amount"].test.p_value_adjusted)
    top = _query(dash_data.prometheus, _substitute(exprs["B"], {"topn": "2", "feature": ".*"}))
    assert len(top) == 2


def test_counts_are_zero_not_empty(dash_data):
    """A clean dataset's drift counts are 0 (a value), not an empty result."""
    clean = {"dataset": "dash_clean"}
    dash = _dashboard()
    for title in ("Drifted features", "Checks with drift", "Failing checks"):
        (target,) = _panel(dash, title)["targets"]
        (series,) = _query(dash_data.prometheus, _substitute(target["expr"], clean))
        assert series["value"][1] == "0", title
    (target,) = _panel(dash, "Failing checks")["targets"]
    (series,) = _query(dash_data.prometheus, _substitute(target["expr"]))
    assert series["value"][1] == "1"  # dash_orders' latest run failed


def test_share_panel_shows_only_non_zero_series(dash_data, drift_report):
    """The out-of-range / unseen / missing panel returns exactly the report's non-zero shares."""
    (target,) = _panel(_dashboard(), "Current rows out of range")["targets"]
    got = {
        (r["metric"]["feature"], r["metric"]["bin"])
        for r in _query(dash_data.prometheus, _substitute(target["expr"], {"feature": ".*"}))
    }
    expected = {
        (f.name, b)
        for f in drift_report.features
        for b, v in (
            ("out_of_range", f.out_of_range_share),
            ("unseen", f.unseen_share),
            ("missing", f.missing_share),
        )
        if v > 0
    }
    assert got == expected and got


def test_feature_timeline_shows_only_features_not_ok(dash_data, drift_report):
    """The feature state timeline lists the drifted/warn features of the group, not the ok ones."""
    (target,) = _panel(_dashboard(), "Feature status over time")["targets"]
    got = {
        r["metric"]["feature"]
        for r in _query(dash_data.prometheus, _substitute(target["expr"], {"feature": ".*"}))
    }
    assert got == {f.name for f in drift_report.features if f.status != "ok"}


def test_schema_annotation_marks_only_checks_with_changes(dash_data):
    """The schema-change annotation returns the run time of dash_schema, nothing for dash_clean."""
    (ann,) = [a for a in _dashboard()["annotations"]["list"] if a["name"] == "Schema changes"]
    (series,) = _query(dash_data.prometheus, _substitute(ann["expr"], {"dataset": "dash_schema"}))
    assert float(series["value"][1]) > 1e12  # milliseconds
    assert not _query(dash_data.prometheus, _substitute(ann["expr"], {"dataset": "dash_clean"}))


def test_airflow_dashboard_link_matches_the_dashboard():
    """The Airflow operator's link opens this dashboard by uid with variables it defines."""
    from driftkl.integrations.airflow.links import DEFAULT_DASHBOARD_UID  # noqa: PLC0415

    dash = _dashboard()
    assert dash["uid"] == DEFAULT_DASHBOARD_UID
    names = {v["name"] for v in dash["templating"]["list"]}
    assert {"job", "dataset"} <= names
