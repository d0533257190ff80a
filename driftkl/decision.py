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
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from driftkl.errors import ConfigError
from driftkl.report import worst
from driftkl.stats import adjust_p_values

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from driftkl.config import DriftConfig, Threshold
    from driftkl.report import FeatureResult, MetricValue

__all__ = [
    "CORRECTIONS",
    "NOISE_FLOOR_METHODS",
    "THRESHOLD_ON",
    "NoiseFloorConfig",
    "SignificanceConfig",
    "decide",
    "metric_status",
]

CORRECTIONS = ("none", "bonferroni", "fdr_bh")
NOISE_FLOOR_METHODS = ("monte_carlo", "analytic")
THRESHOLD_ON = ("plug_in", "bias_corrected")


@dataclass(frozen=True)
class SignificanceConfig:
    """Significance part of the decision rule.

    Attributes:
        enabled: require a significant G-test for ``warn``/``drift`` (p-values are always
            reported).
        alpha: significance level (default 0.01).
        correction: ``"none"`` (α per feature), ``"bonferroni"`` or ``"fdr_bh"``.
        min_expected: sparse bins are pooled until every expected count is at least this
            (Cochran's rule, 5); a 2×2 table still below it uses Fisher's exact test.
        williams: divide G by Williams' correction ``q > 1`` before the χ² tail (default;
            the uncorrected G-test rejects too often on small samples).
    """

    enabled: bool = True
    alpha: float = 0.01
    correction: str = "none"
    min_expected: float = 5.0
    williams: bool = True


@dataclass(frozen=True)
class NoiseFloorConfig:
    """How the noise floor (expected divergence under no drift) is computed.

    Attributes:
        method: ``"monte_carlo"`` (default: redraw both samples from the pooled distribution
            and average the reported metric; exact for the pseudo-count and bin count used) or
            ``"analytic"`` (first-order formula ``(k−1)/(2·n_eff)`` nats for KL etc., no
            pseudo-count; see :mod:`driftkl.stats`).
        draws: Monte Carlo draws per feature.
        seed: random seed, so the same counts always give the same floor.
    """

    method: str = "monte_carlo"
    draws: int = 500
    seed: int = 0


def _parse_block(value: Any, cls: type, where: str) -> dict[str, Any]:
    from driftkl.config import _unknown  # noqa: PLC0415 - config imports this module

    if isinstance(value, (SignificanceConfig, NoiseFloorConfig)):
        return dict(dataclasses.asdict(value))
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping, got {value!r}")
    allowed = tuple(f.name for f in dataclasses.fields(cls))
    _unknown(set(value) - set(allowed), allowed, where)
    return dict(value)


def parse_significance(value: Any) -> SignificanceConfig:
    """Validate the ``significance`` config block."""
    raw = _parse_block(value, SignificanceConfig, "significance")
    out = SignificanceConfig(**raw)
    if not isinstance(out.enabled, bool):
        raise ConfigError(f"significance.enabled must be true or false, got {out.enabled!r}")
    a = out.alpha
    if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a < 1:
        raise ConfigError(f"significance.alpha must be a number in (0, 1), got {a!r}")
    if not isinstance(out.williams, bool):
        raise ConfigError(f"significance.williams must be true or false, got {out.williams!r}")
    if out.correction not in CORRECTIONS:
        raise ConfigError(
            f"significance.correction must be one of {CORRECTIONS}, got {out.correction!r}. "
            "Hint: fdr_bh for many features, bonferroni to bound any false alarm by alpha."
        )
    m = out.min_expected
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not 0 <= m < math.inf:
        raise ConfigError(f"significance.min_expected must be a number >= 0, got {m!r}")
    return dataclasses.replace(out, alpha=float(a), min_expected=float(m))


def parse_noise_floor(value: Any) -> NoiseFloorConfig:
    """Validate the ``noise_floor`` config block."""
    out = NoiseFloorConfig(**_parse_block(value, NoiseFloorConfig, "noise_floor"))
    if out.method not in NOISE_FLOOR_METHODS:
        raise ConfigError(
            f"noise_floor.method must be one of {NOISE_FLOOR_METHODS}, got {out.method!r}"
        )
    for key, lo in (("draws", 1), ("seed", 0)):
        v = getattr(out, key)
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ConfigError(f"noise_floor.{key} must be an integer >= {lo}, got {v!r}")
    return out


def parse_threshold_on(value: Any) -> str:
    """Validate ``threshold_on``."""
    if value not in THRESHOLD_ON:
        raise ConfigError(f"threshold_on must be one of {THRESHOLD_ON}, got {value!r}")
    return str(value)


def _level(value: float, threshold: Threshold) -> str:
    if threshold.drift is not None and value >= threshold.drift:
        return "drift"
    if threshold.warn is not None and value >= threshold.warn:
        return "warn"
    return "ok"


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
    level = _level(on, threshold)
    if config.significance.enabled and not significant:
        return "ok"
    return level


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
        test = dataclasses.replace(
            raw_test,
            p_value_adjusted=p_adj,
            alpha=sig.alpha,
            correction=sig.correction,
            significant=p_adj <= sig.alpha,
        )
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
