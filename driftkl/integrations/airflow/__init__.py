"""Airflow provider for driftkl: drift checks as DAG tasks.

``from driftkl.integrations.airflow import DriftCheckOperator`` is the public import. The
operators and the hook are loaded lazily, so this module stays cheap to import and imports no
Airflow: Airflow imports it through the ``apache_airflow_provider`` entry point
(:func:`get_provider_info`) while it is still starting, before any operator could be built.

Install with ``pip install 'driftkl[airflow]'`` (Airflow >= 3.0).
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["DriftCheckOperator", "ProfileBuildOperator", "PushgatewayHook", "get_provider_info"]

#: Public name -> module, imported on first attribute access (the modules import Airflow).
_LAZY = {
    "DriftCheckOperator": "driftkl.integrations.airflow.operators.drift",
    "ProfileBuildOperator": "driftkl.integrations.airflow.operators.profile",
    "PushgatewayHook": "driftkl.integrations.airflow.hooks.pushgateway",
}


def _pushgateway_connection_type() -> dict[str, Any]:
    """The ``driftkl_pushgateway`` connection type and its form in Airflow's UI.

    The form is declared here rather than by ``get_ui_field_behaviour`` on the hook: Airflow
    >= 3.2 reads it from the provider info without importing the hook (and deprecates the hook
    methods). Type, hook name and extras are those of ``PushgatewayHook`` (a test checks it).
    """
    return {
        "hook-class-name": "driftkl.integrations.airflow.hooks.pushgateway.PushgatewayHook",
        "hook-name": "driftkl Pushgateway",
        "connection-type": "driftkl_pushgateway",
        "ui-field-behaviour": {
            "hidden-fields": [],
            "relabeling": {
                "host": "Pushgateway host or URL",
                "schema": "Scheme (http or https)",
                "login": "Basic auth user",
                "password": "Basic auth password",
            },
            "placeholders": {
                "host": "pushgateway.example.com or https://pushgateway.example.com:9091",
                "port": "9091",
                "schema": "http",
                "login": "optional",
                "password": "optional (sent only with a user)",
            },
        },
        "conn-fields": {
            "cafile": {"label": "CA bundle (PEM path)", "schema": {"type": ["string", "null"]}},
            "certfile": {
                "label": "Client certificate (PEM path)",
                "schema": {"type": ["string", "null"]},
            },
            "keyfile": {
                "label": "Client certificate key (PEM path)",
                "schema": {"type": ["string", "null"]},
            },
            "insecure_skip_verify": {
                "label": "Skip TLS verification",
                "description": "Do not verify the gateway's certificate (testing only).",
                "schema": {"type": ["boolean", "null"], "default": False},
            },
        },
    }


def _option(description: str, example: str, default: str | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "version_added": None,
        "type": "string",
        "example": example,
        "default": default,
    }


def _config_section() -> dict[str, Any]:
    """The ``[driftkl]`` options of ``airflow.cfg`` (``AIRFLOW__DRIFTKL__<OPTION>``)."""
    return {
        "description": "Where the drift checks' extra links point (the HTML report, Grafana).",
        "options": {
            "report_base_url": _option(
                "Browser URL under which the HTML reports are served; the link is this URL "
                "joined with html_output_path's path (after the bucket for object-store URLs).",
                "https://reports.example.com",
            ),
            "grafana_url": _option(
                "Grafana's base URL for the 'Drift dashboard' link.",
                "https://grafana.example.com",
            ),
            "grafana_dashboard_uid": _option(
                "UID of the driftkl dashboard in Grafana.",
                "driftkl-overview",
                "driftkl-overview",
            ),
        },
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
        "hooks": [
            {
                "integration-name": "driftkl",
                "python-modules": ["driftkl.integrations.airflow.hooks.pushgateway"],
            }
        ],
        "connection-types": [_pushgateway_connection_type()],
        "extra-links": [
            "driftkl.integrations.airflow.links.DriftReportLink",
            "driftkl.integrations.airflow.links.GrafanaDashboardLink",
        ],
        "config": {"driftkl": _config_section()},
    }


def __getattr__(name: str) -> Any:
    """Import the operators and the hook on first use (PEP 562)."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
