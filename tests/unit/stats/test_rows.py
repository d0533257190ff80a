"""KL between batches of logits / probability rows, with an explicit direction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import rel_entr, softmax

import driftkl


def _independent(ref_logits, cur_logits, direction):
    p = softmax(ref_logits, axis=1)
    q = softmax(cur_logits, axis=1)
    if direction == "current||reference":
        p, q = q, p
    return rel_entr(p, q).sum(axis=1)


@pytest.mark.parametrize("direction", ["reference||current", "current||reference"])
def test_logits_match_independent_formula(direction):
    """Softmax + per-row KL matches scipy's rel_entr on softmax outputs."""
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(50, 6)) * 3, rng.normal(size=(50, 6)) * 3
    per_row = driftkl.kl_divergence_rows(a, b, direction=direction, reduction="none")
    np.testing.assert_allclose(per_row, _independent(a, b, direction), rtol=1e-10)
    mean = driftkl.kl_divergence_rows(a, b, direction=direction)
    total = driftkl.kl_divergence_rows(a, b, direction=direction, reduction="sum")
    assert mean == pytest.approx(per_row.mean())
    assert total == pytest.approx(per_row.sum())


def test_direction_changes_value():
    """The two directions differ on asymmetric data, so the name matters."""
    ref, cur = [[0.4, 0.4, 0.2]], [[0.5, 0.1, 0.4]]
    rc = driftkl.kl_divergence_rows(
        ref, cur, direction="reference||current", inputs="probabilities"
    )
    cr = driftkl.kl_divergence_rows(
        ref, cur, direction="current||reference", inputs="probabilities"
    )
    assert rc == pytest.approx(0.326631, abs=1e-6)
    assert cr == pytest.approx(0.250201, abs=1e-6)


def test_torch_convention_documented_equivalence():
    """kl_div(input=log q, target=p, 'sum') = D(p‖q): reproduced with log_probabilities input."""
    p = np.array([[0.4, 0.4, 0.2]])
    q = np.array([[0.5, 0.1, 0.4]])
    # torch: sum(target * (log target - input)) with input = log q  -> D(p‖q)
    torch_style = float(np.sum(p * (np.log(p) - np.log(q))))
    ours = driftkl.kl_divergence_rows(
        np.log(p),
        np.log(q),
        direction="reference||current",
        inputs="log_probabilities",
        reduction="sum",
    )
    assert ours == pytest.approx(torch_style)


def test_keras_clipping_differs_from_exact():
    """Keras clips to [1e-7, 1]: a zero gives a large finite value where exact KL is inf."""
    p = np.array([[0.5, 0.5]])
    q = np.array([[1.0, 0.0]])
    keras_style = float(
        np.sum(np.clip(p, 1e-7, 1) * np.log(np.clip(p, 1e-7, 1) / np.clip(q, 1e-7, 1)))
    )
    exact = driftkl.kl_divergence_rows(p, q, direction="reference||current", inputs="probabilities")
    assert math.isfinite(keras_style)
    assert math.isinf(exact)


def test_base_and_validation():
    """Base converts units; bad shapes, directions and reductions raise."""
    a = np.array([[1.0, 2.0, 3.0]])
    b = np.array([[3.0, 2.0, 1.0]])
    nats = driftkl.kl_divergence_rows(a, b, direction="reference||current")
    bits = driftkl.kl_divergence_rows(a, b, direction="reference||current", base=2)
    assert bits == pytest.approx(nats / math.log(2))
    with pytest.raises(ValueError, match="same shape"):
        driftkl.kl_divergence_rows(a, np.ones((2, 3)), direction="reference||current")
    with pytest.raises(ValueError, match="direction"):
        driftkl.kl_divergence_rows(a, b, direction="p||q")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="reduction"):
        driftkl.kl_divergence_rows(a, b, direction="reference||current", reduction="batchmean")  # type: ignore[arg-type]
