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
from pathlib import Path
from typing import Any

from driftkl.config.choices import (
    CORRECTIONS,
    DIRECTIONS,
    EVENT_TIME,
    FILTER_OPS,
    KINDS,
    METRICS,
    NOISE_FLOOR_METHODS,
    NUMERIC_METHODS,
    ON_SCHEMA_CHANGE,
    THRESHOLD_ON,
    UNITS,
)
from driftkl.config.model import (
    BinningConfig,
    ColumnConfig,
    DriftConfig,
    NoiseFloorConfig,
    NoveltyConfig,
    SignificanceConfig,
    SparkConfig,
    Threshold,
)
from driftkl.errors import ConfigError
from driftkl.stats.divergence import log_base

__all__ = ["MAX_BINS", "MAX_DRAWS", "PSEUDO_COUNT_MAX", "load_config", "reject_unknown"]

PSEUDO_COUNT_MAX = 10.0

#: Most numeric bins of a column (``bins``, or ``edges`` minus one): more cost memory, not sense.
MAX_BINS = 10_000
#: Most Monte Carlo draws of the noise floor (each draw holds both samples' counts).
MAX_DRAWS = 10_000


def reject_unknown(keys: set[str], allowed: tuple[str, ...], where: str) -> None:
    """Raise :class:`ConfigError` for the first unknown key, suggesting the closest allowed."""
    if not keys:
        return
    key = min(keys, key=str)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"allowed keys are {', '.join(allowed)}"
    raise ConfigError(f"unknown config key {key!r} in {where}. Hint: {hint}")


def _fields(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, str):  # YAML 1.1 reads 1e-2 (no dot) as a string
        try:
            value = float(value)
        except ValueError:
            raise ConfigError(f"{where} must be a finite number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{where} must be >= {minimum}, got {value!r}")
    return float(value)


