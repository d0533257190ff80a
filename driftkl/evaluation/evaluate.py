"""From aligned reference and current counts to a :class:`FeatureResult`.

Zero handling, documented once here and used everywhere: bins that are empty on *both* sides
are dropped (they carry no information); then ``pseudo_count`` is added to every remaining bin
of both sides before normalising. With ``pseudo_count=0`` a bin that is empty on one side only
makes the directional KL (and PSI) ``inf``; the value is kept as ``inf``, a note says why, and
any threshold treats it as exceeded.

Each feature also gets (see :mod:`driftkl.stats` for the formulas): a two-sample G-test on the
raw counts, the noise floor of every metric (its expected value under no drift at these sample
sizes and bins) with the bias-corrected value ``max(value − floor, 0)``, and its top bins by
share of the divergence. Statuses are decided once, for all features together, by
:func:`driftkl.evaluation.decide.decide` (after the report-wide p-value correction).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from driftkl.config import Threshold
from driftkl.counting import UNSEEN_KEPT
from driftkl.evaluation.decide import decide
from driftkl.model.bins import BinSpec, CategoricalBins
from driftkl.model.explain import TOP_CONTRIBUTIONS, BinContribution
from driftkl.model.report import FeatureResult, MetricValue
from driftkl.stats.contributions import bin_terms
from driftkl.stats.divergence import normalised, oriented
from driftkl.stats.metrics import metric
from driftkl.stats.noise import analytic_noise_floor, monte_carlo_noise_floor
from driftkl.stats.novelty import novelty_test
from driftkl.stats.significance import g_test, rank_sum_test

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from driftkl.config import DriftConfig
    from driftkl.counting import Novel
    from driftkl.model.profile import FeatureProfile

__all__ = ["evaluate_feature", "measure_feature"]


def _noise_floors(
    r: NDArray[np.int64], c: NDArray[np.int64], config: DriftConfig
) -> dict[str, float]:
    nf = config.noise_floor
    if nf.method == "analytic":
        k, n_r, n_c = r.size, int(r.sum()), int(c.sum())
        return {m: analytic_noise_floor(m, k, n_r, n_c, base=config.base) for m in config.metrics}
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
    p, q = oriented(r, c, config.direction)
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


def _support(bins: BinSpec) -> str:
    """How the feature's support was defined (see :mod:`driftkl.stats.novelty`)."""
    if isinstance(bins, CategoricalBins):
        return "categories"
    return "fixed" if bins.method == "explicit" else "range"


def _singletons_at_most(bins: BinSpec, ref: NDArray[np.int64]) -> int:
    """An upper bound on the reference categories seen exactly once (Good-Turing's ``f₁``).

    Kept categories have their counts; the ``(other)`` bin holds ``T`` rows of ``m`` listed
    categories (each seen at least once), of which at most ``m − 1`` (``m`` when ``T = m``)
    can be singletons; past a truncated vocabulary every unlisted row may be one.
    """
    if not isinstance(bins, CategoricalBins):
        return 0
    kept = int(np.count_nonzero(ref[: len(bins.categories)] == 1))
    total, listed = int(ref[len(bins.categories)]), len(bins.other)
    if bins.vocabulary_truncated:
        return kept + total
    if total == 0:
        return kept
    return kept + (listed if total == listed else max(listed - 1, 0))


def _novel_values(bins: BinSpec, novel: Novel | None) -> dict[str, Any]:
    """What the novel current values were, for the report (JSON-ready)."""
    if novel is None:
        return {}
    if isinstance(bins, CategoricalBins):
        if novel.overflow:
            return {"unseen_values": [], "unseen_distinct_over": UNSEEN_KEPT}
        return {
            "unseen_values": [{"value": v, "count": c} for v, c in novel.most_frequent(10)],
            "unseen_distinct": len(novel.unseen),
        }
    out: dict[str, Any] = {"reference_min": bins.edges[0], "reference_max": bins.edges[-1]}
    if math.isfinite(novel.minimum):
        out["current_min"] = novel.minimum
    if math.isfinite(novel.maximum):
        out["current_max"] = novel.maximum
    return out


