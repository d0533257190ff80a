"""The public contract does not move: the facade's names and the signatures users call.

A change here is a breaking change for notebooks, DAGs and scripts; it needs a deprecation, not
a silent edit of this file.
"""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points

import driftkl
from driftkl.integrations.airflow import DriftCheckOperator, ProfileBuildOperator
from driftkl.integrations.prometheus import push_report

FACADE = [
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

SIGNATURES = {
    "compare": (
        "reference: 'Any'",
        "current: 'Any'",
        "config: 'str | Path | Mapping[str, Any] | DriftConfig | None' = None",
        "**overrides: 'Any'",
        "-> DriftReport",
    ),
    "profile": (
        "data: 'Any'",
        "config: 'str | Path | Mapping[str, Any] | DriftConfig | None' = None",
        "bins: 'Profile | None' = None",
        "**overrides: 'Any'",
        "-> Profile",
    ),
    "Profile.load": (
        "path: 'str | os.PathLike[str]'",
        "-> Profile",
    ),
    "DriftReport.to_frame": (
        "self",
        "full: 'bool' = False",
        "-> pd.DataFrame",
    ),
    "DriftReport.to_dict": (
        "self",
        "bins: 'bool' = True",
        "-> dict[str, Any]",
    ),
    "kl_divergence": (
        "p: 'ArrayLike'",
        "q: 'ArrayLike'",
        "base: 'float | None' = None",
        "pseudo_count: 'float' = 0.0",
        "-> float",
    ),
    "js_divergence": (
        "p: 'ArrayLike'",
        "q: 'ArrayLike'",
        "base: 'float | None' = None",
        "pseudo_count: 'float' = 0.0",
        "-> float",
    ),
    "js_distance": (
        "p: 'ArrayLike'",
        "q: 'ArrayLike'",
        "base: 'float | None' = None",
        "pseudo_count: 'float' = 0.0",
        "-> float",
    ),
    "psi": (
        "p: 'ArrayLike'",
        "q: 'ArrayLike'",
        "base: 'float | None' = None",
        "pseudo_count: 'float' = 0.0",
        "-> float",
    ),
    "kl_divergence_rows": (
        "reference: 'ArrayLike'",
        "current: 'ArrayLike'",
        "direction: 'Direction'",
        "inputs: 'InputKind' = 'logits'",
        "reduction: 'Reduction' = 'mean'",
        "base: 'float | None' = None",
        "-> float | NDArray[np.float64]",
    ),
    "DriftCheckOperator": (
        "self",
        "reference: 'Any' = None",
        "current: 'Any'",
        "config: 'str | Mapping[str, Any] | None' = None",
        "config_overrides: 'Mapping[str, Any] | None' = None",
        "dataset: 'str | None' = None",
        "on_drift: 'OnDrift' = 'fail'",
        "output_path: 'str | None' = None",
        "html_output_path: 'str | None' = None",
        "xcom_bins: 'bool' = False",
        "emit_asset_metadata: 'bool' = True",
        "prometheus_conn_id: 'str | None' = None",
        "prometheus_job: 'str' = 'driftkl'",
        "reference_store: 'str | None' = None",
        "reference_window: 'int | None' = None",
        "reference_end: 'str | None' = None",
        "reference_every: 'int' = 1",
        "reference_partial: 'bool' = False",
        "report_store: 'str | None' = None",
        "report_at: 'str | None' = None",
        "xcom: 'XcomForm' = 'summary'",
        "log_max_rows: 'int' = 20",
        "report_url: 'str | None' = None",
        "grafana_url: 'str | None' = None",
        "time_column: 'str | None' = None",
        "every: 'str | None' = None",
        "timezone: 'str' = 'UTC'",
        "**kwargs: 'Any'",
        "-> None",
    ),
    "ProfileBuildOperator": (
        "self",
        "data: 'Any'",
        "output_path: 'str | None' = None",
        "config: 'str | Mapping[str, Any] | None' = None",
        "config_overrides: 'Mapping[str, Any] | None' = None",
        "bins: 'Any' = None",
        "profile_store: 'str | None' = None",
        "profile_key: 'str | None' = None",
        "**kwargs: 'Any'",
        "-> None",
    ),
    "push_report": (
        "report: 'DriftReport | Mapping[str, Any]'",
        "gateway: 'str'",
        "job: 'str' = 'driftkl'",
        "grouping_key: 'Mapping[str, Any] | None' = None",
        "timeout: 'float | None' = 10.0",
        "retries: 'int' = 2",
        "backoff_seconds: 'float' = 0.5",
        "handler: 'Callable[..., Callable[[], None]] | None' = None",
        "username: 'str | None' = None",
        "password: 'str | None' = None",
        "cafile: 'str | None' = None",
        "certfile: 'str | None' = None",
        "keyfile: 'str | None' = None",
        "insecure_skip_verify: 'bool' = False",
        "-> PushResult",
    ),
}


CALLABLES = {
    "compare": driftkl.compare,
    "profile": driftkl.profile,
    "Profile.load": driftkl.Profile.load,
    "DriftReport.to_frame": driftkl.DriftReport.to_frame,
    "DriftReport.to_dict": driftkl.DriftReport.to_dict,
    "kl_divergence": driftkl.kl_divergence,
    "js_divergence": driftkl.js_divergence,
    "js_distance": driftkl.js_distance,
    "psi": driftkl.psi,
    "kl_divergence_rows": driftkl.kl_divergence_rows,
    "DriftCheckOperator": DriftCheckOperator.__init__,
    "ProfileBuildOperator": ProfileBuildOperator.__init__,
    "push_report": push_report,
}


def _signature(f: object) -> tuple[str, ...]:
    sig = inspect.signature(f)  # type: ignore[arg-type]
    return (*map(str, sig.parameters.values()), f"-> {sig.return_annotation}")


def test_facade_names_are_unchanged():
    """`driftkl.__all__` lists exactly the public names, and each exists."""
    assert sorted(driftkl.__all__) == FACADE
    assert all(hasattr(driftkl, n) for n in FACADE)


def test_public_signatures_are_unchanged():
    """The entry points users call keep their parameters, defaults and annotations."""
    got = {k: _signature(f) for k, f in CALLABLES.items()}
    assert got == SIGNATURES


def test_provider_and_cli_entry_points_are_unchanged():
    """Airflow finds the provider and the `driftkl` script points at the CLI."""
    providers = [e.value for e in entry_points(group="apache_airflow_provider")]
    assert "driftkl.integrations.airflow:get_provider_info" in providers
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts["driftkl"] == "driftkl.cli:main"
