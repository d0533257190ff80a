"""Tests of the decision rule (threshold AND significance), its config and the report fields."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.model.report import DriftReport

RNG = np.random.default_rng(11)
SMALL_REF = pd.DataFrame({"x": RNG.normal(size=30)})
SMALL_CUR = pd.DataFrame({"x": RNG.normal(size=30)})


def test_small_sample_noise_is_over_threshold_but_not_significant():
    """At n=30 plug-in JS exceeds 0.01 bits by noise alone; the p-value keeps it ok."""
    report = driftkl.compare(SMALL_REF, SMALL_CUR)
    f = report["x"]
    js = f.metrics["js_divergence"]
    assert js.value >= js.drift  # the threshold alone would cry wolf
    assert js.noise_floor > js.drift  # ... and the floor says why
    assert not f.test.significant
    assert f.status == "ok"
    off = driftkl.compare(
        SMALL_REF, SMALL_CUR, significance={"enabled": False}, threshold_on="plug_in"
    )
    assert off["x"].status == "drift"


def test_thresholds_off_means_significance_alone():
    """thresholds: {} flags a feature exactly when its test is significant."""
    ref = pd.DataFrame({"x": RNG.normal(size=200_000)})
    cur = pd.DataFrame({"x": RNG.normal(0.04, size=200_000)})  # tiny but real shift
    default = driftkl.compare(ref, cur)["x"]
    assert default.test.significant and default.status == "ok"  # below 0.0005 bits: trivia
    assert "< warn 0.0005 bits" in default.reason
    sig_only = driftkl.compare(ref, cur, thresholds={})["x"]
    assert sig_only.status == "drift"
    both_off = driftkl.compare(ref, cur, thresholds={}, significance={"enabled": False})
    assert both_off["x"].status == "ok"


def test_corrections_adjust_p_values_across_features():
    """Bonferroni multiplies each p by the number of features; BH is in between."""
    ref = pd.DataFrame({f"x{i}": RNG.normal(size=300) for i in range(4)})
    cur = pd.DataFrame({f"x{i}": RNG.normal(0.1 * i, size=300) for i in range(4)})
    none = driftkl.compare(ref, cur, significance={"correction": "none"})
    bonf = driftkl.compare(ref, cur, significance={"correction": "bonferroni"})
    bh = driftkl.compare(ref, cur)  # the default
    # every test of the report counts: one distribution test per feature, plus a novelty
    # test for each feature with current values outside the reference range
    m = len(none.features) + sum(f.novelty.current_novel > 0 for f in none.features)
    for a, b, c in zip(none.features, bonf.features, bh.features, strict=True):
        assert b.test.p_value == a.test.p_value
        assert b.test.p_value_adjusted == pytest.approx(min(1.0, m * a.test.combined_p_value))
        assert c.test.correction == "fdr_bh"
        p = a.test.combined_p_value
        assert p <= c.test.p_value_adjusted <= b.test.p_value_adjusted + 1e-15
        assert b.test.correction == "bonferroni"
        assert b.test.significant == (b.test.p_value_adjusted <= 0.01)


def test_bias_corrected_value_is_distinct_and_thresholds_can_use_it():
    """bias_corrected = max(value - floor, 0); threshold_on=bias_corrected compares it."""
    cfg = {"significance": {"enabled": False}}
    plug = driftkl.compare(SMALL_REF, SMALL_CUR, **cfg)["x"].metrics["js_divergence"]
    assert plug.bias_corrected == pytest.approx(max(plug.value - plug.noise_floor, 0.0))
    assert plug.bias_corrected < plug.value
    corrected = driftkl.compare(SMALL_REF, SMALL_CUR, threshold_on="bias_corrected", **cfg)["x"]
    js = corrected.metrics["js_divergence"]
    assert js.value == plug.value  # the plug-in value is never replaced
    expected = (
        "drift" if js.bias_corrected >= 0.01 else "warn" if js.bias_corrected >= 0.005 else "ok"
    )
    assert js.status == expected


@pytest.mark.parametrize(
    ("raw", "match"),
    [
        ({"significance": {"alpa": 0.01}}, "did you mean 'alpha'"),
        ({"significance": {"alpha": 1.5}}, "alpha"),
        ({"significance": {"correction": "holm"}}, "correction"),
        ({"significance": {"enabled": "yes"}}, "enabled"),
        ({"noise_floor": {"method": "bootstrap"}}, "method"),
        ({"noise_floor": {"draws": 0}}, "draws"),
        ({"threshold_on": "corrected"}, "threshold_on"),
    ],
)
def test_bad_significance_config_is_rejected(raw, match):
    """Unknown keys and bad values in the new blocks raise ConfigError naming the key."""
    with pytest.raises(driftkl.ConfigError, match=match):
        driftkl.load_config(raw)


def test_report_round_trips_with_test_and_contributions():
    """to_dict/from_dict keep the test, contributions, noise floors; old keys are still there."""
    report = driftkl.compare(SMALL_REF, pd.DataFrame({"x": RNG.normal(1, size=300)}))
    d = report.to_dict()
    f = d["features"][0]
    assert {"name", "kind", "dtype", "status", "metrics", "n_reference", "n_current",
            "current_share", "notes", "bins"} <= set(f)  # fmt: skip
    assert {"test", "contributions"} <= set(f)
    assert {"noise_floor", "bias_corrected"} <= set(f["metrics"]["js_divergence"])
    back = DriftReport.from_dict(d)
    assert back.features[0].test == report.features[0].test
    assert back.features[0].contributions == report.features[0].contributions
    assert back.features[0].extra == {}
    assert back.to_dict() == d


def test_cli_table_shows_p_value_noise_floor_and_top_bins():
    """The text table carries the p-value, the noise floor and the top contributing bins."""
    ref = pd.DataFrame({"c": ["a"] * 500 + ["b"] * 500})
    cur = pd.DataFrame({"c": ["a"] * 400 + ["b"] * 400 + ["z"] * 200})
    text = repr(driftkl.compare(ref, cur))
    assert "(noise floor)" in text and "p-value" in text
    assert "(unseen): " in text and "% of KL" in text
    assert "p-value (fdr_bh-adjusted) <= 0.01" in text
    assert "novel share >= 0.50%" in text
