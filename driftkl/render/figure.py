"""What every picture of one feature shows, whichever library draws it.

The HTML report's SVG and the matplotlib ``plot()`` read the same bins in the same order, the
same deciding metric and the same colours from here:

* **bins in reading order**: numeric and datetime bins by value (as fitted); categories in
  the reference's frequency order, except categories that are all numbers (integer codes,
  ratings, counts), which read in numeric order; ``(other)``, ``(unseen)`` and ``missing``
  come last. Bins empty on both sides are left out.
* **colours**: reference and current come from the Okabe-Ito palette (blue and orange),
  which stays distinct under the common colour-vision deficiencies and in greyscale (one is
  dark, one light); the two sides are drawn side by side, never overlapping.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, MetricView

__all__ = [
    "CURRENT_COLOUR",
    "REFERENCE_COLOUR",
    "DisplayBin",
    "contribution_labels",
    "deciding_metric",
    "display_bins",
]

REFERENCE_COLOUR = "#0072B2"  # Okabe-Ito blue
CURRENT_COLOUR = "#E69F00"  # Okabe-Ito orange
_SPECIAL_CATEGORY_BINS = 3  # (other), (unseen), missing: the last three categorical bins
_VISIBLE_SHARE = 0.005  # a contribution below half a percent would read as "0%"


@dataclass(frozen=True)
class DisplayBin:
    """One bin as drawn: its full label and each side's share of its rows."""

    label: str
    reference_share: float
    current_share: float


def _number(label: str) -> float | None:
    try:
        x = float(label)
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _order(f: FeatureView) -> list[int]:
    """Bin indices in reading order (numeric order for categories that are all numbers)."""
    n = len(f.labels)
    if f.kind != "categorical" or n <= _SPECIAL_CATEGORY_BINS:
        return list(range(n))
    regular = range(n - _SPECIAL_CATEGORY_BINS)
    values = [_number(f.labels[i]) for i in regular]
    if any(v is None for v in values):
        return list(range(n))
    by_value = sorted(regular, key=lambda i: (values[i], i))
    return [*by_value, *range(n - _SPECIAL_CATEGORY_BINS, n)]


def display_bins(f: FeatureView) -> list[DisplayBin]:
    """The bins to draw, in reading order, as shares of each side's rows (missing included).

    Shares of rows, not counts, so sides of different sizes compare directly.
    """
    n_r, n_c = max(f.n_reference, 1), max(f.n_current, 1)
    return [
        DisplayBin(f.labels[i], f.reference_counts[i] / n_r, f.current_counts[i] / n_c)
        for i in _order(f)
        if f.reference_counts[i] or f.current_counts[i]
    ]


def deciding_metric(feature: FeatureView) -> tuple[str, MetricView] | None:
    """The metric the decision rule reads: the first with a threshold, else the first one."""
    items = list(feature.metrics.items())
    with_levels = [(n, m) for n, m in items if m.drift is not None or m.warn is not None]
    chosen = with_levels or items
    return chosen[0] if chosen else None


def contribution_labels(f: FeatureView) -> dict[str, str]:
    """Bin label → ``"74% of KL"`` (or of JS) for the bins the report lists as top contributors.

    Contributions that would print as ``0%`` are left out.
    """
    out = {}
    for c in f.contributions:
        share, of = (c.kl_share, "KL") if c.kl_share is not None else (c.js_share, "JS")
        if share >= _VISIBLE_SHARE:
            out[c.label] = f"{share:.0%} of {of}"
    return out
