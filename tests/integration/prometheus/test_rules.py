"""The shipped Prometheus and Alertmanager configs pass promtool / amtool and the rule tests."""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml
from integration.prometheus.prom_helpers import CONFIGS, REPO, require_binary

pytestmark = pytest.mark.prometheus

PROM = CONFIGS / "prometheus"
ALERTS = {
    "DriftklFeatureDrift",
    "DriftklFeatureWarn",
    "DriftklCheckFailing",
    "DriftklCheckStale",
    "DriftklMetricsAbsent",
}


def _rules(name: str = "driftkl.rules.yml") -> list[dict]:
    groups = yaml.safe_load((PROM / "rules" / name).read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, check=False, timeout=120, cwd=cwd
    )


def test_promtool_check_rules():
    """promtool check rules accepts the shipped rules: 5 alerts and 3 recording rules."""
    proc = _run(require_binary("promtool"), "check", "rules", str(PROM / "rules/driftkl.rules.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 8 rules found" in proc.stdout
    assert {r["alert"] for r in _rules() if "alert" in r} == ALERTS


def test_every_rule_has_a_unit_test():
    """Each alert and recording rule is named in the promtool test file."""
    tests = (PROM / "rules/driftkl.rules.test.yml").read_text()
    for rule in _rules():
        name = rule.get("alert") or rule["record"]
        assert re.search(rf"\b{re.escape(name)}\b", tests), name
    assert "alertname: DriftklCheckStale" in tests and "alertname: DriftklCheckFailing" in tests


def test_alerts_link_runbooks_and_dashboard_and_are_gated():
    """Alerts carry a severity, a runbook page that exists and a dashboard link; drift is gated."""
    schema = [r for r in _rules("driftkl-schema.rules.yml") if "alert" in r]
    assert len(schema) == 2
    for rule in [r for r in _rules() if "alert" in r] + schema:
        name, notes = rule["alert"], rule["annotations"]
        assert rule["labels"]["severity"] in {"info", "warning", "critical"}, name
        assert notes["runbook_url"].endswith(f"/runbooks/{name}/"), name
        assert (REPO / "docs/runbooks" / f"{name}.md").is_file(), name
        assert "/d/driftkl-overview/" in notes["dashboard_url"], name
    drift = {r["alert"]: r for r in _rules() + _rules("driftkl-schema.rules.yml") if "alert" in r}
    for name in ("DriftklFeatureDrift", "DriftklFeatureWarn", "DriftklSchemaChange"):
        assert "driftkl:check_fresh == 1" in drift[name]["expr"], name
        assert "by (job, instance, dataset, " in drift[name]["expr"], name
    assert drift["DriftklFeatureDrift"]["labels"]["severity"] == "warning"
    assert "$value" not in drift["DriftklFeatureDrift"]["annotations"]["description"]


def test_promtool_test_rules():
    """The rule unit tests (values, freshness gate, push groups, failing, stale, absent) pass."""
    proc = _run(
        require_binary("promtool"), "test", "rules", "driftkl.rules.test.yml", cwd=PROM / "rules"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout


def test_promtool_test_rules_catches_a_broken_rule(tmp_path):
    """The rule tests fail when the drift alert's threshold is wrong (they can fail)."""
    rules = (PROM / "rules/driftkl.rules.yml").read_text()
    (tmp_path / "t.yml").write_text((PROM / "rules/driftkl.rules.test.yml").read_text())
    for old, new in (
        ("(driftkl_feature_status) >= 2", "(driftkl_feature_status) >= 3"),
        ("(2 * driftkl:check_interval_seconds)", "(3 * driftkl:check_interval_seconds)"),
        ("and on (job, instance, dataset) (driftkl:check_fresh == 1)", ""),
        ("for: 1h", "for: 5m"),
    ):
        assert old in rules
        (tmp_path / "driftkl.rules.yml").write_text(rules.replace(old, new))
        proc = _run(require_binary("promtool"), "test", "rules", "t.yml", cwd=tmp_path)
        assert proc.returncode != 0, old
        assert "FAILED" in proc.stdout + proc.stderr


def test_promtool_check_config():
    """promtool check config accepts prometheus.yml (and the rule files it names)."""
    proc = _run(require_binary("promtool"), "check", "config", str(PROM / "prometheus.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout + proc.stderr


def test_amtool_check_config():
    """amtool check-config accepts the example alertmanager.yml with its inhibit rule."""
    proc = _run(require_binary("amtool"), "check-config", str(PROM / "alertmanager.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 inhibit rules" in proc.stdout


@pytest.mark.parametrize(
    ("labels", "receiver"),
    [
        (["alertname=DriftklFeatureDrift", "severity=warning"], "driftkl-warning"),
        (["alertname=DriftklFeatureWarn", "severity=info"], "driftkl-info"),
        (["alertname=DriftklFeatureDrift", "severity=critical"], "driftkl-critical"),
    ],
)
def test_alertmanager_routes_by_severity(labels, receiver):
    """amtool routes drift (warning), warn (info) and critical alerts to their receivers."""
    proc = _run(
        require_binary("amtool"),
        "config", "routes", "test", f"--config.file={PROM / 'alertmanager.yml'}", *labels,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.split() == [receiver]


def test_alertmanager_timing_suits_daily_checks():
    """One notification per dataset, repeated at most once a day (daily checks)."""
    route = yaml.safe_load((PROM / "alertmanager.yml").read_text())["route"]
    assert route["group_by"] == ["job", "dataset"]
    assert route["repeat_interval"] == "25h"
