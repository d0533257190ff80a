"""The one configuration path: YAML file, mapping or keywords → a frozen, validated config.

:mod:`~driftkl.config.model` holds the frozen dataclasses, :mod:`~driftkl.config.parse` the
validation (:func:`load_config`), :mod:`~driftkl.config.choices` the allowed values. Unknown
keys are errors (with a suggestion), never silently ignored; keyword overrides win over the
file. The Python API, the CLI and the Airflow operator all call :func:`load_config`.
"""

from __future__ import annotations

from driftkl.config.choices import METRICS
from driftkl.config.model import (
    EXECUTION_KEYS,
    BinningConfig,
    ColumnBinning,
    ColumnConfig,
    DriftConfig,
    Execution,
    NoiseFloorConfig,
    SignificanceConfig,
    SparkConfig,
    Threshold,
)
from driftkl.config.parse import load_config

__all__ = [
    "EXECUTION_KEYS",
    "METRICS",
    "BinningConfig",
    "ColumnBinning",
    "ColumnConfig",
    "DriftConfig",
    "Execution",
    "NoiseFloorConfig",
    "SignificanceConfig",
    "SparkConfig",
    "Threshold",
    "load_config",
]
