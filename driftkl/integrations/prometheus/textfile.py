"""Write a report's metrics for the node_exporter textfile collector (machine-local jobs).

The file is written by driftkl's one atomic writer (:func:`driftkl._files.write_atomic`): a
temporary file beside the target renamed over it, so the collector never reads a half-written
file and on any failure the previous file is left as it was; a symlink is written through, a
directory or device is refused, and the umask decides the mode. Unlike reports, the folder is
never created: a missing folder is an error (at once from :func:`check_textfile_path`, which the
CLI calls before any work; as an :class:`ExportError` when writing).

Point node_exporter's ``--collector.textfile.directory`` at the folder; the name must end in
``.prom``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from prometheus_client import generate_latest

from driftkl._files import output_target, write_atomic
from driftkl.errors import ConfigError
from driftkl.integrations.prometheus.errors import ExportError
from driftkl.integrations.prometheus.registry import build_registry

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from driftkl.model.report import DriftReport

__all__ = ["check_textfile_path", "write_textfile"]


def check_textfile_path(path: str | Path) -> Path:
    """Check a textfile path without writing: ``.prom`` name, existing folder, regular file.

    Returns:
        The path.

    Raises:
        ConfigError: the name does not end in ``.prom``, its folder does not exist, or the
            path is a directory, device or FIFO (also through a symlink).
    """
    target = Path(path)
    if target.suffix != ".prom":
        raise ConfigError(
            f"textfile {str(target)!r} does not end in '.prom'; node_exporter's textfile "
            "collector would ignore it. Hint: name it e.g. driftkl_orders.prom"
        )
    try:
        real = output_target(target)
    except OSError as exc:
        raise ConfigError(f"textfile: {exc}") from exc
    if not real.parent.is_dir():
        raise ConfigError(
            f"the folder of textfile {str(target)!r} does not exist. Hint: create it, or point "
            "--textfile at node_exporter's --collector.textfile.directory"
        )
    return target


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
        check_textfile_path(target)  # raises the ConfigError naming the suffix
    text = generate_latest(build_registry(reports)).decode("utf-8")
    try:
        write_atomic(target, text, make_parents=False)
    except OSError as exc:
        raise ExportError(
            f"could not write the metrics textfile {str(target)!r}: {exc}. The drift report "
            "itself is unaffected. Hint: check that the folder exists and is writable"
        ) from exc
    return target
