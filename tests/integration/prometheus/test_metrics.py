"""Metric families from reports: names, values, labels, escaping, promtool check metrics."""

from __future__ import annotations

import copy
import json
import math
import subprocess
from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from integration.prometheus.prom_helpers import require_binary
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

import driftkl
from driftkl.integrations.prometheus import (
    STATUS_VALUES,
    build_registry,
    report_families,
)
from driftkl.integrations.prometheus.metrics import failure_families

pytestmark = pytest.mark.prometheus

WEIRD = ['say "hi"', "two\nlines", "back\\slash", "größe ✓", "emoji 🚀", ""]


def _metric(warn: float | None, drift: float | None, status: str, **kw):
    return {
        "value": kw.get("value", 0.5),
        "unit": kw.get("unit", "bits"),
        "base": kw.get("base", 2.0),
        "direction": kw.get("direction", "current||reference"),
        "warn": warn,
        "drift": drift,
        "status": status,
        "noise_floor": kw.get("noise_floor"),
        "bias_corrected": None,
    }


def _feature(name: str, status: str, metrics: dict, **kw):
    return {
        "name": name,
        "kind": kw.get("kind", "numeric"),
        "dtype": "double",
        "status": status,
        "metrics": metrics,
        "n_reference": 100,
        "n_current": 80,
        "current_share": kw.get("share", {"out_of_range": 0.25, "unseen": 0.0, "missing": 0.125}),
        "notes": [],
        "bins": {"labels": ["a", "b"], "reference_counts": [60, 40], "current_counts": [30, 50]},
    }


KNOWN = {
    "schema": "driftkl.report",
    "schema_version": 1,
    "driftkl_version": "0.1.0",
    "created_at": "2026-11-28T02:30:00+00:00",
    "duration_seconds": 0.84,
    "dataset": "orders",
    "reference": {"source": "ref.json", "rows": 100, "profile_hash": "sha256:abc"},
    "current": {"source": "cur.parquet", "rows": 80},
    "settings": {"direction": "current||reference", "base": 2.0, "unit": "bits"},
    "summary": {},
    "features": [
        _feature(
            "amount",
            "drift",
            {
                "kl_divergence": _metric(None, None, "ok", value=0.75),
                "js_divergence": _metric(
                    0.005,
                    0.01,
                    "drift",
                    value=0.0625,
                    direction="symmetric",
                    noise_floor=0.001,
                ),
                "psi": _metric(
                    0.1,
                    0.25,
                    "warn",
                    value=0.2,
                    unit="nats",
                    base=math.e,
                    direction="symmetric",
                ),
            },
        ),
        _feature(
            "age",
            "ok",
            {"js_divergence": _metric(0.005, 0.01, "ok", value=0.001, direction="symmetric")},
            share={"out_of_range": 0.0, "unseen": 0.0, "missing": 0.0},
        ),
    ],
}


def _samples(text: str) -> dict[tuple[str, frozenset], float]:
    out = {}
    for fam in text_string_to_metric_families(text):
        for s in fam.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def _get(samples, name, **labels):
    return samples[(name, frozenset(labels.items()))]


def _exposition(report) -> str:
    return generate_latest(build_registry(report)).decode()


