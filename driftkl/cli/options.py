"""Options shared by several subcommands, and their translation into ``driftkl`` keywords."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from driftkl.engines.registry import engine_names
from driftkl.errors import ConfigError

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["add_config_options", "bounded_int", "overrides"]


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer from ``low`` to ``high`` (a usage error otherwise)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}, got {value}")
        return value

    return parse


def add_config_options(p: argparse.ArgumentParser) -> None:
    """The options every data-reading subcommand takes: config, columns, filter, engine."""
    p.add_argument("--config", help="YAML config file (see configs/drift.yaml)")
    p.add_argument("--dataset", help="dataset name used in reports and metric labels")
    p.add_argument("--include", nargs="+", metavar="COLUMN", help="check only these columns")
    p.add_argument("--exclude", nargs="+", metavar="COLUMN", help="never check these columns")
    p.add_argument(
        "--filter",
        action="append",
        nargs=3,
        metavar=("COLUMN", "OP", "VALUE"),
        help="row filter for partitioned Parquet, e.g. --filter dt '>=' 2026-11-01",
    )
    p.add_argument(
        "--engine",
        metavar="NAME",
        help=f"where the work runs: {' | '.join(engine_names())} (default local threads; "
        "dask needs driftkl[dask], see --scheduler)",
    )
    p.add_argument("--threads", type=int, help="local engine threads (default: one per core)")
    p.add_argument("--scheduler", help="dask.distributed scheduler address, e.g. tcp://h:8786")
    p.add_argument(
        "--no-progress",
        action="store_true",
        help="never draw the progress bar (it is drawn only when stderr is a terminal)",
    )


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The keywords of ``driftkl.profile`` / ``driftkl.compare`` set on the command line."""
    out: dict[str, Any] = {
        "dataset": args.dataset,
        "include": args.include,
        "exclude": args.exclude,
        "filter": [list(f) for f in args.filter] if args.filter else None,
    }
    for key in ("direction", "pseudo_count", "engine", "threads", "scheduler"):
        out[key] = getattr(args, key, None)
    base = getattr(args, "base", None)
    if base is not None:
        out["base"] = base if base.lower() == "e" else _float(base, "--base")
    return out


def _float(text: str, flag: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"{flag} must be a number or 'e', got {text!r}") from None
