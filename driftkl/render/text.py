"""Text renderings of a report: the wide fixed-width table and GitHub Markdown.

The terminal-width table is :mod:`driftkl.render.compact`. Names and values from the data are
shown literally: the tables make control characters visible (no terminal escape sequence gets
through), the Markdown escapes HTML and Markdown syntax (see :mod:`driftkl.render.escape`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from driftkl.render.escape import markdown_text, printable
from driftkl.render.numbers import (
    describe_log,
    format_noise_floor,
    format_number,
    format_p_value,
)
from driftkl.render.summary import (
    floor_notes,
    kl_notation,
    legend,
    metric_names,
    rule,
    schema_note,
    short_name,
    status_cell,
    status_line,
)

if TYPE_CHECKING:
    from driftkl.render.views import FeatureView, ReportView

__all__ = ["format_p_value", "render_markdown", "render_table", "share_columns"]

_DIGITS = 4
SHARES = (
    ("out-of-range", "out_of_range_share"),
    ("unseen", "unseen_share"),
    ("missing", "missing_share"),
)


def _metric_cell(f: FeatureView, name: str) -> str:
    value = f.metrics.get(name)
    if value is None:
        return ""
    floor = value.noise_floor
    cell = format_number(value.value, _DIGITS)
    return cell + ("" if floor is None else f" ({format_noise_floor(floor, _DIGITS)})")


def _rows(report: ReportView) -> tuple[list[str], list[list[str]]]:
    names = metric_names(report)
    header = ["feature", "kind", "status"]
    for name in names:
        m = next(f.metrics[name] for f in report.features if name in f.metrics)
        direction = "" if m.direction == "symmetric" else f" {m.direction}"
        header.append(f"{name}{direction} [{m.unit}] (noise floor)")
    header += ["p-value", "rows ref/cur", "out-of-range", "unseen", "missing", "top bins"]
    body = []
    for f in report.features:
        row = [f.name, f.kind, status_cell(f), *(_metric_cell(f, n) for n in names)]
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
        f"drifted, {s['features_warn']} warn{schema_note(report)}); divergences in "
        f"{describe_log(st.get('unit'), st.get('base'))}, KL direction {st.get('direction')} = "
        f"{kl_notation(st)}, pseudo-count {st.get('pseudo_count')}" + rule(st)
    )


def render_table(report: ReportView) -> str:
    """The wide fixed-width table: every column, long headers, one row per feature."""
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
    out += [printable(note) for note in floor_notes(report)]
    return "\n".join(out)


def share_columns(report: ReportView) -> list[tuple[str, str]]:
    """The (header, attribute) of each share column that is not 0 for every feature."""
    return [(h, a) for h, a in SHARES if any(getattr(f, a) > 0 for f in report.features)]


def _same_rows(report: ReportView) -> bool:
    """Whether every feature saw the report's row totals (then the legend states them)."""
    ref, cur = report.reference.get("rows"), report.current.get("rows")
    return all(f.n_reference == ref and f.n_current == cur for f in report.features)


def render_markdown(report: ReportView) -> str:
    """A GitHub-flavoured Markdown table: short headers, a legend, a reason per flagged feature.

    Share columns that are 0 for every feature and a rows column equal to the totals are left
    out; every text from the data is shown literally.
    """
    names = metric_names(report)
    shares = share_columns(report)
    rows = not _same_rows(report)
    header = ["feature", "kind", "status", *(f"{short_name(n)} (floor)" for n in names)]
    header += ["p-value", *(["rows ref/cur"] if rows else []), *(h for h, _ in shares)]
    header.append("top bins")
    body = []
    for f in report.features:
        row = [f.name, f.kind, status_cell(f), *(_metric_cell(f, n) for n in names)]
        row.append("" if f.test is None else format_p_value(f.test.p_value_adjusted))
        row += [f"{f.n_reference}/{f.n_current}"] if rows else []
        row += [f"{getattr(f, a):.1%}" for _, a in shares]
        row.append("; ".join(c.describe() for c in f.contributions[:2]))
        body.append(row)
    numeric = range(3, len(header) - 1)
    out = [
        f"### driftkl: {markdown_text(report.dataset)} — {markdown_text(report.status)}",
        "",
        "| " + " | ".join(markdown_text(h) for h in header) + " |",
        "|" + "|".join("---:" if i in numeric else "---" for i in range(len(header))) + "|",
    ]
    out += ["| " + " | ".join(markdown_text(c) for c in r) + " |" for r in body]
    flagged = [f for f in report.features if f.status != "ok"]
    if flagged:
        out.append("")
        out += [f"- **{markdown_text(f.name)}**: {markdown_text(f.reason)}" for f in flagged]
    if report.schema_changes:
        out += ["", "| column | schema change | status | reason |", "|---|---|---|---|"]
        out += [
            "| "
            + " | ".join(markdown_text(x) for x in (c.column, c.change, c.status, c.reason))
            + " |"
            for c in report.schema_changes
        ]
    out += ["", markdown_text(legend(report)), "", markdown_text(status_line(report))]
    out += [markdown_text(note) for note in floor_notes(report)]
    return "\n".join(out)
