"""The one configuration path: YAML file, dict or keywords → a frozen, validated DriftConfig.

The Python API, the CLI and the Airflow operator all call :func:`load_config`. Unknown keys are
errors (with a suggestion), never silently ignored. Keyword overrides win over the file.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from driftkl.decision import (
    NoiseFloorConfig,
    SignificanceConfig,
    parse_noise_floor,
    parse_significance,
    parse_threshold_on,
)
from driftkl.divergence import DIRECTIONS, Direction, log_base
from driftkl.errors import ConfigError

__all__ = [
    "METRICS",
    "BinningConfig",
    "ColumnConfig",
    "DriftConfig",
    "Threshold",
    "load_config",
]

METRICS = ("kl_divergence", "js_divergence", "js_distance", "psi")
KINDS = ("numeric", "categorical", "datetime")
NUMERIC_METHODS = ("quantile", "uniform")
ColumnKind = Literal["numeric", "categorical", "datetime"]


@dataclass(frozen=True)
class Threshold:
    """Warn and drift levels for one metric, in the report's unit for that metric.

    A value ``>= drift`` is ``"drift"``, ``>= warn`` is ``"warn"``; ``None`` disables a level.
    """

    warn: float | None = None
    drift: float | None = None


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


def _default_thresholds() -> dict[str, Threshold]:
    return {"js_divergence": Threshold(warn=0.005, drift=0.01)}


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
        thresholds: per metric warn/drift levels; the default flags JS divergence
            ≥ 0.01 bits as drift (JS distance 0.1 in bits) and ≥ 0.005 bits as warn.
        binning: global binning settings.
        columns: per-column overrides keyed by column name.
        filter: row filter for (partitioned) Parquet datasets, a list of
            ``[column, op, value]`` conditions that must all hold.
        batch_size: rows per Arrow record batch when streaming Parquet.
        engine: ``"local"`` (threads in this process, default) or ``"dask"`` (per-partition
            counts on a dask scheduler, summed; needs ``driftkl[dask]``).
        threads: worker threads of the local engine (``None``: one per CPU core). Counts are
            identical whatever the thread count or batch size.
        scheduler: ``dask.distributed`` scheduler address (``tcp://host:8786``) for
            ``engine: dask``; ``None`` uses the current dask client or scheduler.
        significance: the p-value part of the decision rule (see :mod:`driftkl.decision`):
            ``enabled``, ``alpha`` (0.01), ``correction`` (none | bonferroni | fdr_bh).
        noise_floor: how the expected no-drift divergence is computed (``monte_carlo`` or
            ``analytic``, ``draws``, ``seed``).
        threshold_on: ``"plug_in"`` (default) compares thresholds with the reported value;
            ``"bias_corrected"`` with the value minus its noise floor.
    """

    dataset: str = "default"
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    direction: Direction = "current||reference"
    base: float = 2.0
    pseudo_count: float = 0.5
    metrics: tuple[str, ...] = ("kl_divergence", "js_divergence")
    thresholds: Mapping[str, Threshold] = field(default_factory=_default_thresholds)
    binning: BinningConfig = field(default_factory=BinningConfig)
    columns: Mapping[str, ColumnConfig] = field(default_factory=dict)
    filter: tuple[tuple[str, str, Any], ...] = ()
    batch_size: int = 131_072
    engine: str = "local"
    threads: int | None = None
    scheduler: str | None = None
    significance: SignificanceConfig = field(default_factory=SignificanceConfig)
    noise_floor: NoiseFloorConfig = field(default_factory=NoiseFloorConfig)
    threshold_on: str = "plug_in"

    def thresholds_for(self, column: str) -> dict[str, Threshold]:
        """Thresholds for ``column``: the global ones, updated by its per-column overrides."""
        merged = dict(self.thresholds)
        col = self.columns.get(column)
        if col is not None and col.thresholds:
            merged.update(col.thresholds)
        return merged

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (what a profile records as the config it was built with)."""
        plain: dict[str, Any] = _plain(dataclasses.asdict(self))
        return plain


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _unknown(keys: set[str], allowed: tuple[str, ...], where: str) -> None:
    if not keys:
        return
    key = min(keys)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"allowed keys are {', '.join(allowed)}"
    raise ConfigError(f"unknown config key {key!r} in {where}. Hint: {hint}")


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{where} must be >= {minimum}, got {value!r}")
    return float(value)


def _integer(value: Any, where: str, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} must be an integer >= {minimum}, got {value!r}")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of column names, got {value!r}")
    return tuple(value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(f"{where} must be a mapping, got {type(value).__name__}: {value!r}")
    return value


def _thresholds(value: Any, where: str) -> dict[str, Threshold]:
    out: dict[str, Threshold] = {}
    for metric, given in _mapping(value, where).items():
        if metric not in METRICS:
            _unknown({metric}, METRICS, where)
        if isinstance(given, Threshold):
            given = {"warn": given.warn, "drift": given.drift}  # noqa: PLW2901
        elif isinstance(given, (int, float)) and not isinstance(given, bool):
            given = {"drift": given}  # noqa: PLW2901
        levels = _mapping(given, f"{where}.{metric}")
        _unknown(set(levels) - {"warn", "drift"}, ("warn", "drift"), f"{where}.{metric}")
        warn = levels.get("warn")
        drift = levels.get("drift")
        t = Threshold(
            warn=None if warn is None else _number(warn, f"{where}.{metric}.warn", minimum=0),
            drift=None if drift is None else _number(drift, f"{where}.{metric}.drift", minimum=0),
        )
        if t.warn is not None and t.drift is not None and t.warn > t.drift:
            raise ConfigError(
                f"{where}.{metric}: warn ({t.warn}) is above drift ({t.drift}). "
                "Hint: warn is the lower, earlier level."
            )
        out[str(metric)] = t
    return out


def _binning(value: Any, where: str) -> BinningConfig:
    raw = _mapping(value, where)
    _unknown(set(raw) - set(_fields(BinningConfig)), _fields(BinningConfig), where)
    b = BinningConfig(**raw)
    if b.method not in NUMERIC_METHODS:
        raise ConfigError(f"{where}.method must be one of {NUMERIC_METHODS}, got {b.method!r}")
    _integer(b.bins, f"{where}.bins", minimum=1)
    _integer(b.min_count, f"{where}.min_count", minimum=0)
    _integer(b.top_k, f"{where}.top_k", minimum=1)
    _integer(b.max_vocabulary, f"{where}.max_vocabulary", minimum=0)
    _integer(b.integer_categorical_max, f"{where}.integer_categorical_max", minimum=0)
    _integer(b.reference_memory_mib, f"{where}.reference_memory_mib", minimum=1)
    return b


def _column(name: str, value: Any) -> ColumnConfig:
    where = f"columns.{name}"
    raw = dict(_mapping(value, where))
    _unknown(set(raw) - set(_fields(ColumnConfig)), _fields(ColumnConfig), where)
    if raw.get("kind") is not None and raw["kind"] not in KINDS:
        raise ConfigError(f"{where}.kind must be one of {KINDS}, got {raw['kind']!r}")
    if raw.get("method") is not None and raw["method"] not in NUMERIC_METHODS:
        raise ConfigError(f"{where}.method must be one of {NUMERIC_METHODS}, got {raw['method']!r}")
    for key, minimum in (("bins", 1), ("min_count", 0), ("top_k", 1)):
        if raw.get(key) is not None:
            _integer(raw[key], f"{where}.{key}", minimum=minimum)
    if raw.get("edges") is not None:
        edges = raw["edges"]
        if not isinstance(edges, (list, tuple)) or len(edges) < 2:  # noqa: PLR2004
            raise ConfigError(f"{where}.edges must be a list of at least 2 numbers, got {edges!r}")
        nums = tuple(_number(e, f"{where}.edges") for e in edges)
        if any(b <= a for a, b in itertools.pairwise(nums)):
            raise ConfigError(f"{where}.edges must be strictly increasing, got {list(nums)}")
        raw["edges"] = nums
    if raw.get("thresholds") is not None:
        raw["thresholds"] = _thresholds(raw["thresholds"], f"{where}.thresholds")
    return ColumnConfig(**raw)


def _filter(value: Any) -> tuple[tuple[str, str, Any], ...]:
    ops = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"filter must be a list of [column, op, value], got {value!r}")
    out = []
    for cond in value:
        if not isinstance(cond, (list, tuple)) or len(cond) != 3 or cond[1] not in ops:  # noqa: PLR2004
            raise ConfigError(
                f"filter condition {cond!r} must be [column, op, value] with op one of {ops}. "
                "Hint: filter: [[dt, '>=', '2026-01-01']]"
            )
        out.append((str(cond[0]), str(cond[1]), cond[2]))
    return tuple(out)


def _read_yaml(path: str | Path) -> Mapping[str, Any]:
    import yaml  # noqa: PLC0415 - only needed when a file is given

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(p)!r}: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"config file {str(p)!r} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    return _mapping(data, f"config file {str(p)!r}")


def load_config(
    config: str | Path | Mapping[str, Any] | DriftConfig | None = None, **overrides: Any
) -> DriftConfig:
    """Parse and validate a config (YAML path, mapping, DriftConfig or None) plus overrides.

    Args:
        config: a YAML file path, a mapping with the same keys, an existing
            :class:`DriftConfig`, or ``None`` for defaults.
        **overrides: top-level keys (``direction=``, ``base=``, ``pseudo_count=``, ...) that
            replace the file's values. ``None`` values are ignored.

    Raises:
        ConfigError: on unknown keys or invalid values; the message names the key and a fix.
    """
    raw: dict[str, Any]
    if config is None:
        raw = {}
    elif isinstance(config, DriftConfig):
        if not any(v is not None for v in overrides.values()):
            return config
        raw = {f.name: getattr(config, f.name) for f in dataclasses.fields(DriftConfig)}
    elif isinstance(config, (str, Path)):
        raw = dict(_read_yaml(config))
    elif isinstance(config, Mapping):
        raw = dict(config)
    else:
        raise ConfigError(f"config must be a path, a mapping or a DriftConfig, got {config!r}")
    raw.update({k: v for k, v in overrides.items() if v is not None})
    allowed = _fields(DriftConfig)
    _unknown(set(raw) - set(allowed), allowed, "the config")

    out: dict[str, Any] = {}
    if "dataset" in raw:
        if not isinstance(raw["dataset"], str) or not raw["dataset"]:
            raise ConfigError(f"dataset must be a non-empty string, got {raw['dataset']!r}")
        out["dataset"] = raw["dataset"]
    if raw.get("include") is not None:
        out["include"] = _names(raw["include"], "include")
    if "exclude" in raw:
        out["exclude"] = _names(raw["exclude"] or [], "exclude")
    if "direction" in raw:
        if raw["direction"] not in DIRECTIONS:
            raise ConfigError(
                f"direction must be one of {DIRECTIONS}, got {raw['direction']!r}. Hint: "
                "'current||reference' is D(current‖reference), KL of current from reference."
            )
        out["direction"] = raw["direction"]
    if "base" in raw:
        base = raw["base"]
        if isinstance(base, str) and base.lower() == "e":
            base = math.e
        try:
            log_base(base)
        except ValueError as exc:
            raise ConfigError(f"base: {exc}. Hint: use 2 (bits), e (nats) or 10.") from exc
        out["base"] = float(base)
    if "pseudo_count" in raw:
        out["pseudo_count"] = _number(raw["pseudo_count"], "pseudo_count", minimum=0)
    if "metrics" in raw:
        metrics = _names(raw["metrics"], "metrics")
        for m in metrics:
            if m not in METRICS:
                _unknown({m}, METRICS, "metrics")
        if not metrics:
            raise ConfigError(f"metrics must name at least one of {METRICS}")
        out["metrics"] = tuple(dict.fromkeys(metrics))
    if "thresholds" in raw:
        out["thresholds"] = _thresholds(raw["thresholds"] or {}, "thresholds")
    if "binning" in raw:
        b = raw["binning"]
        out["binning"] = b if isinstance(b, BinningConfig) else _binning(b, "binning")
    if "columns" in raw:
        cols = _mapping(raw["columns"] or {}, "columns")
        out["columns"] = {
            str(k): v if isinstance(v, ColumnConfig) else _column(str(k), v)
            for k, v in cols.items()
        }
    if "filter" in raw:
        out["filter"] = _filter(raw["filter"] or [])
    if "batch_size" in raw:
        out["batch_size"] = _integer(raw["batch_size"], "batch_size", minimum=1)
    if "engine" in raw:
        if raw["engine"] not in ("local", "dask"):
            raise ConfigError(f"engine must be 'local' or 'dask', got {raw['engine']!r}")
        out["engine"] = raw["engine"]
    if raw.get("threads") is not None:
        out["threads"] = _integer(raw["threads"], "threads", minimum=1)
    if raw.get("scheduler") is not None:
        if not isinstance(raw["scheduler"], str) or not raw["scheduler"]:
            raise ConfigError(f"scheduler must be an address string, got {raw['scheduler']!r}")
        out["scheduler"] = raw["scheduler"]
    if "significance" in raw:
        out["significance"] = parse_significance(raw["significance"])
    if "noise_floor" in raw:
        out["noise_floor"] = parse_noise_floor(raw["noise_floor"])
    if "threshold_on" in raw:
        out["threshold_on"] = parse_threshold_on(raw["threshold_on"])
    return DriftConfig(**out)
