"""Dependency direction: the core never loads the integrations' heavy libraries."""

from __future__ import annotations

import subprocess
import sys

import driftkl


def test_import_driftkl_loads_no_integration_libraries():
    """`import driftkl` and a DataFrame compare import no Airflow, Prometheus, Dask or scipy."""
    code = (
        "import sys, driftkl, pandas as pd\n"
        "driftkl.compare(pd.DataFrame({'a': [1.0, 2.0]}), pd.DataFrame({'a': [1.0, 3.0]}))\n"
        "bad = [m for m in ('airflow', 'prometheus_client', 'dask', 'distributed', 'scipy')"
        " if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert proc.stdout.strip() == ""


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
