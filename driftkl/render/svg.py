"""One feature's histogram as inline SVG, for the HTML report (no plotting library).

Bins are rows, so every label is printed in full and horizontally (a datetime interval is
45 characters); each row holds a reference bar above a current bar, side by side rather than
overlapping, with each side's share printed at the bar's end. The bins that contribute most
to the divergence say so in a right-hand column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.render.escape import html_text
from driftkl.render.figure import (
    CURRENT_COLOUR,
    REFERENCE_COLOUR,
    contribution_labels,
    display_bins,
)
from driftkl.render.numbers import format_share

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView

__all__ = ["feature_svg"]

_CHAR_PX = 6.6  # a generous average glyph width at 11 px, so a label never overflows
_BAR_PX = 10  # height of one side's bar
_ROW_PX = 2 * _BAR_PX + 7  # two bars and the gap to the next bin
_TOP_PX = 26  # legend
_PLOT_PX = 340  # length of the longest bar
_SHARE_PX = 46  # the share printed after each bar


def feature_svg(f: FeatureView) -> str:
    """Reference and current shares of rows per bin, one row per bin, as an SVG string."""
    bins = display_bins(f)
    contrib = contribution_labels(f)
    label_px = max(60, round(_CHAR_PX * max((len(b.label) for b in bins), default=4))) + 8
    bars_x = label_px + 6
    legend, legend_end = _legend(f, bars_x)
    contrib_x = max(bars_x + _PLOT_PX + _SHARE_PX, legend_end) + 10
    width = contrib_x + (120 if contrib else 0)
    height = _TOP_PX + _ROW_PX * max(len(bins), 1) + 4
    top_share = max([max(b.reference_share, b.current_share) for b in bins] + [1e-9])
    name = html_text(f.name)
    out = [
        (
            f'<svg class="dk-hist" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{name}: share of rows per bin, reference and current" '
            'font-size="11" font-family="system-ui,-apple-system,Segoe UI,Roboto,sans-serif">'
        ),
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        legend,
    ]
    if contrib:
        out.append(f'<text x="{contrib_x}" y="13" fill="#555">top contributions</text>')
    for row, b in enumerate(bins):
        y = _TOP_PX + row * _ROW_PX
        tip = (
            f"{b.label}: reference {format_share(b.reference_share)}, "
            f"current {format_share(b.current_share)}"
        )
        out.append(f"<g><title>{html_text(tip)}</title>")
        out.append(
            f'<text x="{label_px}" y="{y + _BAR_PX + 4}" text-anchor="end" fill="#222">'
            f"{html_text(b.label)}</text>"
        )
        for k, (share, colour) in enumerate(
            ((b.reference_share, REFERENCE_COLOUR), (b.current_share, CURRENT_COLOUR))
        ):
            length = _PLOT_PX * share / top_share
            by = y + k * _BAR_PX
            out.append(
                f'<rect x="{bars_x}" y="{by}" width="{length:.1f}" height="{_BAR_PX - 1}" '
                f'fill="{colour}"/>'
                f'<text x="{bars_x + length + 4:.1f}" y="{by + _BAR_PX - 1}" font-size="9.5" '
                f'fill="#444">{format_share(share)}</text>'
            )
        if b.label in contrib:
            out.append(
                f'<text x="{contrib_x}" y="{y + _BAR_PX + 4}" fill="#222" font-weight="600">'
                f"{html_text(contrib[b.label])}</text>"
            )
        out.append("</g>")
    bottom = _TOP_PX + _ROW_PX * len(bins)
    out.append(
        f'<line x1="{bars_x}" x2="{bars_x}" y1="{_TOP_PX - 3}" y2="{bottom}" stroke="#888"/></svg>'
    )
    return "".join(out)


def _legend(f: FeatureView, x: int) -> tuple[str, int]:
    """The two swatches with their sides' names and sizes, and where the legend ends."""
    ref = f"reference, upper bar (n={f.n_reference:,})"
    cur = f"current, lower bar (n={f.n_current:,})"
    x2 = x + 16 + round(_CHAR_PX * len(ref)) + 14
    svg = (
        f'<rect x="{x}" y="4" width="12" height="10" fill="{REFERENCE_COLOUR}"/>'
        f'<text x="{x + 16}" y="13" fill="#222">{ref}</text>'
        f'<rect x="{x2}" y="4" width="12" height="10" fill="{CURRENT_COLOUR}"/>'
        f'<text x="{x2 + 16}" y="13" fill="#222">{cur}</text>'
    )
    return svg, x2 + 16 + round(_CHAR_PX * len(cur))
