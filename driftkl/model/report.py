"""Drift reports: immutable per-feature results and the dataset-level report.

The same :class:`DriftReport` feeds the notebook (``to_frame()``), the CLI and Airflow's XCom
(``to_dict()`` / ``to_json()``) and Prometheus; nothing is recomputed by an adapter.
Infinite divergences (possible only with ``pseudo_count=0``) stay ``inf`` in Python and are
written as the string ``"inf"`` in the dict/JSON form, which must be valid JSON.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from driftkl._files import write_atomic
from driftkl.errors import InputError
from driftkl.model.explain import BinContribution, SignificanceTest
from driftkl.model.schema import SchemaChange
from driftkl.model.status import STATUSES, worst
from driftkl.render.frame import report_frame
from driftkl.render.html import report_html
from driftkl.render.plot import plot_feature
from driftkl.render.text import render_table
from driftkl.stats.novelty import NoveltyTest

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "STATUSES",
    "DriftReport",
    "FeatureResult",
    "MetricValue",
]

REPORT_SCHEMA = "driftkl.report"
_NOVEL_VALUE_KEYS = frozenset(
    (
        "unseen_values",
        "unseen_distinct",
        "unseen_distinct_over",
        "reference_min",
        "reference_max",
        "current_min",
        "current_max",
    )
)
REPORT_SCHEMA_VERSION = 1


def _num_out(x: float | None) -> float | str | None:
    if x is None:
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def _num_in(x: Any) -> float | None:
    if x is None:
        return None
    return float(x)  # float("inf") parses the "inf" string form


@dataclass(frozen=True)
class MetricValue:
    """One divergence value with its meaning attached.

    Attributes:
        value: the divergence, in ``unit``; ``inf`` when a side has an empty bin and no
            pseudo-count was added.
        unit: ``"bits"``, ``"nats"``, ``"hartleys"`` (or ``"log<b> units"``).
        base: logarithm base (``math.e`` for nats).
        direction: ``"reference||current"`` (``D(reference‖current)``),
            ``"current||reference"``, or ``"symmetric"`` for JS divergence/distance and PSI.
        warn: warn threshold in ``unit``, or ``None``.
        drift: drift threshold in ``unit``, or ``None``.
        status: ``"ok"``, ``"warn"`` or ``"drift"`` from the decision rule (thresholds and,
            unless disabled, significance; see :mod:`driftkl.evaluation.decide`).
        noise_floor: expected value of this metric under no drift at these sample sizes and
            bins, in ``unit`` (see :mod:`driftkl.stats`); ``None`` if not computed.
        bias_corrected: ``max(value − noise_floor, 0)``, in ``unit``; a distinct estimate,
            never the plug-in ``value``; ``None`` if not computed.
    """

    value: float
    unit: str
    base: float
    direction: str
    warn: float | None = None
    drift: float | None = None
    status: str = "ok"
    noise_floor: float | None = None
    bias_corrected: float | None = None

    @property
    def is_infinite(self) -> bool:
        """True when the value is ``inf`` (an empty bin on one side, no pseudo-count)."""
        return math.isinf(self.value)

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form."""
        return {
            "value": _num_out(self.value),
            "unit": self.unit,
            "base": self.base,
            "direction": self.direction,
            "warn": self.warn,
            "drift": self.drift,
            "status": self.status,
            "noise_floor": _num_out(self.noise_floor),
            "bias_corrected": _num_out(self.bias_corrected),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MetricValue:
        """Rebuild from :meth:`to_dict` form."""
        return cls(
            value=float(d["value"]),
            unit=d["unit"],
            base=float(d["base"]),
            direction=d["direction"],
            warn=_num_in(d.get("warn")),
            drift=_num_in(d.get("drift")),
            status=d.get("status", "ok"),
            noise_floor=_num_in(d.get("noise_floor")),
            bias_corrected=_num_in(d.get("bias_corrected")),
        )


@dataclass(frozen=True)
class FeatureResult:
    """Drift result for one feature (column).

    Attributes:
        name: column name.
        kind: ``numeric``, ``categorical`` or ``datetime``.
        dtype: the column's Arrow type in the reference.
        status: worst status over the metrics that have thresholds.
        metrics: metric name → :class:`MetricValue`.
        labels: bin labels, aligned with the two count vectors.
        reference_counts: reference rows per bin.
        current_counts: current rows per bin.
        out_of_range_share: share of current rows outside the reference range (numeric).
        unseen_share: share of current rows with categories absent from the reference.
        missing_share: share of current rows that are NaN/null.
        notes: observations worth a reader's attention (constant column, infinities, ...).
        extra: further serialised fields (merged into :meth:`to_dict`).
        test: the two-sample significance test (G-test) on the ordinary bins (novelty bins
            are tested on their own), or ``None`` if not computed.
        contributions: the bins contributing most to the divergence, largest first.
        novelty: the exact test of current values outside the reference's support (below or
            above its range, unseen categories), or ``None`` if not computed.
        novel_values: what the novel current values were: the most frequent unseen categories
            with their counts (``unseen_values``), or the reference range and the current
            minimum / maximum beyond it (epoch seconds for datetimes).
        judged: ``False`` for event-time columns, reported but left out of the decision.
        rule: which rule set the status: ``"distribution"`` (effect size and significance),
            ``"novelty"``, both joined by ``+``, ``"none"`` (ok) or ``"event_time"``.
        reason: one line saying why the status is what it is, with values, units, p-values
            and α (``"js_divergence 0.0134 bits ≥ 0.001 but p = 0.03 > α = 0.01 → ok"``).
    """

    name: str
    kind: str
    dtype: str
    status: str
    metrics: dict[str, MetricValue]
    labels: tuple[str, ...]
    reference_counts: tuple[int, ...]
    current_counts: tuple[int, ...]
    out_of_range_share: float = 0.0
    unseen_share: float = 0.0
    missing_share: float = 0.0
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    test: SignificanceTest | None = None
    contributions: tuple[BinContribution, ...] = ()
    novelty: NoveltyTest | None = None
    novel_values: dict[str, Any] = field(default_factory=dict)
    reference_rows: int | None = None
    current_rows: int | None = None
    judged: bool = True
    rule: str = "none"
    reason: str = ""

    @property
    def n_reference(self) -> int:
        """Reference rows (missing included)."""
        if self.reference_rows is not None:  # rebuilt from a dict without bins (the XCom form)
            return self.reference_rows
        return sum(self.reference_counts)

    @property
    def n_current(self) -> int:
        """Current rows (missing included)."""
        if self.current_rows is not None:
            return self.current_rows
        return sum(self.current_counts)

    def to_dict(self, *, bins: bool = True) -> dict[str, Any]:
        """Plain-data form; ``bins=False`` drops the per-bin labels and counts."""
        d: dict[str, Any] = {
            "name": self.name,
            "kind": self.kind,
            "dtype": self.dtype,
            "status": self.status,
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "n_reference": self.n_reference,
            "n_current": self.n_current,
            "current_share": {
                "out_of_range": self.out_of_range_share,
                "unseen": self.unseen_share,
                "missing": self.missing_share,
            },
            "notes": list(self.notes),
            "test": None if self.test is None else self.test.to_dict(),
            "novelty": None
            if self.novelty is None
            else {**self.novelty.to_dict(), **self.novel_values},
            "decision": {"judged": self.judged, "rule": self.rule, "reason": self.reason},
            "contributions": [c.to_dict() for c in self.contributions],
        }
        if bins:
            d["bins"] = {
                "labels": list(self.labels),
                "reference_counts": list(self.reference_counts),
                "current_counts": list(self.current_counts),
            }
        d.update(self.extra)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureResult:
        """Rebuild from :meth:`to_dict` form (bins may be absent)."""
        bins = d.get("bins") or {"labels": [], "reference_counts": [], "current_counts": []}
        share = d.get("current_share", {})
        known = {
            "name",
            "kind",
            "dtype",
            "status",
            "metrics",
            "n_reference",
            "n_current",
            "current_share",
            "notes",
            "bins",
            "test",
            "novelty",
            "decision",
            "contributions",
        }
        decision = d.get("decision") or {}
        return cls(
            name=d["name"],
            kind=d["kind"],
            dtype=d.get("dtype", ""),
            status=d["status"],
            metrics={k: MetricValue.from_dict(v) for k, v in d["metrics"].items()},
            labels=tuple(bins["labels"]),
            reference_counts=tuple(int(c) for c in bins["reference_counts"]),
            current_counts=tuple(int(c) for c in bins["current_counts"]),
            out_of_range_share=float(share.get("out_of_range", 0.0)),
            unseen_share=float(share.get("unseen", 0.0)),
            missing_share=float(share.get("missing", 0.0)),
            notes=tuple(d.get("notes", ())),
            extra={k: v for k, v in d.items() if k not in known},
            test=None if d.get("test") is None else SignificanceTest.from_dict(d["test"]),
            contributions=tuple(BinContribution.from_dict(c) for c in d.get("contributions", ())),
            novelty=None if d.get("novelty") is None else NoveltyTest.from_dict(d["novelty"]),
            novel_values={
                k: v for k, v in (d.get("novelty") or {}).items() if k in _NOVEL_VALUE_KEYS
            },
            reference_rows=None
            if d.get("bins") or "n_reference" not in d
            else int(d["n_reference"]),
            current_rows=None if d.get("bins") or "n_current" not in d else int(d["n_current"]),
            judged=bool(decision.get("judged", True)),
            rule=str(decision.get("rule", "none")),
            reason=str(decision.get("reason", "")),
        )


@dataclass(frozen=True)
class DriftReport:
    """The result of comparing a current dataset with a reference, feature by feature.

    Attributes:
        features: one :class:`FeatureResult` per checked column.
        dataset: the configured dataset name.
        settings: direction, base, unit, pseudo-count and metrics used.
        reference: reference provenance (source, rows, profile hash).
        current: current provenance (source, rows).
        created_at: UTC ISO-8601 time the comparison finished.
        duration_seconds: wall time of the comparison.
        schema_changes: columns missing from, added to or retyped in the current data
            (:class:`SchemaChange`); each counts toward :attr:`status` with its own status.
        segments: with ``segment_by``, each segment's value (``"(other)"`` for the pooled
            rest) → its per-feature results against the same segment of the reference; the
            statuses of ``features`` and of every segment come from one correction over all
            their tests. Empty without segments.
    """

    features: tuple[FeatureResult, ...]
    dataset: str
    settings: dict[str, Any]
    reference: dict[str, Any]
    current: dict[str, Any]
    created_at: str
    duration_seconds: float
    driftkl_version: str = ""
    schema_changes: tuple[SchemaChange, ...] = ()
    segments: dict[str, tuple[FeatureResult, ...]] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """Worst status of the features, the schema changes and every segment's features."""
        return worst(
            [
                *(f.status for f in self.features),
                *(c.status for c in self.schema_changes),
                *(f.status for fs in self.segments.values() for f in fs),
            ]
        )

    @property
    def drifted_segments(self) -> tuple[str, ...]:
        """Segments with at least one drifted feature."""
        return tuple(k for k, fs in self.segments.items() if any(f.status == "drift" for f in fs))

    @property
    def drifted_features(self) -> tuple[str, ...]:
        """Names of features whose status is ``drift``."""
        return tuple(f.name for f in self.features if f.status == "drift")

    @property
    def warn_features(self) -> tuple[str, ...]:
        """Names of features whose status is ``warn``."""
        return tuple(f.name for f in self.features if f.status == "warn")

    @property
    def is_drifted(self) -> bool:
        """True when at least one feature drifted."""
        return self.status == "drift"

    def __getitem__(self, name: str) -> FeatureResult:
        """The result of feature ``name``."""
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(name)

    def summary(self) -> dict[str, Any]:
        """Dataset-level counts and status."""
        n = len(self.features)
        drifted = self.drifted_features
        extra = {"drifted_segments": list(self.drifted_segments)} if self.segments else {}
        return {
            **extra,
            "status": self.status,
            "features_checked": n,
            "features_drifted": len(drifted),
            "features_warn": len(self.warn_features),
            "drifted_share": len(drifted) / n if n else 0.0,
            "drifted_features": list(drifted),
            "warn_features": list(self.warn_features),
            "schema_changes": len(self.schema_changes),
        }

    def to_dict(self, *, bins: bool = True) -> dict[str, Any]:
        """JSON-serialisable form (schema ``driftkl.report``, version 1)."""
        return {
            "schema": REPORT_SCHEMA,
            "schema_version": REPORT_SCHEMA_VERSION,
            "driftkl_version": self.driftkl_version,
            "created_at": self.created_at,
            "duration_seconds": self.duration_seconds,
            "dataset": self.dataset,
            "reference": dict(self.reference),
            "current": dict(self.current),
            "settings": dict(self.settings),
            "summary": self.summary(),
            "features": [f.to_dict(bins=bins) for f in self.features],
            "schema_changes": [c.to_dict() for c in self.schema_changes],
        } | (
            {"segments": {k: [f.to_dict(bins=bins) for f in fs] for k, fs in self.segments.items()}}
            if self.segments
            else {}
        )

    def to_json(self, *, bins: bool = True, indent: int | None = 2) -> str:
        """The :meth:`to_dict` form as strict JSON text."""
        return json.dumps(
            self.to_dict(bins=bins), indent=indent, ensure_ascii=False, allow_nan=False
        )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> DriftReport:
        """Rebuild a report from :meth:`to_dict` form (e.g. a saved JSON report or an XCom)."""
        if not isinstance(d, dict):
            raise InputError(f"a driftkl report is a JSON object, not {type(d).__name__}")
        if d.get("schema") != REPORT_SCHEMA or d.get("schema_version") != REPORT_SCHEMA_VERSION:
            raise InputError(
                f"not a driftkl report of schema version {REPORT_SCHEMA_VERSION} "
                f"(schema={d.get('schema')!r}, version={d.get('schema_version')!r})"
            )
        try:
            return cls(
                features=tuple(FeatureResult.from_dict(f) for f in d["features"]),
                dataset=d["dataset"],
                settings=dict(d["settings"]),
                reference=dict(d["reference"]),
                current=dict(d["current"]),
                created_at=d["created_at"],
                duration_seconds=float(d["duration_seconds"]),
                driftkl_version=d.get("driftkl_version", ""),
                schema_changes=tuple(
                    SchemaChange.from_dict(c) for c in d.get("schema_changes") or ()
                ),
                segments={
                    str(k): tuple(FeatureResult.from_dict(f) for f in fs)
                    for k, fs in (d.get("segments") or {}).items()
                },
            )
        # a dict edited by hand or another tool: missing keys, wrong types, float(10**400)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError) as exc:
            problem = f"missing key {exc}" if isinstance(exc, KeyError) else str(exc)
            raise InputError(
                f"not a valid driftkl report (dataset {d.get('dataset')!r}): {problem}. Hint: "
                "pass a dict written by DriftReport.to_dict(), unedited."
            ) from exc

    def to_frame(self, *, full: bool = False) -> pd.DataFrame:
        """One row per feature, indexed by name; compact unless ``full=True``.

        Compact: ``status``, ``rule``, the deciding ``metric`` with its ``value``, ``unit``,
        ``noise_floor`` and drift ``threshold``, ``p_value_adjusted`` and ``top_bin``.
        ``full=True``: every metric, p-value, share and count, with units and KL direction in
        the column names (see :mod:`driftkl.render.frame`). A column missing, added or retyped
        in the current data is one more row, with rule ``schema_change`` and no values. With
        segments, every segment's rows follow the overall ones: a ``segment`` column
        (``"(all)"`` on the overall rows) and the index ``(segment, feature)``.
        """
        return report_frame(self, full=full)

    def _repr_html_(self) -> str:
        """The notebook rendering (summary table, histograms and top bins per feature)."""
        return str(report_html(self, standalone=False))

    def to_html(self, path: str | Path | None = None) -> str:
        """A standalone HTML page (inline SVG and CSS, no network assets); written if ``path``."""
        text = str(report_html(self, standalone=True))
        if path is not None:
            write_atomic(path, text)
        return text

    def plot(self, feature: str, *, ax: Any = None) -> Any:
        """Overlaid reference/current histograms of ``feature`` (needs ``driftkl[plot]``)."""
        return plot_feature(self, self[feature], ax=ax)

    def __repr__(self) -> str:
        """A short readable summary."""
        s = self.summary()
        head = (
            f"DriftReport(dataset={self.dataset!r}, status={s['status']!r}, "
            f"{s['features_drifted']}/{s['features_checked']} features drifted, "
            f"reference rows={self.reference.get('rows')}, current rows={self.current.get('rows')})"
        )
        return head + "\n" + render_table(self)
