"""Matplotlib plot of one feature (optional extra ``driftkl[plot]``).

The HTML report does not need this module: it draws its own SVG (:mod:`driftkl.html`).
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from driftkl._optional import import_optional

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, MetricView, ReportView
__all__ = ["deciding_metric", "plot_feature"]


def deciding_metric(feature: FeatureView) -> tuple[str, MetricView] | None:
    """The metric the decision rule reads: the first with a threshold, else the first one."""
    items = list(feature.metrics.items())
    with_levels = [(n, m) for n, m in items if m.drift is not None or m.warn is not None]
    chosen = with_levels or items
    return chosen[0] if chosen else None


def plot_feature(report: ReportView, feature: FeatureView, *, ax: Any = None) -> Any:
    """Reference and current shares per bin, overlaid on the same bins; returns the Axes.

    The title carries the status, the first metric with its noise floor and the p-value; the
    x labels are the bin labels (bins empty on both sides are left out).

    Raises:
        MissingExtraError: matplotlib is not installed (``pip install 'driftkl[plot]'``).
    """
    plt = import_optional("matplotlib.pyplot", extra="plot", feature="DriftReport.plot()")
    f = feature
    n_r, n_c = max(f.n_reference, 1), max(f.n_current, 1)
    rows = [
        (lab, r / n_r, c / n_c)
        for lab, r, c in zip(f.labels, f.reference_counts, f.current_counts, strict=True)
        if r or c
    ]
    if ax is None:
        _, ax = plt.subplots(figsize=(max(6.0, 0.55 * len(rows)), 3.6))
    x = list(range(len(rows)))
    ax.bar(x, [r for _, r, _ in rows], width=0.9, alpha=0.55, color="#4c78a8",
           label=f"reference (n={f.n_reference})")  # fmt: skip
    ax.bar(x, [c for _, _, c in rows], width=0.9, alpha=0.55, color="#f58518",
           label=f"current (n={f.n_current})")  # fmt: skip
    ax.set_xticks(x, [lab for lab, _, _ in rows], rotation=40, ha="right", fontsize=8)
    ax.set_ylabel("share of rows")
    parts = [f"{f.name}: {f.status.upper()} ({f.rule})"]
    deciding = deciding_metric(f)
    if deciding is not None:
        name, m = deciding
        floor = "" if m.noise_floor is None else f", noise floor {m.noise_floor:.3g}"
        level = "" if m.drift is None else f", drift ≥ {m.drift:.3g}"
        parts.append(f"{name} {m.value:.3g} {m.unit}{floor}{level}")
    if f.test is not None:
        parts.append(f"p = {f.test.p_value_adjusted:.2g}")
    title = "; ".join(parts)
    if f.reason:
        title += "\n" + textwrap.shorten(f.reason, width=120, placeholder=" …")
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=8)
    if f.contributions:
        ax.text(0.99, 0.80, "\n".join(c.describe() for c in f.contributions[:3]),
                transform=ax.transAxes, ha="right", va="top", fontsize=8)  # fmt: skip
    del report  # the report is the entry point; the feature carries everything needed
    return ax
