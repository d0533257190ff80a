"""Turn drift reports (and checks that failed without one) into Prometheus metric families.

Nothing here computes statistics: every value is read from the report (a
:class:`~driftkl.DriftReport`, its ``to_dict()`` form, or a saved JSON report). The families
are plain values; :mod:`driftkl.integrations.prometheus.registry` puts them on private
registries, and the global ``prometheus_client.REGISTRY`` is never touched.

Units: every divergence, threshold and noise floor carries a ``unit`` label (``bits``,
``nats`` or ``hartleys``); a report computed with another logarithm base is exported in bits
(``value · log2(base)``). The unit is a label rather than a name suffix because ``promtool check
metrics`` reads a ``_bits`` suffix as a data size. PSI is always in nats. The KL direction is the
``direction`` label (``current||reference`` is ``D(current‖reference)``); symmetric metrics
(JS divergence, JS distance, PSI) carry ``direction="symmetric"``.

Statuses are exported as numbers: ``0 = ok``, ``1 = warn``, ``2 = drift``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily, Metric

from driftkl._version import __version__
from driftkl.errors import InputError
from driftkl.model.report import DriftReport
from driftkl.model.schema import SCHEMA_CHANGES
from driftkl.model.status import STATUSES

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = ["STATUS_VALUES", "as_report", "failure_families", "report_families"]

#: Numeric value of each status in ``driftkl_feature_status`` and ``driftkl_dataset_status``.
STATUS_VALUES: dict[str, int] = {s: i for i, s in enumerate(STATUSES)}

_NAMED_UNITS = ("bits", "nats", "hartleys")
_SHARE_BINS = ("out_of_range", "unseen", "missing")


def as_report(report: DriftReport | Mapping[str, Any]) -> DriftReport:
    """Accept a report object or its ``to_dict()`` form (e.g. a loaded JSON report).

    Args:
        report: a :class:`DriftReport` or a dict of schema ``driftkl.report`` version 1.

    Returns:
        The report object.

    Raises:
        InputError: when the dict is not a driftkl report of a supported schema version.
    """
    if isinstance(report, DriftReport):
        return report
    if not isinstance(report, Mapping):
        raise InputError(
            f"expected a DriftReport or its to_dict() form, got {type(report).__name__}. "
            "Hint: pass driftkl.compare(...) or json.load() of a saved report"
        )
    return DriftReport.from_dict(dict(report))


def _unit(unit: str, base: float) -> tuple[str, float]:
    """The `unit` label value and the factor that converts a value into that unit."""
    if unit in _NAMED_UNITS:
        return unit, 1.0
    return "bits", math.log2(base)


def _timestamp(created_at: str) -> float:
    return datetime.fromisoformat(created_at).timestamp()


_Family = TypeVar("_Family", bound=Metric)


class _Families:
    """Metric families keyed by name, created on first use, so several reports share them."""

    def __init__(self) -> None:
        self._by_name: dict[str, Metric] = {}

    def _family(self, kind: type[_Family], name: str, doc: str, labels: Iterable[str]) -> _Family:
        fam = self._by_name.get(name)
        if fam is None:
            make: Callable[..., _Family] = kind  # the subclasses take labels=
            fam = self._by_name[name] = make(name, doc, labels=list(labels))
        assert isinstance(fam, kind)  # one name, one kind of family
        return fam

    def gauge(self, name: str, doc: str, labels: Iterable[str]) -> GaugeMetricFamily:
        return self._family(GaugeMetricFamily, name, doc, labels)

    def info(self, name: str, doc: str, labels: Iterable[str]) -> InfoMetricFamily:
        return self._family(InfoMetricFamily, name, doc, labels)

    def all(self) -> list[Metric]:
        return list(self._by_name.values())


_D = ("dataset",)
_F = ("dataset", "feature")
_M = ("dataset", "feature", "metric", "direction", "unit")


def _add_check_times(fams: _Families, dataset: str, when: float, *, succeeded: bool) -> None:
    """Add the latest check's time and its success (or failure) time, in Unix seconds."""
    fams.gauge(
        "driftkl_last_run_timestamp_seconds",
        "Unix time (seconds) the latest drift check finished, successfully or not.",
        _D,
    ).add_metric([dataset], when)
    if succeeded:
        fams.gauge(
            "driftkl_last_success_timestamp_seconds",
            "Unix time (seconds) the latest successful drift check finished (a report was "
            "produced).",
            _D,
        ).add_metric([dataset], when)
    else:
        fams.gauge(
            "driftkl_last_failure_timestamp_seconds",
            "Unix time (seconds) the latest drift check failed without producing a report.",
            _D,
        ).add_metric([dataset], when)


