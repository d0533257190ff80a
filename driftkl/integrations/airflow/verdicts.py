"""Each feature's verdict in a few fields: status, rule, deciding metric and threshold, p-value.

The task log table and the summary XCom both read these. Nothing is computed here: the status,
rule, metric values, thresholds, p-values and top bins are the report's own, decided once by
:func:`driftkl.evaluation.decide.decide`; this module only picks, per feature, the thresholded
metric that set the status and the number it was compared with (the value net of its noise
floor under ``threshold_on: bias_corrected``, the plug-in value under ``plug_in``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from driftkl.model.status import STATUSES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from driftkl.model.report import DriftReport, FeatureResult, MetricValue

__all__ = ["Verdict", "verdicts"]


@dataclass(frozen=True)
class Verdict:
    """Why one feature has its status, in the report's own numbers.

    Attributes:
        name: the feature (column) name.
        status: ``"ok"``, ``"warn"`` or ``"drift"``.
        rule: the rule that set the status (``"distribution"``, ``"novelty"``, both joined by
            ``+``, ``"none"`` or ``"event_time"``).
        metric: the thresholded metric that decided, or ``None`` when no metric has thresholds.
        value: the number compared with the threshold, in ``unit``.
        net_of_noise: ``True`` when ``value`` is the divergence net of its noise floor.
        comparison: ``"≥"`` when ``value`` reached ``threshold``, ``"<"`` when not, ``""`` for
            an event-time column (reported, not judged).
        threshold: the drift threshold (the warn threshold for a ``warn`` feature), in ``unit``;
            ``None`` for an event-time column.
        unit: ``"bits"``, ``"nats"`` ...
        p_value: the distribution test's p-value after the report-wide correction.
        top_bins: the bins contributing most, largest first (``"[3.2, 4.1): 61% of KL"``).
        reason: the report's one-line reason.
    """

    name: str
    status: str
    rule: str
    metric: str | None
    value: float | None
    net_of_noise: bool
    comparison: str
    threshold: float | None
    unit: str
    p_value: float | None
    top_bins: tuple[str, ...]
    reason: str

    @property
    def flagged(self) -> bool:
        """True for ``warn`` and ``drift``."""
        return self.status != "ok"

    def sort_key(self) -> tuple[int, float, str]:
        """Worst status first, event-time columns last, then how far past the threshold."""
        ratio = 0.0
        if self.value is not None and self.threshold:
            ratio = self.value / self.threshold
        rank = 1 if self.rule == "event_time" else -STATUSES.index(self.status)
        return (rank, -ratio, self.name)


def _deciding(f: FeatureResult) -> tuple[str, MetricValue] | None:
    """The thresholded metric whose status is the feature's, else the first thresholded one."""
    judged = [(n, m) for n, m in f.metrics.items() if m.warn is not None or m.drift is not None]
    if not judged:
        return None
    return next(((n, m) for n, m in judged if m.status == f.status), judged[0])


def verdict(f: FeatureResult, settings: Mapping[str, Any], *, top: int = 2) -> Verdict:
    """The :class:`Verdict` of one feature of a report with these ``settings``."""
    chosen = _deciding(f)
    p = None if f.test is None else f.test.p_value_adjusted
    bins = tuple(c.describe() for c in f.contributions[:top])
    if chosen is None:
        return Verdict(
            f.name,
            f.status,
            f.rule,
            None,
            None,
            net_of_noise=False,
            comparison="",
            threshold=None,
            unit="",
            p_value=p,
            top_bins=bins,
            reason=f.reason,
        )
    name, m = chosen
    net = settings.get("threshold_on") != "plug_in" and m.bias_corrected is not None
    value = m.bias_corrected if net and m.bias_corrected is not None else m.value
    threshold = m.warn if m.status == "warn" or m.drift is None else m.drift
    if not f.judged:  # an event-time column: reported, compared with nothing
        threshold = None
    comparison = "" if threshold is None else ("≥" if value >= threshold else "<")
    return Verdict(
        name=f.name,
        status=f.status,
        rule=f.rule,
        metric=name,
        value=value,
        net_of_noise=net,
        comparison=comparison,
        threshold=threshold,
        unit=m.unit,
        p_value=p,
        top_bins=bins,
        reason=f.reason,
    )


def verdicts(report: DriftReport) -> Sequence[Verdict]:
    """Every feature's verdict, drift first, then warn, then ok (largest effect first)."""
    return sorted((verdict(f, report.settings) for f in report.features), key=Verdict.sort_key)
