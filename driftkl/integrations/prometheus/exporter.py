"""A small exporter for teams that scrape instead of push: ``driftkl serve REPORTS_DIR``.

On every scrape the folder is scanned (recursively) for saved JSON reports (``driftkl compare
-o`` or the Airflow operator's ``output_path``), the newest report of each dataset (by its
``created_at``) is exported with :mod:`driftkl.integrations.prometheus.metrics`, and two
exporter metrics say how many reports were used and how many files were skipped, and why.

One bad file never spoils a scrape. Files that are not driftkl reports (e.g. reference
profiles) are ignored. A file is skipped, counted in ``driftkl_exporter_invalid_reports`` under
its ``reason`` and logged once, when it is not a regular file (a FIFO or a link to a device is
never opened for reading), is larger than ``max_report_bytes``, cannot be read, is not JSON, or
claims to be a report but cannot be exported: an unsupported schema version, wrong types, an
unknown status, a bad ``created_at``, duplicate features, text no exposition can encode. Each
file is checked once per (modification time, size).

The HTTP server handles at most ``max_threads`` connections at a time; each connection must
send its request within :data:`REQUEST_TIMEOUT_SECONDS`.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import socket
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from prometheus_client import generate_latest, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily, Metric

from driftkl.errors import ConfigError, InputError
from driftkl.integrations.prometheus.metrics import report_families
from driftkl.integrations.prometheus.registry import build_registry, fresh_registry
from driftkl.model.report import REPORT_SCHEMA, REPORT_SCHEMA_VERSION, DriftReport

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "DEFAULT_MAX_REPORT_BYTES",
    "DEFAULT_MAX_THREADS",
    "DEFAULT_PORT",
    "INVALID_REASONS",
    "REQUEST_TIMEOUT_SECONDS",
    "ReportDirectoryCollector",
    "latest_reports",
    "serve",
]

#: Default port of ``driftkl serve``.
DEFAULT_PORT = 9108
#: Largest report file read (bytes); larger files are skipped with reason ``too_large``.
DEFAULT_MAX_REPORT_BYTES = 32 * 1024 * 1024
#: Connections handled at the same time; more wait (briefly) or are closed.
DEFAULT_MAX_THREADS = 8
#: Seconds a client may take to send its request (and between reads of the answer).
REQUEST_TIMEOUT_SECONDS = 30.0
#: The ``reason`` label values of ``driftkl_exporter_invalid_reports`` (always all exported).
INVALID_REASONS = (
    "not_a_file",
    "too_large",
    "unreadable",
    "not_json",
    "unsupported_version",
    "invalid_report",
)
_SLOT_WAIT_SECONDS = 5.0
_MAX_PORT = 65535

log = logging.getLogger(__name__)


class _Skip(Exception):  # noqa: N818 - a control-flow signal, not an error for users
    """A file is skipped for ``reason``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True)
class _Entry:
    """What one file held when it had this (modification time, size)."""

    key: tuple[int, int]
    report: DriftReport | None = None  # None: not a report (ignored) or skipped
    created: float = 0.0
    reason: str | None = None


def _read(path: Path, mode: int, limit: int) -> tuple[tuple[int, int], bytes]:
    """The file's bytes if it is a regular file of at most ``limit`` bytes.

    ``mode`` is from a ``stat`` of the path: anything else than a regular file is never opened
    (opening a device can have effects); the open file is checked again.
    """
    if not stat.S_ISREG(mode):
        raise _Skip("not_a_file", "not a regular file")
    # O_NONBLOCK: opening a FIFO that replaced the file after the scan must not wait
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Skip("unreadable", exc.strerror or str(exc)) from exc
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Skip("not_a_file", "not a regular file")
        if st.st_size > limit:
            raise _Skip("too_large", f"{st.st_size} bytes, more than the {limit} allowed")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _Skip("too_large", f"more than the {limit} bytes allowed")
    return (st.st_mtime_ns, st.st_size), data


def _created(created_at: Any) -> float:
    """``created_at`` in Unix seconds (an ISO 8601 string; no time zone means UTC)."""
    if not isinstance(created_at, str):
        raise TypeError(f"created_at must be a string, got {type(created_at).__name__}")
    when = datetime.fromisoformat(created_at)
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


