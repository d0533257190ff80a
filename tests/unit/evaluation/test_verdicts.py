"""The decision explains itself and holds for any metric set, base and column kind."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import driftkl

RNG = np.random.default_rng(2026)


def _frames(n_ref=10_000, n_cur=1_000):
    ref = pd.DataFrame(
        {
            "x": RNG.normal(size=n_ref),
            "c": RNG.choice(list("abcdefgh"), n_ref),
            "ts": pd.Timestamp("2026-01-01") + pd.to_timedelta(np.arange(n_ref), unit="min"),
        }
    )
    x = RNG.normal(size=n_cur)
    x[: n_cur // 25] = RNG.normal(4, 0.5, n_cur // 25)  # 4% from a new mode
    cur = pd.DataFrame(
        {
            "x": x,
            "c": RNG.choice(list("abcdefgh"), n_cur),
            "ts": pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(n_cur), unit="min"),
        }
    )
    return ref, cur


def test_new_values_beyond_the_range_are_drift_by_the_novelty_rule():
    """4% of values beyond the reference maximum: drift by novelty, named in the reason."""
    ref, cur = _frames()
    f = driftkl.compare(ref, cur)["x"]
    assert f.status == "drift" and "novelty" in f.rule
    assert 0.02 <= f.novelty.share <= 0.04  # the new mode's lower tail is inside the range
    assert f.novelty.p_value_adjusted <= 0.01
    assert "outside the reference range" in f.reason and "current max" in f.reason
    assert f.novel_values["current_max"] > f.novel_values["reference_max"]


def test_a_new_category_is_named_with_its_count():
    """Unseen categories are counted on their own and the report names them."""
    ref = pd.DataFrame({"c": RNG.choice(list("abcdefgh"), 10_000)})
    cur = pd.DataFrame({"c": list(RNG.choice(list("abcdefgh"), 985)) + ["zz"] * 15})
    f = driftkl.compare(ref, cur)["c"]
    assert f.status == "drift" and f.rule == "novelty"
    assert f.novel_values["unseen_values"] == [{"value": "zz", "count": 15}]
    assert "'zz' ×15" in f.reason
    d = f.to_dict()["novelty"]
    assert d["unseen_values"][0]["count"] == 15 and d["share"] == 0.015


def test_few_new_values_are_reported_but_not_drift():
    """One new category value in 1 000 is below the minimum share: reported, ok."""
    ref = pd.DataFrame({"c": RNG.choice(list("abcdefgh"), 10_000)})
    cur = pd.DataFrame({"c": [*RNG.choice(list("abcdefgh"), 999), "zz"]})
    f = driftkl.compare(ref, cur)["c"]
    assert f.status == "ok"
    assert f.novelty.current_novel == 1
    assert "minimum share 0.50%" in f.reason


def test_event_time_columns_are_reported_not_judged():
    """A timestamp of a later batch is 100% out of range but not drift; opting in judges it."""
    ref, cur = _frames()
    report = driftkl.compare(ref, cur)
    ts = report["ts"]
    assert ts.status == "ok" and ts.rule == "event_time" and not ts.judged
    assert ts.out_of_range_share == 1.0
    assert "columns.ts.kind: datetime" in ts.reason
    judged = driftkl.compare(ref, cur, columns={"ts": {"kind": "datetime"}})["ts"]
    assert judged.status == "drift" and judged.judged
    assert driftkl.compare(ref, cur, event_time="none")["ts"].status == "drift"


def test_kl_alone_decides_on_kl():
    """metrics: [kl_divergence] gets KL thresholds: a large drift is not silently ok."""
    ref = pd.DataFrame({"c": ["a"] * 900 + ["b"] * 100})
    cur = pd.DataFrame({"c": ["a"] * 100 + ["b"] * 900})
    f = driftkl.compare(ref, cur, metrics=["kl_divergence"])["c"]
    assert f.status == "drift"
    assert f.metrics["kl_divergence"].drift == pytest.approx(0.004)
    assert f.reason.startswith("kl_divergence")


def test_thresholds_keep_their_meaning_in_another_base():
    """The default thresholds are in bits: in nats they are converted, decisions unchanged."""
    ref = pd.DataFrame({"x": RNG.normal(size=20_000)})
    cur = pd.DataFrame({"x": RNG.normal(0.07, size=20_000)})
    bits = driftkl.compare(ref, cur)["x"]
    nats = driftkl.compare(ref, cur, base="e")["x"]
    assert nats.metrics["js_divergence"].drift == pytest.approx(0.001 * np.log(2))
    assert nats.metrics["js_divergence"].unit == "nats"
    assert bits.status == nats.status


def test_every_feature_says_why():
    """Each reason names a metric or test, its number, the threshold or α, and the status."""
    ref, cur = _frames()
    report = driftkl.compare(ref, cur)
    frame = report.to_frame(full=True)
    for f in report.features:
        assert f.reason.endswith(f"→ {f.status}") or f.rule == "event_time"
        assert frame.loc[f.name, "reason"] == f.reason
        assert report.to_dict()["features"][report.features.index(f)]["decision"]["rule"] == f.rule
    assert (
        driftkl.DriftReport.from_dict(report.to_dict()).features[0].reason
        == report.features[0].reason
    )


def test_insignificant_effects_say_so():
    """Over the threshold but not significant: the reason says both halves."""
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.normal(size=40)})
    cur = pd.DataFrame({"x": rng.normal(0.3, size=40)})
    f = driftkl.compare(ref, cur, threshold_on="plug_in")["x"]
    assert f.status == "ok"
    assert f.metrics["js_divergence"].value >= f.metrics["js_divergence"].drift
    assert " but p = " in f.reason and "> α = 0.01" in f.reason
