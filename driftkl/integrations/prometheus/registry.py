"""Private registries: the one way metric families reach a push, a textfile or a scrape.

Every registry here is a fresh ``CollectorRegistry``; the global ``prometheus_client.REGISTRY``
is never used, so exporting a report leaves the host application's metrics alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from prometheus_client import CollectorRegistry

from driftkl.integrations.prometheus.metrics import failure_families, report_families

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

    from prometheus_client.core import Metric
    from prometheus_client.registry import Collector

    from driftkl.model.report import DriftReport

__all__ = [
    "FamiliesCollector",
    "ReportCollector",
    "build_registry",
    "failure_registry",
    "fresh_registry",
]


class FamiliesCollector:
    """A ``prometheus_client`` collector that yields the same metric families on every collection.

    Attributes:
        families: the metric families, in export order.
    """

    def __init__(self, families: Iterable[Metric]) -> None:
        """Keep the families."""
        self.families = list(families)

    def collect(self) -> Iterator[Metric]:
        """Yield the metric families."""
        yield from self.families


class ReportCollector(FamiliesCollector):
    """A ``prometheus_client`` collector that exports fixed reports on every collection."""

    def __init__(
        self,
        reports: DriftReport | Mapping[str, Any] | Iterable[DriftReport | Mapping[str, Any]],
    ) -> None:
        """Validate the reports now, so a bad report fails here and not at scrape time."""
        super().__init__(report_families(reports))


def fresh_registry(collector: Collector) -> CollectorRegistry:
    """A new ``CollectorRegistry`` holding only ``collector``."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(collector)
    return registry


def build_registry(
    reports: DriftReport | Mapping[str, Any] | Iterable[DriftReport | Mapping[str, Any]],
) -> CollectorRegistry:
    """A fresh private registry holding the metrics of one report (or one per dataset).

    Args:
        reports: a :class:`~driftkl.DriftReport`, its ``to_dict()`` form, or several of those.

    Returns:
        A new ``CollectorRegistry``; ``prometheus_client.generate_latest(registry)`` gives the
        exposition text.

    Raises:
        InputError: a dict is not a driftkl report, or two reports share a dataset name.

    Example:
        >>> import driftkl, pandas as pd
        >>> from prometheus_client import generate_latest
        >>> report = driftkl.compare(pd.DataFrame({"x": ["a", "b"] * 50}),
        ...                          pd.DataFrame({"x": ["a"] * 90 + ["c"] * 10}), dataset="orders")
        >>> text = generate_latest(build_registry(report)).decode()
        >>> 'driftkl_feature_status{dataset="orders",feature="x"} 2.0' in text
        True
    """
    return fresh_registry(ReportCollector(reports))


def failure_registry(dataset: str, *, when: float) -> CollectorRegistry:
    """A fresh private registry recording a check of ``dataset`` that failed at ``when``.

    Args:
        dataset: the dataset whose check failed.
        when: when it failed, in Unix seconds.

    Returns:
        A new ``CollectorRegistry`` with the run and failure timestamps only (see
        :func:`~driftkl.integrations.prometheus.metrics.failure_families`).
    """
    return fresh_registry(FamiliesCollector(failure_families(dataset, when=when)))
