"""Per-bin terms: how much each bin adds to a feature's divergence.

``KL = Σ_i (p_i ln(p_i/q_i) − p_i + q_i)``: the added ``− p_i + q_i`` sums to 0 and makes every
term ``≥ 0``, so each bin's share of the divergence is a fraction in [0, 1]. JS terms
``½ p_i ln(p_i/m_i) + ½ q_i ln(q_i/m_i)`` are already ``≥ 0``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from driftkl.stats.divergence import kl_kernel, log_base

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = ["bin_terms"]


def bin_terms(
    p: ArrayLike, q: ArrayLike, *, base: float | None = None, pseudo_count: float = 0.0
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Non-negative per-bin terms of ``D(p‖q)`` and of ``JS(p, q)``, in ``base`` units.

    KL terms are ``p_i ln(p_i/q_i) − p_i + q_i`` (they sum to ``D(p‖q)``); JS terms are
    ``½ p_i ln(p_i/m_i) + ½ q_i ln(q_i/m_i)`` with ``m = ½(p + q)`` (they sum to ``JS``).
    ``pseudo_count`` is added to every bin of both sides before normalising, as in the report.

    >>> kl, js = bin_terms([2, 2, 1], [5, 1, 4], base=2)
    >>> round(float(kl.sum()), 6), round(float(js.sum()), 6)
    (0.471229, 0.098045)
    """
    pa = np.asarray(p, dtype=np.float64) + pseudo_count
    qa = np.asarray(q, dtype=np.float64) + pseudo_count
    pn, qn = pa / pa.sum(), qa / qa.sum()
    m = 0.5 * (pn + qn)
    kl = kl_kernel(pn, qn) - pn + qn
    js = 0.5 * kl_kernel(pn, m) + 0.5 * kl_kernel(qn, m)
    scale = log_base(base)
    return np.maximum(kl, 0.0) / scale, np.maximum(js, 0.0) / scale
