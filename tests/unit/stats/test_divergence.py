"""Divergence functions: closed-form values, scipy agreement, conventions and validation."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest
from scipy.spatial.distance import jensenshannon
from scipy.stats import entropy

import driftkl
from driftkl.stats import divergence, rows

P, Q = [2, 2, 1], [5, 1, 4]


def test_worked_example_kl_both_directions():
    """D(P‖Q) and D(Q‖P) match the published values in nats and bits."""
    assert driftkl.kl_divergence(P, Q) == pytest.approx(0.326631, abs=1e-6)
    assert driftkl.kl_divergence(P, Q, base=2) == pytest.approx(0.471229, abs=1e-6)
    assert driftkl.kl_divergence(Q, P) == pytest.approx(0.250201, abs=1e-6)
    assert driftkl.kl_divergence(Q, P, base=2) == pytest.approx(0.360964, abs=1e-6)


def test_worked_example_js():
    """JS divergence and distance match the published values."""
    assert driftkl.js_divergence(P, Q) == pytest.approx(0.067960, abs=1e-6)
    assert driftkl.js_divergence(P, Q, base=2) == pytest.approx(0.098045, abs=1e-6)
    assert driftkl.js_distance(P, Q, base=2) == pytest.approx(0.313121, abs=1e-6)


def test_counts_and_probabilities_agree():
    """Counts and the probabilities they normalise to give the same value."""
    assert driftkl.kl_divergence(P, Q) == pytest.approx(
        driftkl.kl_divergence([0.4, 0.4, 0.2], [0.5, 0.1, 0.4])
    )


@pytest.mark.parametrize("base", [None, 2, 10, math.e, 3.5])
def test_matches_scipy(base):
    """KL equals scipy.stats.entropy and JS distance equals scipy's jensenshannon."""
    rng = np.random.default_rng(1)
    for _ in range(20):
        p = rng.integers(1, 100, 8)
        q = rng.integers(1, 100, 8)
        assert driftkl.kl_divergence(p, q, base=base) == pytest.approx(entropy(p, q, base=base))
        assert driftkl.js_distance(p, q, base=base) == pytest.approx(jensenshannon(p, q, base=base))


def test_zero_bin_gives_inf_not_clipped():
    """With no pseudo-count, mass where the other side has none gives inf (like scipy)."""
    assert math.isinf(driftkl.kl_divergence([1, 1], [1, 0]))
    assert math.isinf(entropy([1, 1], [1, 0]))
    assert driftkl.kl_divergence([1, 0], [1, 1]) == pytest.approx(math.log(2))
    assert math.isinf(driftkl.psi([1, 1], [1, 0]))
    assert math.isfinite(driftkl.js_divergence([1, 1], [1, 0]))


def test_pseudo_count_makes_finite():
    """A pseudo-count is added to each bin of both sides before normalising."""
    v = driftkl.kl_divergence([1, 1], [1, 0], pseudo_count=0.5)
    assert v == pytest.approx(entropy([1.5, 1.5], [1.5, 0.5]))


def test_psi_is_symmetric_kl_sum():
    """PSI equals D(p‖q) + D(q‖p) in nats."""
    assert driftkl.psi(P, Q) == pytest.approx(0.326631 + 0.250201, abs=2e-6)


@pytest.mark.parametrize("base", [0, 1, -2, float("inf"), float("nan"), "2", True])
def test_invalid_base_raises(base):
    """Invalid bases raise ValueError, as in scipy."""
    with pytest.raises(ValueError, match="base"):
        driftkl.kl_divergence(P, Q, base=base)


@pytest.mark.parametrize(
    ("p", "q", "match"),
    [
        ([1, 2], [1, 2, 3], "same number of bins"),
        ([1, -1], [1, 1], "negative"),
        ([1, float("nan")], [1, 1], "NaN or inf"),
        ([0, 0], [1, 1], "sums to zero"),
        ([[1, 2]], [[1, 2]], "1-D"),
    ],
)
def test_bad_vectors_raise(p, q, match):
    """Malformed count vectors raise ValueError with a reason."""
    with pytest.raises(ValueError, match=match):
        driftkl.kl_divergence(p, q)


def test_unit_names():
    """Units are named after the base."""
    assert driftkl.unit_name(None) == "nats"
    assert driftkl.unit_name(math.e) == "nats"
    assert driftkl.unit_name(2) == "bits"
    assert driftkl.unit_name(10) == "hartleys"


def test_kl_terms_sum_to_kl():
    """Per-bin terms add up to the divergence."""
    assert divergence.kl_terms(P, Q, base=2).sum() == pytest.approx(
        driftkl.kl_divergence(P, Q, base=2)
    )


@pytest.mark.parametrize("module", [divergence, rows, driftkl.api])
def test_doctests(module):
    """The docstring examples (closed-form values) hold."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