def test_known_report_values():
    """Every family of a hand-written report carries the report's numbers and labels."""
    s = _samples(_exposition(KNOWN))
    div = {"dataset": "orders", "feature": "amount"}
    assert (
        _get(
            s,
            "driftkl_feature_divergence",
            **div,
            metric="kl_divergence",
            direction="current||reference",
            unit="bits",
        )
        == 0.75
    )
    assert (
        _get(
            s,
            "driftkl_feature_divergence",
            **div,
            metric="js_divergence",
            direction="symmetric",
            unit="bits",
        )
        == 0.0625
    )
    assert (
        _get(
            s, "driftkl_feature_divergence", **div, metric="psi", direction="symmetric", unit="nats"
        )
        == 0.2
    )
    thr = dict(div, metric="js_divergence", direction="symmetric", unit="bits")
    assert _get(s, "driftkl_feature_threshold", **thr, level="warn") == 0.005
    assert _get(s, "driftkl_feature_threshold", **thr, level="drift") == 0.01
    assert _get(s, "driftkl_feature_noise_floor", **thr) == 0.001
    assert not any(
        k[0] == "driftkl_feature_threshold" and ("metric", "kl_divergence") in k[1] for k in s
    )  # no threshold configured, no series
    assert _get(s, "driftkl_feature_status", **div) == 2
    assert _get(s, "driftkl_feature_status", dataset="orders", feature="age") == 0
    assert _get(s, "driftkl_feature_metric_status", **div, metric="psi") == 1
    assert _get(s, "driftkl_feature_rows", **div, side="reference") == 100
    assert _get(s, "driftkl_feature_rows", **div, side="current") == 80
    assert _get(s, "driftkl_feature_current_share_ratio", **div, bin="out_of_range") == 0.25
    assert _get(s, "driftkl_feature_current_share_ratio", **div, bin="missing") == 0.125
    assert _get(s, "driftkl_dataset_features", dataset="orders", status="drift") == 1
    assert _get(s, "driftkl_dataset_features", dataset="orders", status="ok") == 1
    assert _get(s, "driftkl_dataset_status", dataset="orders") == 2
    assert _get(s, "driftkl_dataset_rows", dataset="orders", side="current") == 80
    assert _get(s, "driftkl_run_duration_seconds", dataset="orders") == 0.84
    ts = datetime.fromisoformat("2026-11-28T02:30:00+00:00").timestamp()
    assert _get(s, "driftkl_last_success_timestamp_seconds", dataset="orders") == ts
    assert _get(s, "driftkl_last_run_timestamp_seconds", dataset="orders") == ts
    assert _get(s, "driftkl_build_info", version=driftkl.__version__) == 1
    info = [k for k in s if k[0] == "driftkl_report_info"]
    assert dict(info[0][1])["direction"] == "current||reference"
    assert dict(info[0][1])["reference_profile_hash"] == "sha256:abc"


def test_every_name_has_one_prefix_and_help():
    """All families start with driftkl_, have HELP text, and no label is a run id or date."""
    fams = report_families(KNOWN)
    assert fams
    for fam in fams:
        assert fam.name.startswith("driftkl_") and not fam.name.startswith("driftkl_driftkl")
        assert len(fam.documentation) > 20
        for sample in fam.samples:
            assert not {"run_id", "date", "ds", "created_at"} & set(sample.labels)


def test_other_log_base_is_exported_in_bits():
    """A base-10 (hartley) report keeps its unit; an odd base is converted to bits."""
    report = copy.deepcopy(KNOWN)
    m = report["features"][1]["metrics"]["js_divergence"]
    m.update(unit="log3 units", base=3.0, value=0.5, warn=0.25, drift=1.0)
    s = _samples(_exposition(report))
    lab = {"dataset": "orders", "feature": "age", "metric": "js_divergence"}
    lab |= {"direction": "symmetric", "unit": "bits"}
    assert _get(s, "driftkl_feature_divergence", **lab) == pytest.approx(0.5 * math.log2(3))
    assert _get(s, "driftkl_feature_threshold", **lab, level="drift") == pytest.approx(math.log2(3))


def test_infinite_divergence_is_exported_as_inf():
    """The report's "inf" string (pseudo_count=0) becomes +Inf, which Prometheus accepts."""
    report = copy.deepcopy(KNOWN)
    report["features"][0]["metrics"]["kl_divergence"]["value"] = "inf"
    text = _exposition(report)
    assert "+Inf" in text
    s = _samples(text)
    assert math.isinf(
        _get(
            s,
            "driftkl_feature_divergence",
            dataset="orders",
            feature="amount",
            metric="kl_divergence",
            direction="current||reference",
            unit="bits",
        )
    )


def test_report_object_dict_and_json_give_same_exposition(drift_report):
    """A DriftReport, its to_dict() and a JSON round trip export identical text."""
    a = _exposition(drift_report)
    b = _exposition(drift_report.to_dict())
    c = _exposition(json.loads(drift_report.to_json()))
    assert a == b == c
    assert 'feature="amount"' in a


