"""Simulation tests of the default decision rule: false-alarm rate and power.

Each reference sample goes through the real ``driftkl.profile`` (bins fitted on it); current
samples are then drawn directly as multinomial counts over those bins, with the bins' true
probabilities (normal CDF differences, or category probabilities). That is equivalent to
drawing current rows and counting them, and fast enough to run thousands of checks in CI.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtr

import driftkl
from driftkl.evaluation.evaluate import evaluate_feature

ALPHA = 0.01
CATS = [f"c{i}" for i in range(8)]
CAT_P = np.array([0.3, 0.2, 0.15, 0.1, 0.1, 0.07, 0.05, 0.03])
CONFIG = driftkl.load_config()


def _true_probs(feature, shift: float) -> np.ndarray:
    bins = feature.bins
    if feature.kind == "numeric":
        cdf = ndtr(np.asarray(bins.edges) - shift)
        return np.concatenate([[cdf[0]], np.diff(cdf), [1 - cdf[-1], 0.0]])
    p = np.zeros(bins.n_bins)
    index = {c: i for i, c in enumerate(bins.categories)}
    for c, pr in zip(CATS, CAT_P, strict=True):
        p[index.get(c, len(bins.categories) if c in bins.other else bins.n_bins - 2)] += pr
    return p


def _drift_rate(kind: str, n: int, n_refs: int, per_ref: int, *, shift=0.0, seed=0) -> float:
    rng = np.random.default_rng(seed)
    flagged = 0
    for _ in range(n_refs):
        if kind == "numeric":
            ref = pd.DataFrame({"x": rng.normal(size=n)})
        else:
            ref = pd.DataFrame({"x": rng.choice(CATS, size=n, p=CAT_P)})
        feature = driftkl.profile(ref, config=CONFIG).features[0]
        assert feature.kind == kind
        probs = _true_probs(feature, shift)
        for counts in rng.multinomial(n, probs / probs.sum(), size=per_ref):
            flagged += evaluate_feature(feature, counts, CONFIG).status == "drift"
    return flagged / (n_refs * per_ref)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["numeric", "categorical"])
@pytest.mark.parametrize("n", [30, 100, 300, 1000, 10_000])
def test_false_alarm_rate_is_at_most_alpha(kind, n):
    """No drift: the default rule flags at most alpha + 3.5 Monte-Carlo SE of checks."""
    n_refs, per_ref = 150, 16
    reps = n_refs * per_ref
    rate = _drift_rate(kind, n, n_refs, per_ref, seed=n + len(kind))
    tolerance = 3.5 * math.sqrt(ALPHA * (1 - ALPHA) / reps)
    print(f"false-alarm rate {kind} n={n}: {rate:.4f} ({reps} checks)")  # noqa: T201
    assert rate <= ALPHA + tolerance


@pytest.mark.slow
@pytest.mark.parametrize("n", [2000, 10_000])
def test_power_for_half_sigma_mean_shift(n):
    """A 0.5σ mean shift is flagged as drift in at least 95% of checks at n >= 2000."""
    rate = _drift_rate("numeric", n, 40, 10, shift=0.5, seed=n)
    print(f"power n={n}: {rate:.4f}")  # noqa: T201
    assert rate >= 0.95
