"""Property tests (Hypothesis) for the maths and the profile round trip."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import driftkl


@st.composite
def count_pair(draw):
    n = draw(st.integers(min_value=2, max_value=12))
    vec = st.lists(st.integers(min_value=0, max_value=1000), min_size=n, max_size=n).filter(
        lambda v: sum(v) > 0
    )
    return np.array(draw(vec)), np.array(draw(vec))


@given(count_pair(), st.floats(min_value=0.01, max_value=5))
def test_kl_nonnegative_and_zero_on_self(pq, alpha):
    """KL ≥ 0 (finite with a pseudo-count) and KL(p, p) = 0."""
    p, q = pq
    assert driftkl.kl_divergence(p, q, pseudo_count=alpha) >= -1e-12
    assert math.isfinite(driftkl.kl_divergence(p, q, pseudo_count=alpha))
    assert abs(driftkl.kl_divergence(p, p)) < 1e-12


@given(count_pair())
def test_js_symmetric_and_at_most_one_bit(pq):
    """JS divergence is symmetric, ≥ 0, and ≤ 1 bit; JS distance is its square root."""
    p, q = pq
    a = driftkl.js_divergence(p, q, base=2)
    b = driftkl.js_divergence(q, p, base=2)
    assert abs(a - b) < 1e-12
    assert -1e-12 <= a <= 1 + 1e-12
    assert math.isclose(driftkl.js_distance(p, q, base=2), math.sqrt(a), rel_tol=1e-12)


@given(count_pair(), st.sampled_from([2, 10, 3.7]))
def test_base_conversion_consistent(pq, base):
    """A value in base b equals the nats value divided by ln b."""
    p, q = pq
    nats = driftkl.kl_divergence(p, q, pseudo_count=0.5)
    assert math.isclose(
        driftkl.kl_divergence(p, q, base=base, pseudo_count=0.5),
        nats / math.log(base),
        rel_tol=1e-12,
        abs_tol=1e-15,
    )


@given(count_pair(), st.integers(min_value=2, max_value=1000))
def test_invariant_to_rescaling_counts(pq, factor):
    """Multiplying all counts by a constant leaves the divergences unchanged."""
    p, q = pq
    assert math.isclose(
        driftkl.kl_divergence(p, q + 1),
        driftkl.kl_divergence(p * factor, (q + 1) * factor),
        rel_tol=1e-9,
        abs_tol=1e-12,
    )
    assert math.isclose(
        driftkl.js_divergence(p, q),
        driftkl.js_divergence(p * factor, q * factor),
        rel_tol=1e-9,
        abs_tol=1e-12,
    )


seeds = st.integers(min_value=0, max_value=2**32 - 1)
frames = seeds.map(np.random.default_rng).map(
    lambda rng: pd.DataFrame(
        {
            "x": np.where(rng.random(200) < 0.1, np.nan, rng.normal(size=200).round(1)),
            "c": rng.choice(["a", "b", "c", "d"], 200),
        }
    )
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames, frames)
def test_profile_save_load_gives_identical_report(tmp_path_factory, ref, cur):
    """profile → save → load → compare equals compare on the in-memory profile."""
    prof = driftkl.profile(ref)
    path = prof.save(tmp_path_factory.mktemp("p") / "p.json")
    assert (
        driftkl.compare(driftkl.Profile.load(path), cur).features
        == driftkl.compare(prof, cur).features
    )


@settings(max_examples=25, deadline=None)
@given(frames, st.integers(min_value=30, max_value=170))
def test_merged_partial_profiles_equal_whole(ref, cut):
    """Profiles of two slices, counted with the same bins and merged, equal the whole."""
    first = driftkl.profile(ref.iloc[:cut])
    merged = first.merge(driftkl.profile(ref.iloc[cut:], bins=first))
    whole = driftkl.profile(ref, bins=first)
    assert [f.counts for f in merged.features] == [f.counts for f in whole.features]
