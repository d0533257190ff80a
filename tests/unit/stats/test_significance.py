"""Tests of driftkl.stats: G-test against SciPy, χ² tail, corrections, noise floor, bin terms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sst

import driftkl
from driftkl.stats.contributions import bin_terms
from driftkl.stats.divergence import js_divergence, kl_divergence
from driftkl.stats.noise import analytic_noise_floor, monte_carlo_noise_floor
from driftkl.stats.significance import adjust_p_values, chi2_sf, g_test, pool_sparse


@given(st.floats(0, 400), st.integers(1, 120))
def test_chi2_sf_matches_scipy(x, df):
    """The pure-Python χ² tail equals scipy.stats.chi2.sf."""
    expected = sst.chi2.sf(x, df)
    assert chi2_sf(x, df) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def _pooled_table(ref, cur):
    ref, cur = np.asarray(ref, float), np.asarray(cur, float)
    used = (ref > 0) | (cur > 0)
    r, c = pool_sparse(ref[used], cur[used], 5.0)
    return np.vstack([r, c])


def _ordinary(f, counts):
    """The counts without the novelty bins (out-of-range tails, unseen), as the test sees them."""
    novel = {0, len(counts) - 2} if f.kind != "categorical" else {len(counts) - 2}
    return [c for i, c in enumerate(counts) if i not in novel]


def test_report_p_value_equals_scipy_on_report_counts():
    """The report's G and (uncorrected) p equal chi2_contingency on the table it carries."""
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"x": rng.normal(size=800), "c": rng.choice(list("abcd"), 800)})
    cur = pd.DataFrame({"x": rng.normal(0.1, size=500), "c": rng.choice(list("abcde"), 500)})
    for williams in (False, True):
        report = driftkl.compare(ref, cur, significance={"williams": williams})
        for f, d in zip(report.features, report.to_dict()["features"], strict=True):
            table = np.array([d["test"]["table"]["reference"], d["test"]["table"]["current"]])
            recomputed = _pooled_table(
                _ordinary(f, f.reference_counts), _ordinary(f, f.current_counts)
            )
            assert np.array_equal(table, recomputed)
            res = sst.chi2_contingency(table, correction=False, lambda_="log-likelihood")
            assert f.test.method == "g-test"
            assert f.test.df == res.dof == table.shape[1] - 1
            assert f.test.statistic == pytest.approx(res.statistic, rel=1e-10)
            q = f.test.williams_q
            assert (q == 1.0) is (not williams)
            assert f.test.p_value == pytest.approx(
                sst.chi2.sf(res.statistic / q, res.dof), rel=1e-8
            )
            if not williams:
                assert f.test.p_value == pytest.approx(res.pvalue, rel=1e-8)


def test_g_test_equals_power_divergence_without_pooling():
    """With no sparse bin, G equals power_divergence(lambda_='log-likelihood') on the 2×k table."""
    ref, cur = np.array([120, 80, 60, 40]), np.array([90, 95, 70, 45])
    t = g_test(ref, cur, williams=False)
    table = np.vstack([ref, cur])
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    res = sst.power_divergence(
        table.ravel(), expected.ravel(), ddof=8 - 1 - 3, lambda_="log-likelihood"
    )
    assert t.bins_pooled == 0
    assert t.statistic == pytest.approx(res.statistic)
    assert t.p_value == pytest.approx(res.pvalue)


def test_sparse_bins_are_pooled_until_expected_counts_reach_5():
    """Pooling merges small columns so that every expected count is >= 5."""
    ref = np.array([40, 30, 2, 1, 1, 0, 26])
    cur = np.array([35, 33, 1, 0, 2, 3, 26])
    t = g_test(ref, cur)
    table = _pooled_table(ref, cur)
    expected = np.outer(table.sum(1), table.sum(0)) / table.sum()
    assert expected.min() >= 5
    assert t.bins_pooled == 7 - table.shape[1] > 0
    assert t.df == table.shape[1] - 1


def test_fisher_exact_fallback_matches_scipy():
    """A 2×2 table still sparse after pooling uses Fisher's exact test (two-sided)."""
    ref, cur = np.array([4, 0]), np.array([0, 4])
    t = g_test(ref, cur)
    assert t.method == "fisher-exact"
    assert t.p_value == pytest.approx(sst.fisher_exact([[4, 0], [0, 4]]).pvalue)
    t2 = g_test([9, 1], [3, 7])
    assert t2.p_value == pytest.approx(sst.fisher_exact([[9, 1], [3, 7]]).pvalue)


