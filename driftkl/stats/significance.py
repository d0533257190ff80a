"""Sampling statistics for binned drift checks: G-test p-values, noise floors, bin terms.

Everything here works on the two count vectors of one feature, over the bins that are
non-empty on at least one side (the ``used`` bins of :mod:`driftkl.evaluation.evaluate`).

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

Noise floors live in :mod:`driftkl.stats.noise`, per-bin terms in
:mod:`driftkl.stats.contributions`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import ArrayLike, NDArray

__all__ = [
    "GTest",
    "SignificanceTest",
    "adjust_p_values",
    "chi2_sf",
    "g_test",
    "pool_sparse",
    "rank_sum_test",
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
        table: the 2×k' table actually tested, after pooling (reference row, current row):
            ``scipy.stats.chi2_contingency(table, correction=False,
            lambda_="log-likelihood")`` on it gives ``statistic`` (and, with ``q = 1``, the
            p-value).
    """

    statistic: float
    df: int
    p_value: float
    method: str
    bins_tested: int
    bins_pooled: int
    williams_q: float = 1.0
    table: tuple[tuple[float, ...], tuple[float, ...]] = ((), ())

    def judged(
        self,
        *,
        p_value_adjusted: float,
        alpha: float,
        correction: str,
        rank_p_value: float | None = None,
    ) -> SignificanceTest:
        """This test with its report-wide adjusted p-value and the verdict at ``alpha``."""
        return SignificanceTest(
            **{f.name: getattr(self, f.name) for f in dataclasses.fields(GTest)},
            p_value_adjusted=p_value_adjusted,
            alpha=alpha,
            correction=correction,
            significant=p_value_adjusted <= alpha,
            rank_p_value=rank_p_value,
        )


@dataclass(frozen=True, kw_only=True)
class SignificanceTest(GTest):
    """A :class:`GTest` judged in a report: adjusted p-value, level and verdict.

    Attributes:
        p_value_adjusted: after the report-wide multiple-testing ``correction``.
        alpha: the significance level used.
        correction: ``"none"``, ``"bonferroni"`` or ``"fdr_bh"``.
        significant: ``p_value_adjusted <= alpha``.
        rank_p_value: for ordered (numeric, datetime) bins, the two-sided rank-sum test on the
            same table (:func:`rank_sum_test`), which sees location shifts that a G-test on
            many bins needs far more rows for; ``None`` for categorical features.
    """

    p_value_adjusted: float
    alpha: float
    correction: str
    significant: bool
    rank_p_value: float | None = None

    @property
    def combined_p_value(self) -> float:
        """The feature's distribution p-value: G-test and rank-sum joined by Simes' rule.

        ``min(2·p₍₁₎, p₍₂₎)`` of the two sorted p-values when both ran (valid for the
        positively dependent statistics these are; never below Bonferroni's ``2·p₍₁₎`` by
        more than the second test's own evidence), else ``p_G``. This is the p-value the
        report-wide correction adjusts.
        """
        if self.rank_p_value is None:
            return self.p_value
        low, high = sorted((self.p_value, self.rank_p_value))
        return min(1.0, 2.0 * low, high)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the report's ``"test"`` object)."""
        return {
            "statistic": self.statistic,
            "df": self.df,
            "p_value": self.p_value,
            "p_value_adjusted": self.p_value_adjusted,
            "method": self.method,
            "bins_tested": self.bins_tested,
            "bins_pooled": self.bins_pooled,
            "alpha": self.alpha,
            "correction": self.correction,
            "significant": self.significant,
            "williams_q": self.williams_q,
            "rank_p_value": self.rank_p_value,
            "p_value_combined": self.combined_p_value,
            "table": {"reference": list(self.table[0]), "current": list(self.table[1])},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> SignificanceTest:
        """Rebuild from :meth:`to_dict` form."""
        return cls(
            statistic=float(d["statistic"]),
            df=int(d["df"]),
            p_value=float(d["p_value"]),
            p_value_adjusted=float(d.get("p_value_adjusted", d["p_value"])),
            method=str(d["method"]),
            bins_tested=int(d.get("bins_tested", 0)),
            bins_pooled=int(d.get("bins_pooled", 0)),
            alpha=float(d["alpha"]),
            correction=str(d.get("correction", "none")),
            significant=bool(d["significant"]),
            williams_q=float(d.get("williams_q", 1.0)),
            rank_p_value=None if d.get("rank_p_value") is None else float(d["rank_p_value"]),
            table=(
                tuple(float(x) for x in (d.get("table") or {}).get("reference", ())),
                tuple(float(x) for x in (d.get("table") or {}).get("current", ())),
            ),
        )


def pool_sparse(
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
        r, c = pool_sparse(r, c, min_expected)
    obs = np.vstack([r, c])
    n = obs.sum()
    expected = np.outer(obs.sum(axis=1), obs.sum(axis=0)) / n
    table = (tuple(r.tolist()), tuple(c.tolist()))
    if r.size == 2 and expected.min() < min_expected:  # noqa: PLR2004
        return GTest(0.0, 1, _fisher_exact(r, c), "fisher-exact", 2, k - 2, 1.0, table)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(obs > 0, obs * np.log(obs / expected), 0.0)
    g = max(2.0 * float(terms.sum()), 0.0)
    df = r.size - 1
    q = _williams(obs) if williams else 1.0
    return GTest(g, df, chi2_sf(g / q, df), "g-test", r.size, k - r.size, q, table)


def rank_sum_test(reference: ArrayLike, current: ArrayLike) -> float:
    """Two-sided rank-sum (Mann-Whitney) p-value on counts over *ordered* bins.

    Every value in a bin shares the bin's mid-rank; the variance carries the tie correction
    and the normal approximation a continuity correction (as
    ``scipy.stats.mannwhitneyu(method="asymptotic")`` on the binned values).

    >>> round(rank_sum_test([10, 20, 30, 20, 10], [10, 20, 30, 20, 10]), 6)
    1.0
    >>> rank_sum_test([30, 30, 20, 10, 10], [10, 10, 20, 30, 30]) < 1e-6
    True
    """
    r = np.asarray(reference, dtype=np.float64)
    c = np.asarray(current, dtype=np.float64)
    n_r, n_c = float(r.sum()), float(c.sum())
    n = n_r + n_c
    if n_r == 0 or n_c == 0:
        return 1.0
    t = r + c
    midrank = np.cumsum(t) - t + (t + 1) / 2
    w = float((c * midrank).sum())
    mean = n_c * (n + 1) / 2
    var = n_r * n_c / 12 * ((n + 1) - float((t**3 - t).sum()) / (n * (n - 1)))
    if var <= 0:
        return 1.0
    z = max(abs(w - mean) - 0.5, 0.0) / math.sqrt(var)
    return min(1.0, math.erfc(z / math.sqrt(2)))


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
