"""Sampling statistics for binned drift checks: G-test p-values, noise floors, bin terms.

Everything here works on the two count vectors of one feature, over the bins that are
non-empty on at least one side (the ``used`` bins of :mod:`driftkl.evaluate`).

**Significance.** Under "no drift" (reference and current drawn from one distribution) the
two-sample G-statistic of the 2×k table of counts,

    G = 2 Σ_ij O_ij · ln(O_ij / E_ij),   E_ij = row_i · col_j / N,

is approximately χ² with ``k − 1`` degrees of freedom. It is the plug-in mutual information
between "side" and "bin" times ``2N``, i.e. ``≈ 2·n_eff·KL`` with
``n_eff = n_ref·n_cur / (n_ref + n_cur)``. The approximation needs expected counts that are not
tiny, so before testing the sparsest bins are pooled (the two smallest columns are merged,
repeatedly) until every expected count is ``≥ min_expected`` (default 5, Cochran's rule); if
only two columns are left and one is still sparse, the exact conditional test on the 2×2 table
(Fisher's exact test, two-sided) is used instead. The χ² tail is taken at ``G/q`` with
Williams' correction ``q`` (switchable), since the plain G-test is liberal on small samples.
The p-value needs no SciPy: the χ² tail is
the regularised upper incomplete gamma function, computed here.

**Noise floor.** The divergence a report shows is a plug-in estimate and is biased upwards:
under no drift its expectation is not 0 but, to first order in ``1/n``, in nats,

    KL ≈ (k−1) / (2·n_eff),   JS ≈ (k−1) / (8·n_eff),   PSI ≈ (k−1) / n_eff,
    JS distance ≈ E[χ_{k−1}] / sqrt(8·n_eff).

These limits ignore the pseudo-count and the bins that stay empty at small ``n``, so by default
the floor is estimated by Monte Carlo instead: both samples are redrawn (multinomially, with the
same sizes) from the pooled distribution, and the *reported* metric (same pseudo-count, same
empty-bin rule, same base and direction) is averaged over the draws.

**Bin terms.** ``KL = Σ_i (p_i ln(p_i/q_i) − p_i + q_i)``: the added ``− p_i + q_i`` sums to 0,
and makes every term ``≥ 0``, so each bin's share of the divergence is a fraction in [0, 1].
JS terms ``½ p_i ln(p_i/m_i) + ½ q_i ln(q_i/m_i)`` are already ``≥ 0``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from driftkl.divergence import log_base

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "GTest",
    "adjust_p_values",
    "analytic_noise_floor",
    "bin_terms",
    "chi2_sf",
    "g_test",
    "monte_carlo_noise_floor",
]

_EPS = 1e-15


def _gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma ``Q(a, x)`` (series / continued fraction)."""
    if x <= 0:
        return 1.0
    log_pre = a * math.log(x) - x - math.lgamma(a)
    if x < a + 1:  # series for P(a, x)
        term = total = 1.0 / a
        ap = a
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * _EPS:
                break
        return max(0.0, 1.0 - total * math.exp(log_pre))
    tiny = 1e-300  # modified Lentz continued fraction for Q(a, x)
    b = x + 1 - a
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < _EPS:
            break
    return min(1.0, math.exp(log_pre) * h)


def chi2_sf(x: float, df: int) -> float:
    """Survival function ``P(χ²_df ≥ x)`` of the chi-squared distribution.

    >>> round(chi2_sf(3.841458820694124, 1), 6), round(chi2_sf(2 * math.log(20), 2), 6)
    (0.05, 0.05)
    """
    if df <= 0:
        return 1.0
    return _gamma_q(df / 2.0, x / 2.0)


@dataclass(frozen=True)
class GTest:
    """Result of :func:`g_test`.

    Attributes:
        statistic: G in nats-scaled form ``2 Σ O ln(O/E)`` (dimensionless); 0 for Fisher.
        df: degrees of freedom ``k' − 1`` after pooling sparse bins.
        p_value: probability under no drift of a table at least as extreme.
        method: ``"g-test"``, ``"fisher-exact"`` or ``"none"`` (fewer than 2 bins or an empty
            side: nothing to test, ``p_value = 1``).
        bins_tested: ``k'``, the number of columns tested.
        bins_pooled: how many used bins were merged away to reach ``min_expected``.
        williams_q: Williams' correction factor; the p-value is ``P(χ²_df ≥ G / q)``
            (``q = 1``: uncorrected).
    """

    statistic: float
    df: int
    p_value: float
    method: str
    bins_tested: int
    bins_pooled: int
    williams_q: float = 1.0


