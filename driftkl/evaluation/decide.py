"""The decision rule: when is a feature "drift", "warn" or "ok"; and its settings.

A metric with thresholds is at level ``drift`` (``warn``) when

1. its value is ``≥`` the drift (warn) threshold, **and**
2. the feature's difference is statistically significant: the G-test p-value (after the
   report-wide multiple-testing ``correction``) is ``≤ alpha``.

Either part can be switched off: ``significance: {enabled: false}`` keeps only the thresholds
(the pre-0.2 behaviour); ``thresholds: {}`` keeps only significance, so a feature is ``drift``
exactly when its test is significant. With both off every feature is ``ok``.

``threshold_on: bias_corrected`` compares the thresholds with the bias-corrected value
(plug-in value minus the noise floor, floored at 0) instead of the plug-in value; the report
always carries both, under distinct names (``value`` and ``bias_corrected``).

Multiple features: with ``correction: none`` (default) α applies to each feature separately, so
among m features without drift about ``α·m`` are expected to be significant; the threshold
part then keeps large samples quiet, the p-value part small ones. ``bonferroni`` bounds the
chance of *any* false alarm in a report by α; ``fdr_bh`` (Benjamini-Hochberg) bounds the
expected share of false alarms among flagged features by α.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from driftkl.model.status import level, worst
from driftkl.stats.significance import adjust_p_values

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from driftkl.config import DriftConfig, Threshold
    from driftkl.model.report import FeatureResult, MetricValue

__all__ = ["decide", "metric_status"]


def metric_status(
    value: float,
    bias_corrected: float | None,
    threshold: Threshold | None,
    *,
    significant: bool,
    config: DriftConfig,
) -> str:
    """Status of one metric under the decision rule (see the module docstring)."""
    if threshold is None:
        return "ok"
    on = value
    if config.threshold_on == "bias_corrected" and bias_corrected is not None:
        on = bias_corrected
    if config.significance.enabled and not significant:
        return "ok"
    return level(on, threshold.warn, threshold.drift)


def _feature_status(
    metrics: Mapping[str, MetricValue], *, has_thresholds: bool, significant: bool, sig_on: bool
) -> str:
    if not has_thresholds:
        return "drift" if sig_on and significant else "ok"
    return worst(m.status for m in metrics.values())


def decide(results: Sequence[FeatureResult], config: DriftConfig) -> tuple[FeatureResult, ...]:
    """Apply the report-wide correction to p-values and set every status accordingly."""
    sig = config.significance
    tested = [(i, r.test) for i, r in enumerate(results) if r.test is not None]
    adjusted = adjust_p_values([t.p_value for _, t in tested], sig.correction)
    out = list(results)
    for (i, raw_test), p_adj in zip(tested, adjusted.tolist(), strict=True):
        res = results[i]
        test = raw_test.judged(p_value_adjusted=p_adj, alpha=sig.alpha, correction=sig.correction)
        thresholds = config.thresholds_for(res.name)
        metrics = {
            name: dataclasses.replace(
                m,
                status=metric_status(
                    m.value,
                    m.bias_corrected,
                    thresholds.get(name),
                    significant=test.significant,
                    config=config,
                ),
            )
            for name, m in res.metrics.items()
        }
        status = _feature_status(
            metrics,
            has_thresholds=bool(thresholds),
            significant=test.significant,
            sig_on=sig.enabled,
        )
        out[i] = dataclasses.replace(res, metrics=metrics, test=test, status=status)
    return tuple(out)
