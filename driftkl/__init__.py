"""driftkl: data-drift monitoring with explicit KL direction and logarithm base.

>>> import driftkl, pandas as pd
>>> ref = pd.DataFrame({"colour": ["red"] * 50 + ["blue"] * 50})
>>> cur = pd.DataFrame({"colour": ["red"] * 20 + ["blue"] * 60 + ["green"] * 20})
>>> report = driftkl.compare(ref, cur)
>>> report.status, report["colour"].metrics["js_divergence"].unit
('drift', 'bits')
>>> report.to_frame().loc["colour", "status"]
'drift'

``import driftkl`` loads numpy, pandas and pyarrow at most; the Airflow and Prometheus
integrations live in :mod:`driftkl.integrations` and are imported only when used.
"""

from __future__ import annotations

from driftkl._version import __version__
from driftkl.api import compare, profile
from driftkl.config import DriftConfig, Threshold, load_config
from driftkl.errors import (
    ColumnNotFoundError,
    ConfigError,
    DriftklError,
    InputError,
    MissingExtraError,
    ProfileError,
    SchemaChangeError,
    SchemaMismatchError,
    UnbinnableTypeError,
)
from driftkl.model.profile import FeatureProfile, Profile, merge_profiles
from driftkl.model.report import DriftReport, FeatureResult, MetricValue
from driftkl.model.schema import SchemaChange
from driftkl.model.timeline import Timeline, Window
from driftkl.over_time import timeline
from driftkl.stats.divergence import js_distance, js_divergence, kl_divergence, psi, unit_name
from driftkl.stats.rows import kl_divergence_rows
from driftkl.stores import ProfileStore, ReportStore

__all__ = [
    "ColumnNotFoundError",
    "ConfigError",
    "DriftConfig",
    "DriftReport",
    "DriftklError",
    "FeatureProfile",
    "FeatureResult",
    "InputError",
    "MetricValue",
    "MissingExtraError",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "ReportStore",
    "SchemaChange",
    "SchemaChangeError",
    "SchemaMismatchError",
    "Threshold",
    "Timeline",
    "UnbinnableTypeError",
    "Window",
    "__version__",
    "compare",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "kl_divergence_rows",
    "load_config",
    "merge_profiles",
    "profile",
    "psi",
    "timeline",
    "unit_name",
]
