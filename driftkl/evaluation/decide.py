"""The decision rule: when is a feature "drift", "warn" or "ok", and why.

Two rules, each on its own test; a feature takes the worse of their statuses.

**Distribution rule** (the ordinary bins). A metric with thresholds is at level ``drift``
(``warn``) when

1. its effect is ``≥`` the drift (warn) threshold — the effect is the value net of its noise
   floor (``threshold_on: bias_corrected``, default) or the plug-in value (``plug_in``); the
   default level, JS divergence ≥ 0.001 bits, is what a 0.08σ mean shift reaches: smaller
   differences are trivia at any sample size; **and**
2. the difference is statistically significant: the distribution p-value on the ordinary
   bins, after the report-wide correction, is ``≤ alpha`` — small samples cannot cry wolf.
   For categorical features it is the G-test's; for numeric ones the G-test (any change of
   shape) and a rank-sum test on the ordered bins (location shifts, which a G-test on many
   bins needs far more rows to see) joined by Simes' rule: ``min(2·p₍₁₎, p₍₂₎)``.

``thresholds: {}`` keeps only significance (``drift`` exactly when the test is significant);
``significance: {enabled: false}`` keeps only the thresholds.

**Novelty rule** (values below or above the reference range, categories the reference never
had). ``drift`` when the exact novelty test (:mod:`driftkl.stats.novelty`), after the
correction, is ``≤ alpha`` **and** at least ``novelty.min_share`` of the current rows are
novel. These bins are never pooled into the G-test, so a few percent of new values cannot be
diluted away by the ordinary bins.

**Across features.** Every test of the report (distribution and novelty, of every judged
feature) enters one multiple-testing correction: ``fdr_bh`` (default, Benjamini-Hochberg: the
expected share of false alarms among flagged tests is at most α), ``bonferroni`` (the chance
of any false alarm at most α) or ``none`` (α per test). Event-time columns are reported but
not judged, and take no part in the correction.

Every feature carries the rule that decided it and a one-line reason with the values, units,
p-values and α, so "ok" and "drift" both explain themselves.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from driftkl.model.status import level, worst
from driftkl.render.numbers import p_equals
from driftkl.stats.significance import adjust_p_values

if TYPE_CHECKING:
    from collections.abc import Sequence

    from driftkl.config import DriftConfig
    from driftkl.model.report import FeatureResult, MetricValue

__all__ = ["decide"]


def _num(x: float) -> str:
    return f"{x:.3g}"


def _effect(m: MetricValue, config: DriftConfig) -> tuple[float, str]:
    if config.threshold_on == "bias_corrected" and m.bias_corrected is not None:
        return m.bias_corrected, " net of noise"
    return m.value, ""


def _distribution(
    f: FeatureResult, p_adj: float, config: DriftConfig
) -> tuple[str, dict[str, MetricValue], str]:
    """Status, metrics with their statuses, and the reason, under the distribution rule."""
    sig = config.significance
    alpha = sig.alpha
    significant = p_adj <= alpha
    p_text = f"{p_equals(p_adj)} {'≤' if significant else '>'} α = {alpha:g}"
    gated = sig.enabled and not significant
    metrics: dict[str, MetricValue] = {}
    reasons: list[tuple[int, str]] = []
    for name, m in f.metrics.items():
        if m.warn is None and m.drift is None:
            metrics[name] = dataclasses.replace(m, status="ok")
            continue
        effect, net = _effect(m, config)
        reached = level(effect, m.warn, m.drift)
        status = "ok" if gated else reached
        metrics[name] = dataclasses.replace(m, status=status)
        word, bound = (
            ("drift", m.drift)
            if m.drift is not None and (reached == "drift" or m.warn is None)
            else ("warn", m.warn or 0.0)
        )
        cmp = "≥" if reached != "ok" else "<"
        text = f"{name} {_num(effect)} {m.unit}{net} {cmp} {word} {_num(bound)} {m.unit}"
        if reached != "ok" and gated:
            text += f" but {p_text}"
        elif reached == "ok" and significant:
            text = f"{p_text} but {text}"
        elif sig.enabled:
            text += f" and {p_text}"
        reasons.append((("ok", "warn", "drift").index(status), text))
    if not reasons:  # no thresholds: significance alone decides
        status = "drift" if sig.enabled and significant else "ok"
        return status, metrics, f"distribution test {p_text} (no effect thresholds)"
    status = worst(m.status for m in metrics.values())
    return status, metrics, max(reasons)[1]


def _novelty(f: FeatureResult, p_adj: float | None, config: DriftConfig) -> tuple[str, str]:
    """Status and reason under the novelty rule."""
    nov = f.novelty
    if nov is None or nov.current_novel == 0 or p_adj is None:
        return "ok", ""
    what = "outside the reference range" if f.kind != "categorical" else "in unseen categories"
    seen = f.novel_values
    if seen.get("unseen_values"):
        shown = ", ".join(f"{u['value']!r} ×{u['count']}" for u in seen["unseen_values"][:3])
        what += f" ({shown})"
    elif seen.get("unseen_distinct_over"):
        what += f" (more than {seen['unseen_distinct_over']:,} distinct values)"
    elif "current_min" in seen or "current_max" in seen:
        ends = ", ".join(
            f"{k.split('_')[1]} {seen[k]:.4g}" for k in ("current_min", "current_max") if k in seen
        )
        span = f"[{seen['reference_min']:.4g}, {seen['reference_max']:.4g}]"
        what += f" {span} (current {ends})"
    alpha = config.significance.alpha
    share, floor = nov.share, config.novelty.min_share
    significant = p_adj <= alpha
    text = (
        f"{share:.2%} of current values {what} (novelty {p_equals(p_adj)} "
        f"{'≤' if significant else '>'} α = {alpha:g}; minimum share {floor:.2%})"
    )
    fires = (
        config.novelty.enabled
        and share >= floor
        and (significant or not config.significance.enabled)
    )
    return ("drift" if fires else "ok"), text


def decide(results: Sequence[FeatureResult], config: DriftConfig) -> tuple[FeatureResult, ...]:
    """Apply the report-wide correction to every test and set every status, rule and reason."""
    sig = config.significance
    keys: list[tuple[int, str]] = []
    raw: list[float] = []
    for i, r in enumerate(results):
        if not r.judged:
            continue
        if r.test is not None:
            keys.append((i, "distribution"))
            raw.append(r.test.combined_p_value)
        if r.novelty is not None and r.novelty.current_novel > 0:
            keys.append((i, "novelty"))
            raw.append(r.novelty.p_value)
    adjusted = dict(zip(keys, adjust_p_values(raw, sig.correction).tolist(), strict=True))
    out = []
    for i, r in enumerate(results):
        if not r.judged:
            metrics = {n: dataclasses.replace(m, status="ok") for n, m in r.metrics.items()}
            note = f"event-time column: reported, not judged (columns.{r.name}.kind: datetime)"
            out.append(
                dataclasses.replace(r, metrics=metrics, status="ok", rule="event_time", reason=note)
            )
            continue
        test = r.test
        p_dist = adjusted.get((i, "distribution"), 1.0)
        if test is not None:
            test = test.judged(
                p_value_adjusted=p_dist,
                alpha=sig.alpha,
                correction=sig.correction,
                rank_p_value=test.rank_p_value,
            )
        dist_status, metrics, dist_reason = _distribution(r, p_dist, config)
        p_nov = adjusted.get((i, "novelty"))
        novelty = r.novelty
        if novelty is not None and p_nov is not None:
            novelty = dataclasses.replace(novelty, p_value_adjusted=p_nov)
        nov_status, nov_reason = _novelty(r, p_nov, config)
        status = worst([dist_status, nov_status])
        fired = [
            name
            for name, s in (("distribution", dist_status), ("novelty", nov_status))
            if s == status and status != "ok"
        ]
        rule = "+".join(fired) or "none"
        parts = [dist_reason] if dist_status == status or not nov_reason else []
        if nov_reason and (nov_status == status or dist_status == "ok"):
            parts.append(nov_reason)
        reason = "; ".join(p for p in parts if p) + f" → {status}"
        out.append(
            dataclasses.replace(
                r,
                metrics=metrics,
                test=test,
                novelty=novelty,
                status=status,
                rule=rule,
                reason=reason,
            )
        )
    return tuple(out)
