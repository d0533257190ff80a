"""Noise floors: the expected value of a metric when nothing drifted.

A reported divergence is a plug-in estimate and is biased upwards: under no drift its
expectation is not 0 but, to first order in ``1/n``, in nats,

    KL ≈ (k−1) / (2·n_eff),   JS ≈ (k−1) / (8·n_eff),   PSI ≈ (k−1) / n_eff,
    JS distance ≈ E[χ_{k−1}] / sqrt(8·n_eff),

with ``n_eff = n_ref·n_cur / (n_ref + n_cur)`` (:func:`analytic_noise_floor`). These limits
ignore the pseudo-count and the bins that stay empty at small ``n``, so by default the floor
is estimated by Monte Carlo instead (:func:`monte_carlo_noise_floor`): both samples are
redrawn (multinomially, with the same sizes) from the pooled distribution, and the *reported*
metric (same pseudo-count, same empty-bin rule, same base and direction) is averaged over the
draws. Both take the metric's formula and unit rule from :mod:`driftkl.stats.metrics`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from driftkl.stats.divergence import Direction, oriented
from driftkl.stats.metrics import metric

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["analytic_noise_floor", "monte_carlo_noise_floor"]


def _normalised_rows(
    r: NDArray[np.float64], c: NDArray[np.float64], pseudo_count: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Each row as the report sees it: bins empty on both sides dropped, pseudo-count added."""
    mask = (r > 0) | (c > 0)
    rp = np.where(mask, r + pseudo_count, 0.0)
    cp = np.where(mask, c + pseudo_count, 0.0)
    return rp / rp.sum(axis=1, keepdims=True), cp / cp.sum(axis=1, keepdims=True)


def monte_carlo_noise_floor(
    reference: ArrayLike,
    current: ArrayLike,
    *,
    metrics: tuple[str, ...],
    direction: Direction,
    base: float,
    pseudo_count: float,
    draws: int = 500,
    seed: int = 0,
) -> dict[str, float]:
    """Expected value of each reported metric under no drift, by simulation, in its unit.

    Both samples are redrawn ``draws`` times from the pooled distribution
    ``(reference + current) / N`` with their observed sizes; each draw goes through the same
    pipeline as the report (drop bins empty on both sides, add ``pseudo_count``, normalise).
    The result is deterministic for a given ``seed``. ``inf`` where a draw is infinite (only
    possible with ``pseudo_count = 0``).

    >>> f = monte_carlo_noise_floor([500, 500], [500, 500], metrics=("js_divergence",),
    ...                             direction="current||reference", base=2, pseudo_count=0.5)
    >>> 0 < f["js_divergence"] < 0.001
    True
    """
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    used = (ref > 0) | (cur > 0)
    n_r, n_c = int(ref.sum()), int(cur.sum())
    if used.sum() < 2 or n_r == 0 or n_c == 0:  # noqa: PLR2004
        return dict.fromkeys(metrics, 0.0)
    pooled = (ref[used] + cur[used]) / (n_r + n_c)
    rng = np.random.default_rng(seed)
    r = rng.multinomial(n_r, pooled, size=draws).astype(np.float64)
    c = rng.multinomial(n_c, pooled, size=draws).astype(np.float64)
    p, q = oriented(*_normalised_rows(r, c, pseudo_count), direction)
    out = {}
    for name in metrics:
        m = metric(name)
        out[name] = float(m.nats_of(p, q).mean()) / m.divisor(base)
    return out


def analytic_noise_floor(
    name: str, k: int, n_reference: int, n_current: int, *, base: float = 2.0
) -> float:
    """First-order expected plug-in value under no drift (no pseudo-count), in its unit.

    ``k`` counts the bins non-empty on either side. PSI is always in nats.

    >>> round(analytic_noise_floor("js_divergence", 11, 1000, 1000, base=np.e), 6)
    0.0025
    """
    m = metric(name)
    if k < 2 or n_reference <= 0 or n_current <= 0:  # noqa: PLR2004
        return 0.0
    n_eff = n_reference * n_current / (n_reference + n_current)
    return m.floor_nats(k - 1, n_eff) / m.divisor(base)
