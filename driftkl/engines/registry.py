"""Engines by name: the built-in ones and any registered by a package's entry point.

A third-party engine is a class taking an :class:`~driftkl.config.Execution` and implementing
:class:`~driftkl.engines.base.Engine`, declared in its package metadata::

    [project.entry-points."driftkl.engines"]
    ray = "driftkl_ray:RayEngine"

Only the chosen engine's module is imported.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from driftkl._optional import import_optional
from driftkl.errors import ConfigError

if TYPE_CHECKING:
    from driftkl.config import Execution
    from driftkl.engines.base import Engine

__all__ = ["ENTRY_POINT_GROUP", "engine_names", "get_engine"]

ENTRY_POINT_GROUP = "driftkl.engines"
# name -> (module, class, extra that installs its dependencies)
_BUILTIN = {
    "local": ("driftkl.engines.local", "LocalEngine", "core"),
    "dask": ("driftkl.engines.dask", "DaskEngine", "dask"),
    "spark": ("driftkl.engines.spark", "SparkEngine", "spark"),
}


def engine_names() -> tuple[str, ...]:
    """Names of every engine available: built-in first, then entry points.

    >>> engine_names()[:3]
    ('local', 'dask', 'spark')
    """
    plugins = [ep.name for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name not in _BUILTIN]
    return (*_BUILTIN, *sorted(plugins))


def get_engine(execution: Execution) -> Engine:
    """The engine named by ``execution.engine``, built for these execution settings."""
    name = execution.engine
    if name in _BUILTIN:
        module, cls, extra = _BUILTIN[name]
        factory = getattr(import_optional(module, extra=extra, feature=f"engine={name!r}"), cls)
    else:
        found = [ep for ep in entry_points(group=ENTRY_POINT_GROUP) if ep.name == name]
        if not found:
            raise ConfigError(
                f"engine {name!r} is not known; available: {', '.join(engine_names())}. "
                f"Hint: install the package that provides it (entry point group "
                f"{ENTRY_POINT_GROUP!r})."
            )
        factory = found[0].load()
    engine: Engine = factory(execution)
    return engine