def _exportable(report: DriftReport) -> float:
    """The report's creation time, once its every value and label is known to export."""
    if not isinstance(report.dataset, str) or not report.dataset:
        raise TypeError("dataset must be a non-empty string")
    created = _created(report.created_at)
    generate_latest(build_registry(report))
    return created


def _parse(data: bytes) -> tuple[DriftReport | None, float]:
    """The report in ``data`` (``None`` if it is JSON but not a report) and its creation time."""
    try:
        doc: Any = json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError) as exc:  # UnicodeDecodeError is a ValueError
        raise _Skip("not_json", str(exc)[:200]) from exc
    if not isinstance(doc, dict) or doc.get("schema") != REPORT_SCHEMA:
        return None, 0.0
    if doc.get("schema_version") != REPORT_SCHEMA_VERSION:
        raise _Skip("unsupported_version", f"schema_version {doc.get('schema_version')!r}")
    try:
        report = DriftReport.from_dict(doc)
        created = _exportable(report)
    except Exception as exc:  # any failure means: this report cannot be exported, skip it
        raise _Skip("invalid_report", f"{type(exc).__name__}: {str(exc)[:200]}") from exc
    return report, created


class ReportDirectoryCollector:
    """Exports the newest saved report of each dataset found under a folder.

    Args:
        folder: the reports folder (scanned at each collection).
        max_report_bytes: larger files are skipped (reason ``too_large``).
    """

    def __init__(
        self, folder: str | Path, *, max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES
    ) -> None:
        """Remember the folder; nothing is read until the first collection."""
        self.folder = Path(folder)
        self.max_report_bytes = max_report_bytes
        self._cache: dict[Path, _Entry] = {}
        self._lock = threading.Lock()

    def _entry(self, path: Path) -> _Entry | None:
        """The file's (cached) entry; ``None`` if it vanished since the folder was listed."""
        try:
            st = path.stat()  # follows symlinks: a link to /dev/zero is seen as a device
        except FileNotFoundError:
            return None
        except OSError:  # a symlink loop, a folder that cannot be searched
            return _Entry((0, 0), reason="unreadable")
        key = (st.st_mtime_ns, st.st_size)
        cached = self._cache.get(path)
        if cached is not None and cached.key == key:
            return cached
        try:
            key, data = _read(path, st.st_mode, self.max_report_bytes)
            report, created = _parse(data)
            entry = _Entry(key, report, created)
        except _Skip as skip:
            log.warning("driftkl serve: skipping %s (%s): %s", path, skip.reason, skip)
            entry = _Entry(key, reason=skip.reason)
        self._cache[path] = entry
        return entry

    def scan(self) -> tuple[list[DriftReport], dict[str, int]]:
        """The newest report per dataset, and the number of skipped files per reason."""
        latest: dict[str, tuple[float, DriftReport]] = {}
        invalid = dict.fromkeys(INVALID_REASONS, 0)
        with self._lock:
            paths = sorted(self.folder.rglob("*.json")) if self.folder.is_dir() else []
            listed = set(paths)
            self._cache = {p: e for p, e in self._cache.items() if p in listed}
            for path in paths:
                entry = self._entry(path)
                if entry is None:
                    continue
                if entry.reason is not None:
                    invalid[entry.reason] += 1
                if entry.report is None:
                    continue
                old = latest.get(entry.report.dataset)
                if old is None or entry.created >= old[0]:
                    latest[entry.report.dataset] = (entry.created, entry.report)
        return [latest[k][1] for k in sorted(latest)], invalid

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
            "Files under the reports folder skipped by driftkl serve, by reason: not_a_file, "
            "too_large, unreadable, not_json, unsupported_version, invalid_report.",
            labels=["reason"],
        )
        for reason, count in invalid.items():
            bad.add_metric([reason], count)
        yield bad


def latest_reports(folder: str | Path) -> list[DriftReport]:
    """The newest saved report of each dataset under ``folder`` (sorted by dataset)."""
    return ReportDirectoryCollector(folder).scan()[0]


