"""Hand a report to :mod:`driftkl.integrations.prometheus`, reading the Pushgateway connection.

No metric is built here: the Prometheus integration is the one place that turns a report into
metric families. This module only reads the Airflow connection and imports that integration
lazily, raising :class:`~driftkl.errors.MissingExtraError` when the extra is not installed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from driftkl.errors import MissingExtraError
from driftkl.integrations.airflow.version_compat import get_connection

if TYPE_CHECKING:
    from collections.abc import Mapping

    from driftkl.model.report import DriftReport

__all__ = ["connection_push_kwargs", "push_failure", "push_report", "pushgateway_url"]

_TLS_EXTRAS = ("cafile", "certfile", "keyfile", "insecure_skip_verify")


def _integration() -> Any:
    try:
        import driftkl.integrations.prometheus as prom  # noqa: PLC0415
    except ImportError as exc:
        raise MissingExtraError(
            "prometheus", "DriftCheckOperator(prometheus_conn_id=...)", module=exc.name
        ) from exc
    return prom


def pushgateway_url(conn: Any) -> str:
    """The Pushgateway URL held by an Airflow connection.

    ``AIRFLOW_CONN_X='http://host:9091'`` gives ``conn_type="http"``, host and port; a host
    that already carries a scheme is used as is.
    """
    host = str(conn.host or "")
    if "://" in host:
        base = host
    else:
        scheme = "https" if (conn.conn_type or "").lower() == "https" else "http"
        base = f"{scheme}://{host}"
    if conn.port:
        base = f"{base.rstrip('/')}:{conn.port}"
    return base.rstrip("/")


def connection_push_kwargs(conn_id: str) -> dict[str, Any]:
    """``gateway`` plus auth (login / password) and TLS options (connection extras)."""
    conn = get_connection(conn_id)
    kwargs: dict[str, Any] = {"gateway": pushgateway_url(conn)}
    if conn.login:
        kwargs["username"] = conn.login
        kwargs["password"] = conn.password
    extra = conn.extra_dejson or {}
    kwargs.update({k: extra[k] for k in _TLS_EXTRAS if k in extra})
    return kwargs


def push_report(
    report: DriftReport, conn_id: str, *, job: str, grouping_key: Mapping[str, str]
) -> str:
    """Push the report's metrics (HTTP PUT of the group); returns the group URL."""
    prom = _integration()
    result = prom.push_report(
        report, job=job, grouping_key=dict(grouping_key), **connection_push_kwargs(conn_id)
    )
    return str(result.url)


def push_failure(conn_id: str, *, dataset: str, job: str, grouping_key: Mapping[str, str]) -> str:
    """Record a failed check in the group (only failure timestamps change); returns its URL."""
    prom = _integration()
    result = prom.push_failure(
        dataset=dataset, job=job, grouping_key=dict(grouping_key), **connection_push_kwargs(conn_id)
    )
    return str(result.url)
