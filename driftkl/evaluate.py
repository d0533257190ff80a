"""From aligned reference and current counts to a :class:`FeatureResult`.

Zero handling, documented once here and used everywhere: bins that are empty on *both* sides
are dropped (they carry no information); then ``pseudo_count`` is added to every remaining bin
of both sides before normalising. With ``pseudo_count=0`` a bin that is empty on one side only
makes the directional KL (and PSI) ``inf``; the value is kept as ``inf``, a note says why, and
any threshold treats it as exceeded.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from driftkl.divergence import js_distance, js_divergence, kl_divergence, psi, unit_name
from driftkl.report import FeatureResult, MetricValue, worst

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from driftkl.config import DriftConfig, Threshold
    from driftkl.profile import FeatureProfile

__all__ = ["evaluate_feature"]


def _status(value: float, threshold: Threshold | None) -> str:
    if threshold is None:
        return "ok"
    if threshold.drift is not None and value >= threshold.drift:
        return "drift"
    if threshold.warn is not None and value >= threshold.warn:
        return "warn"
    return "ok"


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
    metrics: dict[str, MetricValue] = {}
    for name in config.metrics:
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
        metrics[name] = MetricValue(
            value=value,
            unit="nats" if name == "psi" else unit,
            base=math.e if name == "psi" else base,
            direction=direction,
            warn=None if t is None else t.warn,
            drift=None if t is None else t.drift,
            status=_status(value, t),
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
    return FeatureResult(
        name=feature.name,
        kind=feature.kind,
        dtype=feature.dtype,
        status=worst(m.status for m in metrics.values()),
        metrics=metrics,
        labels=tuple(bins.labels),
        reference_counts=tuple(int(x) for x in ref),
        current_counts=tuple(int(x) for x in cur),
        out_of_range_share=_share(cur, bins.out_of_range_bins, n_cur),
        unseen_share=_share(cur, bins.unseen_bins, n_cur),
        missing_share=_share(cur, (bins.missing_bin,), n_cur),
        notes=tuple(dict.fromkeys(notes)),
    )
