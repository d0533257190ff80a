"""Dependency direction: the core never loads the integrations' heavy libraries."""

from __future__ import annotations

from helpers import modules_loaded_by

import driftkl


def test_import_driftkl_loads_no_integration_libraries():
    """`import driftkl` and a DataFrame compare import no Airflow, Prometheus, Dask or scipy."""
    code = (
        "import driftkl, pandas as pd\n"
        "driftkl.compare(pd.DataFrame({'a': [1.0, 2.0]}), pd.DataFrame({'a': [1.0, 3.0]}))"
    )
    assert modules_loaded_by(code) == []


def test_public_api_is_listed():
    """Everything in __all__ exists, including the public contract names."""
    for name in driftkl.__all__:
        assert hasattr(driftkl, name), name
    for name in (
        "compare",
        "profile",
        "Profile",
        "kl_divergence",
        "js_divergence",
        "js_distance",
        "psi",
        "kl_divergence_rows",
    ):
        assert name in driftkl.__all__