def _pool_sparse(
    r: NDArray[np.float64], c: NDArray[np.float64], min_expected: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Merge the two smallest columns until every expected count is ``≥ min_expected``."""
    n_small = min(r.sum(), c.sum())
    need = min_expected * (r.sum() + c.sum()) / n_small  # column total for E_min ≥ min_expected
    cols = [(float(a + b), float(a), float(b)) for a, b in zip(r, c, strict=True)]
    cols.sort()
    while len(cols) > 2 and cols[0][0] < need:  # noqa: PLR2004
        (t1, a1, b1), (t2, a2, b2) = cols[0], cols[1]
        cols = sorted([(t1 + t2, a1 + a2, b1 + b2), *cols[2:]])
    return np.array([x[1] for x in cols]), np.array([x[2] for x in cols])


def _fisher_exact(r: NDArray[np.float64], c: NDArray[np.float64]) -> float:
    """Two-sided Fisher exact p-value of the 2×2 table (rows: sides, columns: 2 bins)."""
    n_r, n_c, col0 = int(r.sum()), int(c.sum()), int(r[0] + c[0])
    n = n_r + n_c

    def logp(x: int) -> float:  # P(current has x in column 0 | margins), hypergeometric
        return (
            math.lgamma(col0 + 1) - math.lgamma(x + 1) - math.lgamma(col0 - x + 1)
            + math.lgamma(n - col0 + 1) - math.lgamma(n_c - x + 1)
            - math.lgamma(n - col0 - n_c + x + 1)
            - (math.lgamma(n + 1) - math.lgamma(n_c + 1) - math.lgamma(n - n_c + 1))
        )  # fmt: skip

    lo, hi = max(0, n_c - (n - col0)), min(n_c, col0)
    logs = np.array([logp(x) for x in range(lo, hi + 1)])
    observed = logp(int(c[0]))
    return float(min(1.0, np.exp(logs[logs <= observed + 1e-7]).sum()))


def _williams(obs: NDArray[np.float64]) -> float:
    """Williams' (1976) correction ``q`` for an r×c table; ``G/q`` is closer to χ²."""
    n = float(obs.sum())
    rows, cols = obs.sum(axis=1), obs.sum(axis=0)
    df = (rows.size - 1) * (cols.size - 1)
    a = n * float((1 / rows).sum()) - 1
    b = n * float((1 / cols).sum()) - 1
    return float(1.0 + a * b / (6 * n * df))


def g_test(
    reference: ArrayLike,
    current: ArrayLike,
    *,
    min_expected: float = 5.0,
    williams: bool = True,
) -> GTest:
    """Two-sample G-test (log-likelihood ratio) of "same distribution" on binned counts.

    Bins empty on both sides are dropped; sparse bins are pooled (see the module docstring).
    ``statistic`` equals ``scipy.stats.chi2_contingency(table, correction=False,
    lambda_="log-likelihood")`` on the pooled 2×k' table, and so does the p-value with
    ``williams=False``; by default the p-value is ``P(χ²_df ≥ G/q)`` with Williams' factor
    ``q = 1 + (N·Σ1/row − 1)(N·Σ1/col − 1) / (6N·df)``, which brings the false-alarm rate of
    small samples closer to the nominal level.

    Args:
        reference: reference counts per bin.
        current: current counts per bin, same bins.
        min_expected: smallest acceptable expected count ``E_ij`` (0 disables pooling).
        williams: apply Williams' correction to the p-value.

    >>> t = g_test([50, 30, 20], [30, 30, 40], williams=False)
    >>> round(t.statistic, 4), t.df, round(t.p_value, 5)
    (11.8494, 2, 0.00267)
    """
    ref = np.asarray(reference, dtype=np.float64)
    cur = np.asarray(current, dtype=np.float64)
    used = (ref > 0) | (cur > 0)
    r, c = ref[used], cur[used]
    k = int(used.sum())
    if k < 2 or r.sum() == 0 or c.sum() == 0:  # noqa: PLR2004
        return GTest(0.0, 0, 1.0, "none", k, 0, 1.0)
    if min_expected > 0:
        r, c = _pool_sparse(r, c, min_expected)
    obs = np.vstack([r, c])
    n = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    if r.size == 2 and expected.min() < min_expected:  # noqa: PLR2004
        return GTest(0.0, 1, _fisher_exact(r, c), "fisher-exact", 2, k - 2, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(obs > 0, obs * np.log(obs / expected), 0.0)
    g = max(2.0 * float(terms.sum()), 0.0)
    df = r.size - 1
    q = _williams(obs) if williams else 1.0
    return GTest(g, df, chi2_sf(g / q, df), "g-test", r.size, k - r.size, q)


def adjust_p_values(p_values: ArrayLike, correction: str) -> NDArray[np.float64]:
    """Adjust p-values of several features for multiple testing.

    ``"none"``: unchanged (α per feature). ``"bonferroni"``: ``min(1, m·p)`` (family-wise
    error ≤ α). ``"fdr_bh"``: Benjamini-Hochberg step-up adjusted p-values (expected share of
    false alarms among flagged features ≤ α, for independent or positively dependent tests).

    >>> adjust_p_values([0.01, 0.04, 0.03], "fdr_bh").round(3).tolist()
    [0.03, 0.04, 0.04]
    """
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if correction == "none" or m == 0:
        return np.array(p, dtype=np.float64)
    if correction == "bonferroni":
        return np.asarray(np.minimum(1.0, p * m), dtype=np.float64)
    if correction == "fdr_bh":
        order = np.argsort(p)
        scaled = p[order] * m / np.arange(1, m + 1)
        adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
        out = np.empty(m)
        out[order] = np.minimum(1.0, adjusted)
        return out
    raise ValueError(f"correction must be none, bonferroni or fdr_bh, got {correction!r}")


def _metric_rows(
    r: NDArray[np.float64], c: NDArray[np.float64], metric: str, direction: str, a: float
) -> NDArray[np.float64]:
    """The reported metric (nats) for each row of count matrices ``r`` and ``c``."""
    mask = (r > 0) | (c > 0)
    rp = np.where(mask, r + a, 0.0)
    cp = np.where(mask, c + a, 0.0)
    rp = rp / rp.sum(axis=1, keepdims=True)
    cp = cp / cp.sum(axis=1, keepdims=True)

    def kl(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(x > 0, x * np.log(x / y), 0.0)
        return np.asarray(t.sum(axis=1))

    if metric == "kl_divergence":
        return kl(rp, cp) if direction == "reference||current" else kl(cp, rp)
    if metric == "psi":
        return kl(rp, cp) + kl(cp, rp)
    m = 0.5 * (rp + cp)
    js = np.maximum(0.5 * kl(rp, m) + 0.5 * kl(cp, m), 0.0)
    return np.sqrt(js) if metric == "js_distance" else js


def monte_carlo_noise_floor(
    reference: ArrayLike,
    current: ArrayLike,
    *,
    metrics: tuple[str, ...],
    direction: str,
    base: float | None,
    pseudo_count: float,
    draws: int = 500,
    seed: int = 0,
) -> dict[str, float]:
    """Expected value of each reported metric under no drift, by simulation, in ``base`` units.

    Both samples are redrawn ``draws`` times from the pooled distribution
    ``(reference + current) / N`` with their observed sizes; each draw goes through the same
    pipeline as the report (drop bins empty on both sides, add ``pseudo_count``, normalise).
    The result is deterministic for a given ``seed``. ``inf`` where a draw is infinite (only
    possible with ``pseudo_count = 0``).
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
    scale = log_base(base)
    out = {}
    for m in metrics:
        vals = _metric_rows(r, c, m, direction, pseudo_count)
        divisor = {"psi": 1.0, "js_distance": math.sqrt(scale)}.get(m, scale)  # sqrt(JS/ln b)
        out[m] = float(vals.mean()) / divisor
    return out


def analytic_noise_floor(
    metric: str, k: int, n_reference: int, n_current: int, *, base: float | None = None
) -> float:
    """First-order expected plug-in value under no drift (no pseudo-count), in ``base`` units.

    ``k`` counts the bins non-empty on either side; ``n_eff = n_r·n_c / (n_r + n_c)``.
    PSI is always in nats.

    >>> round(analytic_noise_floor("js_divergence", 11, 1000, 1000), 6)   # 10/(8·500) nats
    0.0025
    """
    if k < 2 or n_reference <= 0 or n_current <= 0:  # noqa: PLR2004
        return 0.0
    n_eff = n_reference * n_current / (n_reference + n_current)
    nu = k - 1
    if metric == "kl_divergence":
        nats = nu / (2 * n_eff)
    elif metric == "js_divergence":
        nats = nu / (8 * n_eff)
    elif metric == "psi":
        return nu / n_eff
    elif metric == "js_distance":  # E[chi_nu] = sqrt(2) Γ((ν+1)/2) / Γ(ν/2), in sqrt(nats)
        mean_chi = math.sqrt(2) * math.exp(math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2))
        return mean_chi / math.sqrt(8 * n_eff * log_base(base))
    else:
        raise ValueError(f"unknown metric {metric!r}")
    return nats / log_base(base)


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
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(pn > 0, pn * np.log(pn / qn), 0.0) - pn + qn
        kl = np.where((pn > 0) & (qn <= 0), np.inf, kl)
        js = 0.5 * np.where(pn > 0, pn * np.log(pn / m), 0.0) + 0.5 * np.where(
            qn > 0, qn * np.log(qn / m), 0.0
        )
    scale = log_base(base)
    return np.maximum(kl, 0.0) / scale, np.maximum(js, 0.0) / scale
