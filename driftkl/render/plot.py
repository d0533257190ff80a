"""Matplotlib plot of one feature (optional extra ``driftkl[plot]``).

The HTML report does not need this module: it draws its own SVG (:mod:`driftkl.render.svg`).
Both draw the same picture: one row per bin with its full label, a reference bar above a
current bar in the colour-blind-safe colours of :mod:`driftkl.render.figure`.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from driftkl._optional import import_optional
from driftkl.render.figure import (
    CURRENT_COLOUR,
    REFERENCE_COLOUR,
    contribution_labels,
    deciding_metric,
    display_bins,
)
from driftkl.render.numbers import format_noise_floor, format_number, format_share, p_equals

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, ReportView
__all__ = ["deciding_metric", "plot_feature"]

_BAR = 0.38  # height of one side's bar, in rows


def _title(f: FeatureView) -> str:
    status = "EVENT TIME (reported, not judged)" if f.rule == "event_time" else f.status.upper()
    lines = [f"{f.name}: {status}" + ("" if f.rule == "event_time" else f" (rule: {f.rule})")]
    facts = []
    deciding = deciding_metric(f)
    if deciding is not None:
        name, m = deciding
        fact = f"{name} {format_number(m.value)} {m.unit}"
        if m.noise_floor is not None:
            fact += f", noise floor {format_noise_floor(m.noise_floor)}"
        if m.drift is not None:
            fact += f", drift ≥ {format_number(m.drift)}"
        facts.append(fact)
    if f.test is not None:
        facts.append(p_equals(f.test.p_value_adjusted))
    if facts:
        lines.append("; ".join(facts))
    if f.reason:
        lines.append(textwrap.fill(f.reason, width=110))
    return "\n".join(lines)


def plot_feature(report: ReportView, feature: FeatureView, *, ax: Any = None) -> Any:
    """Reference and current shares of rows per bin, side by side; returns the Axes.

    One row per bin (bins empty on both sides are left out), labelled in full: the reference
    bar above the current bar, each with its share printed at its end. The bins that
    contribute most to the divergence are named to the right of the axes, outside the bars.
    The title carries the status and its rule, the deciding metric with its noise floor and
    drift threshold, the p-value and the reason.

    Raises:
        MissingExtraError: matplotlib is not installed (``pip install 'driftkl[plot]'``).
    """
    plt = import_optional("matplotlib.pyplot", extra="plot", feature="DriftReport.plot()")
    f = feature
    bins = display_bins(f)
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, max(2.4, 0.34 * len(bins) + 1.6)))
    rows = list(range(len(bins)))
    ref = [b.reference_share for b in bins]
    cur = [b.current_share for b in bins]
    ax.barh([y - _BAR / 2 for y in rows], ref, height=_BAR, color=REFERENCE_COLOUR,
            label=f"reference (n={f.n_reference:,}), upper bar")  # fmt: skip
    ax.barh([y + _BAR / 2 for y in rows], cur, height=_BAR, color=CURRENT_COLOUR,
            label=f"current (n={f.n_current:,}), lower bar")  # fmt: skip
    top = max([*ref, *cur, 1e-9])
    for y, r, c in zip(rows, ref, cur, strict=True):
        for dy, share in ((-_BAR / 2, r), (_BAR / 2, c)):
            ax.annotate(format_share(share), (share, y + dy), xytext=(3, 0), color="#444",
                        textcoords="offset points", va="center", fontsize=7)  # fmt: skip
    ax.set_xlim(0, top * 1.18)  # room for the share printed after the longest bar
    ax.set_yticks(rows, [b.label for b in bins], fontsize=8)
    ax.set_ylim(len(bins) - 0.5, -0.5)  # first bin on top, reading downwards
    ax.xaxis.set_visible(False)  # each bar prints its share; an axis would repeat it
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(_title(f), fontsize=8.5, loc="left")
    # below the axes, where nothing else is drawn: never over a bar or a number
    ax.legend(fontsize=7.5, loc="upper left", bbox_to_anchor=(0.0, 0.0), ncols=2, frameon=False)
    rows_of = {b.label: y for y, b in enumerate(bins)}
    for label, text in contribution_labels(f).items():
        if label in rows_of:  # right of the axes, level with its bin
            ax.annotate(text, (1.0, rows_of[label]), xytext=(6, 0), fontsize=7.5, va="center",
                        xycoords=("axes fraction", "data"), textcoords="offset points",
                        annotation_clip=False)  # fmt: skip
    del report  # the report is the entry point; the feature carries everything needed
    return ax
