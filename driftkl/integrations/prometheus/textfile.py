"""Write a report's metrics for the node_exporter textfile collector (machine-local jobs).

``prometheus_client.write_to_textfile`` writes the file to a temporary name next to the target
and renames it over it, so the collector never reads a half-written file; on any failure the
previous file is left as it was. Unlike driftkl's own atomic writer for reports, it never
creates the folder: a missing folder is an :class:`ExportError`.

Point node_exporter's ``--collector.textfile.directory`` at the folder; the name must end in
``.prom``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import write_to_textfile

from driftkl.errors import ConfigError
from driftkl.integrations.prometheus.errors import ExportError
from driftkl.integrations.prometheus.registry import build_registry

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from driftkl.model.report import DriftReport

__all__ = ["write_textfile"]


def write_textfile(
    reports: DriftReport | Mapping[str, Any] | Iterable[DriftReport | Mapping[str, Any]],
    path: str | Path,
) -> Path:
    """Atomically write the metrics of one report (or one per dataset) to a ``.prom`` file.

    Args:
        reports: a :class:`~driftkl.DriftReport`, its ``to_dict()`` form, or several.
        path: target file; must end in ``.prom``; its folder must exist.

    Returns:
        The path written.

    Raises:
        ConfigError: the name does not end in ``.prom``.
        ExportError: the file could not be written (the message names it; the previous file,
            if any, is unchanged).
    """
    target = Path(path)
    if target.suffix != ".prom":
        raise ConfigError(
            f"textfile {str(target)!r} does not end in '.prom'; node_exporter's textfile "
            "collector would ignore it. Hint: name it e.g. driftkl_orders.prom"
        )
    registry = build_registry(reports)
    try:
        write_to_textfile(str(target), registry)
    except OSError as exc:
        raise ExportError(
            f"could not write the metrics textfile {str(target)!r}: {exc}. The drift report "
            "itself is unaffected. Hint: check that the folder exists and is writable"
        ) from exc
    return target
