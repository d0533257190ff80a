"""Errors of the Prometheus integration (both also derive from :class:`driftkl.DriftklError`)."""

from __future__ import annotations

from typing import Any

from driftkl.errors import DriftklError

__all__ = ["ExportError", "PushError"]


class ExportError(DriftklError, OSError):
    """Metrics of a report could not be written or pushed; the report itself is unaffected."""

    def __init__(self, message: str) -> None:
        """Store the message (a single argument, so ``OSError`` does not reinterpret it)."""
        super().__init__(message)


class PushError(ExportError, ConnectionError):
    """Pushing to a Pushgateway failed after all attempts.

    Attributes:
        gateway: the Pushgateway URL that was tried.
        url: the full group URL (``.../metrics/job/<job>/dataset/<dataset>...``).
        attempts: how many requests were made.
        report: the report's dict form (``to_dict(bins=False)``), so nothing is lost.
    """

    def __init__(
        self, message: str, *, gateway: str, url: str, attempts: int, report: dict[str, Any]
    ) -> None:
        """Build the error; ``message`` already names the gateway and the cause."""
        super().__init__(message)
        self.gateway = gateway
        self.url = url
        self.attempts = attempts
        self.report = report