def _add_dataset(fams: _Families, r: DriftReport) -> None:
    ds = r.dataset
    s = r.settings
    summary = r.summary()
    fams.info(
        "driftkl_report",
        "Settings of the latest drift report: KL direction, logarithm base, unit, pseudo-count "
        "and the reference profile's content hash.",
        ["dataset", "direction", "base", "unit", "pseudo_count", "reference_profile_hash"],
    ).add_metric(
        [],
        {
            "dataset": ds,
            "direction": str(s.get("direction", "")),
            "base": str(s.get("base", "")),
            "unit": str(s.get("unit", "")),
            "pseudo_count": str(s.get("pseudo_count", "")),
            "reference_profile_hash": str(r.reference.get("profile_hash") or ""),
        },
    )
    fams.gauge(
        "driftkl_dataset_status",
        "Worst status of the features and schema changes of the latest drift check (0 = ok, 1 = "
        "warn, 2 = drift).",
        _D,
    ).add_metric([ds], STATUS_VALUES[summary["status"]])
    feats = fams.gauge(
        "driftkl_dataset_features",
        "Features checked in the latest drift check, by status (ok, warn, drift); the sum over "
        "status is the number of features checked.",
        ("dataset", "status"),
    )
    for status in STATUSES:
        feats.add_metric([ds, status], sum(1 for f in r.features if f.status == status))
    rows = fams.gauge(
        "driftkl_dataset_rows",
        "Rows read on each side (reference, current) by the latest drift check.",
        ("dataset", "side"),
    )
    for side, prov in (("reference", r.reference), ("current", r.current)):
        if prov.get("rows") is not None:
            rows.add_metric([ds, side], float(prov["rows"]))
    fams.gauge(
        "driftkl_run_duration_seconds",
        "Wall time of the latest drift check, in seconds.",
        _D,
    ).add_metric([ds], r.duration_seconds)
    _add_check_times(fams, ds, _timestamp(r.created_at), succeeded=True)


def _add_features(fams: _Families, r: DriftReport) -> None:
    ds = r.dataset
    for f in r.features:
        fams.info(
            "driftkl_feature",
            "Kind (numeric, categorical, datetime) and Arrow type of each checked feature.",
            ("dataset", "feature", "kind", "dtype"),
        ).add_metric([ds, f.name, f.kind, f.dtype], {})
        fams.gauge(
            "driftkl_feature_status",
            "Drift status of each feature in the latest check (0 = ok, 1 = warn, 2 = drift).",
            _F,
        ).add_metric([ds, f.name], STATUS_VALUES[f.status])
        for name, m in f.metrics.items():
            unit, factor = _unit(m.unit, m.base)
            key = [ds, f.name, name, m.direction, unit]
            fams.gauge(
                "driftkl_feature_divergence",
                "Divergence of each feature's current histogram from its reference, in the unit "
                "of the unit label (bits, nats or hartleys). metric: kl_divergence (directional; "
                "direction current||reference is "
                "D(current‖reference)), js_divergence, js_distance (square root of the JS "
                "divergence), psi; symmetric metrics have direction=symmetric.",
                _M,
            ).add_metric(key, m.value * factor)
            levels = [
                (lvl, v) for lvl, v in (("warn", m.warn), ("drift", m.drift)) if v is not None
            ]
            if levels:
                thr = fams.gauge(
                    "driftkl_feature_threshold",
                    "Configured warn and drift thresholds of each feature's metric, in the unit "
                    "of the unit label.",
                    (*_M, "level"),
                )
                for lvl, v in levels:
                    thr.add_metric([*key, lvl], v * factor)
            if m.noise_floor is not None:
                fams.gauge(
                    "driftkl_feature_noise_floor",
                    "Expected value of each metric under no drift at these sample sizes, in the "
                    "unit of the unit label.",
                    _M,
                ).add_metric(key, m.noise_floor * factor)
            fams.gauge(
                "driftkl_feature_metric_status",
                "Status from each metric's decision rule (0 = ok, 1 = warn, 2 = drift).",
                ("dataset", "feature", "metric"),
            ).add_metric([ds, f.name, name], STATUS_VALUES[m.status])
        if f.test is not None:
            fams.gauge(
                "driftkl_feature_p_value",
                "Adjusted p-value of each feature's two-sample G-test (the one the decision "
                "rule uses); small means the histograms differ beyond sampling noise.",
                _F,
            ).add_metric([ds, f.name], f.test.p_value_adjusted)
        rows = fams.gauge(
            "driftkl_feature_rows",
            "Rows of each feature on each side (reference, current), missing values included.",
            (*_F, "side"),
        )
        rows.add_metric([ds, f.name, "reference"], f.n_reference)
        rows.add_metric([ds, f.name, "current"], f.n_current)
        share = fams.gauge(
            "driftkl_feature_current_share_ratio",
            "Share (0..1) of each feature's current rows that fall out of the reference range "
            "(bin=out_of_range), in categories unseen in the reference (bin=unseen) or are "
            "missing (bin=missing).",
            (*_F, "bin"),
        )
        values = (f.out_of_range_share, f.unseen_share, f.missing_share)
        for b, v in zip(_SHARE_BINS, values, strict=True):
            share.add_metric([ds, f.name, b], v)


