"""Translate a report dict into the small metadata attached to Asset events."""

from __future__ import annotations

import math
from typing import Any

__all__ = ["asset_metadata"]


def _as_float(value: Any) -> float | None:
    if value is None:
        return None
    return float(value)  # the report writes infinity as the string "inf"


def asset_metadata(report: dict[str, Any], *, report_path: str | None = None) -> dict[str, Any]:
    """Asset-event ``extra`` for one drift check: status, drifted features, max divergences.

    ``max_divergence`` holds, per metric, the largest value over the checked features with its
    feature and unit (the report's own numbers, not recomputed); infinity is ``"inf"`` so the
    mapping stays valid JSON.

    Args:
        report: a :meth:`driftkl.DriftReport.to_dict` mapping (bins may be absent).
        report_path: where the full report was written, if anywhere.

    Returns:
        A JSON-serialisable mapping.
    """
    summary = report["summary"]
    maxima: dict[str, dict[str, Any]] = {}
    for feature in report["features"]:
        for name, metric in feature["metrics"].items():
            value = _as_float(metric["value"])
            if value is None or math.isnan(value):
                continue
            best = maxima.get(name)
            if best is None or value > best["_value"]:
                maxima[name] = {
                    "_value": value,
                    "value": "inf" if math.isinf(value) else value,
                    "feature": feature["name"],
                    "unit": metric["unit"],
                    "direction": metric["direction"],
                }
    extra: dict[str, Any] = {
        "driftkl_status": summary["status"],
        "dataset": report["dataset"],
        "features_checked": summary["features_checked"],
        "features_drifted": summary["features_drifted"],
        "drifted_features": list(summary["drifted_features"]),
        "max_divergence": {
            k: {kk: vv for kk, vv in v.items() if kk != "_value"} for k, v in maxima.items()
        },
        "reference_profile_hash": report["reference"].get("profile_hash"),
        "current_rows": report["current"].get("rows"),
    }
    if report_path is not None:
        extra["report_path"] = report_path
    return extra