def _integer(value: Any, where: str, *, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{where} must be an integer >= {minimum}, got {value!r}")
    if maximum is not None and value > maximum:
        raise ConfigError(
            f"{where} must be at most {maximum:,}, got {value:,}. Hint: more would only cost "
            "memory and time; lower it."
        )
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
            reject_unknown({metric}, METRICS, where)
        if isinstance(given, Threshold):
            given = dataclasses.asdict(given)  # noqa: PLW2901
        elif isinstance(given, (int, float)) and not isinstance(given, bool):
            given = {"drift": given}  # noqa: PLW2901
        levels = _mapping(given, f"{where}.{metric}")
        keys = ("warn", "drift", "unit")
        reject_unknown(set(levels) - set(keys), keys, f"{where}.{metric}")
        warn = levels.get("warn")
        drift = levels.get("drift")
        unit = levels.get("unit")
        if unit is not None and unit not in UNITS:
            raise ConfigError(
                f"{where}.{metric}.unit must be one of {UNITS}, got {unit!r}. Hint: the unit the "
                "levels are written in; they are converted to the report's base."
            )
        if unit not in (None, "nats") and metric == "psi":
            raise ConfigError(
                f"{where}.psi.unit must be nats: PSI is always reported in nats, got {unit!r}"
            )
        t = Threshold(
            warn=None if warn is None else _number(warn, f"{where}.{metric}.warn", minimum=0),
            drift=None if drift is None else _number(drift, f"{where}.{metric}.drift", minimum=0),
            unit=unit,
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
    reject_unknown(set(raw) - set(_fields(BinningConfig)), _fields(BinningConfig), where)
    b = BinningConfig(**raw)
    if b.method not in NUMERIC_METHODS:
        raise ConfigError(f"{where}.method must be one of {NUMERIC_METHODS}, got {b.method!r}")
    _integer(b.bins, f"{where}.bins", minimum=1, maximum=MAX_BINS)
    _integer(b.min_count, f"{where}.min_count", minimum=0)
    _integer(b.top_k, f"{where}.top_k", minimum=1)
    _integer(b.max_vocabulary, f"{where}.max_vocabulary", minimum=0)
    _integer(b.integer_categorical_max, f"{where}.integer_categorical_max", minimum=0)
    _integer(b.reference_memory_mib, f"{where}.reference_memory_mib", minimum=1)
    return b


def _column(name: str, value: Any) -> ColumnConfig:
    where = f"columns.{name}"
    raw = dict(_mapping(value, where))
    reject_unknown(set(raw) - set(_fields(ColumnConfig)), _fields(ColumnConfig), where)
    if raw.get("kind") is not None and raw["kind"] not in KINDS:
        raise ConfigError(f"{where}.kind must be one of {KINDS}, got {raw['kind']!r}")
    if raw.get("method") is not None and raw["method"] not in NUMERIC_METHODS:
        raise ConfigError(f"{where}.method must be one of {NUMERIC_METHODS}, got {raw['method']!r}")
    for key, minimum in (("bins", 1), ("min_count", 0), ("top_k", 1)):
        if raw.get(key) is not None:
            top = MAX_BINS if key == "bins" else None
            _integer(raw[key], f"{where}.{key}", minimum=minimum, maximum=top)
    if raw.get("edges") is not None:
        edges = raw["edges"]
        if not isinstance(edges, (list, tuple)) or len(edges) < 2:  # noqa: PLR2004
            raise ConfigError(f"{where}.edges must be a list of at least 2 numbers, got {edges!r}")
        if len(edges) > MAX_BINS + 1:
            raise ConfigError(
                f"{where}.edges has {len(edges):,} edges, more than {MAX_BINS + 1:,}. "
                "Hint: fewer, wider bins."
            )
        nums = tuple(_number(e, f"{where}.edges") for e in edges)
        if any(b <= a for a, b in itertools.pairwise(nums)):
            raise ConfigError(f"{where}.edges must be strictly increasing, got {list(nums)}")
        raw["edges"] = nums
    if raw.get("thresholds") is not None:
        raw["thresholds"] = _thresholds(raw["thresholds"], f"{where}.thresholds")
    return ColumnConfig(**raw)


def _filter(value: Any) -> tuple[tuple[str, str, Any], ...]:
    ops = FILTER_OPS
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"filter must be a list of [column, op, value], got {value!r}")
    out = []
    for cond in value:
        if not isinstance(cond, (list, tuple)) or len(cond) != 3 or cond[1] not in ops:  # noqa: PLR2004
            raise ConfigError(
                f"filter condition {cond!r} must be [column, op, value] with op one of {ops}. "
                "Hint: filter: [[dt, '>=', '2026-01-01']]"
            )
        if cond[1] in ("in", "not in") and not isinstance(cond[2], (list, tuple)):
            raise ConfigError(
                f"filter condition {list(cond)!r}: {cond[1]!r} needs a list of values, got "
                f"{cond[2]!r}. Hint: filter: [[{cond[0]}, '{cond[1]}', [value1, value2]]] in "
                "the config file"
            )
        out.append((str(cond[0]), str(cond[1]), cond[2]))
    return tuple(out)


def _parse_block(value: Any, cls: type, where: str) -> dict[str, Any]:
    if isinstance(value, (SignificanceConfig, NoiseFloorConfig, NoveltyConfig)):
        return dict(dataclasses.asdict(value))
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a mapping, got {value!r}")
    allowed = tuple(f.name for f in dataclasses.fields(cls))
    reject_unknown(set(value) - set(allowed), allowed, where)
    return dict(value)


def _significance(value: Any) -> SignificanceConfig:
    """Validate the ``significance`` config block."""
    raw = _parse_block(value, SignificanceConfig, "significance")
    out = SignificanceConfig(**raw)
    if not isinstance(out.enabled, bool):
        raise ConfigError(f"significance.enabled must be true or false, got {out.enabled!r}")
    a = out.alpha
    if isinstance(a, bool) or not isinstance(a, (int, float)) or not 0 < a < 1:
        raise ConfigError(f"significance.alpha must be a number in (0, 1), got {a!r}")
    if not isinstance(out.williams, bool):
        raise ConfigError(f"significance.williams must be true or false, got {out.williams!r}")
    if out.correction not in CORRECTIONS:
        raise ConfigError(
            f"significance.correction must be one of {CORRECTIONS}, got {out.correction!r}. "
            "Hint: fdr_bh for many features, bonferroni to bound any false alarm by alpha."
        )
    m = out.min_expected
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not 0 <= m < math.inf:
        raise ConfigError(f"significance.min_expected must be a number >= 0, got {m!r}")
    return dataclasses.replace(out, alpha=float(a), min_expected=float(m))


def _noise_floor(value: Any) -> NoiseFloorConfig:
    """Validate the ``noise_floor`` config block."""
    out = NoiseFloorConfig(**_parse_block(value, NoiseFloorConfig, "noise_floor"))
    if out.method not in NOISE_FLOOR_METHODS:
        raise ConfigError(
            f"noise_floor.method must be one of {NOISE_FLOOR_METHODS}, got {out.method!r}"
        )
    for key, lo in (("draws", 1), ("seed", 0)):
        v = getattr(out, key)
        if isinstance(v, bool) or not isinstance(v, int) or v < lo:
            raise ConfigError(f"noise_floor.{key} must be an integer >= {lo}, got {v!r}")
    _integer(out.draws, "noise_floor.draws", minimum=1, maximum=MAX_DRAWS)
    return out


def _novelty(value: Any) -> NoveltyConfig:
    """Validate the ``novelty`` config block."""
    out = NoveltyConfig(**_parse_block(value, NoveltyConfig, "novelty"))
    if not isinstance(out.enabled, bool):
        raise ConfigError(f"novelty.enabled must be true or false, got {out.enabled!r}")
    share = _number(out.min_share, "novelty.min_share", minimum=0)
    if share > 1:
        raise ConfigError(f"novelty.min_share is a share of rows in [0, 1], got {share!r}")
    return dataclasses.replace(out, min_share=share)


def _spark(value: Any) -> SparkConfig:
    """Validate the ``spark`` block: a mapping, a :class:`SparkConfig` or a live SparkSession."""
    if isinstance(value, SparkConfig):
        return value
    if hasattr(value, "sparkContext") and hasattr(value, "createDataFrame"):
        return SparkConfig(session=value)  # an existing SparkSession, duck-typed
    raw = _parse_block(value, SparkConfig, "spark")
    if "session" in raw:
        raise ConfigError(
            "spark.session must be a SparkSession object given in Python "
            "(driftkl.compare(..., spark=session)), not a config value. Hint: set "
            "spark.master, spark.app_name and spark.conf instead."
        )
    master = raw.get("master")
    if master is not None and (not isinstance(master, str) or not master):
        raise ConfigError(f"spark.master must be a master URL such as 'local[2]', got {master!r}")
    app = raw.get("app_name", "driftkl")
    if not isinstance(app, str) or not app:
        raise ConfigError(f"spark.app_name must be a non-empty string, got {app!r}")
    conf = _mapping(raw.get("conf") or {}, "spark.conf")
    bad = [k for k, v in conf.items() if not isinstance(k, str) or isinstance(v, (dict, list))]
    if bad:
        raise ConfigError(
            f"spark.conf.{bad[0]} must be a Spark setting name with a text or number value. "
            "Hint: spark: {conf: {spark.executor.memory: 4g}}"
        )
    text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in conf.items()}
    return SparkConfig(master=master, app_name=app, conf=text)


