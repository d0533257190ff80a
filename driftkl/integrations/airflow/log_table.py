"""The per-feature table a drift check writes to its task log.

One row per feature, drifted and warned features first, at most ``max_rows`` rows (the rest
counted by status in one line), then the one-line reason of each flagged feature shown and a
legend saying what the numbers are. Numbers are formatted by :mod:`driftkl.render.numbers`, names
made printable by :mod:`driftkl.render.escape`, as in the CLI's tables; the numbers themselves
are the report's (see :mod:`driftkl.integrations.airflow.verdicts`)::

    feature  status  rule          deciding metric   value   threshold   p-value  top bins
    amount   DRIFT   distribution  js_divergence   0.0576 ≥  0.001 bits  2.5e-168  [43.1, 147]: ...
    age      ok      none          js_divergence   0.0003 <  0.001 bits      0.33  [56, 90]: ...
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from driftkl.integrations.airflow.verdicts import Verdict, verdicts
from driftkl.render.escape import printable
from driftkl.render.numbers import describe_log, format_number, format_p_value

if TYPE_CHECKING:
    from driftkl.model.report import DriftReport

__all__ = ["DEFAULT_MAX_ROWS", "render_log_table"]

DEFAULT_MAX_ROWS = 20
_NAME_WIDTH = 32
_BINS_WIDTH = 60
_HEADER = ("feature", "status", "rule", "deciding metric", "value", "threshold", "p-value")


def _clip(text: str, width: int) -> str:
    text = printable(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _cells(v: Verdict) -> list[str]:
    status = v.status.upper() if v.flagged else v.status
    if v.rule == "event_time":
        status = "event time"
    metric = v.metric or "(significance only)"
    value = "" if v.value is None else f"{format_number(v.value, 3)} {v.comparison}"
    threshold = "" if v.threshold is None else f"{format_number(v.threshold, 3)} {v.unit}"
    p = "" if v.p_value is None else format_p_value(v.p_value)
    bins = _clip("; ".join(v.top_bins), _BINS_WIDTH)
    return [_clip(v.name, _NAME_WIDTH), status, v.rule, metric, value, threshold, p, bins]


def _lines(rows: list[list[str]]) -> list[str]:
    header = [*_HEADER, "top bins"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    right = {4, 6}  # value, p-value

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _legend(report: DriftReport, shown: list[Verdict]) -> str:
    st = report.settings
    net = any(v.net_of_noise for v in shown)
    value = "divergence net of its noise floor" if net else "divergence (plug-in)"
    sig = st.get("significance") or {}
    p = "p-value of the distribution test"
    if sig.get("correction") not in (None, "none"):
        p += f" ({sig['correction']}-adjusted over the report)"
    alpha = f"; α = {sig['alpha']}" if sig.get("enabled", True) and "alpha" in sig else ""
    return (
        f"value: {value}, in {describe_log(st.get('unit'), st.get('base'))}; threshold: drift "
        f"(warn for WARN rows); {p}{alpha}; rule: what decided the status"
    )


def render_log_table(report: DriftReport, *, max_rows: int = DEFAULT_MAX_ROWS) -> str:
    """The task-log table of ``report``: a verdict line, the rows, the reasons and a legend.

    Args:
        report: the check's report.
        max_rows: most feature rows shown (drift and warn first); the others are counted.

    Returns:
        Multi-line text; no line is longer than the table's columns need (names are cut to 32
        characters, top bins to 60).
    """
    ordered = list(verdicts(report))
    shown, hidden = ordered[:max_rows], ordered[max_rows:]
    s = report.summary()
    out = [
        (
            f"drift check on {printable(report.dataset)}: {report.status.upper()} - "
            f"{s['features_drifted']} of {s['features_checked']} features drifted, "
            f"{s['features_warn']} warn"
        ),
        *_lines([_cells(v) for v in shown]),
    ]
    if hidden:
        counts = Counter(v.status for v in hidden)
        parts = ", ".join(f"{counts[k]} {k}" for k in ("drift", "warn", "ok") if counts[k])
        out.append(f"... and {len(hidden)} more features ({parts}); the full report has them all")
    flagged = [v for v in shown if v.flagged]
    if flagged:
        out.append("why:")
        out += [f"  {_clip(v.name, _NAME_WIDTH)}: {printable(v.reason)}" for v in flagged]
    out += [printable(c.reason) for c in report.schema_changes]
    out.append(_legend(report, shown))
    return "\n".join(out)
