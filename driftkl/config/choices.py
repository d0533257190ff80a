"""The allowed values of enumerated settings, in one place."""

from __future__ import annotations

from driftkl.stats.divergence import DIRECTIONS
from driftkl.stats.metrics import METRICS as _REGISTRY

__all__ = [
    "CORRECTIONS",
    "DIRECTIONS",
    "EVENT_TIME",
    "FILTER_OPS",
    "KINDS",
    "METRICS",
    "NOISE_FLOOR_METHODS",
    "NUMERIC_METHODS",
    "ON_SCHEMA_CHANGE",
    "THRESHOLD_ON",
    "UNITS",
]

METRICS: tuple[str, ...] = tuple(_REGISTRY)
KINDS = ("numeric", "categorical", "datetime", "event_time")
EVENT_TIME = ("auto", "none")
FILTER_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")
UNITS = ("bits", "nats", "hartleys")
NUMERIC_METHODS = ("quantile", "uniform")
CORRECTIONS = ("none", "bonferroni", "fdr_bh")
NOISE_FLOOR_METHODS = ("monte_carlo", "analytic")
THRESHOLD_ON = ("plug_in", "bias_corrected")
ON_SCHEMA_CHANGE = ("warn", "drift", "fail")
