"""What renderers read of a report: small read-only protocols.

:class:`driftkl.model.report.DriftReport` and its parts satisfy these structurally; renderers
never import the model, so the model can delegate ``to_html``, ``plot`` and ``repr`` to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = [
    "ContributionView",
    "FeatureView",
    "MetricView",
    "NoveltyView",
    "ReportView",
    "SchemaChangeView",
    "TestView",
]


class MetricView(Protocol):
    """One metric value with its unit, direction and decision levels."""

    @property
    def value(self) -> float: ...  # noqa: D102
    @property
    def unit(self) -> str: ...  # noqa: D102
    @property
    def direction(self) -> str: ...  # noqa: D102
    @property
    def warn(self) -> float | None: ...  # noqa: D102
    @property
    def drift(self) -> float | None: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def noise_floor(self) -> float | None: ...  # noqa: D102
    @property
    def bias_corrected(self) -> float | None: ...  # noqa: D102


class TestView(Protocol):
    """A feature's significance test."""

    @property
    def method(self) -> str: ...  # noqa: D102
    @property
    def df(self) -> int: ...  # noqa: D102
    @property
    def p_value(self) -> float: ...  # noqa: D102
    @property
    def p_value_adjusted(self) -> float: ...  # noqa: D102
    @property
    def alpha(self) -> float: ...  # noqa: D102
    @property
    def correction(self) -> str: ...  # noqa: D102
    @property
    def bins_pooled(self) -> int: ...  # noqa: D102
    @property
    def rank_p_value(self) -> float | None: ...  # noqa: D102
    @property
    def combined_p_value(self) -> float: ...  # noqa: D102


class NoveltyView(Protocol):
    """A feature's test of current values outside the reference's support."""

    @property
    def share(self) -> float: ...  # noqa: D102
    @property
    def p_value(self) -> float: ...  # noqa: D102
    @property
    def p_value_adjusted(self) -> float | None: ...  # noqa: D102


class ContributionView(Protocol):
    """One bin's share of a divergence."""

    @property
    def label(self) -> str: ...  # noqa: D102
    @property
    def reference_share(self) -> float: ...  # noqa: D102
    @property
    def current_share(self) -> float: ...  # noqa: D102
    @property
    def kl_share(self) -> float | None: ...  # noqa: D102
    @property
    def js_share(self) -> float: ...  # noqa: D102
    def describe(self) -> str: ...  # noqa: D102


class FeatureView(Protocol):
    """One feature's result."""

    @property
    def name(self) -> str: ...  # noqa: D102
    @property
    def kind(self) -> str: ...  # noqa: D102
    @property
    def dtype(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def metrics(self) -> Mapping[str, MetricView]: ...  # noqa: D102
    @property
    def test(self) -> TestView | None: ...  # noqa: D102
    @property
    def novelty(self) -> NoveltyView | None: ...  # noqa: D102
    @property
    def contributions(self) -> Sequence[ContributionView]: ...  # noqa: D102
    @property
    def labels(self) -> Sequence[str]: ...  # noqa: D102
    @property
    def reference_counts(self) -> Sequence[int]: ...  # noqa: D102
    @property
    def current_counts(self) -> Sequence[int]: ...  # noqa: D102
    @property
    def n_reference(self) -> int: ...  # noqa: D102
    @property
    def n_current(self) -> int: ...  # noqa: D102
    @property
    def out_of_range_share(self) -> float: ...  # noqa: D102
    @property
    def unseen_share(self) -> float: ...  # noqa: D102
    @property
    def missing_share(self) -> float: ...  # noqa: D102
    @property
    def notes(self) -> Sequence[str]: ...  # noqa: D102
    @property
    def rule(self) -> str: ...  # noqa: D102
    @property
    def reason(self) -> str: ...  # noqa: D102


class SchemaChangeView(Protocol):
    """A column missing, added or retyped in the current data."""

    @property
    def column(self) -> str: ...  # noqa: D102
    @property
    def change(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def reason(self) -> str: ...  # noqa: D102


class ReportView(Protocol):
    """A whole report."""

    @property
    def features(self) -> Sequence[FeatureView]: ...  # noqa: D102
    @property
    def dataset(self) -> str: ...  # noqa: D102
    @property
    def status(self) -> str: ...  # noqa: D102
    @property
    def settings(self) -> Mapping[str, Any]: ...  # noqa: D102
    @property
    def reference(self) -> Mapping[str, Any]: ...  # noqa: D102
    @property
    def current(self) -> Mapping[str, Any]: ...  # noqa: D102
    @property
    def schema_changes(self) -> Sequence[SchemaChangeView]: ...  # noqa: D102
    @property
    def segments(self) -> Mapping[str, Sequence[FeatureView]]: ...  # noqa: D102
    def summary(self) -> dict[str, Any]: ...  # noqa: D102
