"""HTML rendering of a :class:`~driftkl.report.DriftReport` (notebook and standalone page).

No plotting library and no network asset: the histograms are inline SVG
(:mod:`driftkl.render.svg`), styles are inline CSS scoped to the report's root element. Used
by ``DriftReport._repr_html_`` (Jupyter) and ``DriftReport.to_html``.

Jupyter right-aligns every table cell of an output (``text-align: right`` with a selector
more specific than a plain class); the report's text cells are left-aligned with
``!important`` inside its own ``.driftkl`` scope, numbers stay right-aligned, and nothing
outside the report is styled.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from driftkl.render.escape import html_text
from driftkl.render.numbers import (
    UNBOUNDED_FLOOR_NOTE,
    describe_log,
    format_noise_floor,
    format_number,
    format_p_value,
    p_equals,
)
from driftkl.render.svg import feature_svg

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, MetricView, ReportView
__all__ = ["CSS", "STATUS_COLOURS", "report_html"]

STATUS_COLOURS = {"ok": "#2e7d32", "warn": "#a15c00", "drift": "#c62828"}
CSS = """
.driftkl{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;font-size:14px;
color:#222;background:#fff;max-width:1200px;padding:4px 8px;line-height:1.4}
.driftkl table{border-collapse:collapse;margin:8px 0 16px;table-layout:auto!important}
.driftkl th,.driftkl td{border-bottom:1px solid #ddd;padding:3px 8px;vertical-align:baseline;
text-align:left!important;white-space:nowrap}
.driftkl th{vertical-align:bottom}
.driftkl td.num,.driftkl th.num{text-align:right!important;font-variant-numeric:tabular-nums}
.driftkl td.wrap{white-space:normal;min-width:12em;max-width:32em}
.driftkl .dk-scroll{overflow-x:auto}
.driftkl .nw{white-space:nowrap}
.driftkl .badge{color:#fff;border-radius:3px;padding:1px 6px;font-weight:600;font-size:12px;
white-space:nowrap}
.driftkl .muted{color:#555;font-size:12px}
.driftkl details{border-top:1px solid #ccc;margin-top:10px;padding-top:4px}
.driftkl summary{cursor:pointer;font-size:16px;font-weight:600;padding:2px 0}
.driftkl .dk-line{margin:2px 0}
"""


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


def _metric_head(name: str, m: MetricView) -> str:
    direction = (
        ""
        if m.direction == "symmetric"
        else f"<br><span class='muted'>{html_text(m.direction)}</span>"
    )
    return f"{html_text(name)}<br>[{html_text(m.unit)}]{direction}"


def _warn_drift(m: MetricView) -> str:
    return f"{format_number(m.warn) or '–'} / {format_number(m.drift) or '–'}"


def _levels(m: MetricView) -> str:
    parts = [
        f"{k} ≥ {format_number(v)}"
        for k, v in (("warn", m.warn), ("drift", m.drift))
        if v is not None
    ]
    return ", ".join(parts)


def _top_bin(f: FeatureView) -> str:
    """The largest contributor; its label never breaks across lines (a timestamp has '-')."""
    if not f.contributions:
        return ""
    c = f.contributions[0]
    share, of = (c.kl_share, "KL") if c.kl_share is not None else (c.js_share, "JS")
    return f"<span class='nw'>{html_text(c.label)}</span>: {share:.0%} of {of}"


def _summary_row(f: FeatureView, others: list[str], primary: str | None) -> str:
    m = f.metrics.get(primary) if primary else None
    decision = (
        "<td></td>" * 3
        if m is None
        else f"<td class='num'><b>{format_number(m.value)}</b></td>"
        f"<td class='num muted'>{format_noise_floor(m.noise_floor)}</td>"
        f"<td class='num muted'>{_warn_drift(m)}</td>"
    )
    p = "" if f.test is None else format_p_value(f.test.p_value_adjusted)
    rest = "".join(
        f"<td class='num'>{format_number(f.metrics[n].value) if n in f.metrics else ''}</td>"
        for n in others
    )
    return (
        f"<tr><td><a href='#feature-{html_text(f.name)}'>{html_text(f.name)}</a></td>"
        f"<td title='{html_text(f.reason)}'>{_feature_badge(f)}</td>{decision}"
        f"<td class='num'>{p}</td>{rest}<td class='wrap'>{_top_bin(f)}</td></tr>"
    )


def _summary_table(report: ReportView, features: list[FeatureView], primary: str | None) -> str:
    """Feature, status, the deciding metric with its floor and thresholds, p, other metrics."""
    names = list(dict.fromkeys(n for f in features for n in f.metrics))
    first = {n: next(f.metrics[n] for f in features if n in f.metrics) for n in names}
    others = [n for n in names if n != primary]
    correction = str((report.settings.get("significance") or {}).get("correction", "none"))
    p_head = "p-value" if correction == "none" else f"p-value<br>({html_text(correction)})"
    decision = (
        ""
        if primary is None
        else f"<th class='num'>{_metric_head(primary, first[primary])}</th>"
        "<th class='num'>noise<br>floor</th><th class='num'>warn / drift<br>thresholds</th>"
    )
    rest = "".join(f"<th class='num'>{_metric_head(n, first[n])}</th>" for n in others)
    return (
        "<div class='dk-scroll'><table><tr><th>feature</th><th>status</th>"
        f"{decision}<th class='num'>{p_head}</th>{rest}<th>top bin</th></tr>"
        + "".join(_summary_row(f, others, primary) for f in features)
        + "</table></div>"
    )


def _feature_section(f: FeatureView) -> str:
    metrics = "; ".join(
        f"{html_text(n)} <b>{format_number(m.value)}</b> {html_text(m.unit)}"
        + ("" if m.noise_floor is None else f" (noise floor {format_noise_floor(m.noise_floor)})")
        + (f", {_levels(m)}" if _levels(m) else "")
        for n, m in f.metrics.items()
    )
    test = ""
    if f.test is not None:
        t = f.test
        adj = (
            ""
            if t.correction == "none"
            else f"; adjusted ({html_text(t.correction)}) {p_equals(t.p_value_adjusted)}"
        )
        pooled = f" (sparse bins pooled: {t.bins_pooled})" if t.bins_pooled else ""
        # the correction adjusts the combined p-value: show it, or adjusted < raw looks wrong
        rank = (
            ""
            if t.rank_p_value is None
            else f"; rank-sum: {p_equals(t.rank_p_value)}; combined (Simes): "
            f"{p_equals(t.combined_p_value)}"
        )
        test = (
            f"<div class='dk-line muted'>{html_text(t.method)}: {p_equals(t.p_value)}{rank}"
            f"{adj}, df = {t.df}, α = {t.alpha:g}{pooled}</div>"
        )
    notes = "".join(f"<li>{html_text(n)}</li>" for n in f.notes)
    opened = " open" if f.status != "ok" and f.rule != "event_time" else ""
    return (
        f"<details id='feature-{html_text(f.name)}'{opened}><summary>{html_text(f.name)} "
        f"{_feature_badge(f)} <span class='muted'>{html_text(f.kind)}, {html_text(f.dtype)}"
        f"</span></summary><div class='dk-line'><b>why:</b> {html_text(f.reason)}</div>"
        f"<div class='dk-line'>{metrics}</div>{test}{feature_svg(f)}"
        + (f"<ul class='muted'>{notes}</ul>" if notes else "")
        + "</details>"
    )


def _schema_count(report: ReportView) -> str:
    n = len(report.schema_changes)
    link = f"<a href='#schema-changes'>{n} schema change{'s' if n != 1 else ''}</a>"
    return f", <b>{link}</b>" if n else ""


def _header(report: ReportView, primary: str | None) -> str:
    s = report.summary()
    st = report.settings
    sig = st.get("significance") or {}
    min_share = float((st.get("novelty") or {}).get("min_share") or 0.0)
    effect = "value" if st.get("threshold_on") == "plug_in" else "value net of noise"
    unbounded = any(
        m.noise_floor == float("inf") for f in report.features for m in f.metrics.values()
    )
    return (
        f"<h2>driftkl: {html_text(report.dataset)} {_badge(s['status'])}</h2>"
        f"<div class='dk-line'><b>{s['features_drifted']}</b> of {s['features_checked']} "
        f"features drifted, <b>{s['features_warn']}</b> warn{_schema_count(report)}; "
        "reference rows "
        f"{html_text(report.reference.get('rows'))}, current rows "
        f"{html_text(report.current.get('rows'))}.</div>"
        f"<div class='dk-line muted'>Divergences in "
        f"{html_text(describe_log(st.get('unit'), st.get('base')))}, KL direction "
        f"{html_text(st.get('direction'))}, pseudo-count {html_text(st.get('pseudo_count'))}. "
        f"Drift = {effect} ≥ threshold and p ≤ α = {html_text(sig.get('alpha', ''))}"
        f"{'' if sig.get('enabled', True) else ' (significance disabled)'}, or a significant "
        f"novel share ≥ {min_share:.2%}. Sorted by {html_text(primary)}; hover a status for "
        "the reason, click a feature for its histogram.</div>"
        + (
            f"<div class='dk-line muted'>{html_text(UNBOUNDED_FLOOR_NOTE)}.</div>"
            if unbounded
            else ""
        )
    )


def _schema_section(report: ReportView) -> str:
    if not report.schema_changes:
        return ""
    rows = "".join(
        f"<tr><td>{escape(c.column)}</td><td>{escape(c.change)}</td><td>{_badge(c.status)}</td>"
        f"<td class='muted wrap'>{escape(c.reason)}</td></tr>"
        for c in report.schema_changes
    )
    return (
        "<section id='schema-changes'><h3>Schema changes</h3><table><tr><th>column</th>"
        f"<th>change</th><th>status</th><th>why</th></tr>{rows}</table></section>"
    )


def report_html(report: ReportView, *, standalone: bool = False) -> str:
    """The report as HTML: summary table sorted by divergence, then one section per feature.

    Sections of drifted and warned features are open; the others are collapsed.

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
    body = (
        f"<div class='driftkl'><style>{CSS}</style>{_header(report, primary)}"
        f"{_summary_table(report, features, primary)}"
        + _schema_section(report)
        + "".join(_feature_section(f) for f in features)
        + "</div>"
    )
    if not standalone:
        return body
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>driftkl report: {html_text(report.dataset)}</title></head><body>{body}</body>"
        "</html>"
    )
