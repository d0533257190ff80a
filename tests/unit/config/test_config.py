"""Configuration: one validated path for YAML, dicts and keyword overrides."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

import driftkl
from driftkl import ConfigError, load_config

REPO = Path(__file__).resolve().parents[3]


def test_shipped_example_config_is_valid():
    """configs/drift.yaml parses into the documented values."""
    cfg = load_config(REPO / "configs" / "drift.yaml")
    assert cfg.dataset == "sample_orders"
    assert cfg.direction == "current||reference"
    assert cfg.base == 2
    assert cfg.thresholds_for("amount")["js_divergence"].drift == 0.004
    assert cfg.thresholds_for("age")["js_divergence"].drift == 0.001
    assert cfg.thresholds_for("age")["js_divergence"].unit == "bits"
    assert cfg.columns["items"].kind == "categorical"


def test_defaults():
    """Defaults: bits, D(current‖reference), pseudo-count 0.5, JS drift at 0.001 bits net of
    noise, Benjamini-Hochberg across the report, novelty at 0.5%, event time not judged."""
    cfg = load_config()
    assert (cfg.base, cfg.direction, cfg.pseudo_count) == (2.0, "current||reference", 0.5)
    assert cfg.thresholds is None
    js = cfg.thresholds_for("any")["js_divergence"]
    assert (js.warn, js.drift, js.unit) == (0.0005, 0.001, "bits")
    assert cfg.threshold_on == "bias_corrected"
    assert cfg.significance.correction == "fdr_bh"
    assert (cfg.novelty.enabled, cfg.novelty.min_share) == (True, 0.005)
    assert cfg.event_time == "auto"


def test_default_thresholds_follow_the_metric_set():
    """metrics: [kl_divergence] alone decides on KL (the default level moves with the metric)."""
    cfg = load_config(metrics=["kl_divergence"])
    assert set(cfg.thresholds_for("x")) == {"kl_divergence"}
    assert cfg.thresholds_for("x")["kl_divergence"].unit == "bits"


def test_a_threshold_for_a_metric_not_computed_is_an_error():
    """A threshold that could never fire names its key and the metrics computed."""
    with pytest.raises(ConfigError, match=r"thresholds.js_divergence sets a threshold"):
        load_config(metrics=["kl_divergence"], thresholds={"js_divergence": 0.01})
    with pytest.raises(ConfigError, match=r"columns.x.thresholds.psi"):
        load_config(columns={"x": {"thresholds": {"psi": 0.1}}})


def test_threshold_units_are_validated():
    """A threshold's unit is one of bits, nats, hartleys; PSI's is nats."""
    assert load_config(thresholds={"js_divergence": {"drift": 0.01, "unit": "nats"}})
    with pytest.raises(ConfigError, match="unit must be one of"):
        load_config(thresholds={"js_divergence": {"drift": 0.01, "unit": "bytes"}})
    with pytest.raises(ConfigError, match="psi.unit must be nats"):
        load_config(metrics=["psi"], thresholds={"psi": {"drift": 0.1, "unit": "bits"}})


def test_overrides_win_over_file(tmp_path):
    """Keyword overrides replace file values; base 'e' means natural log."""
    f = tmp_path / "c.yaml"
    f.write_text("base: 10\ndirection: reference||current\n")
    cfg = load_config(f, base="e")
    assert cfg.base == pytest.approx(math.e)
    assert cfg.direction == "reference||current"


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ({"treshold": {}}, "unknown config key 'treshold'.*did you mean 'thresholds'"),
        ({"binning": {"bin": 5}}, "unknown config key 'bin' in binning.*'bins'"),
        ({"columns": {"a": {"kinds": "numeric"}}}, "'kinds' in columns.a.*'kind'"),
        ({"base": 1}, "base"),
        ({"base": "two"}, "base"),
        ({"direction": "p||q"}, "direction must be one of"),
        ({"metrics": ["kl"]}, "unknown config key 'kl' in metrics"),
        ({"pseudo_count": -1}, "pseudo_count must be >= 0"),
        ({"thresholds": {"js_divergence": {"warn": 0.2, "drift": 0.1}}}, "warn.*above drift"),
        ({"columns": {"a": {"edges": [1, 1]}}}, "strictly increasing"),
        ({"columns": {"a": {"kind": "text"}}}, "kind must be one of"),
        ({"filter": [["dt", "~", 1]]}, "op one of"),
        ({"binning": {"bins": 0}}, "bins must be an integer >= 1"),
    ],
)
def test_invalid_config_is_rejected_with_hint(raw, match):
    """Unknown keys and bad values raise ConfigError naming the key."""
    with pytest.raises(ConfigError, match=match):
        load_config(raw)


def test_unknown_key_in_yaml_file_names_file(tmp_path):
    """A YAML syntax error names the file."""
    f = tmp_path / "bad.yaml"
    f.write_text("base: [2\n")
    with pytest.raises(ConfigError, match="bad.yaml.*not valid YAML"):
        load_config(f)


def test_config_errors_are_value_errors():
    """ConfigError is catchable as ValueError and DriftklError."""
    with pytest.raises(ValueError):
        load_config({"nope": 1})
    assert issubclass(ConfigError, driftkl.DriftklError)


def test_drift_config_passes_through_and_accepts_overrides():
    """A DriftConfig is reused as is, or re-validated with overrides."""
    cfg = load_config({"dataset": "x"})
    assert load_config(cfg) is cfg
    assert load_config(cfg, base=10).base == 10
    assert load_config(cfg, base=10).dataset == "x"


def test_a_base_below_one_is_refused():
    """A logarithm base below 1 would make every divergence negative: a ConfigError."""
    with pytest.raises(ConfigError, match="base must be greater than 1"):
        load_config(base=0.5)
