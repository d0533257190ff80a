"""Segments reach Prometheus as a label, bounded by max_segments plus (other)."""

from __future__ import annotations

import subprocess

import numpy as np
import pandas as pd
import pytest
from integration.prometheus.prom_helpers import require_binary
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import STATUS_VALUES, build_registry

pytestmark = pytest.mark.prometheus


def test_segment_label_carries_status_divergence_and_rows():
    """Each kept segment and (other) get status, divergence and rows series; promtool accepts."""
    rng = np.random.default_rng(1)
    segs = np.array(["a", "b", "c", "d", "e"])
    p = [0.4, 0.3, 0.1, 0.1, 0.1]
    ref = pd.DataFrame({"x": rng.normal(size=10_000), "s": rng.choice(segs, 10_000, p=p)})
    cur = pd.DataFrame({"x": rng.normal(size=10_000), "s": rng.choice(segs, 10_000, p=p)})
    cur.loc[cur.s == "a", "x"] += 1.0
    report = driftkl.compare(ref, cur, segment_by="s", max_segments=2, dataset="orders")
    text = generate_latest(build_registry(report)).decode()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    status = {
        s.labels["segment"]: s.value for s in families["driftkl_segment_feature_status"].samples
    }
    assert set(status) == {"a", "b", "(other)"}  # the two largest by name, the rest pooled
    assert status["a"] == STATUS_VALUES["drift"]
    assert status["b"] == STATUS_VALUES["ok"]
    rows = {s.labels["segment"]: s.value for s in families["driftkl_segment_rows"].samples}
    assert sum(rows.values()) == 10_000
    divergence = families["driftkl_segment_feature_divergence"].samples
    assert {s.labels["unit"] for s in divergence} == {"bits"}
    promtool = require_binary("promtool")
    checked = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr + checked.stdout