def test_real_report_statuses_match(drift_report):
    """Each feature's exported status is the report's status."""
    s = _samples(_exposition(drift_report))
    for f in drift_report.features:
        assert (
            _get(s, "driftkl_feature_status", dataset="orders", feature=f.name)
            == (STATUS_VALUES[f.status])
        )
    drifted = _get(s, "driftkl_dataset_features", dataset="orders", status="drift")
    assert drifted == len(drift_report.drifted_features) > 0


def test_private_registry_leaves_global_registry_alone(drift_report):
    """build_registry never registers anything on prometheus_client's global REGISTRY."""
    before = generate_latest(REGISTRY)
    registry = build_registry(drift_report)
    assert registry is not REGISTRY
    assert b"driftkl_" not in generate_latest(REGISTRY)
    assert len(generate_latest(REGISTRY).splitlines()) == len(before.splitlines())


def _weird_report():
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({name: rng.normal(0, 1, 300) for name in WEIRD})
    cur = pd.DataFrame({name: rng.normal(0.5, 1, 300) for name in WEIRD})
    return driftkl.compare(ref, cur, dataset='shop "EU"\nnew')


def test_feature_names_with_quotes_newlines_unicode_round_trip():
    """Quotes, newlines, backslashes and unicode in names survive exposition and parsing."""
    report = _weird_report()
    text = _exposition(report)
    assert '\\"hi\\"' in text and "two\\nlines" in text and "back\\\\slash" in text
    parsed = {dict(k[1])["feature"] for k in _samples(text) if k[0] == "driftkl_feature_status"}
    assert parsed == set(WEIRD)
    datasets = {dict(k[1])["dataset"] for k in _samples(text) if "dataset" in dict(k[1])}
    assert datasets == {'shop "EU"\nnew'}


def test_promtool_check_metrics_passes(drift_report):
    """promtool check metrics accepts the exposition of a real report and of odd names."""
    promtool = require_binary("promtool")
    for report in (drift_report, _weird_report(), KNOWN):
        proc = subprocess.run(
            [promtool, "check", "metrics"],
            check=False,
            input=generate_latest(build_registry(report)),
            capture_output=True,
            timeout=60,
        )
        assert proc.returncode == 0, proc.stdout.decode() + proc.stderr.decode()


def test_several_datasets_share_families_and_duplicates_are_refused(drift_report):
    """Two datasets export side by side; two reports of one dataset are an InputError."""
    other = json.loads(drift_report.to_json())
    other["dataset"] = "payments"
    s = _samples(generate_latest(build_registry([drift_report, other])).decode())
    assert {dict(k[1]).get("dataset") for k in s if k[0] == "driftkl_dataset_status"} == {
        "orders",
        "payments",
    }
    with pytest.raises(driftkl.InputError, match="two reports for dataset 'orders'"):
        report_families([drift_report, drift_report])


def test_not_a_report_is_an_input_error():
    """A dict of another schema is refused with a message naming the schema."""
    with pytest.raises(driftkl.InputError, match="not a driftkl report"):
        build_registry({"schema": "driftkl.profile", "schema_version": 1})
    with pytest.raises(driftkl.InputError, match="expected a DriftReport"):
        build_registry([42])


def test_failed_check_families_share_the_report_help():
    """A failed check exports run and failure times; the run time has a report's HELP text."""
    failed = {fam.name: fam for fam in failure_families("orders", when=1234.0)}
    assert set(failed) == {
        "driftkl_last_run_timestamp_seconds",
        "driftkl_last_failure_timestamp_seconds",
    }
    for fam in failed.values():
        assert [(s.labels, s.value) for s in fam.samples] == [({"dataset": "orders"}, 1234.0)]
    run = "driftkl_last_run_timestamp_seconds"
    (from_report,) = [fam for fam in report_families(KNOWN) if fam.name == run]
    assert failed[run].documentation == from_report.documentation
