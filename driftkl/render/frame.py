"""The report as a pandas DataFrame, one row per feature (``DriftReport.to_frame()``).

The compact form answers "what drifted, by how much, against what, how sure" in nine
columns; ``full=True`` gives every number the report holds, with units in the column names.

Compact columns (index ``feature``):

* ``status``: ``ok``, ``warn`` or ``drift``; ``rule``: which rule decided it
  (``distribution``, ``novelty``, both joined by ``+``, ``none``, ``event_time``);
* ``metric``, ``value``, ``unit``: the deciding metric and its value (for the novelty rule
  alone, ``novel_share``: the share of current rows outside the reference's support);
* ``noise_floor``: the metric's expected value under no drift, in ``unit`` (``inf`` when
  unbounded: pseudo-count 0); ``threshold``: its drift threshold, in ``unit`` (the minimum
  novel share for ``novel_share``);
* ``p_value_adjusted``: the p-value the rule compared with α, after the report-wide
  correction (equal to the raw p-value with ``correction: none``);
* ``top_bin``: the bin that contributes most to the divergence, with its share.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftkl.render.figure import deciding_metric

if TYPE_CHECKING:
    import pandas as pd

    from driftkl.render.views import FeatureView, ReportView

__all__ = ["ALL_SEGMENTS", "COMPACT_COLUMNS", "report_frame"]

ALL_SEGMENTS = "(all)"  # the segment column's value on the overall rows

COMPACT_COLUMNS = (
    "status",
    "rule",
    "metric",
    "value",
    "unit",
    "noise_floor",
    "threshold",
    "p_value_adjusted",
    "top_bin",
)


def _compact_row(f: FeatureView, min_share: float) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(COMPACT_COLUMNS)
    row.update(feature=f.name, status=f.status, rule=f.rule)
    if f.rule == "novelty" and f.novelty is not None:
        row.update(metric="novel_share", value=f.novelty.share, unit="share of rows")
        row.update(threshold=min_share, p_value_adjusted=f.novelty.p_value_adjusted)
    else:
        deciding = deciding_metric(f)
        if deciding is not None:
            name, m = deciding
            row.update(metric=name, value=m.value, unit=m.unit, noise_floor=m.noise_floor)
            row.update(threshold=m.drift)
        if f.test is not None:
            row["p_value_adjusted"] = f.test.p_value_adjusted
    row["top_bin"] = f.contributions[0].describe() if f.contributions else ""
    return row


def _full_row(f: FeatureView) -> dict[str, Any]:
    row: dict[str, Any] = {
        "feature": f.name,
        "kind": f.kind,
        "status": f.status,
        "rule": f.rule,
        "reason": f.reason,
    }
    for name, m in f.metrics.items():
        suffix = "" if m.direction == "symmetric" else f" {m.direction}"
        row[f"{name}{suffix} [{m.unit}]"] = m.value
        if m.noise_floor is not None:
            row[f"{name} noise floor [{m.unit}]"] = m.noise_floor
        if m.drift is not None:
            row[f"{name} drift threshold [{m.unit}]"] = m.drift
    if f.test is not None:
        row["p_value"] = f.test.p_value
        row["rank_p_value"] = f.test.rank_p_value
        row["p_value_combined"] = f.test.combined_p_value  # what the correction adjusts
        row["p_value_adjusted"] = f.test.p_value_adjusted
        row["alpha"] = f.test.alpha
    if f.novelty is not None:
        row["novel_share"] = f.novelty.share
        row["novelty_p_value"] = f.novelty.p_value
        row["novelty_p_value_adjusted"] = f.novelty.p_value_adjusted
    row["top_bins"] = "; ".join(c.describe() for c in f.contributions[:3])
    row["n_reference"] = f.n_reference
    row["n_current"] = f.n_current
    row["out_of_range_share"] = f.out_of_range_share
    row["unseen_share"] = f.unseen_share
    row["missing_share"] = f.missing_share
    return row


def _schema_rows(report: ReportView) -> list[dict[str, Any]]:
    """A column missing, added or retyped: one row each, rule ``schema_change``, no values."""
    return [
        {"feature": c.column, "status": c.status, "rule": "schema_change", "reason": c.reason}
        for c in report.schema_changes
    ]


def report_frame(report: ReportView, *, full: bool = False) -> pd.DataFrame:
    """One row per feature, indexed by feature name: compact columns, or every column.

    Args:
        report: the report.
        full: every metric (value, noise floor, drift threshold; units and KL direction in
            the column names), the p-values (G-test, rank-sum, their Simes combination that
            the correction adjusts, adjusted) and α, novelty, top bins, row counts and
            shares, kind and reason; otherwise the compact :data:`COMPACT_COLUMNS`.
    """
    import pandas as pd  # noqa: PLC0415 - pandas is needed only for this form

    parts = [(ALL_SEGMENTS, report.features), *report.segments.items()]
    index = ["segment", "feature"] if report.segments else ["feature"]

    def tagged(rows: list[dict[str, Any]], segment: str) -> list[dict[str, Any]]:
        return [{"segment": segment, **r} for r in rows] if report.segments else rows

    if full:
        rows = [r for seg, fs in parts for r in tagged([_full_row(f) for f in fs], seg)]
        rows += tagged(_schema_rows(report), ALL_SEGMENTS)
        whole: pd.DataFrame = pd.DataFrame(rows).set_index(index)
        return whole
    min_share = float((report.settings.get("novelty") or {}).get("min_share") or 0.0)
    rows = [r for seg, fs in parts for r in tagged([_compact_row(f, min_share) for f in fs], seg)]
    rows += tagged(
        [{k: v for k, v in r.items() if k != "reason"} for r in _schema_rows(report)],
        ALL_SEGMENTS,
    )
    columns = [*index, *COMPACT_COLUMNS]
    frame = pd.DataFrame(rows, columns=columns).set_index(index)
    numbers = ("value", "noise_floor", "threshold", "p_value_adjusted")
    compact: pd.DataFrame = frame.astype(dict.fromkeys(numbers, float))
    return compact