def _threshold_on(value: Any) -> str:
    """Validate ``threshold_on``."""
    if value not in THRESHOLD_ON:
        raise ConfigError(f"threshold_on must be one of {THRESHOLD_ON}, got {value!r}")
    return str(value)


def _read_yaml(path: str | Path) -> Mapping[str, Any]:
    import yaml  # noqa: PLC0415 - only needed when a file is given

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config file {str(p)!r}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"config file {str(p)!r} is not UTF-8 text ({exc}). Hint: save it as UTF-8."
        ) from exc
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
    odd = [k for k in raw if not isinstance(k, str)]
    if odd:
        raise ConfigError(f"config keys must be text, got {odd[0]!r}. Hint: quote it or fix it.")
    allowed = _fields(DriftConfig)
    reject_unknown(set(raw) - set(allowed), allowed, "the config")

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
        if base < 1:
            raise ConfigError(
                f"base must be greater than 1, got {base!r}: a base below 1 makes every "
                "divergence negative. Hint: use 2 (bits), e (nats) or 10."
            )
        out["base"] = float(base)
    if "pseudo_count" in raw:
        out["pseudo_count"] = _number(raw["pseudo_count"], "pseudo_count", minimum=0)
        if out["pseudo_count"] > PSEUDO_COUNT_MAX:
            raise ConfigError(
                f"pseudo_count must be at most {PSEUDO_COUNT_MAX}, got {raw['pseudo_count']!r}: "
                "a larger prior swamps the counts and hides every difference. Hint: 0.5."
            )
    if "metrics" in raw:
        metrics = _names(raw["metrics"], "metrics")
        for m in metrics:
            if m not in METRICS:
                reject_unknown({m}, METRICS, "metrics")
        if not metrics:
            raise ConfigError(f"metrics must name at least one of {METRICS}")
        out["metrics"] = tuple(dict.fromkeys(metrics))
    if raw.get("thresholds") is not None:  # None: the defaults for the metric set
        out["thresholds"] = _thresholds(raw["thresholds"], "thresholds")
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
        if not isinstance(raw["engine"], str) or not raw["engine"]:
            raise ConfigError(
                f"engine must be an engine name ('local', 'dask', 'spark'), got {raw['engine']!r}"
            )
        out["engine"] = raw["engine"]
    if raw.get("threads") is not None:
        out["threads"] = _integer(raw["threads"], "threads", minimum=1)
    if raw.get("scheduler") is not None:
        if not isinstance(raw["scheduler"], str) or not raw["scheduler"]:
            raise ConfigError(f"scheduler must be an address string, got {raw['scheduler']!r}")
        out["scheduler"] = raw["scheduler"]
    if raw.get("spark") is not None:
        out["spark"] = _spark(raw["spark"])
    if "significance" in raw:
        out["significance"] = _significance(raw["significance"])
    if "noise_floor" in raw:
        out["noise_floor"] = _noise_floor(raw["noise_floor"])
    if "threshold_on" in raw:
        out["threshold_on"] = _threshold_on(raw["threshold_on"])
    if "novelty" in raw:
        out["novelty"] = _novelty(raw["novelty"])
    if "event_time" in raw:
        if raw["event_time"] not in EVENT_TIME:
            raise ConfigError(
                f"event_time must be one of {EVENT_TIME}, got {raw['event_time']!r}. Hint: mark "
                "single columns with columns.<name>.kind: event_time (or datetime to judge one)."
            )
        out["event_time"] = raw["event_time"]
    if "on_schema_change" in raw:
        if raw["on_schema_change"] not in ON_SCHEMA_CHANGE:
            raise ConfigError(
                f"on_schema_change must be one of {ON_SCHEMA_CHANGE}, got "
                f"{raw['on_schema_change']!r}. Hint: 'drift' reports missing or retyped columns "
                "as drift and checks the others; 'fail' stops the check."
            )
        out["on_schema_change"] = raw["on_schema_change"]
    if raw.get("segment_by") is not None:
        out["segment_by"] = tuple(dict.fromkeys(_names(raw["segment_by"], "segment_by")))
    if "max_segments" in raw:
        out["max_segments"] = _integer(raw["max_segments"], "max_segments", minimum=1, maximum=1000)
    config = DriftConfig(**out)
    _check_thresholds_are_computed(config)
    return config


def _check_thresholds_are_computed(config: DriftConfig) -> None:
    """A threshold for a metric that is not computed would silently never fire."""
    places = [("thresholds", config.thresholds or {})] + [
        (f"columns.{name}.thresholds", col.thresholds or {}) for name, col in config.columns.items()
    ]
    for where, thresholds in places:
        for metric in thresholds:
            if metric not in config.metrics:
                raise ConfigError(
                    f"{where}.{metric} sets a threshold for a metric that is not computed "
                    f"(metrics: {list(config.metrics)}). Hint: add {metric} to metrics, or "
                    f"key the threshold to one of {list(config.metrics)}."
                )
