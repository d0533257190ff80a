"""Schema changes in Prometheus: the driftkl_schema_changes gauge and its alert rules."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest
from integration.prometheus.prom_helpers import CONFIGS, require_binary
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import build_registry

pytestmark = pytest.mark.prometheus

RULES = CONFIGS / "prometheus" / "rules"


def _run(*args: str, cwd=None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), capture_output=True, text=True, check=False, timeout=120, cwd=cwd
    )


def _schema_samples(report) -> dict[tuple[str, str], float]:
    text = generate_latest(build_registry(report)).decode()
    return {
        (s.labels["dataset"], s.labels["change"]): s.value
        for fam in text_string_to_metric_families(text)
        if fam.name == "driftkl_schema_changes"
        for s in fam.samples
    }


def test_gauge_counts_each_kind_of_change_and_zero_when_none():
    """One series per change kind: the number of columns, 0 for kinds that did not happen."""
    rng = np.random.default_rng(3)
    ref = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300), "c": ["x"] * 300})
    cur = ref.drop(columns=["a", "b"]).assign(d=1.0, e="y")
    report = driftkl.compare(ref, cur, dataset="orders")
    assert _schema_samples(report) == {
        ("orders", "missing"): 2.0,
        ("orders", "type_changed"): 0.0,
        ("orders", "added"): 2.0,
    }
    same = driftkl.compare(ref, ref, dataset="orders")
    assert set(_schema_samples(same).values()) == {0.0}


def test_promtool_checks_and_unit_tests_the_schema_rules():
    """promtool accepts both schema rules, and their unit tests (fire, resolve) pass."""
    promtool = require_binary("promtool")
    check = _run(promtool, "check", "rules", str(RULES / "driftkl-schema.rules.yml"))
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 2 rules found" in check.stdout
    test = _run(promtool, "test", "rules", "driftkl-schema.rules.test.yml", cwd=RULES)
    assert test.returncode == 0, test.stdout + test.stderr


def test_schema_rule_tests_catch_a_broken_rule(tmp_path):
    """The rule tests fail when the schema alert ignores missing columns (they can fail)."""
    rules = (RULES / "driftkl-schema.rules.yml").read_text()
    assert 'change=~"missing|type_changed"' in rules
    (tmp_path / "driftkl-schema.rules.yml").write_text(
        rules.replace('change=~"missing|type_changed"', 'change="type_changed"')
    )
    (tmp_path / "t.yml").write_text((RULES / "driftkl-schema.rules.test.yml").read_text())
    (tmp_path / "driftkl.rules.yml").write_text((RULES / "driftkl.rules.yml").read_text())
    proc = _run(require_binary("promtool"), "test", "rules", "t.yml", cwd=tmp_path)
    assert proc.returncode != 0
    assert "DriftklSchemaChange" in proc.stdout + proc.stderr


def test_the_shipped_prometheus_config_loads_the_schema_rules():
    """prometheus.yml lists the schema rule file, so the alerts are live where it is used."""
    assert "rules/driftkl-schema.rules.yml" in (CONFIGS / "prometheus/prometheus.yml").read_text()