def _add_schema_changes(fams: _Families, r: DriftReport) -> None:
    """``driftkl_schema_changes{dataset, change}``: every change kind, 0 when none."""
    gauge = fams.gauge(
        "driftkl_schema_changes",
        "Columns missing from (missing), added to (added) or retyped in (type_changed) the "
        "current data of the latest drift check, compared with the reference.",
        ("dataset", "change"),
    )
    found = Counter(c.change for c in r.schema_changes)
    for change in SCHEMA_CHANGES:
        gauge.add_metric([r.dataset, change], found[change])


def _add_segments(fams: _Families, r: DriftReport) -> None:
    """Per segment (``segment_by``): status and divergence of each feature, current rows.

    The segment is a label, so the series grow with the segments kept by name:
    ``max_segments`` (default 20, at most 1000) plus ``(other)``, times the features.
    """
    ds = r.dataset
    for segment, features in r.segments.items():
        fams.gauge(
            "driftkl_segment_rows",
            "Current rows of each segment (segment_by) in the latest check; segments beyond "
            'max_segments are pooled under segment="(other)".',
            ("dataset", "segment"),
        ).add_metric([ds, segment], max((f.n_current for f in features), default=0))
        for f in features:
            fams.gauge(
                "driftkl_segment_feature_status",
                "Drift status of each feature within each segment (0 = ok, 1 = warn, 2 = drift), "
                "decided with the overall features under one false-alarm correction.",
                ("dataset", "segment", "feature"),
            ).add_metric([ds, segment, f.name], STATUS_VALUES[f.status])
            for name, m in f.metrics.items():
                unit, factor = _unit(m.unit, m.base)
                fams.gauge(
                    "driftkl_segment_feature_divergence",
                    "Divergence of each feature's current histogram from the same segment's "
                    "reference histogram, in the unit label (KL direction in direction).",
                    ("dataset", "segment", "feature", "metric", "direction", "unit"),
                ).add_metric([ds, segment, f.name, name, m.direction, unit], m.value * factor)


def report_families(
    reports: DriftReport | Mapping[str, Any] | Iterable[DriftReport | Mapping[str, Any]],
) -> list[Metric]:
    """Metric families for one report or several (one per dataset).

    Args:
        reports: a report, its dict form, or an iterable of those. Reports of the same dataset
            would produce duplicate series: pass the latest report per dataset only.

    Returns:
        The metric families, ``driftkl_build_info`` first.

    Raises:
        InputError: a dict is not a driftkl report, two reports share a dataset name, or a
            report has two features of the same name.
    """
    if isinstance(reports, (DriftReport, Mapping)):
        items = [as_report(reports)]
    else:
        items = [as_report(x) for x in reports]
    seen: set[str] = set()
    fams = _Families()
    fams.info("driftkl_build", "Version of driftkl that exported these metrics.", []).add_metric(
        [], {"version": __version__}
    )
    for r in items:
        if r.dataset in seen:
            raise InputError(
                f"two reports for dataset {r.dataset!r}: metrics would collide. "
                "Hint: export only the latest report of each dataset"
            )
        seen.add(r.dataset)
        twice = sorted(n for n, k in Counter(f.name for f in r.features).items() if k > 1)
        if twice:
            raise InputError(
                f"report for dataset {r.dataset!r} has more than one feature named "
                f"{', '.join(map(repr, twice))}: their metrics would be duplicate series, which "
                "a Pushgateway refuses. Hint: give every column a unique name"
            )
        _add_dataset(fams, r)
        _add_features(fams, r)
        _add_schema_changes(fams, r)
        _add_segments(fams, r)
    return fams.all()


def failure_families(dataset: str, *, when: float) -> list[Metric]:
    """Metric families recording a check of ``dataset`` that failed without a report.

    ``driftkl_last_run_timestamp_seconds`` and ``driftkl_last_failure_timestamp_seconds`` are
    both ``when`` (Unix seconds); the HELP texts are those of a report's metrics.
    """
    fams = _Families()
    _add_check_times(fams, dataset, when, succeeded=False)
    return fams.all()
