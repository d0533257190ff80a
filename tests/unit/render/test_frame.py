"""DriftReport.to_frame(): a compact table by default, every column on request."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import driftkl
from driftkl.render.frame import COMPACT_COLUMNS


@pytest.fixture(scope="module")
def report():
    """A shifted numeric column, a category that only gains a new value, a stable column."""
    rng = np.random.default_rng(9)
    n = 4000
    ref = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "country": rng.choice(["DE", "FR"], n),
            "steady": rng.normal(size=n),
        }
    )
    cur = pd.DataFrame(
        {
            "amount": rng.lognormal(3.5, 1, n),
            "country": np.where(rng.random(n) < 0.05, "BR", rng.choice(["DE", "FR"], n)),
            "steady": rng.normal(size=n),
        }
    )
    return driftkl.compare(ref, cur)


def test_compact_frame_has_the_deciding_numbers(report):
    """Nine columns: status, rule, deciding metric with value, unit, floor, threshold, p, bin."""
    frame = report.to_frame()
    assert tuple(frame.columns) == COMPACT_COLUMNS
    assert len(frame.columns) == 9
    assert frame.index.name == "feature"
    row = frame.loc["amount"]
    m = report["amount"].metrics["js_divergence"]
    assert (row["status"], row["metric"], row["unit"]) == ("drift", "js_divergence", "bits")
    assert (row["value"], row["noise_floor"], row["threshold"]) == (m.value, m.noise_floor, m.drift)
    assert row["p_value_adjusted"] == report["amount"].test.p_value_adjusted
    assert row["top_bin"] == report["amount"].contributions[0].describe()
    assert frame.loc["steady", "status"] == "ok" and frame.loc["steady", "rule"] == "none"
    assert frame["value"].dtype == float and frame["p_value_adjusted"].dtype == float


def test_novelty_rule_reports_the_novel_share():
    """A feature decided by novelty alone shows the novel share against the minimum share."""
    rng = np.random.default_rng(9)
    n = 4000
    ref = pd.DataFrame({"country": rng.choice(["DE", "FR"], n)})
    new = np.where(rng.random(n) < 0.05, "BR", rng.choice(["DE", "FR"], n))
    report = driftkl.compare(ref, pd.DataFrame({"country": new}))
    f = report["country"]
    assert f.rule == "novelty"
    row = report.to_frame().loc["country"]
    assert row["metric"] == "novel_share" and row["unit"] == "share of rows"
    assert row["value"] == pytest.approx(f.novelty.share)
    assert row["threshold"] == report.settings["novelty"]["min_share"]
    assert row["p_value_adjusted"] == f.novelty.p_value_adjusted
    assert math.isnan(row["noise_floor"])


def test_full_frame_keeps_every_column(report):
    """full=True gives each metric with unit and direction, both p-values, reason and shares."""
    frame = report.to_frame(full=True)
    assert "kl_divergence current||reference [bits]" in frame.columns
    assert "js_divergence noise floor [bits]" in frame.columns
    for col in ("reason", "p_value", "p_value_adjusted", "alpha", "novel_share", "missing_share"):
        assert col in frame.columns
    assert len(frame.columns) > len(report.to_frame().columns) + 5
    assert list(frame.index) == [f.name for f in report.features]


def test_full_frame_and_html_show_the_p_value_the_correction_adjusts(report):
    """The correction adjusts the Simes-combined p-value of the G-test and the rank-sum test:
    the full frame and the HTML show it, so an adjusted value below the G-test's reads right."""
    full = report.to_frame(full=True)
    tested = full.dropna(subset=["p_value_combined"])
    assert len(tested) > 0
    assert (tested["p_value_adjusted"] >= tested["p_value_combined"]).all()
    numeric = tested.dropna(subset=["rank_p_value"])
    assert len(numeric) > 0  # ordered bins ran the rank-sum test too
    assert (numeric["p_value_combined"] <= numeric[["p_value", "rank_p_value"]].max(axis=1)).all()
    html = report.to_html()
    assert html.count("combined (Simes)") == len(numeric)
