"""The shipped Prometheus and Alertmanager configs pass promtool / amtool and the rule tests."""

from __future__ import annotations

import subprocess

import pytest
from integration.prometheus.prom_helpers import CONFIGS, require_binary

pytestmark = pytest.mark.prometheus

PROM = CONFIGS / "prometheus"


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, check=False, timeout=120, cwd=cwd
    )


def test_promtool_check_rules():
    """promtool check rules accepts the shipped rules and counts all four."""
    proc = _run(require_binary("promtool"), "check", "rules", str(PROM / "rules/driftkl.rules.yml"))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 4 rules found" in proc.stdout


def test_promtool_test_rules():
    """The rule unit tests (firing after for:, not for ok features, stale, absent) pass."""
    proc = _run(
        require_binary("promtool"), "test", "rules", "driftkl.rules.test.yml", cwd=PROM / "rules"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout


def test_promtool_test_rules_catches_a_broken_rule(tmp_path):
    """The rule tests fail when the drift alert's threshold is wrong (they can fail)."""
    rules = (PROM / "rules/driftkl.rules.yml").read_text()
    assert "(driftkl_feature_status) >= 2" in rules
    (tmp_path / "driftkl.rules.yml").write_text(
        rules.replace("(driftkl_feature_status) >= 2", "(driftkl_feature_status) >= 3")
    )
    (tmp_path / "t.yml").write_text((PROM / "rules/driftkl.rules.test.yml").read_text())
    proc = _run(require_binary("promtool"), "test", "rules", "t.yml", cwd=tmp_path)
    assert proc.returncode != 0
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
