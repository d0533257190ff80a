"""The one guard for optional dependencies (extras)."""

from __future__ import annotations

import importlib
from typing import Any

from driftkl.errors import MissingExtraError

__all__ = ["import_optional"]


def import_optional(module: str, *, extra: str, feature: str) -> Any:
    """Import ``module``, or raise :class:`MissingExtraError` naming ``pip install driftkl[extra]``.

    Args:
        module: the module to import (``"dask.dataframe"``, ``"matplotlib.pyplot"``, ...).
        extra: the driftkl extra that installs it.
        feature: what the user tried to use, for the message.

    >>> import_optional("json", extra="core", feature="reports").__name__
    'json'
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if isinstance(exc, MissingExtraError):
            raise
        raise MissingExtraError(extra, feature, module=exc.name or module) from exc
