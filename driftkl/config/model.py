"""Frozen, validated settings: what a run means (binning, metrics, decision) and how it runs.

Build them with :func:`driftkl.config.load_config`; leaves of the pipeline receive the narrow
part they need (:meth:`DriftConfig.binning_for`, :meth:`DriftConfig.thresholds_for`,
:attr:`DriftConfig.execution`), never the whole config.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from driftkl.stats.divergence import Direction

__all__ = [
    "DEFAULT_THRESHOLDS",
    "EXECUTION_KEYS",
    "BinningConfig",
    "ColumnBinning",
    "ColumnConfig",
    "DriftConfig",
    "Execution",
    "NoiseFloorConfig",
    "NoveltyConfig",
    "SignificanceConfig",
    "SparkConfig",
    "Threshold",
    "default_thresholds",
]

ColumnKind = Literal["numeric", "categorical", "datetime", "event_time"]


@dataclass(frozen=True)
class SignificanceConfig:
    """Significance part of the decision rule.

    Attributes:
        enabled: require a significant G-test for ``warn``/``drift`` (p-values are always
            reported).
        alpha: significance level (default 0.01).
        correction: ``"fdr_bh"`` (default: Benjamini-Hochberg over every test of the report,
            so the expected share of false alarms among flagged features is at most α),
            ``"bonferroni"`` (the chance of any false alarm at most α) or ``"none"`` (α per
            test).
        min_expected: sparse bins are pooled until every expected count is at least this
            (Cochran's rule, 5); a 2×2 table still below it uses Fisher's exact test.
        williams: divide G by Williams' correction ``q > 1`` before the χ² tail (default;
            the uncorrected G-test rejects too often on small samples).
    """

    enabled: bool = True
    alpha: float = 0.01
    correction: str = "fdr_bh"
    min_expected: float = 5.0
    williams: bool = True


@dataclass(frozen=True)
class NoveltyConfig:
    """The novelty rule: current values outside the reference's support.

    A feature is ``drift`` by this rule when the exact novelty test
    (:mod:`driftkl.stats.novelty`) is significant after the report-wide correction **and**
    at least ``min_share`` of the current rows are novel (below or above the reference range,
    or categories the reference never had).

    Attributes:
        enabled: apply the rule (the test is always reported).
        min_share: smallest novel share that counts (default 0.005: one row in 200; fewer new
            values are reported but do not page anyone).
    """

    enabled: bool = True
    min_share: float = 0.005


@dataclass(frozen=True)
class NoiseFloorConfig:
    """How the noise floor (expected divergence under no drift) is computed.

    Attributes:
        method: ``"monte_carlo"`` (default: redraw both samples from the pooled distribution
            and average the reported metric; exact for the pseudo-count and bin count used) or
            ``"analytic"`` (first-order formula ``(k−1)/(2·n_eff)`` nats for KL etc., no
            pseudo-count; see :mod:`driftkl.stats`).
        draws: Monte Carlo draws per feature.
        seed: random seed, so the same counts always give the same floor.
    """

    method: str = "monte_carlo"
    draws: int = 500
    seed: int = 0


@dataclass(frozen=True)
class Threshold:
    """Warn and drift levels for one metric.

    A value ``>= drift`` is ``"drift"``, ``>= warn`` is ``"warn"``; ``None`` disables a level.
    ``unit`` is the unit the levels are written in (``"bits"``, ``"nats"``, ``"hartleys"``);
    they are converted to the report's unit when the report uses another base, never
    reinterpreted. ``None`` means "in the report's unit for that metric".
    """

    warn: float | None = None
    drift: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class BinningConfig:
    """How columns are binned when no per-column override applies.

    Attributes:
        method: numeric edges from reference ``"quantile"`` (equal-mass) or ``"uniform"``
            (equal-width between reference min and max).
        bins: number of numeric bins before tied quantiles are merged.
        min_count: adjacent numeric bins are merged until each holds at least this many
            reference rows (0 = off).
        top_k: categorical columns keep their ``top_k`` most frequent reference categories as
            bins; the rest share an ``other`` bin.
        max_vocabulary: at most this many further reference categories are remembered (so a
            current value among them counts as ``other`` rather than ``unseen``).
        integer_categorical_max: integer columns with at most this many distinct reference
            values are binned as categorical; others as numeric.
        reference_memory_mib: reference values of numeric columns held in memory at once to
            fit exact quantiles. A column whose values need more is fitted in a few streaming
            passes instead (exact all the same; see :mod:`driftkl.quantiles`).
    """

    method: str = "quantile"
    bins: int = 10
    min_count: int = 0
    top_k: int = 50
    max_vocabulary: int = 10_000
    integer_categorical_max: int = 20
    reference_memory_mib: int = 256


@dataclass(frozen=True)
class ColumnConfig:
    """Per-column overrides; ``None`` means "use the global setting"."""

    kind: ColumnKind | None = None
    method: str | None = None
    bins: int | None = None
    edges: tuple[float, ...] | None = None
    min_count: int | None = None
    top_k: int | None = None
    thresholds: Mapping[str, Threshold] | None = None


# The default effect-size levels, per metric, with their unit. JS divergence 0.001 bits is what
# a 0.08σ mean shift, a ×1.07 scale change or +5 percentage points in a 30% category reach on
# 10 equal-mass bins; 0.0005 bits (warn) a 0.05σ shift. The other metrics' levels are the same
# effect through their small-difference relations: KL ≈ 4·JS, PSI ≈ 8·JS (nats), JS distance
# = sqrt(JS). See docs/statistics.md ("Reading the numbers") for the detection table.
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "js_divergence": Threshold(warn=0.0005, drift=0.001, unit="bits"),
    "kl_divergence": Threshold(warn=0.002, drift=0.004, unit="bits"),
    "js_distance": Threshold(warn=0.0224, drift=0.0316, unit="bits"),
    "psi": Threshold(warn=0.0028, drift=0.0055, unit="nats"),
}


def default_thresholds(metrics: tuple[str, ...]) -> dict[str, Threshold]:
    """The default levels for a metric set: on JS divergence if computed, else the first."""
    deciding = "js_divergence" if "js_divergence" in metrics else metrics[0]
    return {deciding: DEFAULT_THRESHOLDS[deciding]}


@dataclass(frozen=True)
class SparkConfig:
    """The Spark session of ``engine: spark`` (config key ``spark``).

    Attributes:
        master: the cluster manager URL (``local[2]``, ``spark://host:7077``, ``yarn``,
            ``k8s://...``); ``None`` keeps the active session's, or Spark's default
            (``spark-submit --master``, else ``local[*]``).
        app_name: the Spark application name, when driftkl starts the session.
        conf: further Spark settings (``spark.executor.memory: 4g``), when driftkl starts the
            session; values are text.
        session: an existing ``pyspark.sql.SparkSession`` (Python only: ``spark=session``);
            ``master``, ``app_name`` and ``conf`` are then not used.
    """

    master: str | None = None
    app_name: str = "driftkl"
    conf: Mapping[str, str] = field(default_factory=dict)
    session: Any = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DriftConfig:
    """Validated settings for profiling and comparing.

    Attributes:
        dataset: a stable name for the data checked (used in reports, metric labels).
        include: columns to check (``None`` = every column of the reference).
        exclude: columns never checked.
        direction: ``"current||reference"`` reports ``D(current‖reference)`` (default: it
            penalises mass appearing where the reference had none, e.g. new categories), or
            ``"reference||current"``.
        base: logarithm base of every divergence in the report (2 = bits, default; e = nats).
        pseudo_count: added to each bin of both sides before normalising (default 0.5, the
            Jeffreys / Krichevsky-Trofimov prior); 0 gives exact plug-in values and ``inf``
            where a side has an empty bin. Bins empty on both sides are ignored.
        metrics: metrics computed per feature, from :data:`METRICS`.
        thresholds: per metric warn/drift effect levels, each with its unit. ``None``
            (default) puts :data:`DEFAULT_THRESHOLDS` on JS divergence (0.001 bits drift,
            0.0005 bits warn), or on the first metric computed when JS is not; ``{}`` decides
            on significance alone. A threshold for a metric that is not computed is an error.
        binning: global binning settings.
        columns: per-column overrides keyed by column name.
        filter: row filter for (partitioned) Parquet datasets, a list of
            ``[column, op, value]`` conditions that must all hold.
        batch_size: rows per Arrow record batch when streaming Parquet.
        engine: ``"local"`` (threads in this process, default), ``"dask"`` (per-partition
            counts on a dask scheduler, summed; needs ``driftkl[dask]``) or ``"spark"``
            (Spark jobs; needs ``driftkl[spark]`` and Java).
        threads: worker threads of the local engine (``None``: one per CPU core). Counts are
            identical whatever the thread count or batch size.
        scheduler: ``dask.distributed`` scheduler address (``tcp://host:8786``) for
            ``engine: dask``; ``None`` uses the current dask client or scheduler.
        spark: the Spark session of ``engine: spark`` (:class:`SparkConfig`: ``master``,
            ``app_name``, ``conf``, or an existing ``SparkSession`` given in Python).
        significance: the p-value part of the decision rule (see
            :mod:`driftkl.evaluation.decide`): ``enabled``, ``alpha`` (0.01), ``correction``
            (fdr_bh | bonferroni | none).
        noise_floor: how the expected no-drift divergence is computed (``monte_carlo`` or
            ``analytic``, ``draws``, ``seed``).
        threshold_on: ``"bias_corrected"`` (default) compares thresholds with the value minus
            its noise floor (the effect, net of what sampling alone produces at these sample
            sizes); ``"plug_in"`` with the reported value.
        novelty: the novelty rule (values outside the reference range, unseen categories):
            ``enabled``, ``min_share``.
        event_time: ``"auto"`` (default): datetime and date columns are event-time columns,
            reported but not judged (a later batch is always "out of range"); ``"none"``
            judges them like any column. ``columns.<name>.kind: event_time`` marks any
            column, ``kind: datetime`` judges one datetime column.
        on_schema_change: what a column missing from, added to or retyped in the current
            data counts as: ``"drift"`` (default: a missing or retyped column is a drift
            finding, an added one a warning), ``"warn"`` (every change a warning) or
            ``"fail"`` (any change is an error naming the columns). The other columns are
            checked whatever the setting, except with ``fail``.
        segment_by: categorical columns whose values cut the data into segments, each
            compared with the same segment of the reference, besides the overall result
            (the columns themselves are not judged). Empty (default): no segments.
        max_segments: segments kept by name, the ones with the most reference rows
            (default 20); the others are pooled into one ``(other)`` segment, so the number of
            results (and of Prometheus series) stays bounded.
    """

    dataset: str = "default"
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    direction: Direction = "current||reference"
    base: float = 2.0
    pseudo_count: float = 0.5
    metrics: tuple[str, ...] = ("kl_divergence", "js_divergence")
    thresholds: Mapping[str, Threshold] | None = None
    binning: BinningConfig = field(default_factory=BinningConfig)
    columns: Mapping[str, ColumnConfig] = field(default_factory=dict)
    filter: tuple[tuple[str, str, Any], ...] = ()
    batch_size: int = 131_072
    engine: str = "local"
    threads: int | None = None
    scheduler: str | None = None
    spark: SparkConfig = field(default_factory=SparkConfig)
    significance: SignificanceConfig = field(default_factory=SignificanceConfig)
    noise_floor: NoiseFloorConfig = field(default_factory=NoiseFloorConfig)
    threshold_on: str = "bias_corrected"
    novelty: NoveltyConfig = field(default_factory=NoveltyConfig)
    event_time: str = "auto"
    on_schema_change: str = "drift"
    segment_by: tuple[str, ...] = ()
    max_segments: int = 20

    def thresholds_for(self, column: str) -> dict[str, Threshold]:
        """Thresholds for ``column``: the global ones, updated by its per-column overrides."""
        merged = dict(
            default_thresholds(self.metrics) if self.thresholds is None else self.thresholds
        )
        col = self.columns.get(column)
        if col is not None and col.thresholds:
            merged.update(col.thresholds)
        return merged

    def binning_for(self, column: str) -> ColumnBinning:
        """How ``column`` is binned: its per-column overrides over the global settings."""
        col = self.columns.get(column) or ColumnConfig()
        b = self.binning
        return ColumnBinning(
            kind=None if col.kind == "event_time" else col.kind,
            method="explicit" if col.edges is not None else (col.method or b.method),
            bins=col.bins or b.bins,
            edges=col.edges,
            min_count=b.min_count if col.min_count is None else col.min_count,
            top_k=col.top_k or b.top_k,
            max_vocabulary=b.max_vocabulary,
            integer_categorical_max=b.integer_categorical_max,
        )

    def is_event_time(self, column: str, kind: str) -> bool:
        """Whether ``column`` (of fitted ``kind``) is an event-time column, reported unjudged."""
        configured = (self.columns.get(column) or ColumnConfig()).kind
        if configured is not None:
            return configured == "event_time"
        return self.event_time == "auto" and kind == "datetime"

    @property
    def execution(self) -> Execution:
        """How the run is executed (never what it means)."""
        return Execution(**{k: getattr(self, k) for k in EXECUTION_KEYS})

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form of every setting."""
        no_session = dataclasses.replace(self.spark, session=None)  # a live object, not data
        plain: dict[str, Any] = _plain(
            dataclasses.asdict(dataclasses.replace(self, spark=no_session))
        )
        return plain

    def recorded(self) -> dict[str, Any]:
        """What a profile records: :meth:`to_dict` without the execution settings.

        Derived from :class:`Execution`'s fields, so a new execution setting can never make two
        profiles with identical counts hash differently.
        """
        return {k: v for k, v in self.to_dict().items() if k not in EXECUTION_KEYS}


@dataclass(frozen=True)
class Execution:
    """How a run is executed; results are identical whatever these are.

    Attributes:
        batch_size: rows per Arrow record batch when streaming.
        engine: the engine's registry name (``"local"``, ``"dask"``).
        threads: worker threads of the local engine (``None``: one per core).
        scheduler: ``dask.distributed`` scheduler address, for ``engine="dask"``.
        spark: the Spark session settings, for ``engine="spark"``.
    """

    batch_size: int = 131_072
    engine: str = "local"
    threads: int | None = None
    scheduler: str | None = None
    spark: SparkConfig = field(default_factory=SparkConfig)


EXECUTION_KEYS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Execution))


@dataclass(frozen=True)
class ColumnBinning:
    """The binning of one column, per-column overrides applied (what fitting receives).

    ``method`` is ``"explicit"`` when the column has configured ``edges``.
    """

    kind: ColumnKind | None
    method: str
    bins: int
    edges: tuple[float, ...] | None
    min_count: int
    top_k: int
    max_vocabulary: int
    integer_categorical_max: int


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