class _QuietHandler(WSGIRequestHandler):
    """Logs nothing per request; a client that stalls its request is dropped."""

    timeout = REQUEST_TIMEOUT_SECONDS

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Log nothing."""


class _BoundedWSGIServer(WSGIServer):
    """A WSGI server that serves at most ``max_threads`` connections at a time."""

    request_queue_size = 64  # connections the kernel holds while every worker is busy

    def __init__(self, address: tuple[str, int], *, family: int, max_threads: int) -> None:
        self.address_family = family
        self._slots = threading.BoundedSemaphore(max_threads)
        self._pool = ThreadPoolExecutor(max_threads, thread_name_prefix="driftkl-serve-worker")
        super().__init__(address, _QuietHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self._slots.acquire(timeout=_SLOT_WAIT_SECONDS):
            self.shutdown_request(request)  # every worker busy: close; the scraper retries
            return
        self._pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # a broken connection ends only that connection
            log.debug("driftkl serve: connection from %s failed", client_address, exc_info=True)
        finally:
            self.shutdown_request(request)
            self._slots.release()

    def server_close(self) -> None:
        super().server_close()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _listen_error(address: str, port: int, exc: OSError) -> ConfigError:
    where = f"{address}:{port}"
    if isinstance(exc, socket.gaierror):
        problem = f"the address {address!r} cannot be resolved ({exc.strerror})"
        hint = "pass an IP address or host name of this machine, e.g. 127.0.0.1 or 0.0.0.0"
    elif exc.errno == errno.EADDRINUSE:
        problem = f"port {port} is already in use on {address}"
        hint = "choose another --port, or stop the process that holds it"
    elif exc.errno == errno.EADDRNOTAVAIL:
        problem = f"{address!r} is not an address of this machine"
        hint = "pass one of this machine's addresses, or 0.0.0.0 for all of them"
    elif exc.errno == errno.EACCES:
        problem = f"no permission to listen on port {port}"
        hint = "use a port above 1023"
    else:
        problem = exc.strerror or str(exc)
        hint = "check --address and --port"
    return ConfigError(f"cannot serve metrics on {where}: {problem}. Hint: {hint}")


def serve(
    folder: str | Path,
    *,
    address: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    max_threads: int = DEFAULT_MAX_THREADS,
    max_report_bytes: int = DEFAULT_MAX_REPORT_BYTES,
) -> tuple[WSGIServer, threading.Thread]:
    """Serve ``/metrics`` for the reports under ``folder`` in a background thread.

    Args:
        folder: the reports folder (scanned on every scrape).
        address: listen address (``0.0.0.0`` in a container, ``::`` for IPv6).
        port: listen port (``0`` picks a free one; read it from ``server.server_port``).
        max_threads: connections served at the same time.
        max_report_bytes: larger report files are skipped.

    Returns:
        The WSGI server (call ``shutdown()`` then ``server_close()`` to stop it) and its thread.

    Raises:
        InputError: ``folder`` is not a directory.
        ConfigError: the port is out of range, or the address cannot be listened on (unknown
            host, not this machine's, port in use, no permission).
    """
    if not Path(folder).is_dir():
        raise InputError(
            f"reports folder {str(folder)!r} does not exist or is not a folder. "
            "Hint: pass the folder that driftkl compare -o / the Airflow operator writes to"
        )
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= _MAX_PORT:
        raise ConfigError(f"port must be an integer from 0 to {_MAX_PORT}, got {port!r}")
    if max_threads < 1:
        raise ConfigError(f"max_threads must be at least 1, got {max_threads!r}")
    collector = ReportDirectoryCollector(folder, max_report_bytes=max_report_bytes)
    try:
        infos = socket.getaddrinfo(address, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, _, _, _, sockaddr = infos[0]
        server = _BoundedWSGIServer(
            (str(sockaddr[0]), port), family=family, max_threads=max_threads
        )
    except (OSError, UnicodeError) as exc:  # UnicodeError: an address IDNA cannot encode
        if isinstance(exc, UnicodeError):
            exc = socket.gaierror(socket.EAI_NONAME, str(exc))
        raise _listen_error(address, port, exc) from exc
    server.set_app(make_wsgi_app(fresh_registry(collector)))
    thread = threading.Thread(target=server.serve_forever, name="driftkl-serve", daemon=True)
    thread.start()
    return server, thread
