"""The novelty test: do more current values fall outside the reference's support than chance?

Values below or above the reference range (numeric) and categories the reference never had
(categorical) sit in bins that are empty, or nearly so, in the reference. A large-sample test
such as the G-test cannot judge them: their expected counts are tiny, so they get pooled with
ordinary bins and their signal is diluted away. They are tested on their own, exactly, with
a null distribution that depends on how the support was defined:

* ``"range"`` — the support is the reference's own range ``[min, max]`` (quantile or
  equal-width edges fitted on it). Under "no drift" both samples are exchangeable, so the
  number of current values below the reference minimum, ``A``, has
  ``P(A ≥ a) = C(n_cur, a) / C(N, a)`` (the ``a`` lowest of all ``N`` values are all current),
  and likewise ``B`` above the maximum; the p-value is ``P(A + B ≥ k)`` from the two
  (independent, to order 1/N) laws. No large-sample approximation: one value beyond the range
  of 100 is never significant, ten in 1 000 beyond the range of 10 000 are (p ≈ 10⁻¹⁰).
* ``"categories"`` — the support is the set of reference categories. How often a category
  unseen in the reference turns up under "no drift" depends on the reference's rare values:
  by Good-Turing, the chance that the next value is new is about ``f₁ / n_ref`` (``f₁``:
  categories seen once). The p-value is the binomial tail ``P(Bin(n_cur, p₀) ≥ k)`` with
  ``p₀ = (f₁ + 1) / (n_ref + 1)``, so a long-tailed column (ids, free text) does not alarm on
  its expected stream of new values, and an 8-category column alarms on a 1% new category.
  Good-Turing from a small reference misses categories seen a few times in the pooled data
  and none in the reference, so the p-value is the larger of that tail and the exact
  exchangeable tail ``C(n_cur, k) / C(N, k)`` (all ``k`` novel values landed in the current
  sample).
* ``"fixed"`` — the support was set independently of the data (explicit edges) and ``r``
  reference values already fall outside it: the exact one-sided Fisher test on the 2×2 table
  ``[[k, n_cur − k], [r, n_ref − r]]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["NoveltyTest", "novelty_test"]

_MAX_TERMS = 2_000_000


@dataclass(frozen=True)
class NoveltyTest:
    """Result of :func:`novelty_test`.

    Attributes:
        reference_novel: reference values outside the reference support (0 unless explicit
            edges or infinities put some there).
        current_novel: current values outside the reference support.
        n_reference: reference rows.
        n_current: current rows.
        p_value: one-sided exact p-value ``P(X ≥ current_novel)`` under no drift.
        p_value_adjusted: after the report-wide multiple-testing correction (``None`` until a
            report decides it).
    """

    reference_novel: int
    current_novel: int
    n_reference: int
    n_current: int
    p_value: float
    p_value_adjusted: float | None = None

    @property
    def share(self) -> float:
        """Share of current rows outside the reference support."""
        return self.current_novel / self.n_current if self.n_current else 0.0

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "reference_novel": self.reference_novel,
            "current_novel": self.current_novel,
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "share": self.share,
            "p_value": self.p_value,
            "p_value_adjusted": self.p_value_adjusted,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> NoveltyTest:
        """Rebuild from :meth:`to_dict` form."""
        return cls(
            reference_novel=int(d["reference_novel"]),
            current_novel=int(d["current_novel"]),
            n_reference=int(d["n_reference"]),
            n_current=int(d["n_current"]),
            p_value=float(d["p_value"]),
            p_value_adjusted=None
            if d.get("p_value_adjusted") is None
            else float(d["p_value_adjusted"]),
        )


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _fisher_upper(r: int, n_r: int, k: int, n_c: int) -> float:
    """``P(X ≥ k)``, X hypergeometric: ``r + k`` novel values among ``n_r + n_c``."""
    total, novel = n_r + n_c, r + k
    log_norm = _log_choose(total, novel)

    def log_p(x: int) -> float:
        return _log_choose(n_c, x) + _log_choose(n_r, novel - x) - log_norm

    mode = math.floor((novel + 1) * (n_c + 1) / (total + 2))
    if k <= mode:  # at or below the most likely count: sum the (shorter) lower tail instead
        lower = sum(math.exp(log_p(x)) for x in range(max(0, novel - n_r), k))
        return min(1.0, max(0.0, 1.0 - lower))
    first = log_p(k)
    p = 0.0
    for x in range(k, min(novel, n_c, k + _MAX_TERMS) + 1):  # decreasing terms past the mode
        term = math.exp(log_p(x) - first)
        p += term
        if term < 1e-17 * p:
            break
    return min(1.0, p * math.exp(first))


def _range_upper(n_r: int, k: int, n_c: int) -> float:
    """``P(A + B ≥ k)``: current values beyond either end of the reference's own range."""
    total = n_r + n_c
    a = np.arange(k + 1, dtype=np.float64)
    # log S(a) = log P(A ≥ a) = Σ_{i<a} log((n_c − i) / (N − i))
    steps = np.log(np.maximum(n_c - a[:-1], 0.0)) - np.log(total - a[:-1])
    with np.errstate(divide="ignore"):
        log_s = np.concatenate([[0.0], np.cumsum(steps)])
    s = np.exp(log_s)
    pmf = s[:-1] - s[1:]  # P(A = a), a < k
    # P(A + B ≥ k) = Σ_{a<k} P(A = a) · S(k − a) + S(k)
    p = float((pmf * s[k - a[:-1].astype(np.int64)]).sum() + s[k])
    return min(1.0, max(p, 0.0))


