"""What a drift check returns to XCom: a bounded summary by default, the report on request.

Three forms, chosen by the operator's ``xcom`` argument:

* ``"summary"`` (default): schema ``driftkl.report.summary`` version 1 — the dataset, status,
  the report's ``summary`` (counts, drifted and warn feature names), provenance, the unit of
  each deciding metric (``units``), and per feature its status, rule, deciding metric, value,
  threshold and p-value (plus the top bin of a flagged feature), numbers to 4 digits. About
  150 bytes per feature (plus its name) whatever the bins: 1,000 features stay under 200 kB.
* ``"report"``: the report dict (schema ``driftkl.report`` v1) without per-bin counts.
* ``"full"``: the report dict with per-bin labels and counts.

All three carry ``summary.status`` and ``summary.drifted_features`` at the same place, so a
branch task reads them whatever the form.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from driftkl.integrations.airflow.verdicts import verdicts

if TYPE_CHECKING:
    from driftkl.model.report import DriftReport

__all__ = ["SUMMARY_SCHEMA", "XCOM_FORMS", "XcomForm", "summary_dict", "xcom_value"]

XcomForm = Literal["summary", "report", "full"]
XCOM_FORMS: tuple[str, ...] = ("summary", "report", "full")
SUMMARY_SCHEMA = "driftkl.report.summary"
_DIGITS = 4  # significant digits kept of each number (the full report keeps them all)
_TOP_BIN_CHARS = 80


def _round(x: float | None) -> float | str | None:
    if x is None:
        return None
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"  # strict JSON, as in the report
    return float(f"{x:.{_DIGITS}g}")


def summary_dict(report: DriftReport) -> dict[str, Any]:
    """The ``"summary"`` XCom form of ``report`` (see the module docstring)."""
    features = []
    units: dict[str, str] = {}
    for v in verdicts(report):
        if v.metric is not None:
            units[v.metric] = v.unit
        entry: dict[str, Any] = {
            "name": v.name,
            "status": v.status,
            "rule": v.rule,
            "metric": v.metric,
            "value": _round(v.value),
            "threshold": _round(v.threshold),
            "p_value": _round(v.p_value),
        }
        if v.flagged and v.top_bins:
            entry["top_bin"] = v.top_bins[0][:_TOP_BIN_CHARS]
        features.append(entry)
    st = report.settings
    return {
        "schema": SUMMARY_SCHEMA,
        "schema_version": 1,
        "dataset": report.dataset,
        "status": report.status,
        "created_at": report.created_at,
        "summary": report.summary(),
        "value_is": "net of noise floor" if st.get("threshold_on") != "plug_in" else "plug-in",
        "units": units,
        "reference": {
            k: report.reference.get(k) for k in ("rows", "profile_hash") if k in report.reference
        },
        "current": {
            k: report.current.get(k) for k in ("rows", "source", "window") if k in report.current
        },
        "schema_changes": [
            {"column": c.column, "change": c.change, "status": c.status}
            for c in report.schema_changes
        ],
        "features": features,
    }


def xcom_value(report: DriftReport, form: str) -> dict[str, Any]:
    """The XCom value of ``report`` in ``form`` (one of :data:`XCOM_FORMS`)."""
    if form == "summary":
        return summary_dict(report)
    return report.to_dict(bins=form == "full")
