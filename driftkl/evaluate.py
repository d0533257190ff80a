"""From aligned reference and current counts to a :class:`FeatureResult`.

Zero handling, documented once here and used everywhere: bins that are empty on *both* sides
are dropped (they carry no information); then ``pseudo_count`` is added to every remaining bin
of both sides before normalising. With ``pseudo_count=0`` a bin that is empty on one side only
makes the directional KL (and PSI) ``inf``; the value is kept as ``inf``, a note says why, and
any threshold treats it as exceeded.

Each feature also gets (see :mod:`driftkl.stats` for the formulas): a two-sample G-test on the
raw counts, the noise floor of every metric (its expected value under no drift at these sample
sizes and bins) with the bias-corrected value ``max(value − floor, 0)``, and its top bins by
share of the divergence. The status follows :mod:`driftkl.decision`; report-wide p-value
corrections are applied afterwards by :func:`driftkl.decision.decide`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from driftkl.decision import decide, metric_status
from driftkl.divergence import js_distance, js_divergence, kl_divergence, psi, unit_name
from driftkl.explain import TOP_CONTRIBUTIONS, BinContribution, SignificanceTest
from driftkl.report import FeatureResult, MetricValue
from driftkl.stats import analytic_noise_floor, bin_terms, g_test, monte_carlo_noise_floor

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from driftkl.config import DriftConfig
    from driftkl.profile import FeatureProfile

__all__ = ["evaluate_feature"]


def _noise_floors(
    r: NDArray[np.int64], c: NDArray[np.int64], config: DriftConfig
) -> dict[str, float]:
    nf = config.noise_floor
    if nf.method == "analytic":
        k, n_r, n_c = r.size, int(r.sum()), int(c.sum())
        return {
            m: analytic_noise_floor(m, k, n_r, n_c, base=None if m == "psi" else config.base)
            for m in config.metrics
        }
    return monte_carlo_noise_floor(
        r,
        c,
        metrics=config.metrics,
        direction=config.direction,
        base=config.base,
        pseudo_count=config.pseudo_count,
        draws=nf.draws,
        seed=nf.seed,
    )


def _contributions(
    r: NDArray[np.int64], c: NDArray[np.int64], labels: list[str], config: DriftConfig
) -> tuple[BinContribution, ...]:
    if r.size == 0 or r.sum() == 0 or c.sum() == 0:
        return ()
    p, q = (r, c) if config.direction == "reference||current" else (c, r)
    kl, js = bin_terms(p, q, base=config.base, pseudo_count=config.pseudo_count)
    with np.errstate(invalid="ignore", divide="ignore"):
        if np.isinf(kl).any():
            kl_share = np.isinf(kl) / np.isinf(kl).sum()
        else:
            kl_share = kl / kl.sum() if kl.sum() > 0 else np.zeros_like(kl)
        js_share = js / js.sum() if js.sum() > 0 else np.zeros_like(js)
    has_kl = "kl_divergence" in config.metrics
    order = np.argsort(-(kl_share if has_kl else js_share), kind="stable")[:TOP_CONTRIBUTIONS]
    return tuple(
        BinContribution(
            label=labels[i],
            reference_share=float(r[i] / r.sum()),
            current_share=float(c[i] / c.sum()),
            kl=float(kl[i]) if has_kl else None,
            kl_share=float(kl_share[i]) if has_kl else None,
            js=float(js[i]),
            js_share=float(js_share[i]),
        )
        for i in order
    )


def _share(counts: NDArray[np.int64], bins: tuple[int, ...], total: int) -> float:
    return float(sum(int(counts[i]) for i in bins)) / total if total else 0.0


def evaluate_feature(
    feature: FeatureProfile, current_counts: NDArray[np.int64], config: DriftConfig
) -> FeatureResult:
    """Compute the configured metrics and status of one feature."""
    ref = np.asarray(feature.counts, dtype=np.int64)
    cur = np.asarray(current_counts, dtype=np.int64)
    used = (ref > 0) | (cur > 0)
    r, c = ref[used], cur[used]
    alpha = config.pseudo_count
    base = config.base
    unit = unit_name(base)
    p, q = (r, c) if config.direction == "reference||current" else (c, r)
    thresholds = config.thresholds_for(feature.name)
    notes = list(feature.notes)
    g = g_test(
        r, c, min_expected=config.significance.min_expected, williams=config.significance.williams
    )
    sig = config.significance
    test = SignificanceTest(
        statistic=g.statistic,
        df=g.df,
        p_value=g.p_value,
        p_value_adjusted=g.p_value,
        method=g.method,
        bins_tested=g.bins_tested,
        bins_pooled=g.bins_pooled,
        williams_q=g.williams_q,
        alpha=sig.alpha,
        correction="none",
        significant=g.p_value <= sig.alpha,
    )
    floors = _noise_floors(r, c, config)
    metrics: dict[str, MetricValue] = {}
    for name in config.metrics:
        direction: str
        if name == "kl_divergence":
            value = kl_divergence(p, q, base=base, pseudo_count=alpha)
            direction = config.direction
        elif name == "js_divergence":
            value, direction = js_divergence(r, c, base=base, pseudo_count=alpha), "symmetric"
        elif name == "js_distance":
            value, direction = js_distance(r, c, base=base, pseudo_count=alpha), "symmetric"
        else:  # psi: natural log by convention, so its customary thresholds apply
            value, direction = psi(r, c, pseudo_count=alpha), "symmetric"
        t = thresholds.get(name)
        floor = floors[name]
        corrected = None if math.isinf(floor) else max(value - floor, 0.0)
        metrics[name] = MetricValue(
            value=value,
            unit="nats" if name == "psi" else unit,
            base=math.e if name == "psi" else base,
            direction=direction,
            warn=None if t is None else t.warn,
            drift=None if t is None else t.drift,
            status=metric_status(value, corrected, t, significant=test.significant, config=config),
            noise_floor=floor,
            bias_corrected=corrected,
        )
        if math.isinf(value):
            notes.append(
                f"{name} is inf: a bin is empty on one side and pseudo_count is 0. "
                "Hint: set pseudo_count > 0 (default 0.5) for a finite value."
            )
    n_cur = int(cur.sum())
    bins = feature.bins
    if n_cur and int(cur[bins.missing_bin]) == n_cur:
        notes.append("every current value is missing (NaN/null)")
    labels = [lab for lab, u in zip(bins.labels, used, strict=True) if u]
    result = FeatureResult(
        name=feature.name,
        kind=feature.kind,
        dtype=feature.dtype,
        status="ok",
        metrics=metrics,
        labels=tuple(bins.labels),
        reference_counts=tuple(int(x) for x in ref),
        current_counts=tuple(int(x) for x in cur),
        out_of_range_share=_share(cur, bins.out_of_range_bins, n_cur),
        unseen_share=_share(cur, bins.unseen_bins, n_cur),
        missing_share=_share(cur, (bins.missing_bin,), n_cur),
        notes=tuple(dict.fromkeys(notes)),
        test=test,
        contributions=_contributions(r, c, labels, config),
    )
    return decide([result], config)[0]  # alone; compare() re-decides over all features
