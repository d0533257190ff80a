"""The words around a report's numbers: value formats, short metric names, legend and footer.

Shared by the wide table, the terminal-width table and the Markdown table, so that the three
say the same thing about units, direction and the decision rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftkl.render.numbers import UNBOUNDED_FLOOR_NOTE, describe_log

if TYPE_CHECKING:
    from collections.abc import Mapping

    from driftkl.render.views import FeatureView, ReportView

__all__ = [
    "SHORT_NAMES",
    "floor_notes",
    "format_count",
    "kl_notation",
    "legend",
    "metric_names",
    "rule",
    "schema_note",
    "short_name",
    "status_cell",
    "status_line",
]

SHORT_NAMES = {
    "kl_divergence": "KL",
    "js_divergence": "JS",
    "js_distance": "JS dist",
    "psi": "PSI",
}


def format_count(n: int) -> str:
    """A row count in at most 5 characters: ``950``, ``20k``, ``5.0M``, ``1.2G``.

    >>> [format_count(n) for n in (950, 20_000, 5_000_000, 1_234_567_890)]
    ['950', '20k', '5.0M', '1.2G']
    """
    for scale, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if n >= scale:
            x = n / scale
            return f"{x:.1f}{suffix}" if x < 10 else f"{x:.0f}{suffix}"  # noqa: PLR2004
    return str(n)


def short_name(metric: str) -> str:
    """The column header of a metric (``KL``, ``JS``...; unknown metrics keep their name)."""
    return SHORT_NAMES.get(metric, metric)


def metric_names(report: ReportView) -> list[str]:
    """Every metric of the report, in first-seen order."""
    names: list[str] = []
    for f in report.features:
        names += [n for n in f.metrics if n not in names]
    return names


def status_cell(f: FeatureView) -> str:
    """The status as the tables show it: ``DRIFT``, ``warn``, ``ok`` or ``event time``."""
    if f.rule == "event_time":
        return "event time"
    return f.status.upper() if f.status == "drift" else f.status


def kl_notation(settings: Mapping[str, Any]) -> str:
    """``D(current‖reference)`` for the report's KL direction."""
    first, _, second = str(settings.get("direction", "||")).partition("||")
    return f"D({first}‖{second})"


def legend(report: ReportView) -> str:
    """What the short headers and cells mean: names, direction, unit, base, floors, rows."""
    st = report.settings
    parts = []
    for name in metric_names(report):
        m = next(f.metrics[name] for f in report.features if name in f.metrics)
        what = name if short_name(name) == name else f"{short_name(name)} = {name}"
        if m.direction != "symmetric":
            what += f" {kl_notation(st)}"
        parts.append(f"{what} [{m.unit}]")
    text = "; ".join(parts)
    if st.get("unit") is not None:
        text += f"; {describe_log(st.get('unit'), st.get('base'))}"
    text += "; (…) = noise floor"
    sig = st.get("significance") or {}
    corr = sig.get("correction", "none")
    if sig and corr != "none":
        text += f"; p-value {corr}-adjusted"
    ref, cur = report.reference.get("rows"), report.current.get("rows")
    if isinstance(ref, int) and isinstance(cur, int):
        text += f"; rows: {ref:,} reference, {cur:,} current"
    return text


def schema_note(report: ReportView) -> str:
    """``, 2 schema changes`` (or ``""`` when the columns match the reference)."""
    n = len(report.schema_changes)
    return f", {n} schema change{'s' if n != 1 else ''}" if n else ""


def floor_notes(report: ReportView) -> list[str]:
    """The sentence explaining an ``unbounded`` noise floor, when the report shows one."""
    floors = (m.noise_floor for f in report.features for m in f.metrics.values())
    return [UNBOUNDED_FLOOR_NOTE] if any(x == float("inf") for x in floors) else []


def status_line(report: ReportView) -> str:
    """The overall status, feature counts, pseudo-count and the decision rule."""
    s = report.summary()
    st = report.settings
    return (
        f"status: {s['status']} ({s['features_drifted']} of {s['features_checked']} features "
        f"drifted, {s['features_warn']} warn{schema_note(report)}); pseudo-count "
        f"{st.get('pseudo_count')}" + rule(st)
    )


def rule(settings: Mapping[str, Any]) -> str:
    """``; drift = ...``: the rule that decided every status, or ``""`` if not recorded."""
    sig = settings.get("significance")
    if not sig:
        return ""
    effect = "value" if settings.get("threshold_on") == "plug_in" else "value net of noise"
    novelty = settings.get("novelty") or {}
    if not sig.get("enabled", True):
        return f"; drift = {effect} >= threshold (significance disabled)"
    corr = sig.get("correction", "none")
    adj = "" if corr == "none" else f" ({corr}-adjusted)"
    text = f"; drift = {effect} >= threshold and p-value{adj} <= {sig.get('alpha')}"
    if novelty.get("enabled"):
        text += f", or novel share >= {novelty.get('min_share', 0):.2%} and its p-value <= alpha"
    return text
