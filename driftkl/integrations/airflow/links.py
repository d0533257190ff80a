"""Extra links of a drift check in Airflow's UI: the HTML report and the Grafana dashboard.

Airflow 3 asks each link for its URL on the worker when the task ends (whatever its state) and
keeps the answer in XCom for the UI, so a link reads the operator as it ran: its rendered
template fields and what ``execute`` recorded. An empty string means no link (the button is
greyed out).

Where the URLs come from, first match wins:

* report: the operator's ``report_url``; else ``html_output_path`` when it is an ``http(s)``
  URL; else ``[driftkl] report_base_url`` (``AIRFLOW__DRIFTKL__REPORT_BASE_URL``) joined with
  the report's path (an object-store URL's path after its bucket, e.g.
  ``s3://bucket/reports/x.html`` → ``<base>/reports/x.html``, or a local path's own path).
* Grafana: the operator's ``grafana_url``, else ``[driftkl] grafana_url``: Grafana's base URL;
  the link opens dashboard ``[driftkl] grafana_dashboard_uid`` (default ``driftkl-overview``)
  with ``var-dataset`` and ``var-job`` set to the check's dataset and Pushgateway job.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from driftkl.integrations.airflow.version_compat import BaseOperatorLink, airflow_setting

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "DEFAULT_DASHBOARD_UID",
    "DriftReportLink",
    "GrafanaDashboardLink",
    "grafana_link",
    "report_link",
]

DEFAULT_DASHBOARD_UID = "driftkl-overview"
_WEB = ("http", "https")


def report_link(report_url: str | None, html_path: str | None, base_url: str | None) -> str:
    """The browser URL of the HTML report, or ``""`` when none can be given.

    >>> report_link(None, "s3://bucket/reports/orders/2026-11-05.html", "https://r.example.com/")
    'https://r.example.com/reports/orders/2026-11-05.html'
    >>> report_link(None, "/data/reports/a.html", None)
    ''
    """
    if report_url:
        return report_url
    if not html_path:
        return ""
    parts = urlsplit(os.fspath(html_path))
    if parts.scheme in _WEB:
        return os.fspath(html_path)
    if not base_url:
        return ""
    path = parts.path if parts.scheme else os.fspath(html_path)
    return f"{base_url.rstrip('/')}/{path.lstrip('/')}"


def grafana_link(base_url: str | None, uid: str, variables: Mapping[str, str]) -> str:
    """The dashboard URL with its template variables set, or ``""`` without a base URL.

    >>> grafana_link("https://grafana.example.com/", "driftkl-overview",
    ...              {"dataset": "orders", "job": "driftkl"})
    'https://grafana.example.com/d/driftkl-overview?var-dataset=orders&var-job=driftkl'
    """
    if not base_url:
        return ""
    query = urlencode({f"var-{k}": v for k, v in variables.items() if v})
    return f"{base_url.rstrip('/')}/d/{uid}" + (f"?{query}" if query else "")


class DriftReportLink(BaseOperatorLink):
    """The "Drift report" button: the standalone HTML report of this check."""

    name = "Drift report"

    def get_link(self, operator: Any, *, ti_key: Any) -> str:  # noqa: ARG002 - Airflow's API
        """The report's URL for the task as it ran (see the module docstring)."""
        return report_link(
            getattr(operator, "report_url", None),
            getattr(operator, "html_output_path", None),
            airflow_setting("report_base_url"),
        )


class GrafanaDashboardLink(BaseOperatorLink):
    """The "Drift dashboard" button: Grafana's driftkl dashboard for this dataset and job."""

    name = "Drift dashboard"

    def get_link(self, operator: Any, *, ti_key: Any) -> str:  # noqa: ARG002 - Airflow's API
        """The dashboard URL, filtered on the checked dataset and the Pushgateway job."""
        dataset = getattr(operator, "checked_dataset", None) or getattr(operator, "dataset", None)
        return grafana_link(
            getattr(operator, "grafana_url", None) or airflow_setting("grafana_url"),
            airflow_setting("grafana_dashboard_uid") or DEFAULT_DASHBOARD_UID,
            {"dataset": dataset or "", "job": getattr(operator, "prometheus_job", "") or ""},
        )