def measure_feature(
    feature: FeatureProfile,
    current_counts: NDArray[np.int64],
    config: DriftConfig,
    *,
    novel: Novel | None = None,
) -> FeatureResult:
    """Metrics, test, noise floors and contributions of one feature; status not yet decided.

    :func:`driftkl.evaluation.decide.decide` sets every status, once, over all features.
    """
    ref = np.asarray(feature.counts, dtype=np.int64)
    cur = np.asarray(current_counts, dtype=np.int64)
    used = (ref > 0) | (cur > 0)
    r, c = ref[used], cur[used]
    notes = list(feature.notes)
    sig = config.significance
    bins = feature.bins
    novel_bins = np.zeros(ref.size, dtype=bool)
    novel_bins[list(bins.out_of_range_bins) + list(bins.unseen_bins)] = True
    ordinary = used & ~novel_bins  # novelty bins are tested on their own, never pooled away
    g = g_test(ref[ordinary], cur[ordinary], min_expected=sig.min_expected, williams=sig.williams)
    ordered = np.ones(ref.size, dtype=bool)  # below-range, inner bins, above-range: in order
    ordered[bins.missing_bin] = False
    rank_p = rank_sum_test(ref[ordered], cur[ordered]) if feature.kind != "categorical" else None
    test = g.judged(
        p_value_adjusted=g.p_value, alpha=sig.alpha, correction="none", rank_p_value=rank_p
    )
    novelty = novelty_test(
        int(ref[novel_bins].sum()),
        int(ref.sum()),
        int(cur[novel_bins].sum()),
        int(cur.sum()),
        support=_support(bins),
        reference_singletons=_singletons_at_most(bins, ref),
    )
    judged = not config.is_event_time(feature.name, feature.kind)
    if not judged:
        notes.append(
            f"event-time column: reported, not judged (a later batch is always out of range). "
            f"Hint: set columns.{feature.name}.kind: datetime to judge its distribution."
        )
    floors = _noise_floors(r, c, config)
    thresholds = config.thresholds_for(feature.name)
    p, q = oriented(*normalised(r, c, config.pseudo_count), config.direction)
    metrics: dict[str, MetricValue] = {}
    for name in config.metrics:
        m = metric(name)
        value = float(m.nats_of(p, q)) / m.divisor(config.base)
        t = thresholds.get(name)
        if t is not None:
            t = Threshold(
                warn=None if t.warn is None else m.in_report_unit(t.warn, t.unit, config.base),
                drift=None if t.drift is None else m.in_report_unit(t.drift, t.unit, config.base),
            )
        floor = floors[name]
        metrics[name] = MetricValue(
            value=value,
            unit=m.unit(config.base),
            base=m.base(config.base),
            direction=m.direction_label(config.direction),
            warn=None if t is None else t.warn,
            drift=None if t is None else t.drift,
            noise_floor=floor,
            bias_corrected=None if math.isinf(floor) else max(value - floor, 0.0),
        )
        if math.isinf(value):
            notes.append(
                f"{name} is inf: a bin is empty on one side and pseudo_count is 0. "
                "Hint: set pseudo_count > 0 (default 0.5) for a finite value."
            )
    n_cur = int(cur.sum())
    if n_cur and int(cur[bins.missing_bin]) == n_cur:
        notes.append("every current value is missing (NaN/null)")
    labels = [lab for lab, u in zip(bins.labels, used, strict=True) if u]
    return FeatureResult(
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
        novelty=novelty,
        novel_values=_novel_values(bins, novel),
        judged=judged,
    )


def evaluate_feature(
    feature: FeatureProfile, current_counts: NDArray[np.int64], config: DriftConfig
) -> FeatureResult:
    """One feature measured and decided on its own (no report-wide correction)."""
    return decide([measure_feature(feature, current_counts, config)], config)[0]
