"""Text renderings of a report: a plain fixed-width table and GitHub Markdown.

Names and values from the data are shown literally: the table makes control characters visible
(no terminal escape sequence gets through), the Markdown escapes HTML and Markdown syntax (see
:mod:`driftkl.render.escape`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftkl.render.escape import markdown_text, printable
from driftkl.render.numbers import (
    UNBOUNDED_FLOOR_NOTE,
    describe_log,
    format_noise_floor,
    format_number,
    format_p_value,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from driftkl.render.views import ReportView
__all__ = ["format_p_value", "render_markdown", "render_table"]

_DIGITS = 4


def _rows(report: ReportView) -> tuple[list[str], list[list[str]]]:
    metric_names: list[str] = []
    for f in report.features:
        for name in f.metrics:
            if name not in metric_names:
                metric_names.append(name)
    header = ["feature", "kind", "status"]
    for name in metric_names:
        m = next(f.metrics[name] for f in report.features if name in f.metrics)
        direction = "" if m.direction == "symmetric" else f" {m.direction}"
        header.append(f"{name}{direction} [{m.unit}] (noise floor)")
    header += ["p-value", "rows ref/cur", "out-of-range", "unseen", "missing", "top bins"]
    body = []
    for f in report.features:
        status = f.status.upper() if f.status != "ok" else "ok"
        row = [f.name, f.kind, status if f.rule != "event_time" else "event time"]
        for name in metric_names:
            value = f.metrics.get(name)
            floor = None if value is None else value.noise_floor
            cell = "" if value is None else format_number(value.value, _DIGITS)
            row.append(cell + ("" if floor is None else f" ({format_noise_floor(floor, _DIGITS)})"))
        row += [
            "" if f.test is None else format_p_value(f.test.p_value_adjusted),
            f"{f.n_reference}/{f.n_current}",
            f"{f.out_of_range_share:.1%}",
            f"{f.unseen_share:.1%}",
            f"{f.missing_share:.1%}",
            "; ".join(c.describe() for c in f.contributions[:2]),
        ]
        body.append(row)
    return header, body


def _footer(report: ReportView) -> str:
    s = report.summary()
    st = report.settings
    return (
        f"status: {s['status']} ({s['features_drifted']} of {s['features_checked']} features "
        f"drifted, {s['features_warn']} warn{_schema(report)}); divergences in "
        f"{describe_log(st.get('unit'), st.get('base'))}, KL direction {st.get('direction')} = "
        f"D({st.get('direction', '||').split('||')[0]}‖{st.get('direction', '||').split('||')[1]})"
        f", pseudo-count {st.get('pseudo_count')}" + _rule(st)
    )


def _floor_note(report: ReportView) -> list[str]:
    """The sentence explaining an ``unbounded`` noise floor, when the report shows one."""
    floors = (m.noise_floor for f in report.features for m in f.metrics.values())
    return [UNBOUNDED_FLOOR_NOTE] if any(x == float("inf") for x in floors) else []


def _schema(report: ReportView) -> str:
    n = len(report.schema_changes)
    return f", {n} schema change{'s' if n != 1 else ''}" if n else ""


def _rule(settings: Mapping[str, Any]) -> str:
    sig = settings.get("significance")
    if not sig:
        return ""
    effect = "value" if settings.get("threshold_on") == "plug_in" else "value net of noise"
    novelty = settings.get("novelty") or {}
    if not sig.get("enabled", True):
        return f"; drift = {effect} >= threshold (significance disabled)"
    corr = sig.get("correction", "none")
    adj = "" if corr == "none" else f" ({corr}-adjusted)"
    rule = f"; drift = {effect} >= threshold and p-value{adj} <= {sig.get('alpha')}"
    if novelty.get("enabled"):
        rule += f", or novel share >= {novelty.get('min_share', 0):.2%} and its p-value <= alpha"
    return rule


def render_table(report: ReportView) -> str:
    """A fixed-width text table, one row per feature, with a status footer."""
    header, body = _rows(report)
    header = [printable(c) for c in header]
    body = [[printable(c) for c in row] for row in body]
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    numeric = set(range(3, len(header) - 1))  # last column: top bins (text)

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in numeric else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in body]
    flagged = [f for f in report.features if f.status != "ok"]
    if flagged:
        out.append("")
        out += [printable(f"why {f.name}: {f.reason}") for f in flagged]
    if report.schema_changes:
        out.append("")
        out += [printable(c.reason) for c in report.schema_changes]
    out.append("")
    out.append(printable(_footer(report)))
    out += [printable(note) for note in _floor_note(report)]
    return "\n".join(out)


def render_markdown(report: ReportView) -> str:
    """A GitHub-flavoured Markdown table with a status line; every text is shown literally."""
    header, body = _rows(report)
    header.append("reason")
    body = [[*row, f.reason] for row, f in zip(body, report.features, strict=True)]
    out = [
        f"### driftkl: {markdown_text(report.dataset)} — {markdown_text(report.status)}",
        "",
        "| " + " | ".join(markdown_text(h) for h in header) + " |",
        "|"
        + "|".join("---:" if 3 <= i < len(header) - 2 else "---" for i in range(len(header)))  # noqa: PLR2004
        + "|",
    ]
    out += ["| " + " | ".join(markdown_text(c) for c in r) + " |" for r in body]
    if report.schema_changes:
        out += ["", "| column | schema change | status | reason |", "|---|---|---|---|"]
        out += [
            "| "
            + " | ".join(markdown_text(x) for x in (c.column, c.change, c.status, c.reason))
            + " |"
            for c in report.schema_changes
        ]
    out += ["", markdown_text(_footer(report))]
    out += [line for note in _floor_note(report) for line in ("", markdown_text(note))]
    return "\n".join(out)