def test_nothing_to_test_gives_p_one():
    """One used bin or an empty side: method 'none', p = 1."""
    assert g_test([5, 0], [7, 0]).method == "none"
    assert g_test([5, 3], [0, 0]).p_value == 1.0


def test_adjust_p_values_against_reference_values():
    """Bonferroni multiplies by m (capped at 1); BH matches hand-computed step-up values."""
    p = [0.01, 0.02, 0.03, 0.5]
    assert adjust_p_values(p, "none").tolist() == p
    assert adjust_p_values(p, "bonferroni").tolist() == pytest.approx([0.04, 0.08, 0.12, 1.0])
    assert adjust_p_values(p, "fdr_bh").tolist() == pytest.approx([0.04, 0.04, 0.04, 0.5])
    with pytest.raises(ValueError, match="correction"):
        adjust_p_values(p, "holm")


@pytest.mark.parametrize("metric", ["kl_divergence", "js_divergence", "js_distance", "psi"])
def test_monte_carlo_floor_agrees_with_analytic_at_large_n(metric):
    """At large n the simulated no-drift mean matches the first-order formula within 6%."""
    k, n = 10, 20_000
    counts = np.full(k, n // k)
    mc = monte_carlo_noise_floor(
        counts, counts, metrics=(metric,), direction="current||reference", base=2,
        pseudo_count=0.5, draws=2000, seed=3,
    )[metric]  # fmt: skip
    an = analytic_noise_floor(metric, k, n, n, base=2)
    assert mc == pytest.approx(an, rel=0.06)


def test_noise_floor_is_the_mean_of_the_reported_metric_under_no_drift():
    """The floor in a report equals the mean of the metric over independent no-drift samples."""
    rng = np.random.default_rng(5)
    probs = np.array([0.4, 0.3, 0.2, 0.1])
    n_r, n_c = 200, 50
    ref = rng.multinomial(n_r, probs)
    sims = [
        js_divergence(r, c, base=2, pseudo_count=0.5)
        for r, c in zip(
            rng.multinomial(n_r, probs, size=4000),
            rng.multinomial(n_c, probs, size=4000),
            strict=True,
        )
    ]
    floor = monte_carlo_noise_floor(
        ref, rng.multinomial(n_c, probs), metrics=("js_divergence",),
        direction="current||reference",
        base=2, pseudo_count=0.5, draws=4000,
    )["js_divergence"]  # fmt: skip
    assert floor == pytest.approx(np.mean(sims), rel=0.1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(0, 50), min_size=2, max_size=12).filter(lambda v: sum(v) > 0),
    st.integers(0, 10**6),
    st.sampled_from([0.0, 0.5, 1.0]),
)
def test_bin_terms_are_nonnegative_and_sum_to_the_divergences(p, seed, pseudo):
    """KL and JS bin terms are >= 0 and sum to kl_divergence / js_divergence."""
    q = np.random.default_rng(seed).permutation(p)
    if pseudo == 0:
        q = np.asarray(q) + 1  # keep KL finite
    kl, js = bin_terms(p, q, base=2, pseudo_count=pseudo)
    assert (kl >= 0).all() and (js >= 0).all()
    assert kl.sum() == pytest.approx(kl_divergence(p, q, base=2, pseudo_count=pseudo), abs=1e-12)
    assert js.sum() == pytest.approx(js_divergence(p, q, base=2, pseudo_count=pseudo), abs=1e-12)


def test_report_contributions_name_the_bin_where_mass_moved():
    """An unseen category carrying most of the change is the top contributor with its share."""
    ref = pd.DataFrame({"c": ["a"] * 500 + ["b"] * 500})
    cur = pd.DataFrame({"c": ["a"] * 400 + ["b"] * 400 + ["z"] * 200})
    f = driftkl.compare(ref, cur)["c"]
    top = f.contributions[0]
    assert top.label == "(unseen)"
    assert top.current_share == pytest.approx(0.2)
    assert top.kl_share > 0.8
    assert top.describe().startswith("(unseen): ")
    assert sum(c.kl_share for c in f.contributions) == pytest.approx(1.0)
    assert math.isclose(
        sum(c.kl for c in f.contributions), f.metrics["kl_divergence"].value, rel_tol=1e-9
    )
