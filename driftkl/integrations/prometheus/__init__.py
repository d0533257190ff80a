"""Prometheus integration: drift reports as metrics (``pip install 'driftkl[prometheus]'``).

Importing this package imports ``prometheus_client``; that is how a user opts in. Three ways
out, all built from one report (a :class:`~driftkl.DriftReport` or its ``to_dict()`` form):

* :func:`push_report` -- PUT to a Pushgateway (batch jobs, Airflow)::

      push_report(report, gateway, *, job="driftkl", grouping_key=None, timeout=10.0,
                  retries=2, backoff_seconds=0.5, handler=None, username=None, password=None,
                  cafile=None, certfile=None, keyfile=None, insecure_skip_verify=False)
          -> PushResult

  The group is ``job`` + ``dataset`` (+ stable ``grouping_key`` labels); a failure raises
  :class:`PushError` (naming the gateway, carrying the report's dict). This signature is
  stable: the Airflow operator calls it.
* :func:`write_textfile` -- an atomic ``.prom`` file for node_exporter's textfile collector.
* :func:`serve` -- ``driftkl serve``, an exporter for the newest saved report per dataset.

:func:`check_push_settings` and :func:`check_textfile_path` check those options without
sending or writing anything (the CLI calls them before any work).

:func:`build_registry` returns a private ``CollectorRegistry`` (the global one is never used).
The metric reference is in the documentation page docs/prometheus.md.
"""

from __future__ import annotations

from driftkl.integrations.prometheus.errors import ExportError, PushError
from driftkl.integrations.prometheus.exporter import (
    DEFAULT_PORT,
    INVALID_REASONS,
    ReportDirectoryCollector,
    latest_reports,
    serve,
)
from driftkl.integrations.prometheus.metrics import STATUS_VALUES, report_families
from driftkl.integrations.prometheus.push import PushResult, push_failure, push_report
from driftkl.integrations.prometheus.push_settings import (
    DEFAULT_JOB,
    MAX_BACKOFF_SECONDS,
    MAX_RETRIES,
    check_push_settings,
)
from driftkl.integrations.prometheus.registry import ReportCollector, build_registry
from driftkl.integrations.prometheus.textfile import check_textfile_path, write_textfile

__all__ = [
    "DEFAULT_JOB",
    "DEFAULT_PORT",
    "INVALID_REASONS",
    "MAX_BACKOFF_SECONDS",
    "MAX_RETRIES",
    "STATUS_VALUES",
    "ExportError",
    "PushError",
    "PushResult",
    "ReportCollector",
    "ReportDirectoryCollector",
    "build_registry",
    "check_push_settings",
    "check_textfile_path",
    "latest_reports",
    "push_failure",
    "push_report",
    "report_families",
    "serve",
    "write_textfile",
]
