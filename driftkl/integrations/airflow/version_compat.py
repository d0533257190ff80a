"""Every import that differs between Airflow versions, in one place.

driftkl supports and tests Airflow >= 3.0 (tested on 3.3.x), where DAG authors import from
``airflow.sdk``. The Airflow 2.x fallbacks below keep the modules importable on 2.x (2.10:
``BaseOperator`` from ``airflow.models``, ``Dataset`` instead of ``Asset``), but 2.x is not
tested.
"""

from __future__ import annotations

from typing import Any

from airflow import __version__ as AIRFLOW_VERSION  # noqa: N812 - a constant

__all__ = [
    "AIRFLOW_VERSION",
    "AIRFLOW_V_3_0_PLUS",
    "AirflowFailException",
    "AirflowSkipException",
    "Asset",
    "BaseHook",
    "BaseOperator",
    "BaseOperatorLink",
    "airflow_setting",
    "object_storage_path",
]


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.split(".")[:3]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


AIRFLOW_V_3_0_PLUS: bool = _version_tuple(AIRFLOW_VERSION) >= (3, 0, 0)

if AIRFLOW_V_3_0_PLUS:
    from airflow.sdk import Asset, BaseHook, BaseOperator, BaseOperatorLink, ObjectStoragePath
    from airflow.sdk import conf as airflow_conf
else:  # pragma: no cover - Airflow 2.x is not tested
    from airflow.configuration import (  # type: ignore[assignment, unused-ignore]
        conf as airflow_conf,
    )
    from airflow.datasets import Dataset as Asset  # type: ignore[no-redef, unused-ignore]
    from airflow.hooks.base import (  # type: ignore[no-redef, attr-defined, unused-ignore]
        BaseHook,
    )
    from airflow.io.path import ObjectStoragePath as LegacyObjectStoragePath
    from airflow.models import BaseOperator  # type: ignore[no-redef, unused-ignore]
    from airflow.models.baseoperatorlink import (  # type: ignore[no-redef, unused-ignore]
        BaseOperatorLink,
    )

    # The Airflow 2.x location, which ruff's AIR311 rightly flags everywhere else.
    ObjectStoragePath = LegacyObjectStoragePath  # type: ignore[misc, unused-ignore]  # noqa: AIR311

try:  # Airflow >= 3.1: the exceptions live in the task SDK; airflow.exceptions warns.
    from airflow.sdk.exceptions import AirflowFailException, AirflowSkipException
except ImportError:  # pragma: no cover - Airflow 2.x / 3.0
    from airflow.exceptions import (  # type: ignore[no-redef]
        AirflowFailException,
        AirflowSkipException,
    )


def object_storage_path(url: str) -> Any:
    """An ``ObjectStoragePath`` for ``url`` (``s3://``, ``gs://``, ``file://`` ...)."""
    return ObjectStoragePath(url)


def airflow_setting(key: str, section: str = "driftkl") -> str | None:
    """An option of Airflow's configuration (``[driftkl] <key>``), ``None`` when unset or empty.

    Set it in ``airflow.cfg`` or as ``AIRFLOW__DRIFTKL__<KEY>``.
    """
    value = airflow_conf.get(section, key, fallback=None)
    return str(value) if value else None
