"""Small helpers shared by the operators: resolve a reference, write a report or profile."""

from __future__ import annotations

import json
import os
from typing import Any

from driftkl._files import write_atomic
from driftkl.integrations.airflow.version_compat import object_storage_path
from driftkl.model.profile import Profile

__all__ = ["resolve_reference", "write_text"]


def resolve_reference(reference: Any) -> Any:
    """Turn a ``*.json`` path into a loaded :class:`~driftkl.Profile`; pass anything else on.

    Args:
        reference: a profile path or object-store URL (``.json``), a Parquet path, a
            ``Profile`` or a DataFrame.

    Returns:
        What :func:`driftkl.compare` accepts as its ``reference``.
    """
    if not isinstance(reference, (str, os.PathLike)) or not os.fspath(reference).endswith(".json"):
        return reference
    where = os.fspath(reference)
    if "://" not in where:
        return Profile.load(where)
    text = object_storage_path(where).read_text(encoding="utf-8")
    return Profile.from_dict(json.loads(text), where=where)


def write_text(target: str | os.PathLike[str], text: str) -> str:
    """Write ``text`` to a local path (atomically) or an object-store URL.

    Local files are written to a temporary file in the same folder and renamed over the target,
    so readers never see half a report. URLs with a scheme (``s3://``, ``gs://``, ``file://``,
    ...) go through Airflow's ``ObjectStoragePath`` and its configured connections.

    Args:
        target: local path or object-store URL; parent folders are created.
        text: the content (UTF-8).

    Returns:
        The path or URL written, as a string.
    """
    where = os.fspath(target)
    if "://" in where:
        path = object_storage_path(where)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return where
    write_atomic(where, text)
    return where