def _binomial_upper(n: int, p0: float, k: int) -> float:
    """``P(Bin(n, p0) ≥ k)``."""
    if p0 >= 1.0:
        return 1.0
    log_q, log_p0 = math.log1p(-p0), math.log(p0)

    def log_pmf(x: int) -> float:
        return _log_choose(n, x) + x * log_p0 + (n - x) * log_q

    mode = math.floor((n + 1) * p0)
    if k <= mode:
        lower = sum(math.exp(log_pmf(x)) for x in range(max(0, mode - _MAX_TERMS), k))
        return min(1.0, max(0.0, 1.0 - lower))
    first = log_pmf(k)
    p = 0.0
    for x in range(k, min(n, k + _MAX_TERMS) + 1):
        term = math.exp(log_pmf(x) - first)
        p += term
        if term < 1e-17 * p:
            break
    return min(1.0, p * math.exp(first))


def novelty_test(
    reference_novel: int,
    n_reference: int,
    current_novel: int,
    n_current: int,
    *,
    support: str = "fixed",
    reference_singletons: int = 0,
) -> NoveltyTest:
    """Exact one-sided test that the current sample holds more novel values than chance.

    Args:
        reference_novel: reference values outside the support (``"fixed"`` support only).
        n_reference: reference rows.
        current_novel: current values outside the support.
        n_current: current rows.
        support: ``"range"``, ``"categories"`` or ``"fixed"`` (see the module docstring).
        reference_singletons: ``f₁``, reference categories seen once (``"categories"``).

    ``"fixed"`` equals ``scipy.stats.fisher_exact(table, alternative="greater")``:

    >>> f"{novelty_test(2, 10_000, 10, 1_000).p_value:.3g}"
    '2.06e-09'
    >>> round(novelty_test(0, 100, 1, 100, support="range").p_value, 2)  # one beyond range
    0.75
    >>> f"{novelty_test(0, 10_000, 10, 1_000, support='range').p_value:.2g}"
    '3.8e-10'
    >>> novelty_test(0, 10_000, 10, 1_000, support="categories").p_value < 1e-10
    True
    >>> novelty_test(0, 10_000, 10, 1_000, support="categories",
    ...              reference_singletons=200).p_value > 0.5             # a long tail
    True
    """
    r, k, n_r, n_c = int(reference_novel), int(current_novel), int(n_reference), int(n_current)
    if k == 0 or n_c == 0:
        return NoveltyTest(r, k, n_r, n_c, 1.0)
    if support == "range" and r == 0:
        p = _range_upper(n_r, k, n_c)
    elif support == "categories":  # the more cautious of the two views (module docstring)
        p = max(
            _binomial_upper(n_c, (reference_singletons + 1) / (n_r + 1), k),
            _fisher_upper(r, n_r, k, n_c),
        )
    else:
        p = _fisher_upper(r, n_r, k, n_c)
    return NoveltyTest(r, k, n_r, n_c, p)
