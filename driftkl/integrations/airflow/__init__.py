"""Airflow provider for driftkl: drift checks as DAG tasks.

``from driftkl.integrations.airflow import DriftCheckOperator`` is the public import. The
operators are loaded lazily, so this module stays cheap to import: Airflow imports it through
the ``apache_airflow_provider`` entry point (:func:`get_provider_info`) while it is still
starting, before any operator could be built.

Install with ``pip install 'driftkl[airflow]'`` (Airflow >= 3.0).
"""

from __future__ import annotations

from typing import Any

__all__ = ["DriftCheckOperator", "ProfileBuildOperator", "get_provider_info"]

_LAZY = {
    "DriftCheckOperator": "driftkl.integrations.airflow.operators.drift",
    "ProfileBuildOperator": "driftkl.integrations.airflow.operators.profile",
}


def get_provider_info() -> dict[str, Any]:
    """Describe driftkl to Airflow's providers manager (``airflow providers list``).

    Returns:
        The provider-info mapping validated against Airflow's ``provider_info.schema.json``;
        ``package-name`` matches the distribution name, as Airflow requires.
    """
    return {
        "package-name": "driftkl",
        "name": "driftkl",
        "description": "Data-drift checks (KL / Jensen-Shannon divergence per feature) as "
        "Airflow tasks that fail, skip or branch, with XCom reports and Asset events.",
        "integrations": [
            {
                "integration-name": "driftkl",
                "external-doc-url": "https://pypi.org/project/driftkl/",
                "tags": ["software"],
            }
        ],
        "operators": [
            {
                "integration-name": "driftkl",
                "python-modules": [
                    "driftkl.integrations.airflow.operators.drift",
                    "driftkl.integrations.airflow.operators.profile",
                ],
            }
        ],
    }


def __getattr__(name: str) -> Any:
    """Import the operators on first use (PEP 562)."""
    if name in _LAZY:
        import importlib  # noqa: PLC0415

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
