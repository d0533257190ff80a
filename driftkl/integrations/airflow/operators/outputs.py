"""The outputs of a finished drift check: report files, the report store, the metrics push.

Each is attempted through :class:`~driftkl.integrations.airflow.operators.base.OutputFailures`,
so one that fails neither stops the others nor makes Airflow retry the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import driftkl
from driftkl.integrations.airflow._io import write_text
from driftkl.integrations.airflow.hooks.pushgateway import PushgatewayHook

if TYPE_CHECKING:
    from collections.abc import Mapping

    from driftkl.integrations.airflow.operators.base import OutputFailures
    from driftkl.model.report import DriftReport

__all__ = ["CheckOutputs", "write_outputs"]


@dataclass(frozen=True)
class CheckOutputs:
    """Where a check's report goes; each field empty or ``None`` means "not there".

    Attributes:
        output_path: the JSON report (with bins): a local path or an object-store URL.
        html_output_path: the standalone HTML report.
        report_store: a :class:`driftkl.ReportStore` folder or URL.
        report_at: the time the report is filed under in the store.
        prometheus_conn_id: the Pushgateway connection id.
        prometheus_job: the Pushgateway job name.
        grouping_key: the Pushgateway grouping key besides ``job`` and ``dataset``.
    """

    output_path: str | None = None
    html_output_path: str | None = None
    report_store: str | None = None
    report_at: str | None = None
    prometheus_conn_id: str | None = None
    prometheus_job: str = "driftkl"
    grouping_key: Mapping[str, str] | None = None


def write_outputs(
    report: DriftReport, where: CheckOutputs, outputs: OutputFailures, log: Any
) -> str | None:
    """Write every configured output of ``report``; returns the JSON report's path, if written."""
    written = None
    if where.output_path:
        written = outputs.attempt(
            f"write the drift report to {where.output_path}",
            write_text,
            where.output_path,
            report.to_json() + "\n",
        )
        if written:
            log.info("wrote drift report to %s", written)
    if where.html_output_path:
        html = outputs.attempt(
            f"write the HTML drift report to {where.html_output_path}",
            write_text,
            where.html_output_path,
            report.to_html(),
        )
        if html:
            log.info("wrote HTML drift report to %s", html)
    if where.report_store:
        store = where.report_store
        kept = outputs.attempt(
            f"save the report in the report store {store}",
            lambda: driftkl.ReportStore(store).put(report, at=where.report_at or None),
        )
        if kept:
            log.info("saved the drift report as %s", kept)
    if where.prometheus_conn_id:  # templated: an empty rendering means "no metrics"
        conn_id = where.prometheus_conn_id
        pushed = outputs.attempt(
            "push the drift metrics",
            lambda: PushgatewayHook(conn_id).push_report(
                report, job=where.prometheus_job, grouping_key=dict(where.grouping_key or {})
            ),
        )
        if pushed:
            log.info("pushed drift metrics to %s", pushed.url)
    return written
