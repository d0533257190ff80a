"""HTML rendering of a :class:`~driftkl.report.DriftReport` (notebook and standalone page).

No plotting library and no network asset: the histograms are inline SVG written here, styles
are inline CSS. Used by ``DriftReport._repr_html_`` (Jupyter) and ``DriftReport.to_html``.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING

from driftkl.render.escape import html_text

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, MetricView, ReportView
__all__ = ["CSS", "STATUS_COLOURS", "feature_svg", "fmt_number", "report_html"]

_REF, _CUR = "#4c78a8", "#f58518"
STATUS_COLOURS = {"ok": "#2e7d32", "warn": "#b26a00", "drift": "#c62828"}
CSS = """
.driftkl{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;
color:#222;max-width:1100px}
.driftkl table{border-collapse:collapse;margin:8px 0 16px}
.driftkl th,.driftkl td{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;
vertical-align:top}
.driftkl td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.driftkl .badge{color:#fff;border-radius:3px;padding:1px 6px;font-weight:600;font-size:12px}
.driftkl .muted{color:#666;font-size:12px}
.driftkl section{border-top:1px solid #ccc;margin-top:14px;padding-top:6px}
.driftkl .bar{display:inline-block;height:10px;background:#999;vertical-align:middle}
"""


def fmt_number(x: float | None) -> str:
    """A value with 3 significant digits (``inf``, empty for ``None``)."""
    if x is None:
        return ""
    if math.isinf(x):
        return "inf"
    return f"{x:.3g}" if x == 0 or abs(x) >= 1e-3 else f"{x:.2e}"  # noqa: PLR2004


def _p(p: float) -> str:
    return "&lt; 1e-300" if p <= 0 else (f"{p:.3f}" if p >= 1e-3 else f"{p:.1e}")  # noqa: PLR2004


def _badge(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#555")
    return f'<span class="badge" style="background:{colour}">{escape(status.upper())}</span>'


def _feature_badge(f: FeatureView) -> str:
    """The status badge; event-time columns (not judged) get a grey "event time" one."""
    return _badge("event time") if f.rule == "event_time" else _badge(f.status)


def _primary(report: ReportView) -> str | None:
    """The metric the summary is sorted by: the first one with a threshold, else the first."""
    names = [n for f in report.features for n in f.metrics]
    for f in report.features:
        for n, m in f.metrics.items():
            if m.drift is not None or m.warn is not None:
                return n
    return names[0] if names else None


def _metric_cell(m: MetricView) -> str:
    floor = "" if m.noise_floor is None else f"noise floor {fmt_number(m.noise_floor)}"
    return f"{fmt_number(m.value)} {escape(m.unit)}<br><span class='muted'>{floor}</span>"


def feature_svg(f: FeatureView, *, width: int = 640, height: int = 230) -> str:
    """Reference and current shares per bin, overlaid on the same bins, as an SVG string.

    Bins empty on both sides are left out. Bars are shares of each side's rows, so sides of
    different sizes compare directly.
    """
    n_r, n_c = max(f.n_reference, 1), max(f.n_current, 1)
    bins = [
        (lab, r / n_r, c / n_c)
        for lab, r, c in zip(f.labels, f.reference_counts, f.current_counts, strict=True)
        if r or c
    ]
    left, right, top, bottom = 92, 10, 22, 80
    pw, ph = width - left - right, height - top - bottom
    top_share = max([max(r, c) for _, r, c in bins] + [1e-9])
    bw = pw / max(len(bins), 1)
    out = [
        (
            f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
            f'role="img" aria-label="{escape(f.name)} histogram">'
        ),
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fff"/>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = top + ph * (1 - frac)
        out.append(
            f'<line x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e3e3e3"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="#555">{top_share * frac:.0%}</text>'
        )
    for i, (lab, r, c) in enumerate(bins):
        x = left + i * bw
        for share, colour in ((r, _REF), (c, _CUR)):
            h = ph * share / top_share
            out.append(
                f'<rect x="{x + 1:.1f}" y="{top + ph - h:.1f}" width="{max(bw - 2, 1):.1f}" '
                f'height="{h:.1f}" fill="{colour}" fill-opacity="0.55">'
                f"<title>{escape(lab)}: reference {r:.1%}, current {c:.1%}</title></rect>"
            )
        short = lab if len(lab) <= 18 else lab[:17] + "…"  # noqa: PLR2004
        cx, cy = x + bw / 2, top + ph + 10
        out.append(
            f'<text x="{cx:.1f}" y="{cy:.1f}" font-size="10" fill="#333" text-anchor="end" '
            f'transform="rotate(-40 {cx:.1f} {cy:.1f})">{escape(short)}</text>'
        )
    out.append(
        f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" stroke="#888"/>'
        f'<rect x="{left + 4}" y="4" width="10" height="10" fill="{_REF}" fill-opacity="0.55"/>'
        f'<text x="{left + 18}" y="13" font-size="11">reference (n={f.n_reference})</text>'
        f'<rect x="{left + 170}" y="4" width="10" height="10" fill="{_CUR}" '
        'fill-opacity="0.55"/>'
        f'<text x="{left + 184}" y="13" font-size="11">current (n={f.n_current})</text></svg>'
    )
    return "".join(out)


def _contributions_table(f: FeatureView) -> str:
    if not f.contributions:
        return ""
    kl = f.contributions[0].kl_share is not None
    head = "share of KL" if kl else "share of JS"
    rows = []
    for c in f.contributions:
        share = c.kl_share if c.kl_share is not None else c.js_share
        rows.append(
            f"<tr><td>{escape(c.label)}</td><td class='num'>{c.reference_share:.1%}</td>"
            f"<td class='num'>{c.current_share:.1%}</td><td class='num'>{share:.0%} "
            f"<span class='bar' style='width:{share * 80:.0f}px'></span></td>"
            f"<td class='num'>{c.js_share:.0%}</td></tr>"
        )
    return (
        "<table><tr><th>top bins</th><th>reference</th><th>current</th>"
        f"<th>{head}</th><th>share of JS</th></tr>" + "".join(rows) + "</table>"
    )


def _feature_section(f: FeatureView) -> str:
    metrics = "; ".join(
        f"{escape(n)} {fmt_number(m.value)} {escape(m.unit)}"
        + ("" if m.noise_floor is None else f", noise floor {fmt_number(m.noise_floor)}")
        for n, m in f.metrics.items()
    )
    test = ""
    if f.test is not None:
        t = f.test
        adj = (
            ""
            if t.correction == "none"
            else f", adjusted ({html_text(t.correction)}) {_p(t.p_value_adjusted)}"
        )
        pooled = f" (sparse bins pooled: {t.bins_pooled})" if t.bins_pooled else ""
        test = (
            f"<div class='muted'>{escape(t.method)}: p = {_p(t.p_value)}{adj}, df = {t.df}, "
            f"α = {t.alpha:g}{pooled}</div>"
        )
    notes = "".join(f"<li>{escape(n)}</li>" for n in f.notes)
    return (
        f"<section id='feature-{escape(f.name)}'><h3>{escape(f.name)} {_feature_badge(f)} "
        f"<span class='muted'>{escape(f.kind)}, {escape(f.dtype)}</span></h3>"
        f"<div><b>why:</b> {escape(f.reason)}</div>"
        f"<div>{metrics}</div>{test}{feature_svg(f)}{_contributions_table(f)}"
        + (f"<ul class='muted'>{notes}</ul>" if notes else "")
        + "</section>"
    )


def report_html(report: ReportView, *, standalone: bool = False) -> str:
    """The report as HTML: summary table sorted by divergence, then one section per feature.

    Args:
        report: the report to render.
        standalone: a full ``<!DOCTYPE html>`` page (for :meth:`DriftReport.to_html`) rather
            than a fragment (for Jupyter).
    """
    primary = _primary(report)

    def key(f: FeatureView) -> tuple[bool, float]:
        m = f.metrics.get(primary) if primary else None
        return f.rule == "event_time", -(m.value if m is not None else 0.0)  # unjudged last

    features = sorted(report.features, key=key)
    metric_names = list(dict.fromkeys(n for f in features for n in f.metrics))
    head = "".join(f"<th>{escape(n)}</th>" for n in metric_names)
    rows = []
    for f in features:
        cells = "".join(
            f"<td class='num'>{_metric_cell(f.metrics[n]) if n in f.metrics else ''}</td>"
            for n in metric_names
        )
        p = "" if f.test is None else _p(f.test.p_value_adjusted)
        top = "; ".join(escape(c.describe()) for c in f.contributions[:2])
        rows.append(
            f"<tr><td><a href='#feature-{escape(f.name)}'>{escape(f.name)}</a></td>"
            f"<td>{escape(f.kind)}</td><td>{_feature_badge(f)}</td>{cells}"
            f"<td class='num'>{p}</td><td class='muted'>{top}</td>"
            f"<td class='muted'>{escape(f.reason)}</td></tr>"
        )
    s = report.summary()
    st = report.settings
    sig = st.get("significance") or {}
    correction = sig.get("correction", "none")
    p_head = "p-value" if correction == "none" else f"p-value ({escape(str(correction))})"
    min_share = float((st.get("novelty") or {}).get("min_share") or 0.0)
    body = (
        f"<div class='driftkl'><style>{CSS}</style>"
        f"<h2>driftkl: {escape(report.dataset)} {_badge(s['status'])}</h2>"
        f"<div class='muted'>{s['features_drifted']} of {s['features_checked']} features "
        f"drifted, {s['features_warn']} warn; reference rows "
        f"{html_text(report.reference.get('rows'))}, current rows "
        f"{html_text(report.current.get('rows'))}; divergences in "
        f"{escape(str(st.get('unit')))}, KL direction {escape(str(st.get('direction')))}, "
        f"pseudo-count {escape(str(st.get('pseudo_count')))}; drift = "
        f"{'value' if st.get('threshold_on') == 'plug_in' else 'value net of noise'} ≥ "
        f"threshold and p ≤ α = {escape(str(sig.get('alpha', '')))}"
        f"{'' if sig.get('enabled', True) else ' (significance disabled)'}, or a significant "
        f"novel share ≥ {min_share:.2%}"
        f". Sorted by "
        f"{escape(str(primary))}.</div>"
        f"<table><tr><th>feature</th><th>kind</th><th>status</th>{head}<th>{p_head}</th>"
        f"<th>top bins</th><th>why</th></tr>{''.join(rows)}</table>"
        + "".join(_feature_section(f) for f in features)
        + "</div>"
    )
    if not standalone:
        return body
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>driftkl report: {escape(report.dataset)}</title></head><body>{body}</body></html>"
    )
