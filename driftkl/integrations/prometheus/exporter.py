"""A small exporter for teams that scrape instead of push: ``driftkl serve REPORTS_DIR``.

On every scrape the folder is scanned (recursively) for saved JSON reports (``driftkl compare
-o`` or the Airflow operator's ``output_path``), the newest report of each dataset (by its
``created_at``) is exported with :mod:`driftkl.integrations.prometheus.metrics`, and two
exporter metrics say how many files were used or ignored. Files that are not driftkl reports
(e.g. reference profiles) are ignored; unreadable reports are counted, never fatal. Parsed
reports are cached by (modification time, size), so unchanged files are not re-read.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import start_http_server
from prometheus_client.core import GaugeMetricFamily, Metric

from driftkl.errors import DriftklError, InputError
from driftkl.integrations.prometheus.metrics import report_families
from driftkl.integrations.prometheus.registry import fresh_registry
from driftkl.model.report import REPORT_SCHEMA, DriftReport

if TYPE_CHECKING:
    from collections.abc import Iterator
    from wsgiref.simple_server import WSGIServer

__all__ = ["DEFAULT_PORT", "ReportDirectoryCollector", "latest_reports", "serve"]

#: Default port of ``driftkl serve``.
DEFAULT_PORT = 9108

_Cached = tuple[int, int, "DriftReport | None"]


def _load(path: Path) -> DriftReport | None:
    """The report in ``path``; ``None`` if it is JSON but not a driftkl report."""
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("schema") != REPORT_SCHEMA:
        return None
    return DriftReport.from_dict(data)


def _created(report: DriftReport) -> float:
    return datetime.fromisoformat(report.created_at).timestamp()


class ReportDirectoryCollector:
    """Exports the newest saved report of each dataset found under a folder."""

    def __init__(self, folder: str | Path) -> None:
        """Remember the folder; nothing is read until the first collection."""
        self.folder = Path(folder)
        self._cache: dict[Path, _Cached] = {}
        self._lock = threading.Lock()

    def scan(self) -> tuple[list[DriftReport], int]:
        """The newest report per dataset and the number of unreadable report files."""
        latest: dict[str, DriftReport] = {}
        invalid = 0
        with self._lock:
            paths = sorted(self.folder.rglob("*.json")) if self.folder.is_dir() else []
            self._cache = {p: c for p, c in self._cache.items() if p in set(paths)}
            for path in paths:
                try:
                    st = path.stat()
                    cached = self._cache.get(path)
                    if cached is None or cached[:2] != (st.st_mtime_ns, st.st_size):
                        cached = (st.st_mtime_ns, st.st_size, _load(path))
                        self._cache[path] = cached
                except (OSError, ValueError, KeyError, TypeError, DriftklError):
                    invalid += 1
                    continue
                report = cached[2]
                if report is None:
                    continue
                old = latest.get(report.dataset)
                if old is None or _created(report) >= _created(old):
                    latest[report.dataset] = report
        return [latest[k] for k in sorted(latest)], invalid

    def collect(self) -> Iterator[Metric]:
        """Yield the report metrics and the exporter's own metrics."""
        reports, invalid = self.scan()
        if reports:
            yield from report_families(reports)
        used = GaugeMetricFamily(
            "driftkl_exporter_reports",
            "Saved reports exported by driftkl serve (one per dataset, the newest).",
        )
        used.add_metric([], len(reports))
        yield used
        bad = GaugeMetricFamily(
            "driftkl_exporter_invalid_reports",
            "JSON files under the reports folder that could not be read as driftkl reports.",
        )
        bad.add_metric([], invalid)
        yield bad


def latest_reports(folder: str | Path) -> list[DriftReport]:
    """The newest saved report of each dataset under ``folder`` (sorted by dataset)."""
    return ReportDirectoryCollector(folder).scan()[0]


def serve(
    folder: str | Path, *, address: str = "127.0.0.1", port: int = DEFAULT_PORT
) -> tuple[WSGIServer, threading.Thread]:
    """Serve ``/metrics`` for the reports under ``folder`` in a background thread.

    Args:
        folder: the reports folder (scanned on every scrape).
        address: listen address (``0.0.0.0`` in a container).
        port: listen port (``0`` picks a free one; read it from ``server.server_port``).

    Returns:
        The WSGI server (call ``shutdown()`` to stop it) and its thread.

    Raises:
        InputError: ``folder`` is not a directory.
    """
    if not Path(folder).is_dir():
        raise InputError(
            f"reports folder {str(folder)!r} does not exist or is not a folder. "
            "Hint: pass the folder that driftkl compare -o / the Airflow operator writes to"
        )
    registry = fresh_registry(ReportDirectoryCollector(folder))
    server, thread = start_http_server(port, addr=address, registry=registry)
    return server, thread
